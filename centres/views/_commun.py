"""What every view of the centres app shares: scoped fetching and the form page."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from roubaix_cs import vues
from roubaix_cs.vues import enregistrer_et_rediriger

from ..models import Centre

__all__ = ["enregistrer_et_rediriger", "form_page", "get_centre_for_user", "onglet"]


def get_centre_for_user(user, pk):
    """The centre if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(Centre.objects.visibles_par(user).select_related("organisation", "referent"), pk=pk)


def onglet(centre, code):
    """URL of a tab of the centre page."""
    return f"{centre.get_absolute_url()}?onglet={code}"


def form_page(request, form, *, titre, centre=None, annuler=None):
    """The project's form page; "Annuler" goes back to the centre (or the list)."""
    annuler = annuler or (centre.get_absolute_url() if centre else reverse("centres:liste"))
    return vues.form_page(request, form, titre=titre, annuler=annuler, contexte={"centre": centre})
