"""Espace Linné's attendance and statistics (issue 18).

The day's list (`frequentation`): the régisseurs record, row by row, how many people came to each booking
that has ended, or that the organisation did not come. Each row is its own form, posted to the booking's
address (`frequentation_saisir`): with htmx the row is swapped in place with its confirmation or its
errors; without JavaScript the POST saves and comes back to the same day, or shows the booking's form
alone with its errors. `linne.frequentation` writes, in one transaction: a refusal writes nothing. The
service reads and writes; the élus and the partners get 403.

The statistics of a year (`statistiques`, its XLSX file `statistiques_export`): `linne.statistiques`
computes them, the page shows each chart beside its table. The service and the élus read them.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from comptes.permissions import GESTION_LINNE, LECTEURS_STATISTIQUES_LINNE, access
from roubaix_cs import graphiques, xlsx
from roubaix_cs.exports import FORMATS
from roubaix_cs.telechargements import disposition_piece_jointe

from . import frequentation, statistiques
from .filters_frequentation import JourFiltre, StatistiquesFiltre
from .forms_frequentation import FrequentationForm, initial
from .models import Reservation

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

MOIS_COURTS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def _jour_url(jour, ancre=""):
    return f"{reverse('linne:frequentation')}?{urlencode({'jour': jour.isoformat()})}{ancre}"


# --- The day's list ---------------------------------------------------------------------------------


@access(read=GESTION_LINNE)
@require_safe
def frequentation_jour(request):
    """The day's ended confirmed bookings (?jour=, today by default), one form per row, with the
    previous and next days."""
    jour, erreur = JourFiltre(request.GET).jour_choisi()
    reservations = frequentation.a_saisir(jour)
    lignes = []
    for reservation in reservations:
        instantane = getattr(reservation, "frequentation", None)
        form = FrequentationForm(reservation=reservation, initial=initial(instantane))
        lignes.append({"reservation": reservation, "frequentation": instantane, "form": form})
    contexte = {
        "jour": jour,
        "erreur": erreur,
        "lignes": lignes,
        "saisies": sum(1 for ligne in lignes if ligne["frequentation"] and ligne["frequentation"].saisie),
        "veille": _jour_url(jour - datetime.timedelta(days=1)),
        "lendemain": _jour_url(jour + datetime.timedelta(days=1)),
        "a_venir": jour > timezone.localdate(),
    }
    return render(request, "linne/frequentation/jour.html", contexte)


def _ligne(request, reservation, instantane, form, *, enregistree=False):
    """The row alone, for htmx: its form with the confirmation or the errors."""
    ligne = {"reservation": reservation, "frequentation": instantane, "form": form}
    response = render(request, "linne/frequentation/_ligne.html", {"ligne": ligne, "enregistree": enregistree})
    patch_vary_headers(response, ["HX-Request"])
    return response


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def frequentation_saisir(request, pk):
    """The attendance of one booking: its form alone (from the booking's page), or the POST of a row of
    the day's list. Refused in French before the booking's end or for a booking not confirmed."""
    reservation = get_object_or_404(Reservation.objects.select_related("salle", "organisation", "frequentation"), pk=pk)
    instantane = getattr(reservation, "frequentation", None)
    jour = timezone.localtime(reservation.debut).date()
    if request.method == "POST":
        form = FrequentationForm(request.POST, reservation=reservation)
        if form.is_valid():
            try:
                instantane = frequentation.enregistrer(
                    reservation,
                    effectif_reel=form.cleaned_data["effectif_reel"],
                    absence=form.cleaned_data["absence"],
                    par=request.user,
                )
            except ValidationError as erreur:
                _erreurs_du_service(form, erreur)
            else:
                if request.htmx:
                    form = FrequentationForm(reservation=reservation, initial=initial(instantane))
                    return _ligne(request, reservation, instantane, form, enregistree=True)
                message = f"Fréquentation enregistrée : {reservation.organisation}, {reservation.salle}."
                messages.success(request, message)
                return redirect(_jour_url(jour, f"#ligne-{reservation.pk}"))
        if request.htmx:
            return _ligne(request, reservation, instantane, form)
    else:
        form = FrequentationForm(reservation=reservation, initial=initial(instantane))
    contexte = {
        "reservation": reservation,
        "frequentation": instantane,
        "form": form,
        "ligne": {"reservation": reservation, "frequentation": instantane, "form": form},
        "jour_url": _jour_url(jour, f"#ligne-{reservation.pk}"),
        "terminee": reservation.fin <= timezone.now(),
    }
    return render(request, "linne/frequentation/saisir.html", contexte)


def _erreurs_du_service(form, erreur):
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.message_dict.items():
            form.add_error(champ if champ in form.fields else None, liste)
    else:
        form.add_error(None, erreur.messages)


# --- The statistics ---------------------------------------------------------------------------------


def _statistiques(request):
    filtre = StatistiquesFiltre(request.GET)
    annee, salle, erreur = filtre.criteres()
    stats = statistiques.de_l_annee(annee, salles=[salle] if salle else None)
    return filtre, stats, salle, erreur


def graphiques_de(stats):
    """The page's charts, each drawn from the table beside it."""
    mois = [MOIS_COURTS[m.month - 1] for m in stats.mois]
    return {
        "occupation": graphiques.courbes(
            mois,
            [graphiques.Serie(ligne.salle.nom, [c.occupation for c in ligne.mois]) for ligne in stats.salles],
            titre=f"Taux d'occupation par salle et par mois en {stats.annee}",
            description="Heures réservées sur heures d'ouverture, fermetures déduites.",
            unite="%",
            depuis_zero=True,
            ident="occupation-par-mois",
        ),
        "presents": graphiques.barres(
            [(MOIS[m.month - 1], c.presents) for m, c in zip(stats.mois, stats.total_mois, strict=True)],
            titre=f"Personnes présentes par mois en {stats.annee}",
            ident="presents-par-mois",
        ),
        "types": graphiques.barres(
            stats.heures_par_type,
            titre=f"Heures d'activité par type en {stats.annee}",
            unite="h",
            ident="heures-par-type",
        ),
        "categories": graphiques.barres(
            stats.heures_par_categorie,
            titre=f"Heures d'activité par type d'organisation en {stats.annee}",
            unite="h",
            ident="heures-par-categorie",
        ),
    }


@access(read=LECTEURS_STATISTIQUES_LINNE)
@require_safe
def statistiques_page(request):
    """The statistics of a year (?annee=, this year by default; ?salle= one room): occupancy and attendance
    per room and month, the organisations hosted, the hours by kind, the share of the priority
    neighbourhoods; each chart beside its table."""
    filtre, stats, salle, erreur = _statistiques(request)
    contexte = {
        "filtre": filtre,
        "stats": stats,
        "salle": salle,
        "erreur": erreur,
        "mois_courts": MOIS_COURTS,
        "lignes_mois": list(zip(MOIS, stats.mois, stats.total_mois, strict=True)),
        "graphiques": graphiques_de(stats),
        "recurrence_min": statistiques.RECURRENCE_MIN,
        "params": urlencode({"annee": stats.annee, **({"salle": salle.pk} if salle else {})}),
    }
    return render(request, "linne/frequentation/statistiques.html", contexte)


TITRES_CELLULE = [
    "Heures d'ouverture",
    "Heures réservées",
    "Taux d'occupation (%)",
    "Réservations",
    "Absences",
    "Fréquentations saisies",
    "Personnes présentes",
]


def _nombre(valeur):
    """An hour count as a number (not a Decimal of two places, which the XLSX file shows as an amount)."""
    return float(valeur) if valeur is not None else None


def _valeurs(cellule):
    occupation = cellule.occupation
    return [
        _nombre(cellule.heures_ouverture),
        _nombre(cellule.heures_reservees),
        _nombre(occupation),
        cellule.reservations,
        cellule.absences,
        cellule.saisies,
        cellule.presents,
    ]


def _repartition(paires):
    return [[libelle, _nombre(heures)] for libelle, heures in paires]


def feuilles(stats):
    """The page's tables, one sheet each."""
    par_salle_mois = [
        [ligne.salle.nom, MOIS[mois.month - 1], *_valeurs(cellule)]
        for ligne in stats.salles
        for mois, cellule in zip(stats.mois, ligne.mois, strict=True)
    ]
    par_salle = [[ligne.salle.nom, *_valeurs(ligne.annee)] for ligne in stats.salles]
    par_salle.append(["Total", *_valeurs(stats.total)])
    par_mois = [[MOIS[m.month - 1], *_valeurs(c)] for m, c in zip(stats.mois, stats.total_mois, strict=True)]
    par_mois.append(["Année", *_valeurs(stats.total)])
    organisations = [
        ["Organisations accueillies", stats.organisations_accueillies],
        [f"Organisations accueillies au moins {statistiques.RECURRENCE_MIN} fois", stats.organisations_recurrentes],
        ["Réservations d'organisations actives en quartier prioritaire", stats.reservations_qpv],
        ["Réservations", stats.total.reservations],
        ["Part des réservations en quartier prioritaire (%)", _nombre(stats.part_qpv)],
    ]
    return [
        xlsx.Feuille("Par salle et par mois", ["Salle", "Mois", *TITRES_CELLULE], par_salle_mois),
        xlsx.Feuille("Par salle", ["Salle", *TITRES_CELLULE], par_salle),
        xlsx.Feuille("Par mois", ["Mois", *TITRES_CELLULE], par_mois),
        xlsx.Feuille("Organisations", ["Indicateur", "Valeur"], organisations),
        xlsx.Feuille("Par type d'activité", ["Type d'activité", "Heures"], _repartition(stats.heures_par_type)),
        xlsx.Feuille(
            "Par type d'organisation", ["Type d'organisation", "Heures"], _repartition(stats.heures_par_categorie)
        ),
    ]


@access(read=LECTEURS_STATISTIQUES_LINNE)
@require_safe
def statistiques_export(request):
    """The page's tables in one XLSX file, a sheet each."""
    _, stats, salle, _ = _statistiques(request)
    nom = f"statistiques-linne-{stats.annee}{f'-salle-{salle.pk}' if salle else ''}.xlsx"
    response = HttpResponse(content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = disposition_piece_jointe(nom)
    xlsx.ecrire(response, feuilles(stats))
    return response
