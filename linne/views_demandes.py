"""The room requests' pages: the public request form (no login), its acknowledgement and the facility's
rules; for the service, the list of the requests, a request's page and its answers (accept, refuse),
the allocation of a season's wishes, and the download of the documents.

The service (GESTION_LINNE) answers the requests; the élus read them without the contacts' data; the
partners get 403. The public pages reveal nothing of the other bookings.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from comptes.permissions import GESTION_LINNE, LECTEURS_LINNE, access, can_manage_linne, public
from comptes.securite import adresse_client
from roubaix_cs import uploads
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.seuils import DEMANDE_SALLE_REPONSE_JOURS, DEMANDE_SALLE_TAILLE_MAX_OCTETS
from roubaix_cs.telechargements import fichier_prive

from . import demandes, services
from .filters_demandes import DemandeFilter, SaisonFiltre
from .forms_demandes import DemandePubliqueForm, RefusForm, ReponseForm
from .models import Categorie, DemandeReservation, Justificatif, Salle, Voeu

# The session's note of the request just sent, for the acknowledgement page (its reference only).
CLE_SESSION = "linne_demande_envoyee"
GENRES = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.ODT, uploads.ODS)
NATURE = DemandeReservation.Nature


# --- The public pages -----------------------------------------------------------------------------


def _trop_grosse(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > DEMANDE_SALLE_TAILLE_MAX_OCTETS
    except ValueError:
        return True


def _page_demande(request, form, status=200, erreur=""):
    context = {"form": form, "erreur": erreur, "delai": DEMANDE_SALLE_REPONSE_JOURS}
    return render(request, "linne/demandes/demande_publique.html", context, status=status)


@public
@csrf_exempt  # checked below, once the size of the request is known to be acceptable
@require_http_methods(["GET", "HEAD", "POST"])
def demande_publique(request):
    """An association asks for a room, once or for the season. A request too big is refused before its
    body is read; the CSRF token is checked then, as everywhere."""
    if request.method == "POST" and _trop_grosse(request):
        message = (
            "La demande envoyée est trop volumineuse : l'attestation d'assurance doit faire "
            f"{DEMANDE_SALLE_TAILLE_MAX_OCTETS // (1024 * 1024) - 1} Mo au plus."
        )
        return _page_demande(request, DemandePubliqueForm(), status=413, erreur=message)
    return _demande_protegee(request)


@csrf_protect
def _demande_protegee(request):
    if request.method != "POST":
        return _page_demande(request, DemandePubliqueForm())
    form = DemandePubliqueForm(request.POST, request.FILES)
    empreinte = demandes.empreinte_adresse(adresse_client(request) or "")
    if demandes.limite_atteinte(empreinte):
        return _page_demande(request, form, status=429, erreur=demandes.MESSAGE_LIMITE)
    if not form.is_valid():
        return _page_demande(request, form)
    if form.cleaned_data["site_web"]:  # the trap: a robot filled the hidden field; nothing is recorded
        request.session[CLE_SESSION] = ""
        return redirect("linne:demande_envoyee")
    try:
        demande = demandes.enregistrer_demande(
            champs=form.champs_demande(),
            voeux=form.voeux(),
            assurance=form.cleaned_data["assurance"],
            assurance_valide_jusqu_au=form.cleaned_data["assurance_valide_jusqu_au"],
            empreinte=empreinte,
        )
    except ValidationError as erreur:
        form.add_error(None, erreur.messages)
        return _page_demande(request, form)
    request.session[CLE_SESSION] = demandes.reference(demande)
    return redirect("linne:demande_envoyee")


@public
@require_safe
def demande_envoyee(request):
    """The acknowledgement: a thank-you and the reference, nothing else."""
    context = {"reference": request.session.get(CLE_SESSION, ""), "delai": DEMANDE_SALLE_REPONSE_JOURS}
    return render(request, "linne/demandes/demande_envoyee.html", context)


@public
@require_safe
def reglement(request):
    """The facility's rules, which a request accepts."""
    salles = Salle.objects.actives().order_by("nom").only("nom", "capacite", "accessible_pmr")
    return render(request, "linne/demandes/reglement.html", {"salles": salles})


# --- The list of the requests -----------------------------------------------------------------------


def _demandes_filtrees(request):
    queryset = (
        DemandeReservation.objects.select_related("salle").annotate(n_voeux=Count("voeux")).order_by("-recue_le", "-pk")
    )
    return DemandeFilter(request.GET, queryset=queryset)


def _echeance(demande):
    return timezone.localtime(demande.recue_le).date() + datetime.timedelta(days=DEMANDE_SALLE_REPONSE_JOURS)


@access(read=LECTEURS_LINNE)
@require_safe
def demande_list(request):
    context = page_de_liste(request, _demandes_filtrees(request))
    for demande in context["page"]:
        demande.echeance = _echeance(demande) if demande.statut == DemandeReservation.Statut.RECUE else None
        demande.reference = demandes.reference(demande)
    context |= {"today": timezone.localdate(), "saison_par_defaut": demandes.prochaine_saison(timezone.localdate())}
    return render(request, "linne/demandes/demande_list.html", context)


STATUTS = dict(DemandeReservation.Statut.choices)
NATURES = dict(NATURE.choices)
TYPES = dict(DemandeReservation._meta.get_field("type_activite").choices)


def _creneau(demande):
    if demande.nature == NATURE.PONCTUELLE:
        debut, fin = timezone.localtime(demande.debut), timezone.localtime(demande.fin)
        return f"{demande.salle} — {debut:%d/%m/%Y %H:%M}–{fin:%H:%M}"
    return f"Saison {demandes.libelle_saison(demande.saison)} — {demande.n_voeux} vœu(x)"


@access(read=LECTEURS_LINNE)
@require_safe
def demande_export(request, fmt):
    colonnes = [
        ("Référence", demandes.reference),
        ("Reçue le", lambda d: d.recue_le),
        ("Association", lambda d: d.nom_organisation),
        ("SIRET", lambda d: d.siret),
        ("RNA", lambda d: d.rna),
        ("Demande", lambda d: NATURES.get(d.nature, d.nature)),
        ("Créneau", _creneau),
        ("Objet", lambda d: d.objet),
        ("Type d'activité", lambda d: TYPES.get(d.type_activite, d.type_activite)),
        ("Effectif attendu", lambda d: d.effectif_prevu),
        ("Événement public", lambda d: "oui" if d.public else "non"),
        ("Statut", lambda d: STATUTS.get(d.statut, d.statut)),
        ("Traitée le", lambda d: d.traitee_le),
    ]
    if can_manage_linne(request.user):  # the contacts are the service's to read, never the élus'
        colonnes += [
            ("Contact", lambda d: d.contact_nom),
            ("E-mail", lambda d: d.contact_email),
            ("Téléphone", lambda d: d.contact_telephone),
            ("Motif du refus", lambda d: d.motif_refus),
        ]
    return exporter(fmt, nom="demandes-de-salle", colonnes=colonnes, objets=_demandes_filtrees(request).qs)


# --- A request's page and its answers ------------------------------------------------------------------


def _get_demande(pk):
    return get_object_or_404(DemandeReservation.objects.select_related("salle", "organisation", "traitee_par"), pk=pk)


NATURES_JUSTIFICATIF = dict(Justificatif.Nature.choices)


def _historique(demande, user):
    pk = demande.pk
    return evenements(
        (demande.history.all(), lambda r: "Demande"),
        (Voeu.history.filter(demande_id=pk), lambda r: f"Vœu {r.rang}"),
        (Justificatif.history.filter(demande_id=pk), lambda r: NATURES_JUSTIFICATIF.get(r.nature, "Justificatif")),
        lecteur=user,
    )


def _raisons_du_creneau(demande):
    """For the service: why the one-off slot asked for cannot be booked now (the rules, and the confirmed
    bookings it conflicts with)."""
    if demande.nature != NATURE.PONCTUELLE or demande.statut != DemandeReservation.Statut.RECUE:
        return []
    return services.raisons_creneau(demande.salle, demande.debut, demande.fin, effectif=demande.effectif_prevu)


@access(read=LECTEURS_LINNE)
@require_safe
def demande_detail(request, pk):
    demande = _get_demande(pk)
    context = {
        "demande": demande,
        "reference": demandes.reference(demande),
        "echeance": _echeance(demande),
        "voeux": list(demande.voeux.select_related("salle", "serie")),
        "justificatifs": list(demande.justificatifs.all()),
        "reservations": list(demande.reservations.select_related("salle")),
        "raisons": _raisons_du_creneau(demande),
        "peut_gerer": can_manage_linne(request.user),
        "peut_repondre": can_manage_linne(request.user) and demande.statut == DemandeReservation.Statut.RECUE,
        "today": timezone.localdate(),
        "evenements": _historique(demande, request.user),
    }
    return render(request, "linne/demandes/demande_detail.html", context)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def demande_accepter(request, pk):
    """Accept a one-off request: its confirmed booking, for the organisation chosen (or found, or created)."""
    demande = _get_demande(pk)
    if demande.nature != NATURE.PONCTUELLE:
        messages.info(request, "Une demande pour la saison s'attribue vœu par vœu.")
        return redirect(f"{reverse('linne:attribution')}?saison={demande.saison}")
    if demande.statut != DemandeReservation.Statut.RECUE:
        messages.warning(request, demandes.MESSAGE_DEJA_TRAITEE)
        return redirect(demande)
    form = ReponseForm(request.POST or None, demande=demande)
    if request.method == "POST" and form.is_valid():
        try:
            demandes.accepter(demande=demande, par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, "Demande acceptée : la réservation est confirmée et la réponse envoyée.")
            return redirect(demande)
    context = {
        "demande": demande,
        "reference": demandes.reference(demande),
        "form": form,
        "raisons": _raisons_du_creneau(demande),
    }
    return render(request, "linne/demandes/demande_accepter.html", context)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def demande_refuser(request, pk):
    demande = _get_demande(pk)
    if demande.statut != DemandeReservation.Statut.RECUE:
        messages.warning(request, demandes.MESSAGE_DEJA_TRAITEE)
        return redirect(demande)
    form = RefusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demandes.refuser(demande=demande, par=request.user, motif=form.cleaned_data["motif"])
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            messages.success(request, "Demande refusée : la réponse est envoyée à l'association.")
            return redirect(demande)
    context = {"demande": demande, "reference": demandes.reference(demande), "form": form}
    return render(request, "linne/demandes/demande_refuser.html", context)


@access(read=GESTION_LINNE)
@require_safe
def justificatif_telecharger(request, pk):
    justificatif = get_object_or_404(Justificatif, pk=pk)
    if not justificatif.fichier:
        raise Http404("Ce justificatif n'a pas de fichier.")
    extension = justificatif.fichier.name.rsplit(".", 1)[-1].lower()
    genre = next((g for g in GENRES if extension in g.extensions), None)
    return fichier_prive(
        justificatif.fichier,
        nom=justificatif.nom_fichier or f"justificatif.{extension}",
        type_mime=genre.mime if genre else "application/octet-stream",
    )


# --- The allocation of a season ------------------------------------------------------------------------


def _saison_choisie(request, today):
    filtre = SaisonFiltre(request.GET or None)
    if filtre.is_bound and filtre.is_valid() and filtre.cleaned_data["saison"]:
        return filtre, filtre.cleaned_data["saison"]
    return filtre, demandes.prochaine_saison(today)


@access(read=LECTEURS_LINNE)
@require_safe
def attribution(request):
    """The pending wishes of a season by room and weekday, with their conflicts; the service allocates
    each from here."""
    today = timezone.localdate()
    filtre, saison = _saison_choisie(request, today)
    du, au = demandes.periode_attribution(saison, today)
    context = {
        "filtre": filtre,
        "saison": saison,
        "libelle_saison": demandes.libelle_saison(saison),
        "du": du,
        "au": au,
        "creneaux": demandes.tableau_attribution(saison, today),
        "peut_attribuer": can_manage_linne(request.user),
        "categories": Categorie.choices,
    }
    return render(request, "linne/demandes/attribution.html", context)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_http_methods(["GET", "POST"])
def voeu_attribuer(request, pk):
    """Allocate one wish: the preview of its dates (those that will be skipped, and why), then the series."""
    voeu = get_object_or_404(Voeu.objects.select_related("salle", "demande"), pk=pk)
    demande = voeu.demande
    retour = f"{reverse('linne:attribution')}?saison={demande.saison}"
    if demande.statut != DemandeReservation.Statut.RECUE or voeu.statut != Voeu.Statut.EN_ATTENTE:
        messages.warning(request, "Ce vœu n'est plus en attente.")
        return redirect(retour)
    form = ReponseForm(request.POST or None, demande=demande)
    if request.method == "POST" and form.is_valid():
        try:
            serie = demandes.attribuer(voeu=voeu, par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur.messages)
        else:
            n, ecartees = serie.reservations.count(), serie.dates_ignorees.count()
            pluriel = "s" if n > 1 else ""
            texte = f"Vœu {voeu.rang} de {demande.nom_organisation} attribué : {n} date{pluriel} réservée{pluriel}"
            if ecartees:
                texte += f", {ecartees} écartée{'s' if ecartees > 1 else ''} (voir la série)"
            messages.success(request, texte + ". La réponse est envoyée à l'association.")
            return redirect(retour)
    today = timezone.localdate()
    du, au = demandes.periode_attribution(demande.saison, today)
    apercu, erreur_apercu = [], ""
    if du <= au:
        try:
            apercu, _ = services.apercu_serie(
                salle=voeu.salle,
                jours=[voeu.jour_semaine],
                intervalle_semaines=1,
                date_debut=du,
                date_fin=au,
                heure_debut=voeu.heure_debut,
                heure_fin=voeu.heure_fin,
                effectif=demande.effectif_prevu,
            )
        except ValidationError as erreur:
            erreur_apercu = " ".join(erreur.messages)
    else:
        erreur_apercu = f"La saison {demandes.libelle_saison(demande.saison)} est terminée."
    context = {
        "voeu": voeu,
        "demande": demande,
        "reference": demandes.reference(demande),
        "form": form,
        "apercu": apercu,
        "impossibles": [d for d in apercu if not d.possible],
        "erreur_apercu": erreur_apercu,
        "du": du,
        "au": au,
        "retour": retour,
    }
    return render(request, "linne/demandes/voeu_attribuer.html", context)
