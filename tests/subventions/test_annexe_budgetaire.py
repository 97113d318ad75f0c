"""The budget annex of CGCT L2313-1 (SUB-7): the grants voted and the valued in-kind aid of a year, by
beneficiary, as a page, an XLSX file and a PDF rendered by a Celery task (eager without a broker) in
numbered versions, with the figures of the open-data file and of the 23 000 € rule."""

import hashlib
import io
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from comptes.models import Organisation
from conventions.services import aides_annuelles
from roubaix_cs.formats import montant
from roubaix_cs.validators import completer_siret
from subventions import annexe as annexes
from subventions import opendata, services
from subventions.models import DemandeSubvention, GenerationAnnexe, VersionAnnexe
from subventions.services import numeraire_vote

from ..factories import CentreFactory, DemandeFactory, LocalFactory, OrganisationFactory, VersionAnnexeFactory
from ..requetes import garde

pytestmark = pytest.mark.django_db

ANNEE = 2026


def _association(nom, rang):
    return OrganisationFactory(nom=nom, nature=Organisation.Nature.ASSOCIATION, siret=completer_siret(f"8{rang:012d}"))


@pytest.fixture
def reseau():
    """An association running two centres, another with one, grants of the year, premises lent, and what
    must stay out: a grant of another year, one adjourned, one rejected, one only proposed."""
    alma = _association("Association Alma", 1)
    alma_gare = CentreFactory(nom="Centre social Alma-Gare", nom_court="Alma-Gare", organisation=alma)
    alma_nord = CentreFactory(nom="Centre social Alma-Nord", nom_court="Alma-Nord", organisation=alma)
    epeule = CentreFactory(nom="Centre social de l'Épeule", organisation=_association("Association Épeule", 2))
    DemandeFactory(votee=True, centre=alma_gare, objet="Fonctionnement", montant_vote=Decimal("18000.50"))
    DemandeFactory(votee=True, centre=alma_nord, objet="Accueil de loisirs", montant_vote=Decimal("6000"))
    DemandeFactory(votee=True, centre=epeule, objet="Ateliers sociolinguistiques", montant_vote=Decimal("4000"))
    LocalFactory(centre=alma_nord, nom="Maison Alma-Nord", valeur_locative=Decimal("12000"), charges_ville=0)
    DemandeFactory(votee=True, centre=epeule, annee=ANNEE - 1, objet="Subvention d'une autre année")
    DemandeFactory(centre=epeule, statut=DemandeSubvention.Statut.AJOURNEE, objet="Demande ajournée")
    DemandeFactory(centre=epeule, statut=DemandeSubvention.Statut.REJETEE, objet="Demande rejetée")
    DemandeFactory(proposee=True, centre=alma_gare, objet="Demande seulement proposée")
    return {"alma_gare": alma_gare, "alma_nord": alma_nord, "epeule": epeule}


def _par_nom(annexe):
    return {b.nom: b for b in annexe.beneficiaires}


def test_sub_7_two_centres_of_one_association_make_one_beneficiary(reseau):
    annexe = _par_nom(annexes.annexe_de(ANNEE))
    assert set(annexe) == {"Association Alma", "Association Épeule"}
    alma = annexe["Association Alma"]
    assert [c.pk for c in alma.centres] == [reseau["alma_gare"].pk, reseau["alma_nord"].pk]
    assert alma.numeraire == Decimal("24000.50")
    assert alma.nature == Decimal("12000.00")
    assert alma.total == Decimal("36000.50")
    assert [ligne.objet.split(" (")[0] for ligne in alma.lignes] == [
        "Fonctionnement",
        "Accueil de loisirs",
        "Mise à disposition de locaux : Maison Alma-Nord",
    ]
    # The lines add up to the subtotals, which are the 23 000 € rule's figures.
    assert sum(ligne.numeraire for ligne in alma.lignes) == alma.numeraire
    assert sum(ligne.nature for ligne in alma.lignes) == alma.nature


def test_sub_7_only_the_grants_voted_for_the_year_are_listed(reseau):
    objets = {ligne.objet.split(" (")[0] for b in annexes.annexe_de(ANNEE).beneficiaires for ligne in b.lignes}
    assert "Subvention d'une autre année" not in objets
    assert not objets & {"Demande ajournée", "Demande rejetée", "Demande seulement proposée"}
    assert "Subvention d'une autre année" in {
        ligne.objet.split(" (")[0] for b in annexes.annexe_de(ANNEE - 1).beneficiaires for ligne in b.lignes
    }


def test_sub_7_the_annex_equals_the_open_data_file_and_the_23_000_rule(reseau, settings):
    settings.VILLE_SIRET = "21590512800017"
    export = opendata.lignes_scdl(ANNEE)
    scdl = {}
    for ligne in export.lignes:
        cash, nature = scdl.get(ligne["nomBeneficiaire"], (Decimal(0), Decimal(0)))
        if ligne["nature"] == opendata.NUMERAIRE:
            cash += Decimal(ligne["montant"])
        else:
            nature += Decimal(ligne["montant"])
        scdl[ligne["nomBeneficiaire"]] = (cash, nature)
    annexe = annexes.annexe_de(ANNEE)
    assert {b.nom: (b.numeraire, b.nature) for b in annexe.beneficiaires} == scdl
    assert annexe.total == export.total
    for beneficiaire in annexe.beneficiaires:
        centre = beneficiaire.centres[0]
        regle = aides_annuelles(centre=centre, annees=[ANNEE], numeraire={ANNEE: numeraire_vote(centre, ANNEE)})
        assert (regle[ANNEE].numeraire, regle[ANNEE].nature) == (beneficiaire.numeraire, beneficiaire.nature)


def test_sub_7_a_beneficiary_without_siret_is_listed_and_a_municipal_centre_is_not():
    sans = CentreFactory(nom="Centre sans numéro", siret="", rna="")
    DemandeFactory(votee=True, centre=sans, montant_vote=Decimal("1500"))
    regie = CentreFactory(nom="Centre municipal", gestion="municipale", forme_juridique="regie")
    LocalFactory(centre=regie)
    annexe = _par_nom(annexes.annexe_de(ANNEE))
    assert set(annexe) == {"Centre sans numéro"}
    assert annexe["Centre sans numéro"].siret == ""


def test_the_page_lists_beneficiaries_lines_subtotals_and_totals(client_of, elu, reseau):
    response = client_of(elu).get(reverse("subventions:annexe"), {"annee": ANNEE})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="beneficiaire"') == 2
    assert "Sous-total Association Alma" in page
    assert montant(Decimal("36000.50")) in page
    assert montant(Decimal("40000.50")) in page  # 36 000,50 + 4 000
    assert f"?annee={ANNEE}&amp;centre={reseau['alma_nord'].pk}" in page
    assert "Demande ajournée" not in page


def test_the_xlsx_file_reads_back_with_the_same_figures(client_of, agent, reseau):
    response = client_of(agent).get(reverse("subventions:annexe_xlsx", args=[ANNEE]))
    assert response.status_code == 200
    assert "annexe-concours-2026.xlsx" in response["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(response.content))
    resume, detail = classeur.worksheets
    lignes = list(resume.iter_rows(values_only=True))
    assert lignes[0][0] == "Bénéficiaire"
    alma = next(ligne for ligne in lignes if ligne[0] == "Association Alma")
    assert alma[1] == "Association"
    assert alma[5:] == (24000.5, 12000, 36000.5)
    assert lignes[-1][0] == "Total" and lignes[-1][7] == 40000.5
    details = list(detail.iter_rows(values_only=True))
    assert [d[0] for d in details].count("Association Alma") == 3
    assert details[-1][0] == "Total général" and details[-1][8] == 40000.5


def test_partners_and_regisseurs_are_refused(client, partenaire_caf, regisseur, reseau):
    for user in (partenaire_caf, regisseur):
        client.force_login(user)
        assert client.get(reverse("subventions:annexe_xlsx", args=[ANNEE])).status_code == 403
    assert client.get(reverse("subventions:annexe")).status_code == 403


def _beneficiaires():
    """grandir(n): n more beneficiaries, one in two an association running two centres, each centre with
    premises lent and a voted grant."""
    deja = [0]

    def grandir(n):
        for _ in range(n):
            deja[0] += 1
            association = OrganisationFactory() if deja[0] % 2 else None
            for _ in range(2 if association else 1):
                centre = CentreFactory(organisation=association)
                LocalFactory(centre=centre)
                DemandeFactory(votee=True, centre=centre, montant_vote=Decimal("1000"))

    return grandir


@pytest.mark.parametrize("nom", ["page", "xlsx"])
def test_sub_7_the_annex_queries_do_not_grow_with_the_beneficiaries(client_of, elu, nom):
    if nom == "page":
        cle, url, params = "subventions:annexe elu", reverse("subventions:annexe"), {"annee": ANNEE}
    else:
        cle, url, params = "subventions:annexe_xlsx elu", reverse("subventions:annexe_xlsx", args=[ANNEE]), None
    garde(client_of(elu), cle, url, _beneficiaires(), params)


# --- The PDF, rendered in the background ---------------------------------------------------------


@pytest.fixture
def generer(django_capture_on_commit_callbacks):
    """Ask for the year's PDF and run the queued task (eager: no broker in tests)."""

    def lancer(par, annee=ANNEE):
        with django_capture_on_commit_callbacks(execute=True):
            generation = services.demander_annexe_pdf(annee=annee, par=par)
        generation.refresh_from_db()
        return generation

    return lancer


def _texte(version):
    with version.fichier.open("rb") as fichier:
        reader = PdfReader(io.BytesIO(fichier.read()))
    texte = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def test_sub_7_the_task_stores_a_pdf_with_every_beneficiary_and_the_totals(agent, reseau, generer):
    generation = generer(agent)

    assert (generation.statut, generation.tentatives) == (GenerationAnnexe.Statut.TERMINEE, 1)
    version = generation.version
    assert (version.annee, version.numero, version.generee_par) == (ANNEE, 1, agent)
    with version.fichier.open("rb") as fichier:
        assert hashlib.sha256(fichier.read()).hexdigest() == version.sha256
    texte = _texte(version)
    assert "Liste des concours attribués à des tiers en nature ou en subventions" in texte
    assert "Association Alma" in texte and "Association Épeule" in texte
    assert "Maison Alma-Nord" in texte
    assert "Sous-total Association Alma 24 000,50 € 12 000,00 € 36 000,50 €" in texte
    assert "Total général (2 bénéficiaires) 28 000,50 € 12 000,00 € 40 000,50 €" in texte
    assert "Demande ajournée" not in texte and "Subvention d'une autre année" not in texte


def test_each_request_is_a_new_version_and_a_redelivered_task_makes_none(agent, responsable, reseau, generer):
    premiere = generer(agent)
    seconde = generer(responsable)

    services.generer_annexe_pdf(seconde.pk)  # a redelivered task
    services.generer_annexe_pdf(premiere.pk)

    versions = VersionAnnexe.objects.filter(annee=ANNEE)
    assert [(v.numero, v.generee_par) for v in versions] == [(2, responsable), (1, agent)]
    assert premiere.version.fichier.name != seconde.version.fichier.name
    assert GenerationAnnexe.objects.get(pk=seconde.pk).tentatives == 1


def test_the_versions_of_a_year_are_numbered_apart_from_the_others(agent, generer):
    generer(agent, annee=ANNEE - 1)
    assert generer(agent).version.numero == 1


def test_with_a_broker_the_request_only_queues_the_job(
    client_of, agent, monkeypatch, django_capture_on_commit_callbacks
):
    queued, rendus = [], []
    monkeypatch.setattr("subventions.tasks.generer_annexe_pdf.delay", queued.append)
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: rendus.append(a) or b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(agent).post(reverse("subventions:annexe_pdf_generer", args=[ANNEE]))

    assert response.status_code == 302
    assert response.url == f"{reverse('subventions:annexe')}?annee={ANNEE}"
    generation = GenerationAnnexe.objects.get()
    assert queued == [generation.pk]
    assert rendus == []
    assert (generation.annee, generation.statut, generation.demandee_par) == (
        ANNEE,
        GenerationAnnexe.Statut.EN_ATTENTE,
        agent,
    )
    assert not VersionAnnexe.objects.exists()


def test_with_htmx_the_button_returns_the_polling_panel(client_of, agent, monkeypatch):
    monkeypatch.setattr("subventions.tasks.generer_annexe_pdf.delay", lambda pk: None)

    response = client_of(agent).post(
        reverse("subventions:annexe_pdf_generer", args=[ANNEE]), headers={"HX-Request": "true"}
    )

    contenu = response.content.decode()
    assert 'id="annexe-pdf"' in contenu
    assert "En attente" in contenu
    assert 'hx-trigger="every 2s"' in contenu
    assert f'hx-get="{reverse("subventions:annexe_pdf_statut", args=[ANNEE])}"' in contenu


def test_a_year_out_of_the_service_window_is_refused(client_of, agent):
    response = client_of(agent).post(
        reverse("subventions:annexe_pdf_generer", args=[1999]), headers={"HX-Request": "true"}
    )
    assert "Indiquez une année entre" in response.content.decode()
    assert not GenerationAnnexe.objects.exists()


def test_the_annex_page_shows_the_panel_its_versions_and_the_button_to_the_team(client_of, agent, elu, generer):
    generation = generer(agent)
    version = generation.version
    url = reverse("subventions:annexe")

    page = client_of(agent).get(url, {"annee": ANNEE}).content.decode()
    assert 'id="annexe-pdf"' in page
    assert "Terminée" in page and "hx-trigger" not in page
    assert reverse("subventions:annexe_pdf_telecharger", args=[version.pk]) in page
    assert version.sha256 in page
    assert "Générer une nouvelle version" in page

    lue = client_of(elu).get(url, {"annee": ANNEE}).content.decode()
    assert reverse("subventions:annexe_pdf_telecharger", args=[version.pk]) in lue
    assert reverse("subventions:annexe_pdf_generer", args=[ANNEE]) not in lue
    assert "Générer" not in lue

    autre = client_of(agent).get(url, {"annee": ANNEE - 1}).content.decode()
    assert "Aucun PDF n'a encore été généré." in autre
    assert "Générer l'annexe en PDF" in autre


def test_the_status_polls_while_running_and_links_the_version_when_done(client_of, elu, agent):
    generation = GenerationAnnexe.objects.create(
        annee=ANNEE, demandee_par=agent, statut=GenerationAnnexe.Statut.EN_COURS
    )
    url = reverse("subventions:annexe_pdf_statut", args=[ANNEE])

    en_cours = client_of(elu).get(url).content.decode()
    assert "En cours" in en_cours
    assert f'hx-get="{url}"' in en_cours

    services.generer_annexe_pdf(generation.pk)
    fini = client_of(elu).get(url).content.decode()
    assert "Terminée" in fini
    assert "hx-trigger" not in fini
    assert reverse("subventions:annexe_pdf_telecharger", args=[VersionAnnexe.objects.get().pk]) in fini


def test_a_failure_shows_its_message_and_a_retry_button(client_of, agent, generer, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("Ressource externe refusée dans un PDF : file:///etc/passwd")

    monkeypatch.setattr(services, "render_pdf", casse)
    generation = generer(agent)

    assert generation.statut == GenerationAnnexe.Statut.ECHEC
    assert not VersionAnnexe.objects.exists()
    page = client_of(agent).get(reverse("subventions:annexe"), {"annee": ANNEE}).content.decode()
    assert "La génération a échoué : ValueError : Ressource externe refusée dans un PDF" in page
    assert "Relancer" in page


def test_a_transient_error_is_retried_then_succeeds(agent, generer, monkeypatch):
    vraie, appels = services.render_pdf, []

    def instable(*args, **kwargs):
        appels.append(1)
        if len(appels) == 1:
            raise OSError("disque momentanément plein")
        return vraie(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf", instable)
    generation = generer(agent)

    assert (generation.statut, generation.tentatives, len(appels)) == (GenerationAnnexe.Statut.TERMINEE, 2, 2)
    assert generation.version.numero == 1


@pytest.mark.parametrize("persona", ["responsable", "agent", "elu"])
def test_the_team_and_elus_download_a_version(persona, request, client_of):
    version = VersionAnnexeFactory(annee=ANNEE, numero=3)

    response = client_of(request.getfixturevalue(persona)).get(
        reverse("subventions:annexe_pdf_telecharger", args=[version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="annexe-concours-2026-v3.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_elu_reads_but_cannot_request_a_generation(client_of, elu, monkeypatch):
    monkeypatch.setattr("subventions.tasks.generer_annexe_pdf.delay", lambda pk: None)
    client = client_of(elu)

    assert client.get(reverse("subventions:annexe_pdf_statut", args=[ANNEE])).status_code == 200
    assert client.post(reverse("subventions:annexe_pdf_generer", args=[ANNEE])).status_code == 403
    assert not GenerationAnnexe.objects.exists()


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_cannot_read_the_pdf(persona, request, client_of):
    version = VersionAnnexeFactory(annee=ANNEE)
    client = client_of(request.getfixturevalue(persona))

    for url in (
        reverse("subventions:annexe_pdf_telecharger", args=[version.pk]),
        reverse("subventions:annexe_pdf_statut", args=[ANNEE]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("subventions:annexe_pdf_generer", args=[ANNEE])).status_code == 403
    assert not GenerationAnnexe.objects.exists()


def test_the_pdf_status_does_not_grow_with_the_versions(client_of, elu, agent):
    def grandir(n):
        for _ in range(n):
            numero = VersionAnnexe.objects.filter(annee=ANNEE).count() + 1
            version = VersionAnnexeFactory(annee=ANNEE, numero=numero, generee_par=agent)
            GenerationAnnexe.objects.create(
                annee=ANNEE, demandee_par=agent, statut=GenerationAnnexe.Statut.TERMINEE, version=version
            )

    url = reverse("subventions:annexe_pdf_statut", args=[ANNEE])
    garde(client_of(elu), "subventions:annexe_pdf_statut elu", url, grandir)


def test_the_pdf_of_100_beneficiaries_in_the_background(agent, generer):
    """No timing assertion: the figure is printed (pytest -s) for the record, the request being out of it."""
    _beneficiaires()(100)
    services.render_pdf("pdf/annexe_budgetaire.html", {"annexe": annexes.annexe_de(ANNEE), "edite_le": None})
    debut = time.perf_counter()  # fonts loaded once per process, above
    generation = generer(agent)
    duree = time.perf_counter() - debut
    assert generation.statut == GenerationAnnexe.Statut.TERMINEE
    with generation.version.fichier.open("rb") as fichier:
        pages = len(PdfReader(io.BytesIO(fichier.read())).pages)
    assert pages >= 2
    print(f"PDF de l'annexe en tâche de fond, 100 bénéficiaires : {duree:.2f} s, {pages} pages")  # noqa: T201
