"""Vote (DEL-3, SUB-13), the decision written into grants/conventions/avenants, exécutoire (DEL-4, DEL-7),
then payment (SUB-1) and signature (DEL-6)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comptes.models import Organisation
from conventions import services as conventions_services
from conventions.models import Avenant, Convention
from deliberations import services
from deliberations.models import Deliberation, VersionPdf
from subventions import services as subventions_services
from subventions.models import DemandeSubvention, Versement

from ..factories import ConventionFactory, OrganisationFactory, VersionPdfFactory
from .conftest import SEANCE

pytestmark = pytest.mark.django_db
DS = DemandeSubvention.Statut
AR = "059-215905128-20260320-2026_001-DE"


def _voter(client, deliberation, **data):
    return client.post(
        reverse("deliberations:voter", args=[deliberation.pk]),
        {"presents": 47, "pouvoirs": 5, "pour": 40, "contre": 5, "abstentions": 3, **data},
    )


def test_the_vote_writes_the_decision_into_the_grants(
    client, prete, agent, deux_demandes, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        response = _voter(client, prete)
    assert response.url == prete.get_absolute_url()
    prete.refresh_from_db()
    assert (prete.statut, prete.vote_pour, prete.vote_contre, prete.vote_abstentions) == ("votee", 40, 5, 3)
    for demande, montant in zip(deux_demandes, ["18000.00", "12500.00"], strict=True):
        demande.refresh_from_db()
        assert (demande.statut, demande.montant_vote, demande.deliberation_numero, demande.date_vote) == (
            DS.VOTEE,
            Decimal(montant),
            "2026/001",
            SEANCE,
        )
    assert VersionPdf.objects.filter(deliberation=prete, votee=True).count() == 1  # the act as voted, frozen
    with pytest.raises(ValidationError, match="PDF est figé"):
        services.demander_pdf(deliberation=prete, par=agent)
    page = client.get(deux_demandes[0].get_absolute_url()).content.decode()
    assert "Votée" in page and "2026/001" in page


def test_an_interested_elu_does_not_take_part_even_if_not_ticked(
    client, prete, agent, elu_administrateur, elu_rapporteur
):
    client.force_login(agent)
    formulaire = client.get(reverse("deliberations:voter", args=[prete.pk])).context["form"]
    assert formulaire["ne_prennent_pas_part"].initial == [elu_administrateur.pk]  # ticked for the user

    _voter(client, prete, ne_prennent_pas_part=[])  # unticked: recorded anyway (SUB-13)
    prete.refresh_from_db()
    assert list(prete.ne_prennent_pas_part.all()) == [elu_administrateur]

    page = client.get(prete.get_absolute_url()).content.decode()
    historique = page[page.index('id="titre-historique"') :]
    assert "Ne prennent pas part au vote" in historique
    assert str(elu_administrateur) in historique


def test_a_deliberation_not_adopted_is_refused(client, prete, agent, deux_demandes):
    client.force_login(agent)
    response = _voter(client, prete, pour=20, contre=20)
    assert (
        "La délibération n'est pas adoptée (pour ≤ contre ; à égalité, la voix du président de séance l'emporte, "
        "sauf au scrutin secret) : rien n'est attribué." in response.context["form"].non_field_errors()
    )
    prete.refresh_from_db()
    assert prete.statut == Deliberation.Statut.PRETE
    deux_demandes[0].refresh_from_db()
    assert deux_demandes[0].statut == DS.DELIBERATION


def test_negative_counts_are_refused(client, prete, agent):
    client.force_login(agent)
    response = _voter(client, prete, abstentions=-1)
    assert "abstentions" in response.context["form"].errors


def test_a_draft_is_not_voted(client, brouillon, agent):
    VersionPdfFactory(deliberation=brouillon)
    client.force_login(agent)
    response = _voter(client, brouillon)
    assert "Seule une délibération prête peut être votée." in response.context["form"].non_field_errors()


@pytest.fixture
def complete(seance, responsable, deux_demandes, elu_rapporteur):
    """A deliberation on two grants, an approved convention and a draft avenant, ready with its PDF."""
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    convention = ConventionFactory(
        centre=deux_demandes[0].centre, complete=True, statut=Convention.Statut.APPROUVEE, parties=[ville]
    )
    signee = ConventionFactory(centre=deux_demandes[1].centre, statut=Convention.Statut.SIGNEE)
    avenant = Avenant.objects.create(convention=signee, numero=1, date=SEANCE, objet="Prolongation d'un an")
    deliberation = services.rediger(
        seance=seance,
        objet="Subventions et conventions 2026",
        par=responsable,
        demandes=deux_demandes,
        conventions=[convention],
        avenants=[avenant],
        rapporteur=elu_rapporteur,
    )
    services.marquer_prete(deliberation=deliberation, par=responsable)
    VersionPdfFactory(deliberation=deliberation, generee_par=responsable)
    return deliberation, convention, avenant


def test_the_vote_marks_conventions_and_avenants_deliberated(complete, responsable):
    deliberation, convention, avenant = complete
    services.voter(deliberation=deliberation, pour=30, contre=2, abstentions=0, par=responsable)
    convention.refresh_from_db()
    avenant.refresh_from_db()
    assert (convention.statut, convention.deliberation_numero) == (Convention.Statut.DELIBEREE, "2026/001")
    assert (avenant.statut, avenant.deliberation_numero) == (Avenant.Statut.DELIBERE, "2026/001")


def test_the_vote_is_one_transaction(complete, responsable, deux_demandes, monkeypatch):
    """If the last write fails (the avenant), the grants, the convention and the deliberation are untouched."""
    deliberation, convention, avenant = complete

    def panne(self, *args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(Avenant, "save", panne)
    with pytest.raises(RuntimeError):
        services.voter(deliberation=deliberation, pour=30, contre=2, abstentions=0, par=responsable)
    deliberation.refresh_from_db()
    convention.refresh_from_db()
    assert deliberation.statut == Deliberation.Statut.PRETE and deliberation.vote_pour is None
    assert convention.statut == Convention.Statut.APPROUVEE and convention.deliberation_numero == ""
    assert set(DemandeSubvention.objects.filter(montant_vote__isnull=False)) == set()
    assert {d.statut for d in DemandeSubvention.objects.all()} == {DS.DELIBERATION}
    assert not VersionPdf.objects.filter(votee=True).exists()
    assert not deliberation.ne_prennent_pas_part.exists()


# --- Exécutoire (DEL-4, DEL-7), payment (SUB-1) and signature (DEL-6) ---------------------------


def test_the_executoire_step_waits_for_the_act_as_voted(prete, responsable):
    voted = services.voter(deliberation=prete, pour=40, contre=5, abstentions=3, par=responsable)  # not yet rendered
    with pytest.raises(ValidationError, match="acte tel que voté est en cours de génération"):
        services.rendre_executoire(
            deliberation=voted,
            date_transmission=datetime.date(2026, 3, 20),
            ar_actes=AR,
            date_publication=datetime.date(2026, 3, 20),
            par=responsable,
        )


@pytest.fixture
def votee(prete, responsable, django_capture_on_commit_callbacks):
    """Voted, and its act as voted generated (the task queued after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.voter(deliberation=prete, pour=40, contre=5, abstentions=3, par=responsable)


@pytest.mark.parametrize(
    ("transmission", "publication", "executoire"),
    [
        (datetime.date(2026, 3, 20), datetime.date(2026, 3, 16), datetime.date(2026, 3, 20)),
        (datetime.date(2026, 3, 16), datetime.date(2026, 3, 20), datetime.date(2026, 3, 20)),
    ],
)
def test_it_becomes_executoire_on_the_later_date(
    client, votee, agent, deux_demandes, transmission, publication, executoire
):
    client.force_login(agent)
    response = client.post(
        reverse("deliberations:executoire", args=[votee.pk]),
        {"date_transmission": transmission.isoformat(), "ar_actes": AR, "date_publication": publication.isoformat()},
    )
    assert response.url == votee.get_absolute_url()
    votee.refresh_from_db()
    assert (votee.statut, votee.date_executoire, votee.ar_actes) == ("executoire", executoire, AR)
    deux_demandes[0].refresh_from_db()
    assert deux_demandes[0].date_executoire == executoire
    assert f"Exécutoire le {executoire:%d/%m/%Y}" in client.get(votee.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("jour", "refuse"),
    [(datetime.date(2026, 3, 11), True), (datetime.date(2026, 3, 12), False), (datetime.date(2026, 3, 13), False)],
)
@pytest.mark.parametrize("champ", ["date_transmission", "date_publication"])
def test_del_4_transmitted_and_published_on_or_after_the_session(votee, agent, champ, jour, refuse):
    """The session is on 12/03/2026: neither date may come before it."""
    dates = {
        "date_transmission": datetime.date(2026, 3, 20),
        "date_publication": datetime.date(2026, 3, 20),
        champ: jour,
    }
    if refuse:
        with pytest.raises(ValidationError) as refus:
            services.rendre_executoire(deliberation=votee, ar_actes=AR, par=agent, **dates)
        assert refus.value.message_dict == {
            champ: ["Une délibération est transmise et publiée après sa séance du 12/03/2026 (CGCT L2131-1)."]
        }
    else:
        services.rendre_executoire(deliberation=votee, ar_actes=AR, par=agent, **dates)
    votee.refresh_from_db()
    assert votee.date_executoire == (None if refuse else datetime.date(2026, 3, 20))


@pytest.mark.parametrize("departement", ["059", "02A", "02B", "2A", "2B"])
def test_del_7_the_actes_acknowledgement_of_every_departement_corsica_included(votee, agent, departement):
    ar = f"{departement}-215905128-20260320-2026_001-DE"
    jour = datetime.date(2026, 3, 20)
    services.rendre_executoire(
        deliberation=votee, date_transmission=jour, ar_actes=ar, date_publication=jour, par=agent
    )
    votee.refresh_from_db()
    assert votee.ar_actes == ar


@pytest.mark.parametrize(
    "ar", ["2026-042", "059-215905128-2026032-1-DE", "059-21590512-20260320-1-DE", "059-215905128-20260320-1"]
)
def test_the_actes_acknowledgement_must_follow_its_format(client, votee, agent, ar):
    client.force_login(agent)
    response = client.post(
        reverse("deliberations:executoire", args=[votee.pk]),
        {"date_transmission": "2026-03-20", "ar_actes": ar, "date_publication": "2026-03-20"},
    )
    assert "Accusé de réception @CTES attendu sous la forme" in response.context["form"].errors["ar_actes"][0]
    with pytest.raises(ValidationError, match="Accusé de réception @CTES attendu sous la forme"):
        services.rendre_executoire(
            deliberation=votee,
            date_transmission=datetime.date(2026, 3, 20),
            ar_actes=ar,
            date_publication=datetime.date(2026, 3, 20),
            par=agent,
        )
    votee.refresh_from_db()
    assert votee.date_executoire is None


def _payer(demande, jour, par):
    return subventions_services.enregistrer_versement(
        demande=demande, type_=Versement.Type.AVANCE, montant_=Decimal("9000"), date=jour, reference="M-1", par=par
    )


def test_grants_are_paid_only_once_the_deliberation_is_executoire(votee, responsable, deux_demandes):
    demande = deux_demandes[0]
    with pytest.raises(ValidationError, match="Aucun versement avant que la délibération soit exécutoire"):
        _payer(demande, datetime.date(2026, 3, 25), responsable)

    services.rendre_executoire(
        deliberation=votee,
        date_transmission=datetime.date(2026, 3, 20),
        ar_actes=AR,
        date_publication=datetime.date(2026, 3, 18),
        par=responsable,
    )
    with pytest.raises(ValidationError, match="exécutoire le 20/03/2026"):
        _payer(demande, datetime.date(2026, 3, 19), responsable)
    assert _payer(demande, datetime.date(2026, 3, 20), responsable).montant == Decimal("9000")


def test_a_convention_is_signed_only_after_the_executoire_date(
    complete, responsable, django_capture_on_commit_callbacks
):
    deliberation, convention, _ = complete
    with django_capture_on_commit_callbacks(execute=True):
        services.voter(deliberation=deliberation, pour=30, contre=2, abstentions=0, par=responsable)
    convention.parties.update(date_signature=datetime.date(2026, 3, 16))
    with pytest.raises(ValidationError, match="article L2131-1 du code général"):  # voted, not yet exécutoire
        conventions_services.changer_statut(convention=convention, vers=Convention.Statut.SIGNEE, par=responsable)

    services.rendre_executoire(
        deliberation=deliberation,
        date_transmission=datetime.date(2026, 3, 20),
        ar_actes=AR,
        date_publication=datetime.date(2026, 3, 18),
        par=responsable,
    )
    with pytest.raises(ValidationError, match="avant que la délibération soit exécutoire"):
        conventions_services.changer_statut(convention=convention, vers=Convention.Statut.SIGNEE, par=responsable)

    convention.parties.update(date_signature=datetime.date(2026, 3, 20))
    conventions_services.changer_statut(convention=convention, vers=Convention.Statut.SIGNEE, par=responsable)
    convention.refresh_from_db()
    assert (convention.statut, convention.deliberation_executoire) == (
        Convention.Statut.SIGNEE,
        datetime.date(2026, 3, 20),
    )
