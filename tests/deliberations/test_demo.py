"""The demo sessions seeded by seed_demo: voted and exécutoire deliberations with frozen PDFs (one
voted, still to be transmitted to the Préfecture), an upcoming session with a draft, the élu's mandate;
a second run changes nothing."""

import hashlib

import pytest
from django.core.management import call_command

from deliberations import demo as demo_deliberations
from deliberations.models import Deliberation, GenerationPdf, Mandat, Seance, VersionPdf
from subventions.models import DemandeSubvention

pytestmark = pytest.mark.django_db


def test_past_sessions_have_voted_executoire_deliberations_with_frozen_pdfs(demo):
    passees = Deliberation.objects.filter(seance__date__lt=demo)
    assert passees.exists()
    a_transmettre = passees.filter(statut=Deliberation.Statut.VOTEE)
    assert a_transmettre.count() == 1  # DEL-4: the June vote of its equipment grant, not transmitted yet
    for deliberation in passees:
        if deliberation in a_transmettre:
            assert (deliberation.date_transmission, deliberation.date_publication, deliberation.ar_actes) == (
                None,
                None,
                "",
            )
        else:
            assert deliberation.statut == Deliberation.Statut.EXECUTOIRE
            assert deliberation.date_executoire == max(deliberation.date_transmission, deliberation.date_publication)
        for demande in deliberation.demandes.all():  # the numbers and dates the grants carry
            assert demande.deliberation_numero == deliberation.reference
            assert demande.date_executoire == deliberation.date_executoire
        version = deliberation.versions.get()
        assert version.votee
        with version.fichier.open("rb") as fichier:
            contenu = fichier.read()
        assert contenu.startswith(b"%PDF")
        assert hashlib.sha256(contenu).hexdigest() == version.sha256
    numeros = set(
        DemandeSubvention.objects.filter(statut__in=DemandeSubvention.STATUTS_VOTES)
        .exclude(deliberation_numero="")
        .values_list("deliberation_numero", flat=True)
    )
    assert numeros == {d.reference for d in passees}


def test_an_upcoming_session_has_a_draft_and_the_elu_a_mandate(demo):
    projet = Deliberation.objects.get(seance__date__gt=demo)
    assert projet.statut == Deliberation.Statut.BROUILLON
    assert projet.demandes.exists()
    assert set(projet.demandes.values_list("statut", flat=True)) == {DemandeSubvention.Statut.DELIBERATION}
    assert projet.versions.get().votee is False
    mandat = Mandat.objects.get(elu__username="elu")
    assert projet.demandes.filter(centre__organisation=mandat.organisation).exists()  # SUB-13 at the vote
    assert not GenerationPdf.objects.exclude(statut=GenerationPdf.Statut.TERMINEE).exists()


def test_a_second_run_changes_nothing(demo, settings):
    settings.DEVELOPPEMENT = True
    avant = [m.objects.count() for m in (Seance, Deliberation, VersionPdf, GenerationPdf, Mandat)]
    demo_deliberations.charger(
        {"today": demo, "users": {}, "organisations": {}, "centres": []}  # skipped before reading them
    )
    call_command("seed_demo", verbosity=0)
    assert [m.objects.count() for m in (Seance, Deliberation, VersionPdf, GenerationPdf, Mandat)] == avant
