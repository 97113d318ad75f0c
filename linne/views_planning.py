"""The régisseurs' rota of Espace Linné: the week (each day's shifts by régisseur, its confirmed bookings
and, in words, the hours left uncovered), a shift's forms, the template week and its forms, and the copy of
the template week into a week.

The service (GESTION_LINNE: the régisseurs and the team) reads and writes the rota; the élus read only the
facility's statistics and evaluation, never the rota; partners get 403. Shifts are written by
linne.planning only, each action in one transaction: a refusal writes nothing and is shown in French.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from comptes.permissions import GESTION_LINNE, LECTEURS_PLANNING_LINNE, access
from roubaix_cs.vues import form_page

from . import planning
from .forms import ajouter_erreurs
from .forms_planning import CopieSemaineForm, CreneauForm, CreneauTypeForm
from .models import JOURS_SEMAINE, Creneau, CreneauType
from .views_calendriers import _adresse, _date_demandee, _rendre

CHAMPS_DU_CRENEAU = {"debut": "heure_debut", "fin": "heure_fin"}
CHAMPS_DU_CRENEAU_TYPE = {}


def _creneaux(n, participe):
    """« 1 créneau créé », « 3 créneaux créés »."""
    return f"{n} créneau{'x' if n > 1 else ''} {participe}{'s' if n > 1 else ''}"


def _retour(jour):
    return planning.url_semaine(jour)


@access(read=LECTEURS_PLANNING_LINNE)
@require_safe
def planning_semaine(request):
    """The rota's week, Monday to Sunday: each day's shifts by régisseur, its confirmed bookings, and the
    hours the shifts leave uncovered, said in words."""
    jour, erreur = _date_demandee(request, "semaine")
    lundi = planning.lundi_de(jour)
    dimanche = lundi + datetime.timedelta(days=6)
    jours = planning.journees(lundi, dimanche)
    context = {
        "erreur": erreur,
        "lundi": lundi,
        "dimanche": dimanche,
        "jours": jours,
        "nb_trous": sum(len(j.trous) for j in jours),
        "precedente": _adresse("linne:planning", semaine=lundi - datetime.timedelta(days=7)),
        "suivante": _adresse("linne:planning", semaine=lundi + datetime.timedelta(days=7)),
        "cette_semaine": reverse("linne:planning"),
        "copier": _adresse("linne:planning_copier", semaine=lundi),
    }
    return _rendre(request, "linne/planning/semaine.html", "linne/planning/includes/semaine.html", context)


def _enregistrer(request, form, ecrire, message):
    """Write the shift of a valid form through `ecrire(**champs)`; back to its week, or None to show the
    form again (its errors, or the service's refusal next to the field)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        creneau = ecrire(**form.champs())
    except ValidationError as erreur:
        ajouter_erreurs(form, erreur, CHAMPS_DU_CRENEAU)
        return None
    messages.success(request, message)
    return redirect(_retour(timezone.localtime(creneau.debut).date()))


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_creer(request):
    jour, _ = _date_demandee(request, "date")
    form = CreneauForm(
        request.POST or None,
        initial={"date": jour, "heure_debut": datetime.time(8), "heure_fin": datetime.time(14)},
    )
    done = _enregistrer(
        request, form, lambda **champs: planning.creer_creneau(par=request.user, **champs), "Créneau enregistré."
    )
    return done or form_page(request, form, titre="Nouveau créneau de régisseur", annuler=_retour(jour))


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_modifier(request, pk):
    creneau = get_object_or_404(Creneau.objects.select_related("regisseur"), pk=pk)
    form = CreneauForm(request.POST or None, creneau=creneau)
    done = _enregistrer(
        request,
        form,
        lambda **champs: planning.modifier_creneau(creneau=creneau, par=request.user, **champs),
        "Créneau enregistré.",
    )
    retour = _retour(timezone.localtime(creneau.debut).date())
    supprimer = {"texte": "Ce créneau n'a plus lieu d'être ?", "url": reverse("linne:creneau_supprimer", args=[pk])}
    return done or form_page(
        request,
        form,
        titre=f"Modifier le créneau — {creneau}",
        annuler=retour,
        contexte={"autre_choix": supprimer | {"lien": "Le supprimer"}},
    )


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_supprimer(request, pk):
    creneau = get_object_or_404(Creneau.objects.select_related("regisseur"), pk=pk)
    retour = _retour(timezone.localtime(creneau.debut).date())
    if request.method == "POST":
        planning.supprimer_creneau(creneau=creneau, par=request.user)
        messages.success(request, f"Créneau supprimé : {creneau}.")
        return redirect(retour)
    return render(request, "linne/planning/creneau_supprimer.html", {"objet": creneau, "retour": retour})


# --- The template week ------------------------------------------------------------------------------


@access(read=GESTION_LINNE)
@require_safe
def semaine_type(request):
    """The template week: each weekday's shifts, by régisseur, with the copy into a week."""
    types = list(CreneauType.objects.select_related("regisseur").order_by("jour_semaine", "heure_debut", "pk"))
    jours = [(nom, [t for t in types if t.jour_semaine == numero]) for numero, nom in JOURS_SEMAINE]
    context = {"jours": jours, "copier": reverse("linne:planning_copier")}
    return render(request, "linne/planning/semaine_type.html", context)


def _enregistrer_type(request, form):
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        planning.enregistrer_creneau_type(creneau_type=form.instance, par=request.user)
    except ValidationError as erreur:
        ajouter_erreurs(form, erreur, CHAMPS_DU_CRENEAU_TYPE)
        return None
    messages.success(request, "Créneau de la semaine type enregistré.")
    return redirect("linne:semaine_type")


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_type_creer(request):
    form = CreneauTypeForm(
        request.POST or None,
        initial={"jour_semaine": 0, "heure_debut": datetime.time(8), "heure_fin": datetime.time(14)},
    )
    done = _enregistrer_type(request, form)
    return done or form_page(
        request, form, titre="Nouveau créneau de la semaine type", annuler=reverse("linne:semaine_type")
    )


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_type_modifier(request, pk):
    creneau_type = get_object_or_404(CreneauType.objects.select_related("regisseur"), pk=pk)
    form = CreneauTypeForm(request.POST or None, instance=creneau_type)
    done = _enregistrer_type(request, form)
    return done or form_page(
        request,
        form,
        titre=f"Modifier le créneau de la semaine type — {creneau_type}",
        annuler=reverse("linne:semaine_type"),
    )


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def creneau_type_supprimer(request, pk):
    creneau_type = get_object_or_404(CreneauType.objects.select_related("regisseur"), pk=pk)
    retour = reverse("linne:semaine_type")
    if request.method == "POST":
        planning.supprimer_creneau_type(creneau_type=creneau_type, par=request.user)
        messages.success(request, f"Créneau de la semaine type supprimé : {creneau_type}.")
        return redirect(retour)
    return render(request, "linne/planning/creneau_supprimer.html", {"objet": creneau_type, "retour": retour})


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def planning_copier(request):
    """Copy the template week into a week; the shifts skipped (a régisseur already on duty then, or no
    longer in post) are listed in the message, with their reason."""
    jour, _ = _date_demandee(request, "semaine")
    form = CopieSemaineForm(request.POST or None, initial={"semaine": planning.lundi_de(jour)})
    if request.method == "POST" and form.is_valid():
        lundi = planning.lundi_de(form.cleaned_data["semaine"])
        copie = planning.copier_semaine_type(lundi, request.user, remplacer=form.cleaned_data["remplacer"])
        messages.success(
            request, f"Semaine type copiée dans la semaine du {lundi:%d/%m/%Y} : {_creneaux(len(copie.crees), 'créé')}."
        )
        if copie.ignores:
            details = " ; ".join(str(i) for i in copie.ignores)
            messages.warning(request, f"{_creneaux(len(copie.ignores), 'non copié')} de la semaine type : {details}.")
        return redirect(_retour(lundi))
    return form_page(
        request,
        form,
        titre="Copier la semaine type dans une semaine",
        annuler=_retour(jour),
        contexte={
            "autre_choix": {"texte": "Voir d'abord", "url": reverse("linne:semaine_type"), "lien": "la semaine type"}
        },
    )
