"""What every app's views share: the form page, the save under optimistic locking, a workflow step."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .locking import ConflitEdition, enregistrer_versionne


def form_page(request, form, *, titre, annuler, contexte=None):
    """The one create/edit page: title, conflict banner, crispy form, cancel link."""
    return render(request, "form.html", {"form": form, "titre": titre, "annuler": annuler, **(contexte or {})})


def enregistrer_et_rediriger(request, form, *, vers, message):
    """Save a bound form (a VersionForm: under optimistic locking, many-to-many included), then
    redirect to `vers` (a URL, or a function of the saved object) with a message.

    Returns None while the form must be shown again (GET, errors, conflict).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        objet = enregistrer_versionne(form) if hasattr(form, "signaler_conflit") else form.save()
    except ConflitEdition as conflit:
        form.signaler_conflit(conflit)
        return None
    messages.success(request, message)
    return redirect(vers(objet) if callable(vers) else vers)


def appliquer_etape(request, objet, changer, *, message):
    """Take the workflow step a page's button POSTs (`vers`, and the reason in `commentaire`) through the
    owning app's service, `changer(vers=…, commentaire=…)` returning the object moved; its refusals become
    error messages, its success `message(objet)`. Back to the object's page either way."""
    try:
        objet = changer(vers=request.POST.get("vers", ""), commentaire=request.POST.get("commentaire", ""))
    except ValidationError as erreur:
        for texte in erreur.messages:
            messages.error(request, texte)
    else:
        messages.success(request, message(objet))
    return redirect(objet)
