"""What every view of the centres app shares: scoped fetching, the form page, the locked save."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from roubaix_cs.locking import ConflitEdition, enregistrer_versionne

from ..models import Centre


def get_centre_for_user(user, pk):
    """The centre if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(Centre.objects.visibles_par(user).select_related("organisation", "referent"), pk=pk)


def onglet(centre, code):
    """URL of a tab of the centre page."""
    return f"{centre.get_absolute_url()}?onglet={code}"


def form_page(request, form, *, titre, centre=None, annuler=None):
    """The one create/edit page: title, conflict banner, crispy form, cancel link."""
    return render(
        request,
        "centres/form.html",
        {
            "form": form,
            "titre": titre,
            "centre": centre,
            "annuler": annuler or (centre.get_absolute_url() if centre else None),
        },
    )


def enregistrer_et_rediriger(request, form, *, vers, message):
    """Save a bound VersionForm under optimistic locking (many-to-many fields included),
    then redirect to `vers` (a URL, or a function of the saved object) with a message.

    Returns None while the form must be shown again (GET, errors, conflict).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        objet = enregistrer_versionne(form)
    except ConflitEdition as conflit:
        form.signaler_conflit(conflit)
        return None
    messages.success(request, message)
    return redirect(vers(objet) if callable(vers) else vers)
