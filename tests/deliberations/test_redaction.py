"""Drafting: numbering, the grants it may carry, SUB-13 for the rapporteur, the text until it is ready."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from deliberations import services
from deliberations.models import Deliberation, Mandat
from roubaix_cs import formats
from subventions.models import DemandeSubvention

from ..factories import DemandeFactory, SeanceFactory
from .conftest import SEANCE, demande_validee

pytestmark = pytest.mark.django_db
DS = DemandeSubvention.Statut


def _rediger(seance, par, **kwargs):
    kwargs.setdefault("demandes", [demande_validee()])
    return services.rediger(seance=seance, objet="Subventions", par=par, **kwargs)


def test_numbers_are_yyyy_nnn_unique_per_year_and_restart_each_year(seance, responsable):
    autre_seance = SeanceFactory(date=datetime.date(2026, 6, 25))
    annee_suivante = SeanceFactory(date=datetime.date(2027, 1, 28))
    references = [
        _rediger(seance, responsable).reference,
        _rediger(autre_seance, responsable).reference,
        _rediger(annee_suivante, responsable).reference,
        _rediger(seance, responsable).reference,
    ]
    assert references == ["2026/001", "2026/002", "2027/001", "2026/003"]


def test_a_duplicate_number_is_refused_in_french(seance, responsable):
    deliberation = _rediger(seance, responsable)
    doublon = Deliberation(seance=seance, annee=2026, numero=deliberation.numero, nature="subventions", objet="x")
    with pytest.raises(ValidationError, match="Ce numéro de délibération existe déjà pour l'année."):
        doublon.full_clean()


@pytest.mark.parametrize("statut", [DS.RECUE, DS.INSTRUCTION, DS.PROPOSEE, DS.VOTEE, DS.REJETEE])
def test_drafting_refuses_grants_that_are_not_validated(seance, responsable, statut):
    demande = DemandeFactory(proposee=True, statut=statut)
    with pytest.raises(ValidationError, match="n'est pas validée"):
        _rediger(seance, responsable, demandes=[demande])
    assert not Deliberation.objects.exists()


def test_the_team_drafts_from_validated_grants_only(client, seance, responsable, deux_demandes, elu_rapporteur):
    proposee = DemandeFactory(proposee=True)
    client.force_login(responsable)
    page = client.get(reverse("deliberations:creer"))
    assert set(page.context["form"].fields["demandes"].queryset) == set(deux_demandes)

    response = client.post(
        reverse("deliberations:creer"),
        {
            "seance": seance.pk,
            "objet": "Subventions de fonctionnement 2026",
            "rapporteur": elu_rapporteur.pk,
            "commission": "Cohésion sociale",
            "date_commission": "2026-03-05",
            "demandes": [d.pk for d in deux_demandes] + [proposee.pk],
        },
    )
    assert response.status_code == 200  # a proposed grant is not a choice
    assert "demandes" in response.context["form"].errors

    response = client.post(
        reverse("deliberations:creer"),
        {
            "seance": seance.pk,
            "objet": "Subventions de fonctionnement 2026",
            "rapporteur": elu_rapporteur.pk,
            "demandes": [d.pk for d in deux_demandes],
        },
    )
    deliberation = Deliberation.objects.get()
    assert response.url == deliberation.get_absolute_url()
    assert deliberation.reference == "2026/001"
    assert {d.statut for d in DemandeSubvention.objects.filter(pk__in=[d.pk for d in deux_demandes])} == {
        DS.DELIBERATION
    }
    assert f"SIRET {deux_demandes[0].centre.siret}" in deliberation.visas
    assert "pour un montant total de 30 500,00 €" in " ".join(deliberation.articles.split())

    detail = client.get(deliberation.get_absolute_url())
    annexe = detail.content.decode()
    assert deux_demandes[1].centre.siret in annexe and "Délibération n° 2026/001" in annexe


def test_a_rapporteur_on_a_beneficiary_board_is_refused_next_to_the_field(
    client, seance, responsable, deux_demandes, elu_administrateur
):
    client.force_login(responsable)
    response = client.post(
        reverse("deliberations:creer"),
        {
            "seance": seance.pk,
            "objet": "Subventions",
            "rapporteur": elu_administrateur.pk,
            "demandes": [deux_demandes[0].pk],
        },
    )
    assert response.status_code == 200
    assert (
        "ne peut pas rapporter cette délibération (article L2131-11 du code général"
        in response.context["form"].errors["rapporteur"][0]
    )
    assert not Deliberation.objects.exists()


def test_the_rapporteur_check_also_applies_when_editing(client, brouillon, responsable, elu_administrateur):
    client.force_login(responsable)
    data = _texte(brouillon, rapporteur=elu_administrateur.pk)
    response = client.post(reverse("deliberations:modifier", args=[brouillon.pk]), data)
    assert "(article L2131-11 du code général" in response.context["form"].errors["rapporteur"][0]


def _texte(deliberation, **changes):
    return {
        "objet": deliberation.objet,
        "rapporteur": deliberation.rapporteur_id or "",
        "commission": deliberation.commission,
        "date_commission": "",
        "visas": deliberation.visas,
        "considerants": deliberation.considerants,
        "articles": deliberation.articles,
        "version_vue": deliberation.version,
        **changes,
    }


def test_texts_stay_editable_until_ready_then_are_refused(client, brouillon, responsable, agent):
    client.force_login(agent)
    url = reverse("deliberations:modifier", args=[brouillon.pk])
    response = client.post(url, _texte(brouillon, considerants="Considérant l'intérêt local ;"))
    assert response.status_code == 302
    brouillon.refresh_from_db()
    assert brouillon.considerants == "Considérant l'intérêt local ;"

    services.marquer_prete(deliberation=brouillon, par=responsable)
    brouillon.refresh_from_db()
    assert client.get(url).url == brouillon.get_absolute_url()
    response = client.post(url, _texte(brouillon, considerants="Changé après coup"), follow=True)
    assert "son texte ne se modifie plus" in response.content.decode()
    brouillon.refresh_from_db()
    assert brouillon.considerants == "Considérant l'intérêt local ;"


def test_only_the_responsable_marks_it_ready(client, brouillon, responsable, agent):
    url = reverse("deliberations:prete", args=[brouillon.pk])
    client.force_login(agent)
    response = client.post(url, follow=True)
    assert "« Marquer prête pour la séance » est réservé à la responsable de service." in response.content.decode()
    brouillon.refresh_from_db()
    assert brouillon.statut == Deliberation.Statut.BROUILLON

    client.force_login(responsable)
    client.post(url)
    brouillon.refresh_from_db()
    assert brouillon.statut == Deliberation.Statut.PRETE


def test_elus_read_the_deliberation_but_never_write(client, brouillon, elu):
    client.force_login(elu)
    page = client.get(brouillon.get_absolute_url()).content.decode()
    assert "Subventions de fonctionnement 2026" in page
    assert "Modifier le texte" not in page and "Marquer prête" not in page
    assert client.post(reverse("deliberations:modifier", args=[brouillon.pk]), _texte(brouillon)).status_code == 403
    assert client.post(reverse("deliberations:prete", args=[brouillon.pk])).status_code == 403


def test_the_preview_shows_the_pdf_content(client, brouillon, agent, deux_demandes):
    client.force_login(agent)
    page = client.get(reverse("deliberations:apercu", args=[brouillon.pk])).content.decode()
    assert "2026/001" in page
    assert deux_demandes[0].centre.siret in page


# --- Mandates (SUB-13) -------------------------------------------------------------------------


def test_an_elu_declares_and_removes_their_own_mandates_only(client, elu, deux_demandes, elu_administrateur):
    organisation = deux_demandes[1].centre.organisation
    client.force_login(elu)
    page = client.get(reverse("deliberations:mandat_liste"))
    assert "elu" not in page.context["form"].fields
    assert list(page.context["mandats"]) == []  # not the other élu's

    # Even naming another élu, the mandate is the user's own.
    client.post(
        reverse("deliberations:mandat_liste"),
        {"organisation": organisation.pk, "elu": elu_administrateur.pk, "fonction": "Trésorier"},
    )
    mandat = Mandat.objects.get(organisation=organisation)
    assert mandat.elu == elu

    autre = Mandat.objects.get(elu=elu_administrateur)
    assert client.post(reverse("deliberations:mandat_supprimer", args=[autre.pk])).status_code == 404
    assert client.post(reverse("deliberations:mandat_supprimer", args=[mandat.pk])).status_code == 302
    assert list(Mandat.objects.all()) == [autre]


def test_the_team_declares_a_mandate_for_any_elu(client, agent, elu, deux_demandes):
    organisation = deux_demandes[1].centre.organisation
    client.force_login(agent)
    response = client.post(
        reverse("deliberations:mandat_liste"), {"elu": elu.pk, "organisation": organisation.pk, "fonction": "Membre"}
    )
    assert response.status_code == 302
    assert Mandat.objects.filter(elu=elu, organisation=organisation).exists()
    response = client.post(
        reverse("deliberations:mandat_liste"), {"elu": elu.pk, "organisation": organisation.pk, "fonction": "Membre"}
    )
    assert "Ce mandat est déjà déclaré." in response.content.decode()
    assert len(client.get(reverse("deliberations:mandat_liste")).context["mandats"]) == 2


def test_the_date_of_the_session_sets_the_year(responsable):
    seance = SeanceFactory(date=datetime.date(2027, 2, 4))
    deliberation = _rediger(seance, responsable, demandes=[demande_validee(Decimal("1000"))])
    assert (deliberation.annee, deliberation.reference) == (2027, "2027/001")
    assert SEANCE.year == 2026


@pytest.mark.parametrize(("annees", "exercice"), [([2027], "2027"), ([2026, 2027], "2026 et 2027")])
def test_the_financial_year_is_the_grants_own_year_not_the_session_s(client, seance, responsable, annees, exercice):
    """A session of 2026 grants 2027's subsidies (voted before the year): the act names 2027."""
    demandes = [demande_validee(annee=annee) for annee in annees]
    deliberation = services.rediger(seance=seance, objet="Subventions", par=responsable, demandes=demandes)
    assert f"Vu le budget de l'exercice {exercice} ;" in deliberation.visas
    assert f"imputées au budget de l'exercice {exercice}." in deliberation.articles
    client.force_login(responsable)
    apercu = client.get(reverse("deliberations:apercu", args=[deliberation.pk])).content.decode()
    assert f"exercice {exercice}</p>" in apercu
    assert f"Annexe — Subventions attribuées (exercice {exercice})" in apercu
    assert "exercice 2026</p>" not in apercu or exercice.startswith("2026")


def test_without_grants_the_financial_year_is_the_session_s(seance):
    assert services.exercice(Deliberation(seance=seance, annee=2026), []) == "2026"


def test_one_beneficiary_reads_in_the_singular_with_its_article(seance, responsable):
    demande = demande_validee()
    demande.centre.organisation.nom = "Association du centre social de l'Alma"
    demande.centre.organisation.save()
    deliberation = services.rediger(seance=seance, objet="Subvention", par=responsable, demandes=[demande])
    assert "Vu la demande de l'Association du centre social de l'Alma" in deliberation.visas
    assert "Considérant que le centre social porte un projet social" in deliberation.considerants
    assert "Considérant que la demande a été instruite" in deliberation.considerants
    assert "D'attribuer aux bénéficiaires figurant en annexe la subvention indiquée" in deliberation.articles


def test_several_beneficiaries_read_in_the_plural(seance, responsable):
    deliberation = services.rediger(
        seance=seance, objet="Subventions", par=responsable, demandes=[demande_validee(), demande_validee()]
    )
    assert "Considérant que les centres sociaux de Roubaix portent" in deliberation.considerants
    assert "Considérant que les demandes ont été instruites" in deliberation.considerants
    assert "les subventions indiquées" in deliberation.articles


@pytest.mark.parametrize("saisie", ["Cohésion sociale", "Commission Cohésion sociale", "commission Cohésion sociale"])
def test_the_commission_is_named_once(client, seance, responsable, saisie):
    deliberation = _rediger(seance, responsable, commission=saisie)
    client.force_login(responsable)
    apercu = client.get(reverse("deliberations:apercu", args=[deliberation.pk])).content.decode()
    assert apercu.lower().count("commission cohésion sociale") == 1
    assert "Commission : Commission" not in apercu


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("Association Alma Gare", "de l'Association Alma Gare"),
        ("Centre social du Pile", "du Centre social du Pile"),
        ("Alma Gare Solidarités", "d'Alma Gare Solidarités"),
        ("Roubaix Services", "de Roubaix Services"),
        ("Maison de quartier", "de la Maison de quartier"),
    ],
)
def test_de_before_a_beneficiary_s_name(nom, attendu):
    assert formats.de(nom) == attendu
