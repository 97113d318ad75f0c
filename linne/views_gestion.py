"""Espace Linné's management pages: the rooms (their opening hours and price list), the closures, the
bookings and the series.

The service (GESTION_LINNE: the responsable, the agents, the régisseurs) writes; the élus read every
page without its buttons, never the contacts' data nor the internal notes (linne.permissions); the
partners and the accounts without a role get 403. Bookings and series are written by linne.services
only, each action in one transaction: a refusal writes nothing and is shown in French.
"""

import dataclasses
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comptes.permissions import GESTION_LINNE, LECTEURS_LINNE, access, can_manage_linne
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.lecture import lisible
from roubaix_cs.listes import page_de_liste
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.vues import appliquer_etape, enregistrer_et_rediriger, form_page

from . import services
from .filters import FermetureFilter, ReservationFilter, SalleFilter
from .forms import (
    CHAMPS_DU_CRENEAU,
    AnnulationForm,
    DeplacementForm,
    FermetureForm,
    HorairesForm,
    ReservationForm,
    SalleForm,
    SerieAnnulationForm,
    SerieDeplacementForm,
    SerieForm,
    TarifsForm,
    ajouter_erreurs,
)
from .models import JOURS_SEMAINE, Categorie, Fermeture, HoraireOuverture, Reservation, Salle, Serie, Tarif
from .services import Portee

S = Reservation.Statut
ACTIFS = (S.DEMANDEE, S.CONFIRMEE)
# The next bookings a room's page lists (the whole list is the bookings' page, filtered by the room).
PROCHAINES = 10


def _contexte(request, **contexte):
    return {"gerer": can_manage_linne(request.user), **contexte}


def _pluriel(n, mots):
    """« 3 réservations annulées »: every word of `mots` agrees with `n`."""
    s = "s" if n > 1 else ""
    return f"{n} " + " ".join(f"{mot}{s}" for mot in mots.split())


def _oui_non(valeur):
    return "oui" if valeur else "non"


# --- Rooms ------------------------------------------------------------------------------------------


def _salles_filtrees(request):
    maintenant = timezone.now()
    queryset = Salle.objects.annotate(
        n_a_venir=Count("reservations", filter=Q(reservations__statut__in=ACTIFS, reservations__fin__gte=maintenant))
    ).order_by("nom")
    return SalleFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_LINNE)
@require_safe
def salle_list(request):
    """The rooms, filtered, sorted and paginated, with their upcoming bookings."""
    contexte = page_de_liste(request, _salles_filtrees(request))
    return render(request, "linne/gestion/salle_list.html", _contexte(request, **contexte))


@access(read=LECTEURS_LINNE)
@require_safe
def salle_export(request, fmt):
    colonnes = [
        ("Salle", lambda s: s.nom),
        ("Capacité", lambda s: s.capacite),
        ("Surface (m²)", lambda s: s.surface_m2),
        ("Accessible PMR", lambda s: _oui_non(s.accessible_pmr)),
        ("Équipements", lambda s: s.equipements),
        ("Durée minimale (minutes)", lambda s: s.duree_min_minutes),
        ("Durée maximale (minutes)", lambda s: s.duree_max_minutes),
        ("Installation (minutes)", lambda s: s.battement_avant_minutes),
        ("Rangement (minutes)", lambda s: s.battement_apres_minutes),
        ("Ouverte aux réservations", lambda s: _oui_non(s.active)),
        ("Réservations à venir", lambda s: s.n_a_venir),
    ]
    return exporter(fmt, nom="salles-linne", colonnes=colonnes, objets=_salles_filtrees(request).qs)


def _historique_salle(salle, user):
    pk = salle.pk
    return evenements(
        (salle.history.all(), lambda r: "Salle"),
        (HoraireOuverture.history.filter(salle_id=pk), lambda r: f"Horaires du {r.get_jour_semaine_display()}"),
        (Tarif.history.filter(salle_id=pk), lambda r: f"Tarif « {r.get_categorie_display()} »"),
        (Fermeture.history.filter(salle_id=pk), lambda r: "Fermeture de la salle"),
        lecteur=user,
    )


@access(read=LECTEURS_LINNE)
@require_safe
def salle_detail(request, pk):
    salle = get_object_or_404(Salle, pk=pk)
    aujourd_hui = timezone.localdate()
    horaires = {h.jour_semaine: h for h in salle.horaires.all()}
    tarifs = {t.categorie: t for t in salle.tarifs.all()}
    contexte = _contexte(
        request,
        salle=salle,
        horaires=[(nom.capitalize(), horaires.get(jour)) for jour, nom in JOURS_SEMAINE],
        tarifs=[(libelle, tarifs.get(code)) for code, libelle in Categorie.choices],
        fermetures=list(
            Fermeture.objects.filter(Q(salle=salle) | Q(salle__isnull=True), fin__gte=aujourd_hui)
            .select_related("salle")
            .order_by("debut", "pk")
        ),
        prochaines=list(
            salle.reservations.filter(statut__in=ACTIFS, fin__gte=timezone.now())
            .select_related("organisation")
            .order_by("debut", "pk")[:PROCHAINES]
        ),
        evenements=_historique_salle(salle, request.user),
    )
    return render(request, "linne/gestion/salle_detail.html", contexte)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def salle_create(request):
    form = SalleForm(request.POST or None)
    done = enregistrer_et_rediriger(
        request,
        form,
        vers=lambda s: s.get_absolute_url(),
        message="La salle a été créée : indiquez ses horaires d'ouverture et ses tarifs.",
    )
    return done or form_page(request, form, titre="Nouvelle salle", annuler=reverse("linne:salle_liste"))


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def salle_update(request, pk):
    salle = get_object_or_404(Salle, pk=pk)
    form = SalleForm(request.POST or None, instance=salle)
    done = enregistrer_et_rediriger(request, form, vers=salle.get_absolute_url(), message="Salle enregistrée.")
    return done or form_page(request, form, titre=f"Modifier la salle « {salle} »", annuler=salle.get_absolute_url())


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def salle_horaires(request, pk):
    """The room's opening hours, every weekday on one form."""
    salle = get_object_or_404(Salle, pk=pk)
    form = HorairesForm(request.POST or None, salle=salle)
    if request.method == "POST" and form.is_valid() and (n := form.enregistrer()) is not None:
        messages.success(request, f"Horaires enregistrés ({_pluriel(n, 'jour modifié')}).")
        return redirect(f"{salle.get_absolute_url()}#horaires")
    contexte = {"form": form, "salle": salle, "titre": f"Horaires d'ouverture — {salle}"}
    return render(request, "linne/gestion/horaires_form.html", contexte)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def salle_tarifs(request, pk):
    """The room's price list, one hourly rate per kind of user."""
    salle = get_object_or_404(Salle, pk=pk)
    form = TarifsForm(request.POST or None, salle=salle)
    if request.method == "POST" and form.is_valid() and (n := form.enregistrer()) is not None:
        messages.success(request, f"Tarifs enregistrés ({_pluriel(n, 'changement')}).")
        return redirect(f"{salle.get_absolute_url()}#tarifs")
    return form_page(request, form, titre=f"Tarifs — {salle}", annuler=salle.get_absolute_url())


# --- Closures ---------------------------------------------------------------------------------------


def _fermetures_filtrees(request):
    return FermetureFilter(request.GET, queryset=Fermeture.objects.select_related("salle").order_by("-debut", "pk"))


@access(read=LECTEURS_LINNE)
@require_safe
def fermeture_list(request):
    contexte = page_de_liste(request, _fermetures_filtrees(request))
    return render(request, "linne/gestion/fermeture_list.html", _contexte(request, **contexte))


MOTIFS = dict(Fermeture.Motif.choices)


@access(read=LECTEURS_LINNE)
@require_safe
def fermeture_export(request, fmt):
    colonnes = [
        ("Du", lambda f: f.debut),
        ("Au (inclus)", lambda f: f.fin),
        ("Salle", lambda f: f.salle.nom if f.salle_id else "Tout l'Espace Linné"),
        ("Motif", lambda f: MOTIFS.get(f.motif, f.motif)),
        ("Libellé", lambda f: f.libelle),
    ]
    return exporter(fmt, nom="fermetures-linne", colonnes=colonnes, objets=_fermetures_filtrees(request).qs)


def _reservations_pendant(fermeture):
    """The confirmed bookings a closure falls on: the service tells the user, who cancels or moves them."""
    qs = Reservation.objects.confirmees().filter(debut__date__gte=fermeture.debut, debut__date__lte=fermeture.fin)
    return qs.filter(salle_id=fermeture.salle_id) if fermeture.salle_id else qs


def _enregistrer_fermeture(request, form, message):
    if request.method != "POST" or not form.is_valid():
        return None
    fermeture = form.save()
    n = _reservations_pendant(fermeture).count()
    messages.success(request, message)
    if n:
        messages.warning(
            request,
            f"{_pluriel(n, 'réservation confirmée')} tombe{'nt' if n > 1 else ''} pendant cette fermeture : "
            "annulez-les ou déplacez-les.",
        )
    return redirect("linne:fermeture_liste")


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def fermeture_create(request):
    """A closure; `?salle=<pk>` (the room's page links here) prefills the room."""
    initial = {}
    salle = request.GET.get("salle", "")
    if salle.isdigit() and len(salle) < 19:
        initial["salle"] = get_object_or_404(Salle, pk=salle)
    form = FermetureForm(request.POST or None, initial=initial)
    done = _enregistrer_fermeture(request, form, "Fermeture enregistrée.")
    return done or form_page(request, form, titre="Nouvelle fermeture", annuler=reverse("linne:fermeture_liste"))


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def fermeture_update(request, pk):
    fermeture = get_object_or_404(Fermeture.objects.select_related("salle"), pk=pk)
    form = FermetureForm(request.POST or None, instance=fermeture)
    done = _enregistrer_fermeture(request, form, "Fermeture enregistrée.")
    return done or form_page(
        request, form, titre=f"Modifier la fermeture — {fermeture}", annuler=reverse("linne:fermeture_liste")
    )


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def fermeture_delete(request, pk):
    fermeture = get_object_or_404(Fermeture.objects.select_related("salle"), pk=pk)
    if request.method == "POST":
        fermeture.delete()
        messages.success(request, f"Fermeture supprimée : {fermeture}.")
        return redirect("linne:fermeture_liste")
    return render(request, "linne/gestion/fermeture_confirm_delete.html", {"fermeture": fermeture})


# --- Bookings ---------------------------------------------------------------------------------------


def _reservations_filtrees(request):
    queryset = Reservation.objects.select_related("salle", "organisation", "serie").order_by("-debut", "pk")
    return ReservationFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_LINNE)
@require_safe
def reservation_list(request):
    """The bookings, filtered, sorted and paginated."""
    contexte = page_de_liste(request, _reservations_filtrees(request))
    return render(request, "linne/gestion/reservation_list.html", _contexte(request, **contexte))


STATUTS = dict(S.choices)
TYPES = dict(Reservation._meta.get_field("type_activite").choices)
CATEGORIES = dict(Categorie.choices)


def _local(moment_):
    return timezone.localtime(moment_)


@access(read=LECTEURS_LINNE)
@require_safe
def reservation_export(request, fmt):
    colonnes = [
        ("Date", lambda r: _local(r.debut).date()),
        ("Début", lambda r: f"{_local(r.debut):%H:%M}"),
        ("Fin", lambda r: f"{_local(r.fin):%H:%M}"),
        ("Salle", lambda r: r.salle.nom),
        ("Organisation", lambda r: r.organisation.nom),
        ("Objet", lambda r: r.objet),
        ("Type d'activité", lambda r: TYPES.get(r.type_activite, r.type_activite)),
        ("Effectif attendu", lambda r: r.effectif_prevu),
        ("Événement public", lambda r: _oui_non(r.public)),
        ("Statut", lambda r: STATUTS.get(r.statut, r.statut)),
        ("Motif du refus ou de l'annulation", lambda r: r.motif),
        ("Tarif appliqué", lambda r: CATEGORIES.get(r.categorie, r.categorie)),
        ("Gratuite", lambda r: _oui_non(r.gratuit)),
        ("Valeur au tarif", lambda r: r.valeur),
        ("Montant facturé", lambda r: r.montant),
        ("Série", lambda r: r.serie.libelle_regle if r.serie_id else ""),
    ]
    user = request.user
    if lisible(user, Reservation, "contact_nom"):
        colonnes += [
            ("Contact", lambda r: r.contact_nom),
            ("E-mail du contact", lambda r: r.contact_email),
            ("Téléphone du contact", lambda r: r.contact_telephone),
        ]
    if lisible(user, Reservation, "notes_internes"):
        colonnes.append(("Notes internes", lambda r: r.notes_internes))
    return exporter(fmt, nom="reservations-linne", colonnes=colonnes, objets=_reservations_filtrees(request).qs)


def _get_reservation(pk):
    return get_object_or_404(Reservation.objects.select_related("salle", "organisation", "serie"), pk=pk)


def _etapes(reservation, user):
    """Confirm or refuse, from the workflow table; cancelling has its own page (its « portée »)."""
    etapes = services.CIRCUIT.etapes(reservation, user)
    return dataclasses.replace(
        etapes,
        autres=tuple(e for e in etapes.autres if e.vers != S.ANNULEE),
        reservees=tuple(e for e in etapes.reservees if e.vers != S.ANNULEE),
    )


@access(read=LECTEURS_LINNE)
@require_safe
def reservation_detail(request, pk):
    user = request.user
    reservation = get_object_or_404(
        Reservation.objects.select_related("salle", "organisation", "serie", "demande", "cree_par", "frequentation"),
        pk=pk,
    )
    gerer = can_manage_linne(user)
    serie = reservation.serie
    contexte = _contexte(
        request,
        reservation=reservation,
        etapes=_etapes(reservation, user) if gerer else None,
        active=reservation.statut in ACTIFS,
        frequentation=getattr(reservation, "frequentation", None),  # the attendance recorded (linne.frequentation)
        termine=reservation.fin <= timezone.now(),
        occurrences=list(serie.reservations.order_by("debut", "pk")) if serie else [],
        evenements=evenements((reservation.history.all(), lambda r: "Réservation"), lecteur=user),
    )
    return render(request, "linne/gestion/reservation_detail.html", contexte)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def reservation_create(request):
    """A booking made by the service (confirmed at once unless unticked); the room's rules it breaks are
    shown on the form, nothing saved."""
    initial = {"heure_debut": datetime.time(18), "heure_fin": datetime.time(20)}
    salle = request.GET.get("salle", "")
    if salle.isdigit() and len(salle) < 19:
        initial["salle"] = get_object_or_404(Salle.objects.actives(), pk=salle)
    form = ReservationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reservation = services.creer_reservation(
                par=request.user, confirmer=form.cleaned_data["confirmer"], **form.champs()
            )
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur, CHAMPS_DU_CRENEAU)
        else:
            messages.success(request, f"Réservation {reservation.get_statut_display().lower()}.")
            return redirect(reservation)
    return form_page(request, form, titre="Nouvelle réservation", annuler=reverse("linne:reservation_liste"))


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def reservation_update(request, pk):
    """Edit a booking under optimistic locking; its new slot is checked against the room's rules."""
    reservation = _get_reservation(pk)
    form = ReservationForm(request.POST or None, instance=reservation)
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_modification(form, par=request.user)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur, CHAMPS_DU_CRENEAU)
        else:
            messages.success(request, "Réservation enregistrée.")
            return redirect(reservation)
    url = reservation.get_absolute_url()
    return form_page(request, form, titre=f"Modifier la réservation — {reservation}", annuler=url)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_POST
def reservation_transition(request, pk):
    """Confirm or refuse a requested booking (the refusal with its reason)."""
    reservation = _get_reservation(pk)

    def changer(*, vers, commentaire):
        return services.changer_statut(reservation=reservation, vers=vers, par=request.user, motif=commentaire)

    return appliquer_etape(
        request, reservation, changer, message=lambda r: f"Réservation {r.get_statut_display().lower()}."
    )


def _inactive(request, reservation, action):
    messages.error(request, f"Cette réservation est {reservation.get_statut_display().lower()} : {action}.")
    return redirect(reservation)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def reservation_annuler(request, pk):
    """Cancel a booking; one of a series, it alone, it and the following ones, or the whole series."""
    reservation = _get_reservation(pk)
    if reservation.statut not in ACTIFS:
        return _inactive(request, reservation, "elle ne peut plus être annulée")
    form = AnnulationForm(request.POST or None, reservation=reservation)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.annuler(
                reservation=reservation,
                portee=form.cleaned_data.get("portee", Portee.UNE),
                motif=form.cleaned_data["motif"],
                par=request.user,
            )
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, f"{_pluriel(n, 'réservation annulée')}." if n > 1 else "Réservation annulée.")
            return redirect(reservation)
    url = reservation.get_absolute_url()
    return form_page(request, form, titre=f"Annuler la réservation — {reservation}", annuler=url)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def reservation_deplacer(request, pk):
    """Move a booking (another day, hours or room); one of a series, it alone, it and the following ones,
    or the whole series. One occurrence that cannot move refuses the whole move."""
    reservation = _get_reservation(pk)
    if reservation.statut not in ACTIFS:
        return _inactive(request, reservation, "elle ne peut plus être déplacée")
    form = DeplacementForm(request.POST or None, reservation=reservation)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["creneau"]:
        nouveau_debut, nouvelle_fin = form.cleaned_data["creneau"]
        try:
            n = services.deplacer(
                reservation=reservation,
                portee=form.cleaned_data.get("portee", Portee.UNE),
                nouveau_debut=nouveau_debut,
                nouvelle_fin=nouvelle_fin,
                salle=form.cleaned_data["salle"],
                par=request.user,
                motif=form.cleaned_data["motif"],
            )
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, f"{_pluriel(n, 'réservation déplacée')}." if n > 1 else "Réservation déplacée.")
            return redirect(reservation)
    url = reservation.get_absolute_url()
    return form_page(request, form, titre=f"Déplacer la réservation — {reservation}", annuler=url)


# --- Series -----------------------------------------------------------------------------------------

APERCU, ENREGISTRER = "apercu", "enregistrer"


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def serie_create(request):
    """A series in two steps: « Aperçu » shows every date of the rule and why each impossible one cannot
    be booked; « Enregistrer la série » books them all, or, « Écarter les dates impossibles » ticked,
    the possible ones, the others kept with their reason. A POST without a button saves."""
    initial = {"heure_debut": datetime.time(18), "heure_fin": datetime.time(20), "intervalle_semaines": 1}
    form = SerieForm(request.POST or None, initial=initial)
    apercu = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", ENREGISTRER)
        try:
            apercu, _ = services.apercu_serie(**form.regle())
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
            apercu = None
        else:
            if action != APERCU:
                try:
                    serie = services.creer_serie(
                        par=request.user,
                        ecarter_impossibles=form.cleaned_data["ecarter_impossibles"],
                        **form.champs(),
                    )
                except ValidationError as erreur:
                    ajouter_erreurs(form, erreur)
                else:
                    n, ecartees = serie.reservations.count(), serie.dates_ignorees.count()
                    texte = f"Série enregistrée : {_pluriel(n, 'réservation')}"
                    if ecartees:
                        texte += f", {_pluriel(ecartees, 'date écartée')}"
                    messages.success(request, f"{texte}.")
                    return redirect(serie)
    contexte = {
        "form": form,
        "apercu": apercu,
        "impossibles": sum(1 for d in apercu if not d.possible) if apercu else 0,
        "annuler": reverse("linne:reservation_liste"),
    }
    return render(request, "linne/gestion/serie_form.html", contexte)


def _get_serie(pk):
    return get_object_or_404(Serie.objects.select_related("salle", "organisation", "cree_par"), pk=pk)


@access(read=LECTEURS_LINNE)
@require_safe
def serie_detail(request, pk):
    serie = _get_serie(pk)
    occurrences = list(serie.reservations.order_by("debut", "pk"))
    contexte = _contexte(
        request,
        serie=serie,
        occurrences=occurrences,
        actives=sum(1 for r in occurrences if r.statut in ACTIFS),
        dates_ignorees=list(serie.dates_ignorees.all()),
        evenements=evenements((serie.history.all(), lambda r: "Série"), lecteur=request.user),
    )
    return render(request, "linne/gestion/serie_detail.html", contexte)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def serie_annuler(request, pk):
    """Cancel the whole series, or its bookings from a date on."""
    serie = _get_serie(pk)
    form = SerieAnnulationForm(request.POST or None, serie=serie)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.annuler(
                reservation=form.cleaned_data["a_partir_de"],
                portee=form.cleaned_data["portee"],
                motif=form.cleaned_data["motif"],
                par=request.user,
            )
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, f"{_pluriel(n, 'réservation annulée')} dans la série.")
            return redirect(serie)
    return form_page(request, form, titre=f"Annuler la série — {serie}", annuler=serie.get_absolute_url())


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def serie_deplacer(request, pk):
    """Move the whole series, or its bookings from a date on (another day, hours or room)."""
    serie = _get_serie(pk)
    form = SerieDeplacementForm(request.POST or None, serie=serie)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["creneau"]:
        nouveau_debut, nouvelle_fin = form.cleaned_data["creneau"]
        try:
            n = services.deplacer(
                reservation=form.cleaned_data["a_partir_de"],
                portee=form.cleaned_data["portee"],
                nouveau_debut=nouveau_debut,
                nouvelle_fin=nouvelle_fin,
                salle=form.cleaned_data["salle"],
                par=request.user,
                motif=form.cleaned_data["motif"],
            )
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, f"{_pluriel(n, 'réservation déplacée')} dans la série.")
            return redirect(serie)
    return form_page(request, form, titre=f"Déplacer la série — {serie}", annuler=serie.get_absolute_url())
