"""The PDF panel of a deliberation, shared by its detail page and the htmx status fragment:
`{% load pdf_deliberation %}{% panneau_pdf deliberation %}`."""

from django import template
from django.urls import reverse

from comptes.permissions import is_equipe
from roubaix_cs import generations

register = template.Library()


def contexte_panneau(deliberation, user, *, refus=""):
    """Latest generation, versions (newest first) and what the user may do, in two queries."""
    return {
        "deliberation": deliberation,
        "panneau_id": "pdf-deliberation",
        "titre": "PDF de la délibération",
        "url_statut": reverse("deliberations:pdf_statut", args=[deliberation.pk]),
        "url_generer": reverse("deliberations:pdf_generer", args=[deliberation.pk]),
        "url_page": deliberation.get_absolute_url(),
        "url_version": "deliberations:pdf_telecharger",
        # The voted PDF is frozen: no new version once the vote is recorded.
        **generations.contexte_panneau(
            deliberation.generations,
            deliberation.versions,
            peut_generer=is_equipe(user) and not deliberation.votee,
            refus=refus,
        ),
    }


@register.inclusion_tag("deliberations/includes/pdf.html", takes_context=True)
def panneau_pdf(context, deliberation):
    return contexte_panneau(deliberation, context["request"].user)
