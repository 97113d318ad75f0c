"""The yearly report to the political steering committee (pilotage.rapport): a PDF rendered by a Celery
task (eager without a broker) in numbered versions per year, with the dashboard's figures
(`chiffres_de_l_annee`), the centres' own records in the SENACS sections, one sheet per centre and
charts drawn as SVG on the server; the page that lists the versions, for the team and the élus."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from centres.models import Contact, Document
from comptes.models import Organisation, Role
from conventions.models import Convention
from pilotage import rapport, services
from pilotage.chiffres import chiffres_de_l_annee
from pilotage.models import GenerationRapportAnnuel, VersionRapportAnnuel
from roubaix_cs.formats import montant, nombre
from roubaix_cs.graphiques import COULEUR_NEGATIF

from ..factories import (
    AgrementFactory,
    AssembleeGeneraleFactory,
    CentreFactory,
    ContactFactory,
    ConventionFactory,
    DemandeFactory,
    DocumentFactory,
    IndicateursAnnuelsFactory,
    OrganisationFactory,
    UserFactory,
    VersementFactory,
    VersionRapportAnnuelFactory,
)
from ..partage import calcule_une_fois
from ..requetes import GRAND, PETIT, garde, requetes_de, verifier

pytestmark = pytest.mark.django_db

ANNEE = 2026


def _normaliser(texte):
    """Text as pypdf gives it back: any run of spaces (the non-breaking ones too) as one space."""
    return " ".join(texte.replace("\u202f", " ").replace("\u00a0", " ").split())


def _pages(contenu):
    return [_normaliser(page.extract_text()) for page in PdfReader(io.BytesIO(contenu)).pages]


def _contenu(version):
    with version.fichier.open("rb") as fichier:
        return fichier.read()


def _generer(par, annee=ANNEE):
    """The task's body, as the worker runs it."""
    generation = GenerationRapportAnnuel.objects.create(annee=annee, demandee_par=par)
    return services.generer_rapport_annuel(generation.pk)


def _reseau():
    """Three centres: the Alma (an association's, followed by two partners, its figures of two years, a
    deficit, its agréments, AG, projet social, director, a convention signed with three parties, a grant
    voted and half paid), the Pile (one year of figures, a late AG) and the Trois-Ponts (no figures)."""
    caf = OrganisationFactory(nom="CAF du Nord", nature=Organisation.Nature.CAF)
    departement = OrganisationFactory(nom="Département du Nord", nature=Organisation.Nature.DEPARTEMENT)
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    association = OrganisationFactory(nom="Association Alma", nature=Organisation.Nature.ASSOCIATION)
    alma = CentreFactory(
        nom="Centre social de l'Alma",
        nom_court="CS Alma",
        organisation=association,
        code_qpv="QN05912M",
        partenaires=[caf, departement],
    )
    pile = CentreFactory(nom="Centre social du Pile", nom_court="CS Pile", partenaires=[caf])
    trois_ponts = CentreFactory(nom="Centre social des Trois-Ponts", nom_court="CS Trois-Ponts")
    IndicateursAnnuelsFactory(centre=alma, annee=2024, usagers=1000, benevoles=40)
    IndicateursAnnuelsFactory(
        centre=alma,
        annee=2025,
        usagers=1150,
        benevoles=44,
        heures_benevolat=4400,
        administrateurs=12,
        partenaires=25,
        charges_total=Decimal("830000.00"),
        produits_total=Decimal("810000.00"),
    )
    IndicateursAnnuelsFactory(centre=pile, annee=2025, usagers=640, salaries=11, etp=Decimal("8.50"))
    AgrementFactory(centre=alma, debut=datetime.date(2024, 1, 1))
    AgrementFactory(centre=alma, acf=True, debut=datetime.date(2024, 1, 1))
    AgrementFactory(centre=pile, debut=datetime.date(2023, 7, 1))
    AssembleeGeneraleFactory(centre=alma, exercice=2025, date=datetime.date(2026, 6, 12))
    AssembleeGeneraleFactory(centre=pile, exercice=2025, date=datetime.date(2026, 9, 3), comptes_approuves=None)
    DocumentFactory(centre=alma, type=Document.Type.PROJET_SOCIAL, titre="Projet social 2024-2027")
    ContactFactory(centre=alma, prenom="Fatima", nom="Martin")
    ContactFactory(centre=alma, qualite=Contact.Qualite.PRESIDENT, prenom="Olivier", nom="Diallo")
    ConventionFactory(centre=alma, statut=Convention.Statut.EN_COURS, parties=[ville, caf, departement, association])
    alma_2026 = DemandeFactory(votee=True, centre=alma, montant_vote=Decimal("18000.00"))
    VersementFactory(demande=alma_2026, montant=Decimal("9000.00"))
    DemandeFactory(votee=True, centre=pile, montant_vote=Decimal("12500.00"))
    DemandeFactory(proposee=True, centre=pile, montant_propose=Decimal("5000.00"))  # not voted: not counted
    return {"alma": alma, "pile": pile, "trois_ponts": trois_ponts}


@dataclass(frozen=True)
class Rendu:
    """The report of the network, rendered once: its pages' text, its HTML, the figures it must show."""

    pages: list
    html: str
    numero: int
    centres: dict  # {key: (name, short name)}
    attendus: dict  # figures, as the report writes them (its text's spaces normalised)


@calcule_une_fois
def rendu():
    reseau = _reseau()
    agent = UserFactory(role=Role.AGENT)
    generation = _generer(agent)
    jour = timezone.localdate()
    chiffres = chiffres_de_l_annee(ANNEE, user=agent, jour=jour)
    total = chiffres.centres.total.chiffres
    return Rendu(
        pages=_pages(_contenu(generation.version)),
        html=render_to_string(services.GABARIT_RAPPORT, rapport.contexte_pdf(ANNEE, edite_le=jour, lecteur=agent)),
        numero=generation.version.numero,
        centres={cle: (c.nom, c.libelle_court) for cle, c in reseau.items()},
        attendus={
            cle: _normaliser(str(valeur))
            for cle, valeur in {
                "vote": montant(chiffres.subventions.total.vote),
                "verse": montant(chiffres.subventions.total.verse),
                "annee_chiffres": chiffres.centres.annee,
                "usagers": nombre(total["usagers"].valeur),
                "variation_usagers": nombre(total["usagers"].variation),
                "benevoles": nombre(total["benevoles"].valeur),
                "etp": nombre(total["etp"].valeur),
                "produits": montant(total["produits_total"].valeur),
                "resultat": montant(total["resultat"].valeur),
                "conventions": chiffres.conventions.total.nombre,
            }.items()
        },
    )


def _page(rendu, debut):
    """The page that opens with the heading `debut` (after its running head)."""
    trouvees = [p for p in rendu.pages if debut in p[:200]]
    assert len(trouvees) == 1, (debut, [p[:120] for p in rendu.pages])
    return trouvees[0]


def test_the_key_figures_are_the_dashboards(rendu):
    attendus = rendu.attendus
    page = _page(rendu, "Chiffres clés 2026")
    assert attendus["annee_chiffres"] == "2025"  # the last year with figures, as the dashboard shows
    assert f"{attendus['vote']} de subventions votées pour 2026 (2 subventions)" in page
    assert f"{attendus['verse']} versés à ce jour" in page
    assert attendus["vote"] == "30 500,00 €" and attendus["verse"] == "9 000,00 €"
    assert f"{attendus['usagers']} Usagers en 2025 +{attendus['variation_usagers']} % par rapport à 2024" in page
    assert attendus["usagers"] == "1 790"  # 1 150 + 640
    for cle, libelle in [("benevoles", "Bénévoles"), ("etp", "ETP"), ("produits", "Produits")]:
        assert f"{attendus[cle]} {libelle} en 2025" in page
    assert f"{attendus['resultat']} Résultat en 2025" in page
    assert f"{attendus['conventions']} convention couvrant 2026" in page
    assert "3 centres sociaux suivis par la Mission" in page


def test_the_finances_show_the_grants_of_the_dashboard_and_the_centres_accounts(rendu):
    finances = _page(rendu, "Finances")
    assert "Centre social de l'Alma 18 000,00 € 18 000,00 € 9 000,00 €" in finances
    assert "Centre social du Pile 12 500,00 € 12 500,00 € 0,00 €" in finances
    assert f"Total 30 500,00 € {rendu.attendus['vote']} {rendu.attendus['verse']}" in finances
    assert "5 000,00" not in finances  # a proposal is not a grant voted
    suite = " ".join(rendu.pages)
    assert "CS Alma 830 000,00 € 810 000,00 € -20 000,00 €" in suite  # the deficit of its accounts


def test_the_senacs_sections_read_the_centres_records(rendu):
    projets = _page(rendu, "Les projets des centres")
    assert "En 2026, 2 centres sur 3 sont agréés" in projets
    assert "CS Alma 01/01/2024 → 31/12/2027 01/01/2024 → 31/12/2027 Projet social 2024-2027" in projets
    dynamiques = _page(rendu, "Dynamiques locales et partenariales")
    assert "CAF du Nord, Département du Nord" in dynamiques
    assert "(QPV QN05912M) 25 6 CAF du Nord, Département du Nord" in dynamiques
    assert "avec 45 partenaires opérationnels (institutions, associations, écoles…) et accueillent 12 associations" in (
        dynamiques
    )
    assert "Ville de Roubaix, CAF du Nord, Département du Nord, Association Alma" in dynamiques
    assert "1 a en 2026 une convention signée avec plusieurs financeurs" in dynamiques
    democratie = _page(rendu, "Vie démocratique et gouvernance")
    assert "22 administrateurs, réunis en 12 conseils d'administration, 84 bénévoles d'activité pour 8 400 heures" in (
        democratie
    )
    assert "CS Alma 12 6 44 4 400 le 12/06/2026, exercice 2025 : comptes approuvés" in democratie
    assert "CS Pile 10 6 40 4 000 le 03/09/2026, exercice 2025 : approbation non renseignée, après le 30 juin" in (
        democratie
    )
    assert "Ponts — — — — aucune" in democratie  # the Trois-Ponts sent no figures, held no AG
    rh = _page(rendu, "Ressources humaines")
    assert "CS Pile 11 8,5 500 000,00 € 62,5 %" in rh


def test_each_centre_has_its_sheet_with_its_figures_over_the_years(rendu):
    fiches = [p for p in rendu.pages if "Présidence" in p]
    assert len(fiches) == 3
    for nom, _ in rendu.centres.values():
        assert sum(nom in fiche[:120] for fiche in fiches) == 1, nom
    alma = next(f for f in fiches if rendu.centres["alma"][0] in f[:120])
    assert "Direction Fatima Martin Présidence Olivier Diallo" in alma
    assert "Usagers distincts — 1 000 1 150" in alma
    assert "Heures de bénévolat — 4 000 4 400" in alma
    assert "Subventions 2026 18 000,00 € votés, 9 000,00 € versés" in alma
    trois_ponts = next(f for f in fiches if rendu.centres["trois_ponts"][0] in f[:120])
    assert "Le centre n'a pas encore transmis de chiffres annuels." in trois_ponts
    assert "aucune votée" in trois_ponts


def test_the_charts_are_inlined_svg_described_for_screen_readers(rendu):
    # The network's four (grants, volunteers, FTEs, results), then two per sheet.
    assert rendu.html.count("<svg ") == 4 + 2 * 3
    assert rendu.html.count('role="img"') == rendu.html.count("<svg ")
    assert '<desc id="subventions-par-centre-desc">CS Alma : 18\u202f000\u00a0€ ; CS Pile : 12\u202f500\u00a0€.' in (
        rendu.html
    )
    resultats = rendu.html.split('aria-labelledby="resultats-par-centre-titre')[1].split("</svg>")[0]
    assert f'fill="{COULEUR_NEGATIF}"><title>CS Alma : -20\u202f000\u00a0€</title>' in resultats  # the deficit
    assert "CS Trois-Ponts" not in resultats  # no figures, no bar


def test_the_report_holds_no_internal_note_and_numbers_its_pages(rendu):
    texte = " ".join(rendu.pages)
    assert "Note interne du service" not in texte
    assert "Projet solide" not in texte  # the grants' analysis note
    assert f"Page 1 / {len(rendu.pages)}" not in rendu.pages[0]  # the cover has no running head
    assert f"Page 2 / {len(rendu.pages)}" in rendu.pages[1]
    premiere_fiche = next(n for n, page in enumerate(rendu.pages, 1) if "Présidence" in page)
    assert f"Fiches des centres {premiere_fiche}" in _normaliser(rendu.pages[0].replace(".", ""))  # contents
    assert rendu.numero == 1


def test_a_closed_centre_keeps_its_sheet_for_the_year_it_has_figures():
    ferme_avec = CentreFactory(nom="Centre fermé en 2026", statut="ferme")
    IndicateursAnnuelsFactory(centre=ferme_avec, annee=2025)
    CentreFactory(nom="Centre fermé depuis longtemps", statut="ferme")
    ouvert = CentreFactory(nom="Centre ouvert")

    donnees = rapport.donnees_des_centres(ANNEE, exercice=2025)

    assert [f.centre for f in donnees.fiches] == [ferme_avec, ouvert]
    assert donnees.fiches[0].courant.annee == 2025 and donnees.fiches[1].courant is None
    assert [f.centre for f in rapport.donnees_des_centres(ANNEE, exercice=None).fiches] == [ouvert]


# --- The job: versions, failures, the request only queues ----------------------------------------


@pytest.fixture
def generer(django_capture_on_commit_callbacks):
    """Ask for the year's report and run the queued task (eager: no broker in tests)."""

    def lancer(par, annee=ANNEE):
        with django_capture_on_commit_callbacks(execute=True):
            generation = services.demander_rapport_annuel(annee=annee, par=par)
        generation.refresh_from_db()
        return generation

    return lancer


def test_the_task_stores_version_1_then_2_and_a_redelivered_task_makes_none(agent, responsable, generer):
    premiere = generer(agent)
    seconde = generer(responsable)

    services.generer_rapport_annuel(premiere.pk)  # a redelivered task

    assert (premiere.statut, premiere.tentatives) == (GenerationRapportAnnuel.Statut.TERMINEE, 1)
    versions = VersionRapportAnnuel.objects.filter(annee=ANNEE)
    assert [(v.numero, v.generee_par) for v in versions] == [(2, responsable), (1, agent)]
    assert premiere.version.fichier.name != seconde.version.fichier.name
    assert _contenu(seconde.version).startswith(b"%PDF")
    assert "Chiffres clés 2026" in _pages(_contenu(seconde.version))[1]
    assert generer(agent, annee=ANNEE - 1).version.numero == 1  # numbered per year


def test_a_failure_is_shown_in_french_with_a_retry_button(client_of, agent, generer, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("Ressource externe refusée dans un PDF : file:///etc/passwd")

    monkeypatch.setattr(services, "render_pdf", casse)
    generation = generer(agent)

    assert generation.statut == GenerationRapportAnnuel.Statut.ECHEC
    assert generation.erreur == "ValueError : Ressource externe refusée dans un PDF : file:///etc/passwd"
    assert not VersionRapportAnnuel.objects.exists()
    page = client_of(agent).get(reverse("pilotage:rapport"), {"annee": ANNEE}).content.decode()
    assert "La génération a échoué : ValueError : Ressource externe refusée dans un PDF" in page
    assert "Relancer" in page


def test_with_a_broker_the_request_only_queues_the_job(
    client_of, agent, monkeypatch, django_capture_on_commit_callbacks
):
    queued, rendus = [], []
    monkeypatch.setattr("pilotage.tasks.generer_rapport_annuel.delay", queued.append)
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: rendus.append(a) or b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(agent).post(reverse("pilotage:rapport_generer", args=[ANNEE]))

    assert response.status_code == 302
    assert response.url == f"{reverse('pilotage:rapport')}?annee={ANNEE}"
    generation = GenerationRapportAnnuel.objects.get()
    assert queued == [generation.pk]
    assert rendus == []
    assert (generation.annee, generation.statut, generation.demandee_par) == (
        ANNEE,
        GenerationRapportAnnuel.Statut.EN_ATTENTE,
        agent,
    )


def test_with_htmx_the_button_returns_the_polling_panel(client_of, agent, monkeypatch):
    monkeypatch.setattr("pilotage.tasks.generer_rapport_annuel.delay", lambda pk: None)

    response = client_of(agent).post(reverse("pilotage:rapport_generer", args=[ANNEE]), headers={"HX-Request": "true"})

    contenu = response.content.decode()
    assert 'id="rapport-pdf"' in contenu
    assert "En attente" in contenu
    assert f'hx-get="{reverse("pilotage:rapport_statut", args=[ANNEE])}"' in contenu


def test_a_year_out_of_the_service_window_is_refused(client_of, agent):
    response = client_of(agent).post(reverse("pilotage:rapport_generer", args=[1999]), headers={"HX-Request": "true"})
    assert "Indiquez une année entre" in response.content.decode()
    assert not GenerationRapportAnnuel.objects.exists()


# --- The page and who may do what ----------------------------------------------------------------


def test_the_page_lists_the_years_versions_and_the_button_to_the_team(client_of, agent, elu):
    version = VersionRapportAnnuelFactory(annee=ANNEE, numero=1, generee_par=agent)
    GenerationRapportAnnuel.objects.create(
        annee=ANNEE, demandee_par=agent, statut=GenerationRapportAnnuel.Statut.TERMINEE, version=version
    )
    VersionRapportAnnuelFactory(annee=ANNEE - 1, numero=1)
    url = reverse("pilotage:rapport")

    page = client_of(agent).get(url, {"annee": ANNEE}).content.decode()
    assert "Rapport annuel 2026 au comité de pilotage politique" in page
    assert "Terminée" in page and "hx-trigger" not in page
    assert reverse("pilotage:rapport_telecharger", args=[version.pk]) in page
    assert "Générer une nouvelle version" in page
    assert page.count(">Télécharger<") == 1  # not the other year's

    lue = client_of(elu).get(url, {"annee": ANNEE}).content.decode()
    assert reverse("pilotage:rapport_telecharger", args=[version.pk]) in lue
    assert reverse("pilotage:rapport_generer", args=[ANNEE]) not in lue

    vide = client_of(elu).get(url, {"annee": ANNEE - 2}).content.decode()
    assert "Aucun PDF n'a encore été généré." in vide
    assert "Le rapport est établi par l'équipe de la Mission" in vide
    assert "Générer le rapport" in client_of(agent).get(url, {"annee": ANNEE - 2}).content.decode()


def test_a_year_the_service_does_not_handle_shows_this_years_page(client_of, elu):
    page = client_of(elu).get(reverse("pilotage:rapport"), {"annee": "1999"}).content.decode()
    assert f"Rapport annuel {timezone.localdate().year} au comité de pilotage politique" in page
    assert 'value="1999"' not in page


def test_the_dashboard_links_to_the_years_report(client_of, elu):
    page = client_of(elu).get(reverse("pilotage:tableau_de_bord"), {"annee": ANNEE}).content.decode()
    assert f"{reverse('pilotage:rapport')}?annee={ANNEE}" in page


def test_the_page_is_in_the_menu_of_the_team_and_the_elus(client_of, agent, elu, regisseur):
    for user in (agent, elu):
        assert reverse("pilotage:rapport") in client_of(user).get(reverse("accueil")).content.decode()
    assert reverse("pilotage:rapport") not in client_of(regisseur).get(reverse("accueil")).content.decode()


def test_the_status_polls_while_running_and_links_the_version_when_done(client_of, elu, agent, monkeypatch):
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: b"%PDF-1.4 rapport")
    generation = GenerationRapportAnnuel.objects.create(
        annee=ANNEE, demandee_par=agent, statut=GenerationRapportAnnuel.Statut.EN_COURS
    )
    url = reverse("pilotage:rapport_statut", args=[ANNEE])

    en_cours = client_of(elu).get(url).content.decode()
    assert "En cours" in en_cours and f'hx-get="{url}"' in en_cours

    services.generer_rapport_annuel(generation.pk)
    fini = client_of(elu).get(url).content.decode()
    assert "Terminée" in fini and "hx-trigger" not in fini
    assert reverse("pilotage:rapport_telecharger", args=[VersionRapportAnnuel.objects.get().pk]) in fini


@pytest.mark.parametrize("persona", ["responsable", "agent", "elu"])
def test_the_team_and_elus_download_a_version(persona, request, client_of):
    version = VersionRapportAnnuelFactory(annee=ANNEE, numero=3)

    response = client_of(request.getfixturevalue(persona)).get(
        reverse("pilotage:rapport_telecharger", args=[version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-annuel-2026-v3.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_elu_reads_but_cannot_request_a_generation(client_of, elu, monkeypatch):
    monkeypatch.setattr("pilotage.tasks.generer_rapport_annuel.delay", lambda pk: None)
    client = client_of(elu)

    assert client.get(reverse("pilotage:rapport")).status_code == 200
    assert client.get(reverse("pilotage:rapport_statut", args=[ANNEE])).status_code == 200
    assert client.post(reverse("pilotage:rapport_generer", args=[ANNEE])).status_code == 403
    assert not GenerationRapportAnnuel.objects.exists()


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_cannot_read_the_report(persona, request, client_of, monkeypatch):
    monkeypatch.setattr("pilotage.tasks.generer_rapport_annuel.delay", lambda pk: None)
    version = VersionRapportAnnuelFactory(annee=ANNEE)
    client = client_of(request.getfixturevalue(persona))

    for url in (
        reverse("pilotage:rapport"),
        reverse("pilotage:rapport_telecharger", args=[version.pk]),
        reverse("pilotage:rapport_statut", args=[ANNEE]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("pilotage:rapport_generer", args=[ANNEE])).status_code == 403
    assert not GenerationRapportAnnuel.objects.exists()


# --- Query guards: the page and the task do not grow with the centres, the years or the versions --


def _grandir():
    """grandir(n): n more centres, each with three years of figures, its agréments, an AG of the year and
    one of the year before, a partner, a director, a projet social, a convention signed with its
    parties, a grant voted and paid this year and one the year before; and n more versions of the
    report, this year's and the year before's."""
    caf = OrganisationFactory(nom="CAF du Nord", nature=Organisation.Nature.CAF)
    agent = UserFactory(role=Role.AGENT)

    def grandir(n):
        for _ in range(n):
            centre = CentreFactory(partenaires=[caf], organisation=OrganisationFactory())
            for annee in (2023, 2024, 2025):
                IndicateursAnnuelsFactory(centre=centre, annee=annee)
            AgrementFactory(centre=centre)
            AgrementFactory(centre=centre, acf=True)
            AssembleeGeneraleFactory(centre=centre, exercice=2025, date=datetime.date(2026, 6, 1))
            AssembleeGeneraleFactory(centre=centre, exercice=2024, date=datetime.date(2025, 6, 1))
            ContactFactory(centre=centre)
            DocumentFactory(centre=centre, type=Document.Type.PROJET_SOCIAL)
            ConventionFactory(centre=centre, statut=Convention.Statut.EN_COURS, parties=[caf, centre.organisation])
            for annee in (ANNEE - 1, ANNEE):
                VersementFactory(demande=DemandeFactory(votee=True, centre=centre, annee=annee))
            for annee in (ANNEE - 1, ANNEE):
                numero = VersionRapportAnnuel.objects.filter(annee=annee).count() + 1
                version = VersionRapportAnnuelFactory(annee=annee, numero=numero, generee_par=agent)
                GenerationRapportAnnuel.objects.create(
                    annee=annee, demandee_par=agent, statut=GenerationRapportAnnuel.Statut.TERMINEE, version=version
                )

    return grandir


@pytest.mark.parametrize(
    ("cle", "url", "params"),
    [
        ("pilotage:rapport elu", "pilotage:rapport", {"annee": ANNEE}),
        ("pilotage:rapport agent", "pilotage:rapport", {"annee": ANNEE}),
        ("pilotage:rapport_statut elu", "pilotage:rapport_statut", None),
    ],
)
def test_the_page_and_its_panel_do_not_grow_with_the_versions(client_of, elu, agent, cle, url, params):
    lecteur = elu if cle.endswith("elu") else agent
    chemin = reverse(url, args=[] if params else [ANNEE])
    garde(client_of(lecteur), cle, chemin, _grandir(), params)


def test_the_task_does_not_grow_with_the_centres_or_the_years(agent, monkeypatch):
    """The whole task, its template rendered (a query hidden in it would count), WeasyPrint left out."""
    monkeypatch.setattr(services, "render_pdf", lambda gabarit, contexte: render_to_string(gabarit, contexte).encode())
    grandir = _grandir()

    def compter():
        generation = GenerationRapportAnnuel.objects.create(annee=ANNEE, demandee_par=agent)
        return requetes_de(lambda: services.generer_rapport_annuel(generation.pk))

    grandir(PETIT)
    petit = compter()
    grandir(GRAND - PETIT)
    verifier(
        {"pilotage.services.generer_rapport_annuel": (petit, compter())}, "pilotage.services.generer_rapport_annuel"
    )
