"""The yearly report PDF (pilotage.rapport), rendered in the background like the budget annex: the
web request queues a job, a Celery task renders it and stores a new numbered version of the year."""

from django.db import transaction
from django.utils import timezone

from roubaix_cs import bornes, generations
from roubaix_cs.pdf import render_pdf

from . import rapport
from .models import GenerationRapportAnnuel, VersionRapportAnnuel

GABARIT_RAPPORT = "pdf/rapport_annuel.html"


@transaction.atomic
def demander_rapport_annuel(*, annee, par):
    """Queue the report of `annee` (after commit): the web request renders nothing. A year out of the
    service's window is refused (ValidationError). A request while another runs is not merged into it:
    that one may have read the figures before the change this one follows."""
    for valider in bornes.EXERCICE:
        valider(annee)
    generation = GenerationRapportAnnuel.objects.create(annee=annee, demandee_par=par)
    from .tasks import generer_rapport_annuel  # the task module imports this one

    transaction.on_commit(lambda: generer_rapport_annuel.delay(generation.pk))
    return generation


def generer_rapport_annuel(generation_id):
    """Render and store a new version of the report. Idempotent: a finished generation is not redone."""

    def rendre(annee, generation):
        # Read as the team member who asked reads it: every figure is one the élus may also read, and the
        # template shows no internal note.
        contexte = rapport.contexte_pdf(annee, edite_le=timezone.localdate(), lecteur=generation.demandee_par)
        return render_pdf(GABARIT_RAPPORT, contexte)

    return generations.generer_version_annuelle(GenerationRapportAnnuel, VersionRapportAnnuel, generation_id, rendre)
