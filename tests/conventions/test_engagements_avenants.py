"""Yearly commitments (CPO-2, CPO-3), avenants and the consolidated state (CPO-5, DEL-6),
the child forms' errors, and the texts stored in the centre's documents vault."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centres.models import Document
from conventions import services
from conventions.models import (
    Avenant,
    AvenantMontant,
    Convention,
    EngagementAnnuel,
    Evaluation,
    Objectif,
    Partie,
    ValeurObjectif,
    VersionTexte,
)
from conventions.services import AVENANT_DELIBERE
from roubaix_cs.formats import montant
from roubaix_cs.sources_legales import CGCT_L2131_1, CIRCULAIRE_CPO

from ..factories import PDF_MINIMAL, CentreFactory, ConventionFactory, EngagementFactory, LocalFactory
from ..outils import messages_de
from .factories import AvenantFactory, AvenantMontantFactory, ObjectifFactory

pytestmark = pytest.mark.django_db
S = Convention.Statut
FIGEE = f"Convention approuvée : ses montants ne changent plus que par avenant ({CIRCULAIRE_CPO})."


def _erreurs(response):
    """Every error of the form shown again, field errors and the others alike."""
    return [erreur for erreurs in response.context["form"].errors.values() for erreur in erreurs]


def _engagement_data(financeur, annee=2026, montant_="30000.00", avance="0", valeur_nature="0", **extra):
    return {
        "annee": annee,
        "financeur": financeur.pk,
        "montant": montant_,
        "avance": avance,
        "valeur_nature": valeur_nature,
        **extra,
    }


# --- Engagements while the convention is drafted ---------------------------------------------


def test_an_engagement_is_added_to_a_draft(client, agent, ville):
    convention = ConventionFactory(parties=[ville])
    client.force_login(agent)
    response = client.post(
        reverse("conventions:engagement_creer", args=[convention.pk]),
        _engagement_data(ville, avance="12000.00", valeur_nature="1500.00"),
    )
    assert response["Location"] == convention.get_absolute_url()
    engagement = convention.engagements.get()
    assert (
        engagement.annee,
        engagement.financeur,
        engagement.montant,
        engagement.avance,
        engagement.valeur_nature,
    ) == (
        2026,
        ville,
        Decimal("30000.00"),
        Decimal("12000.00"),
        Decimal("1500.00"),
    )


def test_a_second_engagement_for_the_same_year_and_funder_is_a_form_error(client, agent, ville):
    convention = ConventionFactory()
    EngagementFactory(convention=convention, financeur=ville, annee=2026)
    client.force_login(agent)
    response = client.post(reverse("conventions:engagement_creer", args=[convention.pk]), _engagement_data(ville))
    assert response.status_code == 200
    assert _erreurs(response) == ["Un engagement existe déjà pour ce financeur et cette année."]
    assert convention.engagements.count() == 1


def test_an_engagement_outside_the_conventions_years_is_refused(client, agent, ville):
    convention = ConventionFactory()
    client.force_login(agent)
    response = client.post(
        reverse("conventions:engagement_creer", args=[convention.pk]), _engagement_data(ville, annee=2029)
    )
    assert response.context["form"].errors["annee"] == ["L'année doit être comprise dans la convention (2025–2028)."]
    assert not EngagementAnnuel.objects.exists()


def test_an_advance_above_the_years_amount_is_refused(client, agent, ville):
    convention = ConventionFactory()
    client.force_login(agent)
    response = client.post(
        reverse("conventions:engagement_creer", args=[convention.pk]),
        _engagement_data(ville, montant_="10000.00", avance="10000.01"),
    )
    assert response.status_code == 200
    assert _erreurs(response) == ["L'avance ne peut pas dépasser le montant de l'année."]
    assert not EngagementAnnuel.objects.exists()


def test_the_centres_association_cannot_be_a_funder(client, agent, association):
    convention = ConventionFactory()
    client.force_login(agent)
    response = client.post(reverse("conventions:engagement_creer", args=[convention.pk]), _engagement_data(association))
    assert "financeur" in response.context["form"].errors


def test_a_party_cannot_be_added_twice(client, agent, ville):
    convention = ConventionFactory(parties=[ville])
    client.force_login(agent)
    response = client.post(
        reverse("conventions:partie_creer", args=[convention.pk]), {"organisation": ville.pk, "signataire": "Le Maire"}
    )
    assert response.status_code == 200
    assert _erreurs(response) == ["Cette organisation est déjà partie à la convention."]
    assert convention.parties.count() == 1


def test_the_premises_must_be_those_of_the_conventions_centre(client, agent):
    convention = ConventionFactory()
    autre_local = LocalFactory(centre=CentreFactory())
    client.force_login(agent)
    response = client.post(
        reverse("conventions:modifier", args=[convention.pk]),
        {
            "version_vue": convention.version,
            "type": "cpom",
            "centre": convention.centre.pk,
            "objet": convention.objet,
            "debut": "2025-01-01",
            "fin": "2028-12-31",
            "locaux": [LocalFactory(centre=convention.centre).pk, autre_local.pk],
        },
    )
    assert response.context["form"].errors["locaux"] == [
        "Choisissez des locaux occupés par le centre de la convention."
    ]
    assert not convention.locaux.exists()


# --- CPO-5: after approval, nothing changes but through an avenant -----------------------------


@pytest.fixture
def approuvee(ville):
    convention = ConventionFactory(complete=True, statut=S.APPROUVEE, parties=[ville])
    EngagementFactory(convention=convention, financeur=ville, annee=2026, montant=Decimal("30000.00"))
    return convention


def test_cpo_5_no_engagement_is_added_once_approved(client, agent, approuvee, caf):
    client.force_login(agent)
    url = reverse("conventions:engagement_creer", args=[approuvee.pk])
    response = client.post(url, _engagement_data(caf, annee=2027))
    assert response["Location"] == approuvee.get_absolute_url()
    assert messages_de(response) == [FIGEE]
    assert approuvee.engagements.count() == 1
    assert client.get(url)["Location"] == approuvee.get_absolute_url()


def test_cpo_5_an_engagement_is_not_changed_once_approved(client, agent, approuvee, ville):
    engagement = approuvee.engagements.get()
    client.force_login(agent)
    response = client.post(
        reverse("conventions:engagement_modifier", args=[engagement.pk]),
        _engagement_data(ville, montant_="45000.00", version_vue=engagement.version),
    )
    assert messages_de(response) == [FIGEE]
    engagement.refresh_from_db()
    assert engagement.montant == Decimal("30000.00")


def test_cpo_5_parties_and_objectives_are_not_added_once_approved(client, agent, approuvee, caf):
    client.force_login(agent)
    url = reverse("conventions:partie_creer", args=[approuvee.pk])
    response = client.post(url, {"organisation": caf.pk}, follow=True)
    assert messages_de(response) == [FIGEE]
    response = client.post(
        reverse("conventions:objectif_creer", args=[approuvee.pk]),
        {"intitule": "Accueil", "indicateur": "Familles"},
        follow=True,
    )
    assert messages_de(response) == [FIGEE]
    assert list(Partie.objects.filter(convention=approuvee).values_list("organisation__nature", flat=True)) == ["ville"]
    assert not Objectif.objects.exists()


def test_cpo_5_the_detail_page_offers_no_engagement_links_once_approved(client, agent, approuvee):
    client.force_login(agent)
    page = client.get(approuvee.get_absolute_url()).content.decode()
    assert reverse("conventions:engagement_creer", args=[approuvee.pk]) not in page
    assert reverse("conventions:engagement_modifier", args=[approuvee.engagements.get().pk]) not in page


# --- CPO-2 and CPO-3 -------------------------------------------------------------------------


def test_cpo_2_the_page_says_each_years_amount_needs_its_own_vote(client, agent, approuvee):
    client.force_login(agent)
    assert "Chaque montant annuel reste soumis au vote du conseil municipal (article L2311-7 du code général" in (
        client.get(approuvee.get_absolute_url()).content.decode()
    )


def test_cpo_3_an_advance_above_half_of_last_years_amount_is_a_warning(client, agent, ville, caf):
    convention = ConventionFactory()
    EngagementFactory(convention=convention, financeur=ville, annee=2025, montant=Decimal("40000.00"))
    EngagementFactory(
        convention=convention, financeur=ville, annee=2026, montant=Decimal("42000.00"), avance=Decimal("20000.01")
    )
    EngagementFactory(convention=convention, financeur=caf, annee=2025, montant=Decimal("10000.00"))
    EngagementFactory(  # exactly 50 %: no warning
        convention=convention, financeur=caf, annee=2026, montant=Decimal("10000.00"), avance=Decimal("5000.00")
    )
    attendu = (
        f"Ville de Roubaix 2026 : l'avance ({montant(Decimal('20000.01'))}) dépasse 50 % "
        f"du montant de 2025 ({montant(Decimal('40000.00'))}) ({CIRCULAIRE_CPO})."
    )
    assert services.avertissements_avance(services.consolider(convention).lignes) == [attendu]

    client.force_login(agent)
    response = client.get(convention.get_absolute_url())
    assert response.context["avertissements"] == [attendu]
    assert attendu.replace("'", "&#x27;") in response.content.decode()


def test_cpo_3_the_first_year_has_no_previous_amount_to_compare_with(ville):
    convention = ConventionFactory()
    EngagementFactory(
        convention=convention, financeur=ville, annee=2025, montant=Decimal("40000.00"), avance=Decimal("40000.00")
    )
    assert services.avertissements_avance(services.consolider(convention).lignes) == []


# --- Avenants --------------------------------------------------------------------------------


@pytest.fixture
def signee(ville, caf):
    convention = ConventionFactory(complete=True, statut=S.SIGNEE, parties=[ville, caf])
    for annee in (2025, 2026, 2027):
        EngagementFactory(
            convention=convention, financeur=ville, annee=annee, montant=Decimal("20000.00"), avance=Decimal("8000.00")
        )
    EngagementFactory(convention=convention, financeur=caf, annee=2026, montant=Decimal("10000.00"))
    return convention


def _avenant_data(**extra):
    return {"date": "2026-02-01", "objet": "Financement d'un poste de référent familles", **extra}


def test_avenants_are_numbered_per_convention(client, agent, signee, ville):
    autre = ConventionFactory(complete=True, statut=S.SIGNEE, parties=[ville])
    client.force_login(agent)
    for convention in (signee, signee, autre):
        response = client.post(reverse("conventions:avenant_creer", args=[convention.pk]), _avenant_data())
        assert response["Location"] == convention.get_absolute_url()
    assert list(signee.avenants.values_list("numero", "statut")) == [(1, "projet"), (2, "projet")]
    assert list(autre.avenants.values_list("numero", flat=True)) == [1]


def test_only_a_signed_convention_gets_avenants(client, agent, approuvee):
    client.force_login(agent)
    response = client.post(reverse("conventions:avenant_creer", args=[approuvee.pk]), _avenant_data())
    assert messages_de(response) == ["Un avenant ne modifie qu'une convention signée."]
    assert not Avenant.objects.exists()


def test_cpo_5_an_avenant_is_not_signed_without_its_own_executoire_deliberation(client, agent, signee):
    """Not deliberated (a project), or deliberated but not yet exécutoire: no signature."""
    client.force_login(agent)
    for statut, numero in [(Avenant.Statut.PROJET, ""), (Avenant.Statut.DELIBERE, "2026/300")]:
        avenant = AvenantFactory(
            convention=signee, statut=statut, deliberation_numero=numero, date_signature=datetime.date(2026, 3, 10)
        )
        response = client.post(reverse("conventions:avenant_signer", args=[avenant.pk]), follow=True)
        assert messages_de(response) == [
            f"Un avenant doit avoir sa propre délibération exécutoire ({AVENANT_DELIBERE})."
        ]
        avenant.refresh_from_db()
        assert avenant.statut == statut


@pytest.mark.parametrize("signature", [None, datetime.date(2026, 2, 28)])
def test_del_6_an_avenant_signed_before_its_deliberation_is_executoire_is_refused(client, agent, signee, signature):
    avenant = AvenantFactory(convention=signee, delibere=True, date_signature=signature)
    client.force_login(agent)
    response = client.post(reverse("conventions:avenant_signer", args=[avenant.pk]))
    assert messages_de(response) == [
        f"La signature de l'avenant doit suivre sa délibération exécutoire ({CGCT_L2131_1})."
    ]
    avenant.refresh_from_db()
    assert avenant.statut == Avenant.Statut.DELIBERE


def test_an_avenant_signed_after_its_deliberation_applies(client, agent, signee, ville):
    avenant = AvenantFactory(convention=signee, delibere=True, date_signature=datetime.date(2026, 3, 1))
    AvenantMontantFactory(avenant=avenant, annee=2026, financeur=ville, montant=Decimal("25000.00"))
    client.force_login(agent)
    response = client.post(reverse("conventions:avenant_signer", args=[avenant.pk]))
    assert messages_de(response) == [f"Avenant n° {avenant.numero} signé : il s'applique à la convention."]
    avenant.refresh_from_db()
    assert avenant.statut == Avenant.Statut.SIGNE
    ligne = next(
        ligne for ligne in services.consolider(signee).lignes if (ligne.annee, ligne.financeur) == (2026, ville)
    )
    assert ligne.montant == Decimal("25000.00")


@pytest.fixture
def chaine(signee, ville):
    """Avenant 1 (signed): 2026 → 25 000. Avenant 2 (signed): 2026 → 27 000, 2027 → 22 000.
    Avenant 3 (still a project): 2026 → 99 000."""
    premier = AvenantFactory(convention=signee, numero=1, signe=True)
    AvenantMontantFactory(avenant=premier, annee=2026, financeur=ville, montant=Decimal("25000.00"))
    second = AvenantFactory(convention=signee, numero=2, signe=True)
    AvenantMontantFactory(avenant=second, annee=2026, financeur=ville, montant=Decimal("27000.00"))
    AvenantMontantFactory(avenant=second, annee=2027, financeur=ville, montant=Decimal("22000.00"))
    projet = AvenantFactory(convention=signee, numero=3)
    AvenantMontantFactory(avenant=projet, annee=2026, financeur=ville, montant=Decimal("99000.00"))
    return signee


def _montants(etat):
    return {(ligne.annee, ligne.financeur.nom): ligne.montant for ligne in etat.lignes}


def test_cpo_5_the_consolidated_state_applies_only_signed_avenants_in_order(chaine):
    etat = services.consolider(chaine)
    assert _montants(etat) == {
        (2025, "Ville de Roubaix"): Decimal("20000.00"),
        (2026, "CAF du Nord"): Decimal("10000.00"),
        (2026, "Ville de Roubaix"): Decimal("27000.00"),
        (2027, "Ville de Roubaix"): Decimal("22000.00"),
    }
    # The advance of the original commitment is kept: an avenant sets the amounts only.
    assert {ligne.avance for ligne in etat.lignes if ligne.financeur.nom == "Ville de Roubaix"} == {Decimal("8000.00")}


def test_cpo_5_each_avenant_shows_the_amounts_before_and_after(chaine):
    etapes = services.consolider(chaine).etapes
    assert [
        (e.avenant.numero, [(annee, f.nom, avant.montant, apres.montant) for annee, f, avant, apres in e.changements])
        for e in etapes
    ] == [
        (1, [(2026, "Ville de Roubaix", Decimal("20000.00"), Decimal("25000.00"))]),
        (
            2,
            [
                (2026, "Ville de Roubaix", Decimal("25000.00"), Decimal("27000.00")),
                (2027, "Ville de Roubaix", Decimal("20000.00"), Decimal("22000.00")),
            ],
        ),
        (3, [(2026, "Ville de Roubaix", Decimal("27000.00"), Decimal("99000.00"))]),
    ]


def test_cpo_5_the_detail_page_shows_the_current_state_and_the_chain(client, agent, chaine):
    client.force_login(agent)
    response = client.get(chaine.get_absolute_url())
    page = response.content.decode()
    engagements = page[page.index('id="engagements"') : page.index("</table>", page.index('id="engagements"'))]
    assert montant(Decimal("27000")) in engagements
    assert montant(Decimal("99000")) not in engagements
    avenants = page[page.index('id="titre-avenants"') : page.index('id="titre-objectifs"')]
    for avant, apres in [("20000", "25000"), ("25000", "27000"), ("20000", "22000"), ("27000", "99000")]:
        assert f'<td class="montant">{montant(Decimal(avant))}</td>' in avenants
        assert f'<td class="montant">{montant(Decimal(apres))}</td>' in avenants
    assert avenants.count(">Signé<") == 2
    assert avenants.count(">Projet<") == 1


def test_cpo_5_a_new_end_changes_the_consolidated_end(client, agent, signee, ville):
    AvenantFactory(convention=signee, numero=1, signe=True, nouvelle_fin=datetime.date(2029, 6, 30))
    projet = AvenantFactory(convention=signee, numero=2, nouvelle_fin=datetime.date(2029, 12, 31))
    etat = services.consolider(signee)
    assert etat.fin == datetime.date(2029, 6, 30)
    assert [(e.fin_avant, e.fin_apres) for e in etat.etapes] == [
        (datetime.date(2028, 12, 31), datetime.date(2029, 6, 30)),
        (datetime.date(2029, 6, 30), datetime.date(2029, 12, 31)),
    ]
    assert services.fin_consolidee(signee) == datetime.date(2029, 6, 30)

    client.force_login(agent)
    response = client.get(signee.get_absolute_url())
    assert "au 30/06/2029" in response.content.decode()
    assert "(fin initiale 31/12/2028, modifiée par avenant)" in response.content.decode()
    assert response.context["annees"] == [2025, 2026, 2027, 2028, 2029]
    # The avenant still being drafted may set an amount for the year it adds.
    response = client.post(
        reverse("conventions:avenant_montant_creer", args=[projet.pk]),
        {"annee": 2029, "financeur": ville.pk, "montant": "21000.00", "valeur_nature": "0"},
    )
    assert response["Location"] == signee.get_absolute_url()


def test_an_avenant_amount_outside_the_convention_is_refused(client, agent, signee, ville):
    avenant = AvenantFactory(convention=signee)
    client.force_login(agent)
    response = client.post(
        reverse("conventions:avenant_montant_creer", args=[avenant.pk]),
        {"annee": 2031, "financeur": ville.pk, "montant": "21000.00", "valeur_nature": "0"},
    )
    assert response.context["form"].errors["annee"] == ["L'année doit être comprise dans la convention (2025–2028)."]
    assert not AvenantMontant.objects.exists()


def test_an_avenant_sets_one_amount_per_year_and_funder(client, agent, signee, ville):
    avenant = AvenantFactory(convention=signee)
    AvenantMontantFactory(avenant=avenant, annee=2026, financeur=ville)
    client.force_login(agent)
    response = client.post(
        reverse("conventions:avenant_montant_creer", args=[avenant.pk]),
        {"annee": 2026, "financeur": ville.pk, "montant": "21000.00", "valeur_nature": "0"},
    )
    assert _erreurs(response) == ["Cet avenant fixe déjà ce montant."]
    assert avenant.montants.count() == 1


def test_cpo_1_an_avenant_cannot_stretch_a_cpom_beyond_48_months(client, agent, signee):
    avenant = AvenantFactory(convention=signee)
    client.force_login(agent)
    response = client.post(
        reverse("conventions:avenant_modifier", args=[avenant.pk]),
        _avenant_data(nouvelle_fin="2029-06-30", version_vue=avenant.version),
    )
    assert response.context["form"].errors["nouvelle_fin"] == ["Un CPOM dure au plus 48 mois (ici 54 mois)."]
    avenant.refresh_from_db()
    assert avenant.nouvelle_fin is None


@pytest.mark.parametrize("statut", [Avenant.Statut.DELIBERE, Avenant.Statut.SIGNE])
def test_cpo_5_an_avenant_voted_or_signed_is_no_longer_edited(client, agent, chaine, ville, statut):
    """The council voted its text and amounts: they stay as voted, signed or not yet."""
    avenant = chaine.avenants.get(numero=1)
    Avenant.objects.filter(pk=avenant.pk).update(statut=statut)
    client.force_login(agent)
    response = client.post(
        reverse("conventions:avenant_modifier", args=[avenant.pk]),
        _avenant_data(objet="Autre objet", version_vue=avenant.version),
        follow=True,
    )
    assert messages_de(response) == [
        "Un avenant délibéré ou signé ne se modifie plus : le conseil municipal a voté son texte."
    ]
    response = client.post(
        reverse("conventions:avenant_montant_creer", args=[avenant.pk]),
        {"annee": 2027, "financeur": ville.pk, "montant": "1.00", "valeur_nature": "0"},
        follow=True,
    )
    assert messages_de(response) == [
        "Un avenant délibéré ou signé ne se modifie plus : le conseil municipal a voté son texte."
    ]
    avenant.refresh_from_db()
    assert avenant.objet != "Autre objet"
    assert avenant.montants.count() == 1
    page = client.get(chaine.get_absolute_url()).content.decode()
    assert reverse("conventions:avenant_modifier", args=[avenant.pk]) not in page
    assert reverse("conventions:avenant_modifier", args=[chaine.avenants.get(numero=3).pk]) in page


# --- Objectives: yearly targets and achieved values; evaluations ------------------------------


def test_yearly_targets_and_achieved_values_are_entered_then_corrected(client, agent, signee):
    objectif = ObjectifFactory(convention=signee, intitule="Accueillir les familles", unite="familles")
    url = reverse("conventions:valeur_saisir", args=[objectif.pk])
    client.force_login(agent)
    response = client.post(url, {"annee": 2026, "cible": "180", "realise": ""})
    assert response["Location"] == signee.get_absolute_url()
    client.post(url, {"annee": 2026, "cible": "180", "realise": "172"})  # the same year: corrected, not doubled
    assert list(ValeurObjectif.objects.values_list("annee", "cible", "realise")) == [
        (2026, Decimal("180.00"), Decimal("172.00"))
    ]
    [(ligne_objectif, valeurs)] = client.get(signee.get_absolute_url()).context["objectifs"]
    assert ligne_objectif == objectif
    assert [(annee, v and (v.cible, v.realise)) for annee, v in valeurs] == [
        (2025, None),
        (2026, (Decimal("180.00"), Decimal("172.00"))),
        (2027, None),
        (2028, None),
    ]


def test_a_bad_year_in_the_query_string_is_a_form_not_a_crash(client, agent, signee):
    objectif = ObjectifFactory(convention=signee)
    client.force_login(agent)
    response = client.get(reverse("conventions:valeur_saisir", args=[objectif.pk]), {"annee": "deux-mille"})
    assert response.status_code == 200


def test_an_evaluation_is_recorded_on_a_signed_convention(client, agent, signee):
    client.force_login(agent)
    response = client.post(
        reverse("conventions:evaluation_creer", args=[signee.pk]),
        {"annee": 2027, "date": "2028-06-15", "synthese": "Objectifs atteints.", "finale": "on"},
    )
    assert response["Location"] == signee.get_absolute_url()
    evaluation = Evaluation.objects.get()
    assert (evaluation.convention, evaluation.date, evaluation.finale) == (signee, datetime.date(2028, 6, 15), True)
    assert services.peut_etre_renouvelee(signee)  # 15/06/2028 is before 30/09/2028 (CPO-4)


# --- The convention's texts in the centre's documents vault --------------------------------


def _deposer(client, convention, nature, fichier):
    return client.post(
        reverse("conventions:version_deposer", args=[convention.pk]),
        {"nature": nature, "titre": f"Texte {nature}", "fichier": fichier},
    )


def _pdf(nom="convention.pdf", contenu=PDF_MINIMAL):
    return SimpleUploadedFile(nom, contenu, "application/pdf")


@pytest.mark.parametrize(
    ("nature", "type_document"),
    [("projet", Document.Type.CONVENTION_PROJET), ("signee", Document.Type.CONVENTION_SIGNEE)],
)
def test_a_text_version_is_stored_in_the_centres_vault(client, agent, signee, nature, type_document):
    client.force_login(agent)
    response = _deposer(client, signee, nature, _pdf("Convention CPOM signée.pdf"))
    assert response["Location"] == signee.get_absolute_url()
    assert messages_de(response) == ["Le texte a été déposé."]
    version = VersionTexte.objects.select_related("document").get()
    document = version.document
    assert (version.convention, version.nature) == (signee, nature)
    assert (document.centre, document.type, document.titre, document.annee) == (
        signee.centre,
        type_document,
        f"Texte {nature}",
        2025,
    )
    assert (document.nom_original, document.type_mime, document.taille, document.depose_par) == (
        "Convention CPOM signée.pdf",
        "application/pdf",
        len(PDF_MINIMAL),
        agent,
    )
    assert document.fichier.name.startswith(f"documents/centre-{signee.centre.pk}/")
    assert "signée" not in document.fichier.name  # stored under a random name
    with document.fichier.open("rb") as fichier:
        assert fichier.read() == PDF_MINIMAL
    download = reverse("centres:document_telecharger", args=[document.pk])
    assert download in client.get(signee.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("fichier", "erreur"),
    [
        (
            SimpleUploadedFile("convention.pdf", b"MZ\x90\x00\x03 not a pdf", "application/pdf"),
            "Type de fichier refusé",
        ),
        (SimpleUploadedFile("convention.docx", PDF_MINIMAL, "application/pdf"), "L'extension « .docx » ne correspond"),
    ],
)
def test_a_spoofed_file_is_refused(client, agent, signee, fichier, erreur):
    client.force_login(agent)
    response = _deposer(client, signee, "signee", fichier)
    assert response.status_code == 200
    assert erreur in response.context["form"].errors["fichier"][0]
    assert not Document.objects.exists()
    assert not VersionTexte.objects.exists()


@pytest.fixture
def textes(agent, caf, ville, centre_caf):
    """A signed convention of a centre the CAF follows, with its draft and its signed text."""
    convention = ConventionFactory(complete=True, statut=S.SIGNEE, centre=centre_caf, parties=[ville, caf])
    versions = {}
    for nature, type_document in [("projet", "convention_projet"), ("signee", "convention_signee")]:
        document = Document.objects.create(
            centre=centre_caf,
            type=type_document,
            titre=f"Texte {nature}",
            fichier=_pdf(),
            nom_original="convention.pdf",
            type_mime="application/pdf",
            taille=len(PDF_MINIMAL),
            sha256="0" * 64,
            depose_par=agent,
        )
        versions[nature] = VersionTexte.objects.create(convention=convention, nature=nature, document=document)
    return convention, versions


def test_a_partner_party_to_the_convention_sees_only_the_signed_text(client, partenaire_caf, textes):
    convention, versions = textes
    client.force_login(partenaire_caf)
    response = client.get(convention.get_absolute_url())
    assert list(response.context["versions"]) == [versions["signee"]]
    page = response.content.decode()
    assert reverse("centres:document_telecharger", args=[versions["signee"].document.pk]) in page
    assert reverse("centres:document_telecharger", args=[versions["projet"].document.pk]) not in page


def test_the_team_sees_both_texts(client, agent, textes):
    convention, versions = textes
    client.force_login(agent)
    assert set(client.get(convention.get_absolute_url()).context["versions"]) == set(versions.values())


def test_a_partner_downloads_the_signed_text_but_never_the_draft(client, partenaire_caf, textes):
    _, versions = textes
    client.force_login(partenaire_caf)
    signee = client.get(reverse("centres:document_telecharger", args=[versions["signee"].document.pk]))
    assert signee.status_code == 200
    assert b"".join(signee.streaming_content if signee.streaming else [signee.content]) == PDF_MINIMAL
    projet = client.get(reverse("centres:document_telecharger", args=[versions["projet"].document.pk]))
    assert projet.status_code == 404
