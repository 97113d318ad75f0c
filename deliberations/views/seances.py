"""Council sessions and the élus' mandates (SUB-13)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.models import Role
from comptes.permissions import EQUIPE, LECTEURS_DELIBERATIONS, access
from roubaix_cs.exports import exporter
from roubaix_cs.listes import page_de_liste
from roubaix_cs.vues import enregistrer_et_rediriger, form_page

from ..filters import SeanceFilter
from ..forms import MandatForm, SeanceForm
from ..models import Mandat, Seance


def _seances_filtrees(request):
    queryset = Seance.objects.annotate(nb_deliberations=Count("deliberations")).order_by("-date")
    return SeanceFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_list(request):
    return render(request, "deliberations/seance_list.html", page_de_liste(request, _seances_filtrees(request)))


SEANCE_COLONNES = [
    ("Date", lambda s: s.date),
    ("Lieu", lambda s: s.lieu),
    ("Convocation", lambda s: s.date_convocation),
    ("En exercice", lambda s: s.membres_en_exercice),
    ("Présents", lambda s: s.presents),
    ("Pouvoirs", lambda s: s.pouvoirs),
    ("Secrétaire de séance", lambda s: s.secretaire),
    ("Délibérations", lambda s: s.nb_deliberations),
]


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_export(request, fmt):
    return exporter(fmt, nom="seances", colonnes=SEANCE_COLONNES, objets=_seances_filtrees(request).qs)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def seance_create(request):
    form = SeanceForm(request.POST or None)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda s: s.get_absolute_url(), message="La séance a été créée."
    )
    return done or form_page(
        request, form, titre="Nouvelle séance du conseil municipal", annuler=reverse("deliberations:seance_liste")
    )


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_detail(request, pk):
    seance = get_object_or_404(Seance, pk=pk)
    deliberations = seance.deliberations.select_related("rapporteur").annotate(nb_demandes=Count("demandes"))
    return render(
        request,
        "deliberations/seance_detail.html",
        {"seance": seance, "deliberations": deliberations.order_by("numero")},
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def seance_update(request, pk):
    seance = get_object_or_404(Seance, pk=pk)
    form = SeanceForm(request.POST or None, instance=seance)
    done = enregistrer_et_rediriger(request, form, vers=seance.get_absolute_url(), message="Séance enregistrée.")
    return done or form_page(request, form, titre=f"Modifier « {seance} »", annuler=seance.get_absolute_url())


@access(read=LECTEURS_DELIBERATIONS, write=LECTEURS_DELIBERATIONS)
@require_http_methods(["GET", "POST"])
def mandat_list(request):
    """The team sees and declares every élu's mandates; an élu sees and declares their own."""
    user = request.user
    pour_soi = user.role == Role.ELU
    mandats = Mandat.objects.select_related("elu", "organisation").order_by("elu__last_name", "organisation__nom")
    if pour_soi:
        mandats = mandats.filter(elu=user)
    form = MandatForm(request.POST or None, instance=Mandat(elu=user) if pour_soi else None, pour_soi=pour_soi)
    done = enregistrer_et_rediriger(
        request, form, vers=reverse("deliberations:mandat_liste"), message="Le mandat a été déclaré."
    )
    return done or render(
        request, "deliberations/mandat_list.html", {"mandats": mandats, "form": form, "pour_soi": pour_soi}
    )


@access(read=LECTEURS_DELIBERATIONS, write=LECTEURS_DELIBERATIONS)
@require_POST
def mandat_delete(request, pk):
    mandats = Mandat.objects.filter(elu=request.user) if request.user.role == Role.ELU else Mandat.objects.all()
    mandat = get_object_or_404(mandats, pk=pk)
    mandat.delete()
    messages.success(request, f"Le mandat « {mandat} » a été supprimé.")
    return redirect("deliberations:mandat_liste")
