"""A centre's directors (Direction): the team records each arrival, edits it, and records each departure;
the « Gouvernance » tab of the centre page shows them (centres.views.fiche)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from comptes.permissions import EQUIPE, access

from ..forms import DirectionForm, FinDirectionForm
from ..models import Centre, Direction
from ..services import enregistrer_direction
from ._commun import enregistrer_et_rediriger, form_page, get_centre_for_user, onglet


def _direction(request, pk):
    return get_object_or_404(
        Direction.objects.filter(centre__in=Centre.objects.visibles_par(request.user)).select_related("centre"), pk=pk
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def direction_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    retour = onglet(centre, "gouvernance")
    form = DirectionForm(request.POST or None, instance=Direction(centre=centre))
    if request.method == "POST" and form.is_valid():
        direction = enregistrer_direction(form=form)
        messages.success(request, f"La direction de {direction} a été enregistrée.")
        return redirect(retour)
    return form_page(request, form, titre=f"Nouvelle direction — {centre}", centre=centre, annuler=retour)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def direction_update(request, pk):
    direction = _direction(request, pk)
    centre = direction.centre
    retour = onglet(centre, "gouvernance")
    form = DirectionForm(request.POST or None, instance=direction)
    done = enregistrer_et_rediriger(request, form, vers=retour, message="La direction a été modifiée.")
    return done or form_page(request, form, titre=f"Modifier la direction — {centre}", centre=centre, annuler=retour)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def direction_terminer(request, pk):
    """A director leaves: the day they left, the post vacant from then on until the next arrival."""
    direction = _direction(request, pk)
    centre = direction.centre
    retour = onglet(centre, "gouvernance")
    form = FinDirectionForm(request.POST or None, instance=direction)
    done = enregistrer_et_rediriger(request, form, vers=retour, message=f"Le départ de {direction} a été enregistré.")
    titre = f"Départ de {direction} — {centre}"
    return done or form_page(request, form, titre=titre, centre=centre, annuler=retour)
