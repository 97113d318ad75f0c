"""The open-data page of the team (OD-1..5, SUB-9): what the year's file publishes and leaves out, its
validity, the conventions above 23 000 € to publish within 3 months of their signature, and the
publications recorded, which close that deadline."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.urls import reverse

from centres.models import Centre
from comptes.models import Organisation
from conventions.models import Convention
from roubaix_cs.formats import montant
from roubaix_cs.listes import APERCU
from roubaix_cs.validators import completer_siret
from subventions import opendata
from subventions.deadlines import upcoming
from subventions.models import PublicationDonnees

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    LocalFactory,
    OrganisationFactory,
    VersementFactory,
    convention_signee_par_la_ville,
)
from ..outils import contenu, messages_de
from ..requetes import garde

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 3, 1, 10, 0))]

VILLE_SIRET = "21590512800017"
URL = reverse("subventions:donnees_ouvertes")


@pytest.fixture(autouse=True)
def _ville(settings):
    settings.VILLE_NOM = "Ville de Roubaix"
    settings.VILLE_SIRET = VILLE_SIRET


def _association(nom, rang):
    return OrganisationFactory(nom=nom, nature=Organisation.Nature.ASSOCIATION, siret=completer_siret(f"8{rang:012d}"))


@pytest.fixture
def annee_2026():
    """Three rows published (62 200,50 €), three aids left out for three reasons."""
    alma = CentreFactory(nom="Centre social de l'Alma", organisation=_association("Association Alma", 1))
    epeule = CentreFactory(nom="Centre social de l'Épeule", organisation=_association("Association Épeule", 2))
    DemandeFactory(votee=True, centre=alma, montant_vote=Decimal("18000.50"))
    LocalFactory(centre=alma, valeur_locative=Decimal("36000"), charges_ville=Decimal("4200"), loyer_facture=0)
    DemandeFactory(votee=True, centre=epeule, objet="Accueil de loisirs", montant_vote=Decimal("4000"))
    DemandeFactory(votee=True, centre=epeule, objet="Projet annulé", montant_vote=Decimal("0"))
    anonyme = CentreFactory(nom="Centre social du Pile", siret="", rna="")
    sans_identifiant = DemandeFactory(votee=True, centre=anonyme, objet="Jardin partagé", montant_vote=Decimal("3000"))
    sartel = CentreFactory(nom="Centre social municipal du Sartel", siret="", gestion=Centre.Gestion.MUNICIPALE)
    LocalFactory(centre=sartel, valeur_locative=Decimal("12000"), charges_ville=0, loyer_facture=0)
    DemandeFactory(votee=True, centre=alma, annee=2025, montant_vote=Decimal("15000"))  # another year
    DemandeFactory(proposee=True, centre=epeule)  # not voted
    return {"alma": alma, "epeule": epeule, "anonyme": anonyme, "sartel": sartel, "sans": sans_identifiant}


def _page(client, annee=2026):
    response = client.get(URL, {"annee": annee})
    assert response.status_code == 200
    return response


# --- The page ------------------------------------------------------------------------------------


def test_od_1_the_page_gives_the_rows_and_the_total_of_the_years_file(client_of, agent, annee_2026):
    response = _page(client_of(agent))
    etat = response.context["etat"]
    assert len(etat.export.lignes) == 3
    assert etat.export.total == Decimal("62200.50")  # 18 000,50 + 40 200 (premises) + 4 000
    page = contenu(response)
    assert "3 lignes" in page
    assert montant(Decimal("62200.50")) in page
    assert f'href="{reverse("subventions:scdl", args=[2026])}"' in page
    assert "Le fichier est conforme au modèle national (version 2.1.1)" in page


def test_od_1_the_page_says_what_is_left_out_and_why_with_a_link(client_of, agent, annee_2026):
    etat = _page(client_of(agent)).context["etat"]
    assert [(e.beneficiaire, e.objet, e.motif) for e in etat.export.ecartees] == [
        ("Association Épeule", "Projet annulé", "montant nul : aucune aide à publier"),
        ("Centre social du Pile", "Jardin partagé", "ni SIRET ni numéro RNA : au moins l'un des deux est exigé"),
        (
            "Centre social municipal du Sartel",
            "aide en nature",
            "centre géré par la Ville elle-même : ses moyens ne sont pas une subvention",
        ),
    ]
    page = contenu(_page(client_of(agent)))
    assert f'<a href="{annee_2026["sans"].get_absolute_url()}">Centre social du Pile</a>' in page
    assert f'<a href="{annee_2026["sartel"].get_absolute_url()}">Centre social municipal du Sartel</a>' in page
    assert "ni SIRET ni numéro RNA : au moins l&#x27;un des deux est exigé" in page


def test_od_1_grants_below_23000_are_published_too(client_of, agent, annee_2026):
    etat = _page(client_of(agent)).context["etat"]
    assert "4000.00" in {ligne["montant"] for ligne in etat.export.lignes}
    assert "ou moins sont publiées aussi" in contenu(_page(client_of(agent)))


def test_the_year_selector_shows_another_year(client_of, agent, annee_2026):
    response = _page(client_of(agent), 2025)
    assert response.context["annees"] == [2026, 2025]
    assert [ligne["montant"] for ligne in response.context["etat"].export.lignes] == ["15000.00", "40200.00"]
    assert '<option value="2025" selected>2025</option>' in contenu(response)


def test_the_page_is_in_the_navigation_bar_of_the_team(client_of, agent, elu):
    assert f'href="{URL}"' in contenu(client_of(agent).get(reverse("accueil")))
    assert f'href="{URL}"' not in contenu(client_of(elu).get(reverse("accueil")))


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf", "regisseur"])
def test_only_the_team_sees_the_page_and_records_publications(client_of, request, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"date": "2026-02-01", "adresse": "https://data.gouv.fr/x"}).status_code == 403
    assert not PublicationDonnees.objects.exists()


def test_the_page_lists_the_errors_of_an_invalid_file_in_french(client_of, agent, annee_2026, monkeypatch):
    vrai = opendata.lignes_scdl

    def casse(annee):
        export = vrai(annee)
        export.lignes[0]["idBeneficiaire"] = export.lignes[0]["idBeneficiaire"][:-1] + "0"
        export.lignes[0]["datesPeriodeVersement"] = "10/02/2026"
        return export

    monkeypatch.setattr(opendata, "lignes_scdl", casse)
    response = _page(client_of(agent))
    assert not response.context["etat"].valide
    page = contenu(response).replace("&#x27;", "'").replace("&quot;", '"')
    assert "Le fichier n'est pas conforme au modèle national (version 2.1.1)" in page
    assert "Ligne 2, « Date ou période de versement » : « 10/02/2026 » : une date AAAA-MM-JJ" in page
    assert "la clé de contrôle du SIRET" in page


def test_at_scale_the_page_shows_the_first_rows_of_each_list_and_links_to_each_whole(client_of, agent, annee_2026):
    # Issue 13: with 1 000 beneficiaries the page gives its counts and totals, the first rows, and the whole.
    for rang in range(APERCU + 2):
        centre = CentreFactory(
            nom=f"Centre {rang:02d}", organisation=_association(f"Association {rang:02d}", 10 + rang)
        )
        DemandeFactory(votee=True, centre=centre, montant_vote=Decimal("1000"))
        DemandeFactory(votee=True, centre=centre, objet="Annulé", montant_vote=Decimal("0"))
    client = client_of(agent)
    response = _page(client)
    lignes, ecartees = APERCU + 2 + 3, APERCU + 2 + 3
    assert (len(response.context["etat"].export.lignes), response.context["apercus"]["lignes"].total) == (
        lignes,
        lignes,
    )
    page = contenu(response)
    assert page.split('id="lignes"', 1)[1].split("</table>", 1)[0].count("<tr>") == APERCU + 1  # + the header
    assert f"{APERCU} sur {lignes} lignes" in page and f"{APERCU} sur {ecartees} aides" in page
    assert f"{lignes} lignes</strong>" in page  # the count of the whole file, above
    assert f'href="{URL}?annee=2026&amp;liste=lignes"' in page
    assert f'href="{URL}?annee=2026&amp;liste=ecartees"' in page
    complete = client.get(URL, {"annee": 2026, "liste": "ecartees"})
    assert complete.status_code == 200 and len(complete.context["page"].object_list) == ecartees
    assert contenu(complete).count("montant nul : aucune aide à publier") == APERCU + 3
    complete = contenu(client.get(URL, {"annee": 2026, "liste": "lignes"}))
    assert all(f"Association {rang:02d}" in complete for rang in range(APERCU + 2))
    assert f'href="{reverse("subventions:scdl", args=[2026])}"' in complete


# --- Without the city's SIRET --------------------------------------------------------------------


def test_without_the_citys_siret_the_page_says_what_to_set_and_where(client_of, agent, annee_2026, settings):
    settings.VILLE_SIRET = ""
    response = _page(client_of(agent))
    page = contenu(response).replace("&#x27;", "'")
    assert "Le SIRET de la Ville n'est pas renseigné" in page
    assert "variable d'environnement" in page and "<code>VILLE_SIRET</code>" in page
    assert "redémarrer l'application" in page
    assert 'href="/subventions/open-data/2026.csv"' not in page  # no download link to a file that cannot exist
    # the conventions and publications stay readable
    assert "Publications de l'exercice 2026" in page


def test_without_the_citys_siret_the_download_answers_a_french_page(client_of, agent, settings):
    settings.VILLE_SIRET = ""
    response = client_of(agent).get(reverse("subventions:scdl", args=[2026]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = contenu(response).replace("&#x27;", "'")
    assert "Fichier des subventions 2026 impossible à produire" in page
    assert "Le SIRET de la Ville n'est pas renseigné" in page and "VILLE_SIRET" in page
    assert f'href="{URL}?annee=2026"' in page


# --- Publications (OD-5) -------------------------------------------------------------------------


def test_od_5_a_publication_records_date_address_rows_total_and_the_files_sha256(client_of, agent, annee_2026):
    client = client_of(agent)
    fichier = b"".join(client.get(reverse("subventions:scdl", args=[2026])).streaming_content)
    adresse = "https://www.data.gouv.fr/fr/datasets/subventions-roubaix-2026/"
    response = client.post(f"{URL}?annee=2026", {"date": "2026-02-20", "adresse": adresse})
    assert response.status_code == 302 and response["Location"] == f"{URL}?annee=2026"
    assert messages_de(response) == [
        f"Publication du 20/02/2026 enregistrée : 3 ligne(s), {montant(Decimal('62200.50'))}."
    ]
    publication = PublicationDonnees.objects.get()
    assert (publication.annee, publication.date, publication.adresse, publication.publiee_par) == (
        2026,
        datetime.date(2026, 2, 20),
        adresse,
        agent,
    )
    assert (publication.nombre_lignes, publication.total) == (3, Decimal("62200.50"))
    assert publication.sha256 == hashlib.sha256(fichier).hexdigest()
    assert publication.history.count() == 1
    page = contenu(_page(client))
    assert f'href="{adresse}"' in page and "20/02/2026" in page


@pytest.mark.parametrize(
    ("donnees", "erreur"),
    [
        ({"date": "2026-03-02", "adresse": "https://data.gouv.fr/x"}, "ne peut pas être dans le futur"),
        ({"date": "2026-02-01", "adresse": "pas une adresse"}, "Saisissez une URL valide"),
        ({"date": "", "adresse": ""}, "Ce champ est obligatoire"),
    ],
)
def test_od_5_a_publication_needs_a_past_date_and_an_address(client_of, agent, annee_2026, donnees, erreur):
    response = client_of(agent).post(f"{URL}?annee=2026", donnees)
    assert response.status_code == 200
    assert erreur in contenu(response)
    assert not PublicationDonnees.objects.exists()


def test_od_5_no_publication_of_an_empty_year(client_of, agent):
    response = client_of(agent).post(f"{URL}?annee=2019", {"date": "2026-02-01", "adresse": "https://data.gouv.fr/x"})
    assert "Le fichier de l&#x27;exercice 2019 n&#x27;a aucune ligne" in contenu(response)
    assert not PublicationDonnees.objects.exists()


def test_od_5_no_publication_without_the_citys_siret(client_of, agent, annee_2026, settings):
    client = client_of(agent)
    settings.VILLE_SIRET = ""
    response = client.post(f"{URL}?annee=2026", {"date": "2026-02-01", "adresse": "https://data.gouv.fr/x"})
    assert "Le SIRET de la Ville n&#x27;est pas configuré" in contenu(response)
    assert not PublicationDonnees.objects.exists()


# --- SUB-9: conventions above 23 000 €, published within 3 months of their signature -------------


def _a_publier(today):
    return [d for d in upcoming(today) if d.kind == "donnees_essentielles"]


def test_sub_9_a_convention_above_23000_is_due_3_months_after_its_signature(annee_2026):
    convention = convention_signee_par_la_ville(
        annee_2026["alma"], signature=datetime.date(2026, 1, 15), montant_ville=Decimal("30000")
    )
    (deadline,) = _a_publier(datetime.date(2026, 3, 1))
    assert deadline.due == datetime.date(2026, 4, 15)
    assert deadline.label.startswith(f"Publier les données de la convention {convention} (")
    assert "signée le 15/01/2026" in deadline.label and "en retard" not in deadline.label
    assert deadline.url == f"{URL}?annee=2026"
    assert deadline.object_key == f"conventions.convention:{convention.pk}"
    assert deadline.centre_id == annee_2026["alma"].pk
    assert "en retard" in _a_publier(datetime.date(2026, 4, 16))[0].label


def test_sub_9_a_warning_30_days_before_the_limit_then_the_limit_from_its_day(annee_2026):
    convention_signee_par_la_ville(
        annee_2026["alma"], signature=datetime.date(2026, 1, 15), montant_ville=Decimal("30000")
    )  # to publish by 15/04/2026
    (avant,) = _a_publier(datetime.date(2026, 4, 14))
    assert (avant.threshold, avant.due) == ("J-30", datetime.date(2026, 4, 15))
    assert avant.label.endswith("signée le 15/01/2026) au plus tard le 15/04/2026")
    (le_jour,) = _a_publier(datetime.date(2026, 4, 15))
    assert (le_jour.threshold, le_jour.due) == ("M+3", datetime.date(2026, 4, 15))
    assert le_jour.label.endswith("— dernier jour")
    (apres,) = _a_publier(datetime.date(2026, 4, 16))
    assert (apres.threshold, apres.label.endswith("— en retard")) == ("M+3", True)


@pytest.mark.parametrize(("montant_ville", "due"), [(Decimal("23000"), False), (Decimal("23000.01"), True)])
def test_sub_9_only_above_23000(annee_2026, montant_ville, due):
    # The city's aid the convention states: its cash, plus the premises it lends (none here).
    convention_signee_par_la_ville(
        annee_2026["epeule"], signature=datetime.date(2026, 1, 15), montant_ville=montant_ville
    )
    assert bool(_a_publier(datetime.date(2026, 3, 1))) is due


def test_sub_9_not_before_1_august_2017_nor_unsigned_by_the_city(annee_2026):
    convention_signee_par_la_ville(
        annee_2026["alma"],
        signature=datetime.date(2017, 7, 31),
        montant_ville=Decimal("90000"),
        debut=datetime.date(2017, 9, 1),
        fin=datetime.date(2020, 12, 31),
    )
    ConventionFactory(centre=annee_2026["epeule"], statut=Convention.Statut.EN_COURS)  # no signature of the city
    assert _a_publier(datetime.date(2026, 3, 1)) == []


def test_sub_9_od_5_a_publication_of_its_year_after_the_signature_closes_the_deadline(client_of, agent, annee_2026):
    convention_signee_par_la_ville(
        annee_2026["alma"], signature=datetime.date(2026, 1, 15), montant_ville=Decimal("30000")
    )
    client = client_of(agent)
    # Not closed by a publication of another year, nor by one before the signature.
    for annee, date in ((2025, "2026-02-01"), (2026, "2026-01-10")):
        client.post(f"{URL}?annee={annee}", {"date": date, "adresse": "https://data.gouv.fr/x"})
    assert PublicationDonnees.objects.count() == 2
    assert len(_a_publier(datetime.date(2026, 3, 1))) == 1
    client.post(f"{URL}?annee=2026", {"date": "2026-02-20", "adresse": "https://data.gouv.fr/x"})
    assert _a_publier(datetime.date(2026, 3, 1)) == []


def test_sub_9_the_page_lists_the_conventions_with_their_deadline(client_of, agent, annee_2026):
    en_retard = convention_signee_par_la_ville(
        annee_2026["alma"], signature=datetime.date(2025, 11, 5), montant_ville=Decimal("30000"),
        debut=datetime.date(2025, 1, 1),
    )  # fmt: skip
    a_temps = convention_signee_par_la_ville(
        annee_2026["epeule"], signature=datetime.date(2026, 1, 15), montant_ville=Decimal("25000")
    )
    client = client_of(agent)
    conventions = _page(client).context["etat"].conventions
    assert [(c.convention, c.echeance, c.publication) for c in conventions] == [
        (en_retard, datetime.date(2026, 2, 5), None),
        (a_temps, datetime.date(2026, 4, 15), None),
    ]
    page = contenu(_page(client))
    assert "05/02/2026" in page and "En retard" in page and "À publier" in page
    client.post(f"{URL}?annee=2026", {"date": "2026-02-20", "adresse": "https://data.gouv.fr/x"})
    conventions = _page(client).context["etat"].conventions
    assert [(c.publication is not None, c.publiee_a_temps) for c in conventions] == [(True, False), (True, True)]
    assert "après l'échéance" in contenu(_page(client))


# --- Queries -------------------------------------------------------------------------------------


def test_the_page_does_not_grow_with_grants_payments_conventions_and_publications(client_of, agent):
    centres = [CentreFactory() for _ in range(3)]
    for centre in centres:
        LocalFactory(centre=centre)

    def grandir(n):
        for i in range(n):
            centre = centres[i % 3]
            demande = DemandeFactory(votee=True, centre=centre, montant_vote=Decimal("1000"))
            VersementFactory.create_batch(2, demande=demande, montant=Decimal("1"), cree_par=agent)
            annee = 2000 + PublicationDonnees.objects.count()
            convention_signee_par_la_ville(centre, signature=datetime.date(2026, 1, 1), montant_ville=Decimal("30000"))
            PublicationDonnees.objects.create(
                annee=annee, date=datetime.date(2026, 1, 2), adresse="https://x.fr", publiee_par=agent,
                nombre_lignes=1, total=Decimal("1"), sha256="0" * 64,
            )  # fmt: skip

    garde(client_of(agent), "subventions:donnees_ouvertes?annee agent", URL, grandir, {"annee": 2026})
