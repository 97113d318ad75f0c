"""Open data (OD-1..5): the SCDL « subventions » CSV (v2.1.1), validated against the schema with frictionless.

The schema is the one the app ships (subventions/schemas, v2.1.1, a copy of the national one); frictionless
must not touch the network, so every socket connection fails in this module.
"""

import csv
import datetime
import io
import json
import logging
import re
import socket
from decimal import Decimal

import pytest
from django.urls import reverse
from frictionless import Resource, Schema

from comptes.models import Organisation
from conventions.models import Convention, Partie
from roubaix_cs.validators import completer_siret, valider_siret
from subventions import opendata
from subventions.models import Versement

from ..factories import (
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    DispositifFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = opendata.SCHEMA
VILLE_SIRET = "21590512800017"


@pytest.fixture(autouse=True)
def _hors_ligne(monkeypatch):
    def refuser(*args, **kwargs):
        raise AssertionError(f"Accès réseau interdit pendant les tests open data : {args}")

    monkeypatch.setattr(socket.socket, "connect", refuser)
    monkeypatch.setattr(socket, "create_connection", refuser)


@pytest.fixture(autouse=True)
def _ville(settings):
    settings.VILLE_NOM = "Ville de Roubaix"
    settings.VILLE_SIRET = VILLE_SIRET


def _schema():
    return Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _association(nom, rang):
    return OrganisationFactory(nom=nom, nature=Organisation.Nature.ASSOCIATION, siret=completer_siret(f"8{rang:012d}"))


@pytest.fixture
def reseau(agent):
    """Two associations' centres with 2026 grants, premises lent by the city, and what must stay out."""
    alma = CentreFactory(nom="Centre social de l'Alma", organisation=_association("Association Alma", 1))
    epeule = CentreFactory(nom="Centre social de l'Épeule", organisation=_association("Association Épeule", 2))
    fonctionnement = DemandeFactory(votee=True, centre=alma, montant_vote=Decimal("18000.50"))
    for date, montant in ((datetime.date(2026, 3, 2), "9000"), (datetime.date(2026, 9, 15), "9000.50")):
        Versement.objects.create(
            demande=fonctionnement, type="avance", montant=Decimal(montant), date=date, reference="M", cree_par=agent
        )
    DemandeFactory(votee=True, centre=epeule, objet="Accueil de loisirs", montant_vote=Decimal("4000"))
    LocalFactory(centre=alma, valeur_locative=Decimal("36000"), charges_ville=Decimal("4200"), loyer_facture=0)
    DemandeFactory(proposee=True, centre=epeule)  # not voted: not published
    DemandeFactory(votee=True, centre=epeule, annee=2025)  # another year
    return {"alma": alma, "epeule": epeule, "fonctionnement": fonctionnement}


def _telecharger(client, annee=2026):
    response = client.get(reverse("subventions:scdl", args=[annee]))
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content)


def _lignes(contenu):
    return list(csv.DictReader(io.StringIO(contenu.decode("utf-8"))))


def _erreurs_schema(lignes, champs):
    """frictionless errors of these rows written as CSV: [(type, field name)]."""
    tampon = io.StringIO()
    writer = csv.DictWriter(tampon, fieldnames=champs, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lignes)
    rapport = Resource(data=tampon.getvalue().encode(), format="csv", encoding="utf-8", schema=_schema()).validate()
    return [(erreur.type, getattr(erreur, "field_name", None)) for tache in rapport.tasks for erreur in tache.errors]


@pytest.fixture
def export(client_of, responsable, reseau):
    _, contenu = _telecharger(client_of(responsable))
    return _lignes(contenu)


def _casser(export, champ, valeur):
    return [{**export[0], champ: valeur}, *export[1:]]


# --- The file as a whole --------------------------------------------------------------------------


def test_od_4_the_file_validates_against_the_scdl_schema(client_of, responsable, reseau):
    response, contenu = _telecharger(client_of(responsable))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="subventions-2026.csv"'
    rapport = Resource(data=contenu, format="csv", encoding="utf-8", schema=_schema()).validate()
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    assert rapport.tasks[0].stats["rows"] == 3


def test_od_4_utf8_comma_separated_with_the_schema_field_names_in_order(client_of, responsable, reseau):
    _, contenu = _telecharger(client_of(responsable))
    premiere_ligne = contenu.decode("utf-8").split("\r\n")[0]
    assert premiere_ligne.split(",") == _schema().field_names
    assert not contenu.startswith(b"\xef\xbb\xbf")  # no BOM: the header's first name stays exact
    assert "Centre social de l'Épeule".encode() not in contenu  # the association is named, not the centre
    assert "Association Épeule".encode() in contenu


def test_one_row_per_voted_grant_of_the_year_with_its_voted_amount(export, reseau):
    numeraire = [ligne for ligne in export if ligne["nature"] == "aide en numéraire"]
    assert [(ligne["nomBeneficiaire"], ligne["montant"], ligne["objet"]) for ligne in numeraire] == [
        ("Association Alma", "18000.50", "Fonctionnement général du centre"),
        ("Association Épeule", "4000.00", "Accueil de loisirs"),
    ]
    assert {ligne["nomAttribuant"] for ligne in export} == {"Ville de Roubaix"}
    assert {ligne["referenceDecision"] for ligne in numeraire} == {"2026/042"}
    assert {(ligne["idRAE"], ligne["notificationUE"], ligne["pourcentageSubvention"]) for ligne in export} == {
        ("", "non", "1.00")
    }


def test_od_2_od_3_in_kind_aid_has_its_own_row_carrying_the_valued_amount(export, reseau):
    nature = [ligne for ligne in export if ligne["nature"] == "aide en nature"]
    assert len(nature) == 1
    ligne = nature[0]
    assert ligne["nomBeneficiaire"] == "Association Alma"
    assert ligne["montant"] == "40200.00"  # LOC-2: 36 000 € rental value + 4 200 € charges − 0 € rent
    assert ligne["conditionsVersement"] == "autre"
    assert ligne["datesPeriodeVersement"] == "2026-01-01/2026-12-31"
    assert ligne["objet"].startswith("Aides en nature 2026 valorisées : mise à disposition de locaux (Local ")


def test_no_in_kind_row_when_the_premises_are_rented_at_their_value(client_of, responsable):
    centre = CentreFactory(organisation=_association("Association Sartel", 3))
    LocalFactory(centre=centre, valeur_locative=Decimal("10000"), charges_ville=0, loyer_facture=Decimal("12000"))
    _, contenu = _telecharger(client_of(responsable))
    assert _lignes(contenu) == []


def test_payments_give_the_conditions_and_the_period(export, reseau):
    par_beneficiaire = {ligne["nomBeneficiaire"]: ligne for ligne in export if ligne["nature"] == "aide en numéraire"}
    alma, epeule = par_beneficiaire["Association Alma"], par_beneficiaire["Association Épeule"]
    assert (alma["conditionsVersement"], alma["datesPeriodeVersement"]) == ("échelonné", "2026-03-02/2026-09-15")
    # not paid yet: one payment planned, dated by the vote
    assert (epeule["conditionsVersement"], epeule["datesPeriodeVersement"]) == ("unique", "2026-02-10")


def test_date_convention_is_the_citys_signature_of_the_covering_convention_else_the_vote(
    client_of, responsable, reseau
):
    convention = ConventionFactory(centre=reseau["alma"], statut=Convention.Statut.EN_COURS)
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    EngagementFactory(convention=convention, financeur=ville, annee=2026)  # it states the city's cash (SUB-3)
    Partie.objects.create(convention=convention, organisation=ville, date_signature=datetime.date(2024, 12, 3))
    Partie.objects.create(
        convention=convention, organisation=reseau["alma"].organisation, date_signature=datetime.date(2024, 12, 1)
    )
    _, contenu = _telecharger(client_of(responsable))
    dates = {(ligne["nomBeneficiaire"], ligne["nature"]): ligne["dateConvention"] for ligne in _lignes(contenu)}
    assert dates == {
        ("Association Alma", "aide en numéraire"): "2024-12-03",
        ("Association Alma", "aide en nature"): "2024-12-03",
        ("Association Épeule", "aide en numéraire"): "2026-02-10",  # no convention: the vote date
    }


# --- One test per constraint of the schema --------------------------------------------------------


def test_id_attribuant_is_the_citys_siret_14_digits_and_luhn_valid(export):
    assert {ligne["idAttribuant"] for ligne in export} == {VILLE_SIRET}
    valider_siret(export[0]["idAttribuant"])
    assert ("constraint-error", "idAttribuant") in _erreurs_schema(
        _casser(export, "idAttribuant", "2159051280001"), list(export[0])
    )


def test_id_beneficiaire_is_14_digits_and_luhn_valid(export):
    for ligne in export:
        valider_siret(ligne["idBeneficiaire"])
    erreurs = _erreurs_schema(_casser(export, "idBeneficiaire", "8000000000001A"), list(export[0]))
    assert ("constraint-error", "idBeneficiaire") in erreurs


def test_a_beneficiary_without_a_valid_siret_is_left_out_and_reported(client_of, responsable, reseau, caplog):
    sans_siret = CentreFactory(nom="Centre social sans SIRET", siret="", rna="")
    mauvais = CentreFactory(nom="Centre social au SIRET faux", siret="", rna="")
    DemandeFactory(votee=True, centre=sans_siret)
    demande_mauvais = DemandeFactory(votee=True, centre=mauvais)
    # A SIRET of 14 digits whose Luhn key is wrong, as an import could leave it (no validation on update()).
    type(mauvais).objects.filter(pk=mauvais.pk).update(siret="12345678901234")
    with caplog.at_level(logging.WARNING, logger="subventions.views.donnees"):
        response, contenu = _telecharger(client_of(responsable))
    noms = {ligne["nomBeneficiaire"] for ligne in _lignes(contenu)}
    assert noms == {"Association Alma", "Association Épeule"}
    assert f"demande:{demande_mauvais.pk}" in response["X-SCDL-Lignes-Ecartees"]
    assert "Centre social sans SIRET (Fonctionnement général du centre) : ni SIRET ni numéro RNA" in caplog.text
    assert "Centre social au SIRET faux (Fonctionnement général du centre) : SIRET « 12345678901234 » invalide" in (
        caplog.text
    )


def test_dates_periode_versement_matches_the_pattern(export):
    motif = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?$")
    assert all(motif.match(ligne["datesPeriodeVersement"]) for ligne in export)
    erreurs = _erreurs_schema(_casser(export, "datesPeriodeVersement", "02/03/2026"), list(export[0]))
    assert ("constraint-error", "datesPeriodeVersement") in erreurs


def test_nature_is_one_of_the_enum(export):
    assert {ligne["nature"] for ligne in export} == {"aide en numéraire", "aide en nature"}
    erreurs = _erreurs_schema(_casser(export, "nature", "numéraire"), list(export[0]))
    assert ("constraint-error", "nature") in erreurs


def test_objet_is_at_most_256_characters(client_of, responsable):
    centre = CentreFactory(organisation=_association("Association Hauts-Champs", 4))
    for rang in range(6):
        LocalFactory(centre=centre, nom=f"Salle polyvalente du quartier des Hauts-Champs, bâtiment {rang} " + "x" * 20)
    DemandeFactory(votee=True, centre=centre, objet="o" * 255)
    _, contenu = _telecharger(client_of(responsable))
    lignes = _lignes(contenu)
    assert sorted(len(ligne["objet"]) for ligne in lignes) == [255, 256]
    assert next(ligne for ligne in lignes if ligne["nature"] == "aide en nature")["objet"].endswith("…")
    assert not _erreurs_schema(lignes, list(lignes[0]))
    assert ("constraint-error", "objet") in _erreurs_schema(_casser(lignes, "objet", "o" * 257), list(lignes[0]))


@pytest.mark.parametrize("valeur", ["0", "0.00", "1.01", "-0.5"])
def test_pourcentage_subvention_is_between_0_01_and_1(export, valeur):
    assert {ligne["pourcentageSubvention"] for ligne in export} == {"1.00"}
    erreurs = _erreurs_schema(_casser(export, "pourcentageSubvention", valeur), list(export[0]))
    assert ("constraint-error", "pourcentageSubvention") in erreurs


@pytest.mark.parametrize("valeur", ["true", "Non", "no", ""])
def test_notification_ue_is_oui_or_non(export, valeur):
    assert {ligne["notificationUE"] for ligne in export} == {"non"}
    erreurs = _erreurs_schema(_casser(export, "notificationUE", valeur), list(export[0]))
    assert erreurs and erreurs[0][1] == "notificationUE"


def test_montant_uses_a_point_as_decimal_separator(export):
    assert all(ligne["montant"].count(".") == 1 and "," not in ligne["montant"] for ligne in export)
    erreurs = _erreurs_schema(_casser(export, "montant", "18000,50"), list(export[0]))
    assert ("type-error", "montant") in erreurs


# --- Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("", "Le SIRET de la Ville n'est pas renseigné"),
        ("21590512800018", "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."),
        ("2159051280001", "Le SIRET doit comporter exactement 14 chiffres"),
    ],
)
def test_no_export_without_the_citys_valid_siret(client_of, responsable, reseau, settings, siret, message):
    settings.VILLE_SIRET = siret
    response = client_of(responsable).get(reverse("subventions:scdl", args=[2026]))
    assert response.status_code == 503
    assert not response.streaming
    assert message in response.content.decode().replace("&#x27;", "'")


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf", "regisseur"])
def test_only_the_team_may_download(client_of, request, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(reverse("subventions:scdl", args=[2026])).status_code == 403


def test_od_3_one_in_kind_row_per_beneficiary_for_the_premises_of_all_its_centres(client_of, responsable, reseau):
    """A second centre of the Association Alma, in premises lent by the city too: one in-kind row for the
    association, with the premises of both centres, not one row per centre."""
    second = CentreFactory(nom="Centre social de l'Alma 2", organisation=reseau["alma"].organisation)
    LocalFactory(centre=second, nom="Annexe", valeur_locative=Decimal("6000"), charges_ville=0, loyer_facture=0)
    _, contenu = _telecharger(client_of(responsable))
    nature = [ligne for ligne in _lignes(contenu) if ligne["nature"] == "aide en nature"]
    assert [(ligne["nomBeneficiaire"], ligne["montant"]) for ligne in nature] == [("Association Alma", "46200.00")]
    assert "Annexe" in nature[0]["objet"]


# --- Version 2.1.1 -------------------------------------------------------------------------------


def test_od_4_the_schema_is_version_2_1_1_with_rna_and_dispositif():
    assert _schema().field_names == opendata.CHAMPS
    assert json.loads(SCHEMA.read_text(encoding="utf-8"))["version"] == "2.1.1"
    assert {"rnaBeneficiaire", "dispositifAide"} <= set(opendata.CHAMPS)


def test_od_4_an_association_without_siret_is_published_with_its_rna(client_of, responsable, reseau):
    """2.1.1: the SIRET is no longer required when the RNA number is given."""
    sans_siret = CentreFactory(nom="Centre social du Pile", siret="", rna="W595000123")
    DemandeFactory(votee=True, centre=sans_siret, montant_vote=Decimal("5000"))
    response, contenu = _telecharger(client_of(responsable))
    ligne = next(ligne for ligne in _lignes(contenu) if ligne["nomBeneficiaire"] == "Centre social du Pile")
    assert (ligne["idBeneficiaire"], ligne["rnaBeneficiaire"]) == ("", "W595000123")
    assert "X-SCDL-Lignes-Ecartees" not in response
    rapport = Resource(data=contenu, format="csv", encoding="utf-8", schema=_schema()).validate()
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    assert opendata.verifier(_lignes(contenu)) == []


def test_od_4_rows_carry_the_siret_and_the_rna_when_both_are_known(export, reseau):
    alma = next(ligne for ligne in export if ligne["nomBeneficiaire"] == "Association Alma")
    assert (alma["idBeneficiaire"], alma["rnaBeneficiaire"]) == (
        reseau["alma"].organisation.siret,
        reseau["alma"].rna,
    )


def test_od_4_dispositif_aide_is_the_identifier_of_the_grants_dispositif(client_of, responsable, reseau):
    vvv = DispositifFactory(nom="Ville Vie Vacances", identifiant="VVV-59-ROUBAIX")
    fph = DispositifFactory(nom="Fonds de participation des habitants")  # no identifier
    for dispositif, objet in ((vvv, "Séjours d'été"), (fph, "Fête de quartier")):
        DemandeFactory(votee=True, centre=reseau["alma"], nature="dispositif", dispositif=dispositif, objet=objet)
    _, contenu = _telecharger(client_of(responsable))
    par_objet = {ligne["objet"]: ligne["dispositifAide"] for ligne in _lignes(contenu)}
    assert par_objet["Séjours d'été"] == "VVV-59-ROUBAIX"
    assert par_objet["Fête de quartier"] == ""
    assert par_objet["Fonctionnement général du centre"] == ""


# --- The project's own checks (run by the page), beside frictionless ------------------------------


def test_od_4_the_projects_checks_find_the_file_valid(export):
    assert opendata.verifier(export) == []


def test_od_4_a_wrong_siret_key_is_caught_by_the_projects_checks_not_by_frictionless(export):
    """The schema's custom check « french-siret-value » is not run by frictionless itself."""
    siret = export[0]["idBeneficiaire"]
    faux = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    lignes = _casser(export, "idBeneficiaire", faux)
    assert _erreurs_schema(lignes, opendata.CHAMPS) == []  # 14 digits: the pattern holds
    assert opendata.verifier(lignes) == [
        f"Ligne 2 : « Identification SIRET du bénéficiaire » : la clé de contrôle du SIRET {faux} est fausse."
    ]
    assert opendata.verifier(_casser(export, "idAttribuant", "21590512800018")) == [
        "Ligne 2 : « Identification de l'attribuant » : la clé de contrôle du SIRET 21590512800018 est fausse."
    ]


def test_od_4_a_row_with_neither_siret_nor_rna_is_caught_by_the_projects_checks(export):
    """The schema's custom check « one-of-required »: frictionless lets the row through."""
    lignes = [{**export[0], "idBeneficiaire": "", "rnaBeneficiaire": ""}, *export[1:]]
    assert _erreurs_schema(lignes, opendata.CHAMPS) == []
    assert opendata.verifier(lignes) == [
        "Ligne 2 : il faut « Identification SIRET du bénéficiaire » ou « Identification RNA du bénéficiaire » "
        "(au moins l'un des deux)."
    ]


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("idAttribuant", "2159051280001", "14 chiffres attendus"),
        ("rnaBeneficiaire", "W12345", "la lettre W suivie de 9 chiffres attendue"),
        ("dateConvention", "03/12/2024", "n'est pas une date au format AAAA-MM-JJ"),
        ("dateConvention", "2026-13-01", "n'est pas une date au format AAAA-MM-JJ"),
        ("datesPeriodeVersement", "02/03/2026", "une date AAAA-MM-JJ ou une période"),
        ("nature", "numéraire", "n'est pas permis"),
        ("objet", "o" * 257, "257 caractères, pour 256 au plus"),
        ("pourcentageSubvention", "0", "inférieur au minimum permis"),
        ("pourcentageSubvention", "1.01", "supérieur au maximum permis"),
        ("notificationUE", "Non", "« oui » ou « non » attendu"),
        ("montant", "18000,50", "le séparateur décimal est le point"),
        ("nomBeneficiaire", "", "valeur obligatoire manquante"),
        ("idRAE", "123456", "6 caractères, pour 5 au plus"),
    ],
)
def test_od_4_the_projects_checks_agree_with_frictionless(export, champ, valeur, message):
    lignes = _casser(export, champ, valeur)
    assert any(nom == champ for _, nom in _erreurs_schema(lignes, opendata.CHAMPS))
    (erreur,) = opendata.verifier(lignes)
    titre = next(f["title"] for f in opendata.schema()["fields"] if f["name"] == champ)
    assert erreur.startswith(f"Ligne 2, « {titre} » : ")
    assert message in erreur


def test_od_4_the_projects_checks_want_the_schemas_columns_in_order(export):
    assert opendata.verifier(export, entete=list(reversed(opendata.CHAMPS))) == [
        "Les colonnes du fichier ne sont pas celles du modèle national, dans son ordre."
    ]
