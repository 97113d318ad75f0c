"""Espace Linné's calendars: a room's week, the day of every room and its printable sheet for the
régisseurs, each room's calendar feed, and the public agenda of the public events with its feed.

The week and the day change with plain links (they work without JavaScript); htmx enhances them by
swapping the calendar alone and pushing the address, so that the browser's back button follows.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from comptes.permissions import LECTEURS_LINNE, access, can_manage_linne, public
from roubaix_cs import bornes, ics
from roubaix_cs.forms import ID_MAX
from roubaix_cs.lecture import lisible
from roubaix_cs.pdf import render_pdf
from roubaix_cs.telechargements import disposition_piece_jointe

from . import agenda as agenda_public
from . import calendrier, grille
from .models import Reservation, Salle

GABARIT_FEUILLE = "pdf/linne_feuille_du_jour.html"
# The dates a calendar may be asked for: those a booking may have (roubaix_cs.bornes).
DATES_POSSIBLES = bornes.DatePlausible(avance=bornes.AVANCE_ECHEANCE_ANS)


def _date_demandee(request, parametre):
    """The ISO date of the query's `parametre`, today without one; an unreadable or implausible date is
    today too, with a French message to show."""
    today = timezone.localdate()
    valeur = request.GET.get(parametre, "")
    if not valeur:
        return today, ""
    try:
        jour = datetime.date.fromisoformat(valeur) if len(valeur) == 10 else None
    except ValueError:
        jour = None
    premier, dernier = DATES_POSSIBLES.bornes()
    if jour is None or not premier <= jour <= dernier:
        return today, "La date demandée n'a pas pu être lue : voici celle d'aujourd'hui."
    return jour, ""


def _salle_demandee(salles, valeur):
    """The room of the query's id among `salles` (404 when there is none such); without one, the first
    room open to bookings, else the first room; None when there is no room at all."""
    if not valeur:
        return next((s for s in salles if s.active), salles[0] if salles else None)
    if not (valeur.isascii() and valeur.isdigit()) or int(valeur) > ID_MAX:
        raise Http404("Salle inconnue.")
    trouvee = next((s for s in salles if s.pk == int(valeur)), None)
    if trouvee is None:
        raise Http404("Salle inconnue.")
    return trouvee


def _adresse(nom, **parametres):
    return f"{reverse(nom)}?{urlencode(parametres)}"


def _rendre(request, page, fragment, context):
    """The whole page, or the calendar alone for htmx (not for a history restore, which wants the page)."""
    partiel = request.htmx and not request.htmx.history_restore_request
    response = render(request, fragment if partiel else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@access(read=LECTEURS_LINNE)
@require_safe
def semaine(request):
    """A room's week, Monday to Sunday, its opening hours down the side: the confirmed bookings, the
    requests waiting (marked in words, not only by their colour) and the closures."""
    salles = list(Salle.objects.order_by("nom"))
    salle = _salle_demandee(salles, request.GET.get("salle", ""))
    jour, erreur = _date_demandee(request, "semaine")
    lundi = jour - datetime.timedelta(days=jour.weekday())
    context = {"salles": salles, "salle": salle, "lundi": lundi, "dimanche": lundi + datetime.timedelta(days=6)}
    context["erreur"] = erreur
    context["grille"] = grille.semaine(salle, lundi) if salle else None
    context["flux"] = ""
    if salle is not None:
        context["legende"] = (
            f"Réservations de la salle {salle.nom} du {lundi:%d/%m/%Y} au {lundi + datetime.timedelta(days=6):%d/%m/%Y}"
        )
        semaine_de = {"salle": salle.pk}
        context |= {
            "precedente": _adresse("linne:semaine", **semaine_de, semaine=lundi - datetime.timedelta(days=7)),
            "suivante": _adresse("linne:semaine", **semaine_de, semaine=lundi + datetime.timedelta(days=7)),
            "cette_semaine": _adresse("linne:semaine", **semaine_de),
        }
        if can_manage_linne(request.user):
            context["flux"] = request.build_absolute_uri(reverse("linne:salle_ics", args=[salle.jeton_flux]))
    return _rendre(request, "linne/calendriers/semaine.html", "linne/calendriers/includes/semaine.html", context)


@access(read=LECTEURS_LINNE)
@require_safe
def jour(request):
    """One day of every room, a column each, with the link to the régisseurs' printable sheet."""
    jour, erreur = _date_demandee(request, "jour")
    context = {
        "jour": jour,
        "erreur": erreur,
        "grille": grille.journee(list(Salle.objects.order_by("nom")), jour),
        "precedent": _adresse("linne:jour", jour=jour - datetime.timedelta(days=1)),
        "suivant": _adresse("linne:jour", jour=jour + datetime.timedelta(days=1)),
        "aujourdhui": reverse("linne:jour"),
        "feuille": _adresse("linne:feuille_du_jour", jour=jour),
        "legende": f"Réservations du {jour:%d/%m/%Y} par salle",
    }
    return _rendre(request, "linne/calendriers/jour.html", "linne/calendriers/includes/jour.html", context)


@access(read=LECTEURS_LINNE)
@require_safe
def feuille_du_jour(request):
    """The day's sheet the régisseurs print: per room, its confirmed bookings in order with their set-up
    and clean-up, organisation, contact, attendance, public or private, and notes. An élu reads it without
    the contacts nor the internal notes (linne.permissions)."""
    jour, _ = _date_demandee(request, "jour")
    context = agenda_public.feuille_du_jour(jour) | {
        "avec_contact": lisible(request.user, Reservation, "contact_nom"),
        "avec_notes": lisible(request.user, Reservation, "notes_internes"),
        "edite_le": timezone.localtime(),
    }
    response = HttpResponse(render_pdf(GABARIT_FEUILLE, context), content_type="application/pdf")
    response["Content-Disposition"] = disposition_piece_jointe(f"espace-linne-{jour:%Y-%m-%d}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@public
@require_safe
def salle_ics(request, jeton):
    """A room's calendar feed, read at its secret address by calendar applications (which cannot log
    in): its confirmed bookings, never a contact. An unknown address answers 404."""
    salle = get_object_or_404(Salle, jeton_flux=jeton)
    evenements = [
        dataclasses.replace(e, url=request.build_absolute_uri(e.url)) if e.url else e
        for e in calendrier.evenements_salle(salle, timezone.localdate())
    ]
    contenu = ics.calendrier(f"Espace Linné — {salle.nom}", evenements)
    return ics.reponse(f"espace-linne-salle-{salle.pk}.ics", contenu)


@public
@require_safe
def agenda(request):
    """The public agenda, open to all: the public events to come at Espace Linné, by month, with the
    link to ask for a room."""
    page = Paginator(agenda_public.evenements_publics(timezone.now()), agenda_public.AGENDA_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "mois": agenda_public.par_mois(page.object_list), "params": ""}
    return render(request, "linne/agenda/agenda.html", context)


@public
@require_safe
def agenda_ics(request):
    """The public agenda as a calendar feed, open to all."""
    evenements = agenda_public.evenements_ics_publics(
        timezone.now(), request.build_absolute_uri(reverse("linne:agenda"))
    )
    contenu = ics.calendrier(agenda_public.NOM_FLUX_AGENDA, evenements)
    response = ics.reponse("espace-linne-agenda.ics", contenu)
    response["Cache-Control"] = "public, max-age=3600"
    return response
