"""The meetings' pages (copils, Cellule de veille, team meetings) and the list of their actions.

The team creates and edits them; a partner reads the meetings its organisation takes part in, their
minutes and actions, never the internal notes (pilotage.permissions); élus and régisseurs get 403. A
meeting outside a partner's scope answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comptes.permissions import EQUIPE, LECTEURS_REUNIONS, access, can_see_internal_notes, is_equipe
from roubaix_cs import uploads
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.pdf import render_pdf
from roubaix_cs.telechargements import disposition_piece_jointe, fichier_prive
from roubaix_cs.vues import appliquer_etape, enregistrer_et_rediriger, form_page

from .. import reunions as services
from ..filters import ActionFilter, ReunionFilter
from ..forms_reunions import (
    ActionForm,
    ActionStatutForm,
    CompteRenduForm,
    ParticipantForm,
    PresencesForm,
    ReunionForm,
)
from ..models import Action, ParticipantReunion, Reunion, SituationVeille

GABARIT_PDF = "pdf/reunion_compte_rendu.html"
# The kinds of file a minutes' upload may be (roubaix_cs.uploads checked its content): its download's type.
GENRES = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX, uploads.XLSX, uploads.PPTX, uploads.ODT, uploads.ODS)


def _get_reunion(user, pk):
    """The meeting if the user may read it; 404 otherwise (a partner outside its meetings)."""
    return get_object_or_404(Reunion.objects.visibles_par(user).select_related("organisateur"), pk=pk)


def _get_action(user, pk):
    return get_object_or_404(
        Action.objects.filter(reunion__in=Reunion.objects.visibles_par(user)).select_related("reunion"), pk=pk
    )


# --- The list of the meetings -------------------------------------------------------------------------


def _reunions_filtrees(request):
    queryset = services.avec_comptes(Reunion.objects.visibles_par(request.user).select_related("organisateur"))
    return ReunionFilter(request.GET, queryset=queryset, user=request.user)


@access(read=LECTEURS_REUNIONS)
@require_safe
def reunion_list(request):
    """The meetings, filtered, sorted and paginated; for the team, the copils the year lacks (AVS-8)."""
    filtre = _reunions_filtrees(request)
    context = page_de_liste(request, filtre) | {"gouvernance": None}
    if is_equipe(request.user):
        annee = (filtre.form.cleaned_data.get("annee") if filtre.form.is_valid() else None) or timezone.localdate().year
        context["gouvernance"] = services.gouvernance(int(annee))
    return render(request, "pilotage/reunions/reunion_list.html", context)


TYPES = dict(Reunion.Type.choices)
STATUTS = dict(Reunion.Statut.choices)


@access(read=LECTEURS_REUNIONS)
@require_safe
def reunion_export(request, fmt):
    colonnes = [
        ("Date", lambda r: r.date),
        ("Début", lambda r: r.heure_debut.strftime("%H:%M")),
        ("Fin", lambda r: r.heure_fin.strftime("%H:%M")),
        ("Type", lambda r: TYPES.get(r.type, r.type)),
        ("Intitulé", lambda r: r.titre),
        ("Lieu", lambda r: r.lieu),
        ("Statut", lambda r: STATUTS.get(r.statut, r.statut)),
        ("Organisée par", lambda r: str(r.organisateur)),
        ("Participants", lambda r: r.n_participants),
        ("Présents", lambda r: r.n_presents),
        ("Actions ouvertes", lambda r: r.n_actions_ouvertes),
        ("Convocation envoyée le", lambda r: r.convoquee_le),
    ]
    return exporter(fmt, nom="reunions", colonnes=colonnes, objets=_reunions_filtrees(request).qs)


# --- A meeting's page ----------------------------------------------------------------------------------


def _historique(reunion, user):
    """The meeting's timeline as this user may read it (pilotage.permissions: no internal note, no
    address, no action's comment for a partner)."""
    pk = reunion.pk
    return evenements(
        (reunion.history.all(), lambda r: "Réunion"),
        (
            ParticipantReunion.history.filter(reunion_id=pk).select_related("user", "organisation"),
            lambda r: f"Participant : {r.user or r.nom or r.organisation}",
        ),
        (Action.history.filter(reunion_id=pk), lambda r: f"Action « {r.libelle} »"),
        lecteur=user,
    )


@access(read=LECTEURS_REUNIONS)
@require_safe
def reunion_detail(request, pk):
    user = request.user
    reunion = _get_reunion(user, pk)
    participants = list(reunion.participants.select_related("user", "organisation"))
    actions = list(reunion.actions.select_related("porteur_user", "porteur_organisation", "situation__centre"))
    equipe = is_equipe(user)
    for action in actions:  # the buttons of each action: its workflow's steps this user may take
        action.transitions = services.CIRCUIT_ACTION.possibles(action, user) if equipe else []
    context = {
        "reunion": reunion,
        "participants": participants,
        "actions": actions,
        "situations": list(reunion.situations.select_related("centre")),
        "today": timezone.localdate(),
        "convocation": services.etat_convocation(reunion, participants) if equipe else None,
        "etapes": services.CIRCUIT.etapes(reunion, user) if equipe else None,
        "notes_lisibles": can_see_internal_notes(user),
        "evenements": _historique(reunion, user),
    }
    return render(request, "pilotage/reunions/reunion_detail.html", context)


# --- Create, edit, status, convocation -----------------------------------------------------------------


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def reunion_create(request):
    """A new meeting organised by the user; `?type=cellule_veille&situation=<pk>` prefills a Cellule de
    veille meeting examining that open file (the files' pages link here)."""
    initial = {"heure_debut": "14:00", "heure_fin": "16:00"}
    if request.GET.get("type") in TYPES:
        initial["type"] = request.GET["type"]
    situation = request.GET.get("situation", "")
    if situation.isdigit() and len(situation) < 19:
        initial["situations"] = [get_object_or_404(SituationVeille.objects.ouvertes(), pk=situation)]
    form = ReunionForm(request.POST or None, instance=Reunion(organisateur=request.user), initial=initial)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda r: r.get_absolute_url(), message="La réunion a été créée : ajoutez ses participants."
    )
    return done or form_page(request, form, titre="Nouvelle réunion", annuler=reverse("pilotage:reunions"))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def reunion_update(request, pk):
    reunion = _get_reunion(request.user, pk)
    form = ReunionForm(request.POST or None, instance=reunion)
    message = "Réunion enregistrée."
    if reunion.convoquee_le and reunion.statut == Reunion.Statut.PREVUE:
        message += " Si sa date, son lieu ou son ordre du jour ont changé, renvoyez la convocation."
    done = enregistrer_et_rediriger(request, form, vers=reunion.get_absolute_url(), message=message)
    return done or form_page(request, form, titre=f"Modifier « {reunion} »", annuler=reunion.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def reunion_compte_rendu(request, pk):
    reunion = _get_reunion(request.user, pk)
    form = CompteRenduForm(request.POST or None, request.FILES or None, instance=reunion)
    done = enregistrer_et_rediriger(request, form, vers=reunion.get_absolute_url(), message="Compte rendu enregistré.")
    return done or form_page(request, form, titre=f"Compte rendu — {reunion}", annuler=reunion.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def reunion_transition(request, pk):
    """Mark the meeting held, or cancel it (with its reason; the convened are sent the cancellation)."""
    reunion = _get_reunion(request.user, pk)

    def changer(*, vers, commentaire):
        return services.changer_statut(reunion=reunion, vers=vers, par=request.user, motif=commentaire)

    def message(reunion):
        texte = f"Réunion {reunion.get_statut_display().lower()}."
        if reunion.statut == Reunion.Statut.ANNULEE and reunion.convoquee_le:
            texte += " L'annulation est envoyée aux participants convoqués."
        return texte

    return appliquer_etape(request, reunion, changer, message=message)


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def reunion_convoquer(request, pk):
    """« Envoyer la convocation »: an e-mail with its ICS invitation to every participant with an address."""
    reunion = _get_reunion(request.user, pk)
    try:
        n = services.convoquer(reunion=reunion, par=request.user)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        messages.success(request, f"Convocation envoyée à {n} participant{'s' if n > 1 else ''}.")
    return redirect(reunion)


# --- Minutes: the file, the PDF ----------------------------------------------------------------------


@access(read=LECTEURS_REUNIONS)
@require_safe
def reunion_compte_rendu_fichier(request, pk):
    reunion = _get_reunion(request.user, pk)
    if not reunion.compte_rendu_fichier:
        raise Http404("Aucun compte rendu n'a été déposé pour cette réunion.")
    extension = reunion.compte_rendu_fichier.name.rsplit(".", 1)[-1].lower()
    genre = next((g for g in GENRES if extension in g.extensions), None)
    return fichier_prive(
        reunion.compte_rendu_fichier,
        nom=f"compte-rendu-{slugify(reunion.libelle)}-{reunion.date:%Y-%m-%d}.{extension}",
        type_mime=genre.mime if genre else "application/octet-stream",
    )


@access(read=LECTEURS_REUNIONS)
@require_safe
def reunion_compte_rendu_pdf(request, pk):
    """The minutes as a PDF, for whoever reads the meeting: never its internal notes, addresses or the
    actions' comments, whoever asks."""
    reunion = _get_reunion(request.user, pk)
    pdf = render_pdf(GABARIT_PDF, services.contexte_compte_rendu(reunion))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition_piece_jointe(
        f"compte-rendu-{slugify(reunion.libelle)}-{reunion.date:%Y-%m-%d}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Participants and attendance -----------------------------------------------------------------------


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def participant_create(request, pk):
    reunion = _get_reunion(request.user, pk)
    form = ParticipantForm(request.POST or None, instance=ParticipantReunion(reunion=reunion))
    if request.method == "POST" and form.is_valid():
        participant = services.ajouter_participant(form=form, reunion=reunion)
        messages.success(request, f"{participant} ajouté(e) aux participants.")
        return redirect(f"{reunion.get_absolute_url()}#participants")
    return form_page(request, form, titre=f"Ajouter un participant — {reunion}", annuler=reunion.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def participant_delete(request, pk):
    participant = get_object_or_404(ParticipantReunion.objects.select_related("reunion", "user", "organisation"), pk=pk)
    reunion = participant.reunion
    try:
        services.retirer_participant(participant=participant)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
        return redirect(f"{reunion.get_absolute_url()}#participants")
    message = f"{participant} retiré(e) des participants."
    if reunion.convoquee_le and reunion.statut == Reunion.Statut.PREVUE:
        message += " La convocation lui avait été envoyée : prévenez-la."
    messages.success(request, message)
    return redirect(f"{reunion.get_absolute_url()}#participants")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def presences(request, pk):
    """The attendance of every participant, on one page."""
    reunion = _get_reunion(request.user, pk)
    participants = reunion.participants.select_related("user", "organisation")
    form = PresencesForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        n = services.enregistrer_presences(reunion=reunion, presences=form.presences())
        messages.success(request, f"Présences enregistrées ({n} changement{'s' if n > 1 else ''}).")
        return redirect(f"{reunion.get_absolute_url()}#participants")
    return form_page(request, form, titre=f"Présences — {reunion}", annuler=reunion.get_absolute_url())


# --- Actions -----------------------------------------------------------------------------------------


def _page_action(request, form, reunion, titre, message):
    if request.method == "POST" and form.is_valid():
        try:
            services.enregistrer_action(form=form)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        else:
            messages.success(request, message)
            return redirect(f"{reunion.get_absolute_url()}#actions")
    return form_page(request, form, titre=f"{titre} — {reunion}", annuler=reunion.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    reunion = _get_reunion(request.user, pk)
    form = ActionForm(request.POST or None, instance=Action(reunion=reunion))
    return _page_action(request, form, reunion, "Nouvelle action", "Action enregistrée.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = _get_action(request.user, pk)
    form = ActionForm(request.POST or None, instance=action)
    return _page_action(request, form, action.reunion, f"Modifier l'action « {action} »", "Action enregistrée.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_statut(request, pk):
    """Start, close (done or abandoned, on a date) or reopen an action; the meeting's page posts here."""
    action = _get_action(request.user, pk)
    initial = {"vers": request.GET.get("vers", "")[:20]}  # the step chosen on the meeting's page
    form = ActionStatutForm(request.POST or None, action=action, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            action = services.changer_statut_action(
                action=action,
                vers=donnees["vers"],
                par=request.user,
                date_cloture=donnees["date_cloture"],
                motif=donnees["motif"],
            )
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Action « {action} » : {action.get_statut_display().lower()}.")
            return redirect(f"{action.reunion.get_absolute_url()}#actions")
    return form_page(request, form, titre=f"Statut de l'action « {action} »", annuler=action.reunion.get_absolute_url())


def _actions_filtrees(request):
    queryset = (
        Action.objects.filter(reunion__in=Reunion.objects.visibles_par(request.user))
        .select_related("reunion", "porteur_user", "porteur_organisation", "situation__centre")
        .order_by("echeance", "pk")
    )
    return ActionFilter(request.GET, queryset=queryset, user=request.user)


@access(read=LECTEURS_REUNIONS)
@require_safe
def action_list(request):
    """Every action of the meetings the user reads, filtered, sorted and paginated."""
    context = page_de_liste(request, _actions_filtrees(request)) | {"today": timezone.localdate()}
    return render(request, "pilotage/reunions/action_list.html", context)


STATUTS_ACTION = dict(Action.Statut.choices)


@access(read=LECTEURS_REUNIONS)
@require_safe
def action_export(request, fmt):
    today = timezone.localdate()
    colonnes = [
        ("Échéance", lambda a: a.echeance),
        ("Action", lambda a: a.libelle),
        ("Portée par", lambda a: str(a.porteur)),
        ("Statut", lambda a: STATUTS_ACTION.get(a.statut, a.statut)),
        ("En retard", lambda a: "oui" if a.en_retard(today) else "non"),
        ("Clôturée le", lambda a: a.date_cloture),
        ("Réunion", lambda a: str(a.reunion)),
        ("Centre", lambda a: a.situation.centre.nom if a.situation_id else ""),
    ]
    if can_see_internal_notes(request.user):
        colonnes.append(("Commentaire", lambda a: a.commentaire))
    return exporter(fmt, nom="actions", colonnes=colonnes, objets=_actions_filtrees(request).qs)
