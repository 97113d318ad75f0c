"""General assemblies: the calendar of all centres, its exports and ICS feed, and the AG form."""

import dataclasses

from django.db.models.functions import Lower
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes import flux_calendrier as calendrier
from comptes.permissions import EQUIPE, TOUS, Access, access, public
from roubaix_cs import ics
from roubaix_cs.exports import exporter
from roubaix_cs.formats import valeur
from roubaix_cs.liens import chemins
from roubaix_cs.listes import page_de_liste

from .. import calendrier as centres_calendrier
from ..filters import AssembleeGeneraleFilter
from ..forms import AssembleeGeneraleForm
from ..models import AssembleeGenerale, Centre, exercices_sans_ag
from ._commun import enregistrer_et_rediriger, form_page, get_centre_for_user, onglet


def _assemblees_filtrees(request):
    queryset = (
        AssembleeGenerale.objects.filter(centre__in=Centre.objects.visibles_par(request.user))
        .select_related("centre")
        .prefetch_related("participants_service")
    )
    return AssembleeGeneraleFilter(request.GET, queryset=queryset, request=request)


def _centres_sans_ag(user, today):
    """[(centre's name, its AG tab's URL, exercice)] of the visible active centres whose AG was not
    held by 30 June N+1: a hundred at 100× the demo, so names only and one reverse() (roubaix_cs/liens.py)."""
    manquantes = exercices_sans_ag(Centre.objects.visibles_par(user), today)
    centres = Centre.objects.filter(pk__in=manquantes).order_by(Lower("nom")).values_list("pk", "nom")
    lien = chemins("centres:detail", "?onglet=assemblees")
    return [(nom, lien(pk), manquantes[pk]) for pk, nom in centres]


@access(read=TOUS)
@require_GET
def ag_list(request):
    context = page_de_liste(request, _assemblees_filtrees(request))
    context["sans_ag"] = _centres_sans_ag(request.user, timezone.localdate())
    return render(request, "centres/assemblees/ag_list.html", context)


EXPORT_COLONNES = [
    ("Date", lambda ag: ag.date),
    ("Centre", lambda ag: ag.centre.nom),
    ("Nature", lambda ag: ag.get_nature_display()),
    ("Exercice approuvé", lambda ag: ag.exercice),
    ("Lieu", lambda ag: ag.lieu),
    ("Présents pour le service", lambda ag: ", ".join(str(u) for u in ag.participants_service.all())),
    ("Comptes approuvés", lambda ag: valeur(ag.comptes_approuves)),
    ("Date limite (30 juin N+1)", lambda ag: ag.date_limite),
    ("Tenue après la date limite", lambda ag: valeur(ag.en_retard)),
]


@access(read=TOUS)
@require_GET
def ag_export(request, fmt):
    objets = _assemblees_filtrees(request).qs
    return exporter(fmt, nom="assemblees-generales", colonnes=EXPORT_COLONNES, objets=objets)


REGLE_AG_ICS = Access(read=TOUS)


@public
def ag_ics(request):
    """The AGs to come of the centres the user sees. A calendar application, which cannot log in, gives
    the user's personal token instead (`?jeton=`): unknown or revoked, it answers 404."""
    if "jeton" in request.GET and request.method == "GET":
        user = calendrier.titulaire(request.GET["jeton"])
        if user is None or user.role not in REGLE_AG_ICS.read:
            raise Http404("Adresse de calendrier inconnue ou révoquée.")
    else:
        refus = REGLE_AG_ICS.check(request)
        if refus is not None:
            return refus
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        user = request.user
    centres = Centre.objects.visibles_par(user)
    evenements = [
        dataclasses.replace(e, url=request.build_absolute_uri(e.url))
        for e in centres_calendrier.assemblees(centres, timezone.localdate())
    ]
    contenu = ics.calendrier("Assemblées générales des centres sociaux", calendrier.numeroter(evenements))
    return ics.reponse("assemblees-generales.ics", contenu)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ag_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    retour = onglet(centre, "assemblees")
    nouvelle = AssembleeGenerale(centre=centre, exercice=timezone.localdate().year - 1)
    form = AssembleeGeneraleForm(request.POST or None, instance=nouvelle)
    done = enregistrer_et_rediriger(request, form, vers=retour, message="L'assemblée générale a été enregistrée.")
    titre = f"Nouvelle assemblée générale — {centre}"
    return done or form_page(request, form, titre=titre, centre=centre, annuler=retour)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ag_update(request, pk):
    visibles = AssembleeGenerale.objects.filter(centre__in=Centre.objects.visibles_par(request.user))
    ag = get_object_or_404(visibles.select_related("centre"), pk=pk)
    retour = onglet(ag.centre, "assemblees")
    form = AssembleeGeneraleForm(request.POST or None, instance=ag)
    done = enregistrer_et_rediriger(request, form, vers=retour, message="L'assemblée générale a été modifiée.")
    titre = f"Modifier l'assemblée générale — {ag.centre}"
    return done or form_page(request, form, titre=titre, centre=ag.centre, annuler=retour)
