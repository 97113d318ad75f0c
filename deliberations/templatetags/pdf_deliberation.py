"""The PDF panel of a deliberation, shared by its detail page and the htmx status fragment:
`{% load pdf_deliberation %}{% panneau_pdf deliberation %}`."""

from django import template

from comptes.permissions import is_equipe

from ..models import GenerationPdf

register = template.Library()

EN_COURS = (GenerationPdf.Statut.EN_ATTENTE, GenerationPdf.Statut.EN_COURS)


def contexte_panneau(deliberation, user, *, refus=""):
    """Latest generation, versions (newest first) and what the user may do, in two queries."""
    generation = deliberation.generations.select_related("demandee_par").first()
    en_cours = generation is not None and generation.statut in EN_COURS
    return {
        "deliberation": deliberation,
        "generation": generation,
        "versions": list(deliberation.versions.select_related("generee_par")),
        "en_cours": en_cours,
        # The voted PDF is frozen: no new version once the vote is recorded.
        "peut_generer": is_equipe(user) and not deliberation.votee and not en_cours,
        "refus": refus,
    }


@register.inclusion_tag("deliberations/includes/pdf.html", takes_context=True)
def panneau_pdf(context, deliberation):
    return contexte_panneau(deliberation, context["request"].user)
