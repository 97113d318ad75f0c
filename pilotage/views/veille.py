"""The Cellule de veille's pages (pilotage.veille): the overview of the centres, the files, a file's page
and its forms. The team reads and writes; the partners read the files their organisation's meetings
examined (each read kept, CV-3); the élus read the levels on their dashboard only."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from centres.models import Centre
from comptes.permissions import EQUIPE, LECTEURS_VEILLE, RESPONSABLE_SEULE, access
from roubaix_cs.exports import exporter
from roubaix_cs.listes import PAR_PAGE, page_de_liste
from roubaix_cs.vues import appliquer_etape, enregistrer_et_rediriger, form_page

from .. import reunions, signaux
from .. import veille as services
from ..filters import SituationVeilleFilter, VeilleFiltre
from ..forms_veille import (
    ActionVeilleForm,
    DecisionNiveauForm,
    PlanTresorerieForm,
    SignalementForm,
    SituationVeilleForm,
)
from ..models import Action, Niveau, SituationVeille


def _get_situation(user, pk):
    """The file if `user` may read it; 404 otherwise (a partner outside the meetings of its organisation)."""
    return get_object_or_404(SituationVeille.objects.visibles_par(user).select_related("centre", "referent"), pk=pk)


# --- The overview of the centres -------------------------------------------------------------------


def _tableau(request):
    filtre = VeilleFiltre(request.GET)
    return filtre, services.tableau_de_veille(timezone.localdate(), **filtre.criteres())


@access(read=EQUIPE)
@require_safe
def tableau_veille(request):
    """« Cellule de veille »: every open centre, its computed level and its red and amber signals, its open
    file's official level and status, or the link to open one; the most serious first."""
    filtre, lignes = _tableau(request)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filtre": filtre,
        "page": Paginator(lignes, PAR_PAGE).get_page(request.GET.get("page")),
        "params": params.urlencode(),
        "nombre": len(lignes),
    }
    return render(request, "pilotage/veille/tableau.html", context)


def _noms(signaux_):
    return ", ".join(s.libelle for s in signaux_)


@access(read=EQUIPE)
@require_safe
def tableau_veille_export(request, fmt):
    _, lignes = _tableau(request)
    lien = request.build_absolute_uri
    colonnes = [
        ("Centre", lambda ligne: ligne.centre.nom),
        ("Niveau calculé", lambda ligne: ligne.niveau_calcule_libelle),
        ("Signaux rouges", lambda ligne: _noms(ligne.rouges)),
        ("Signaux orange", lambda ligne: _noms(ligne.oranges)),
        ("Dossier", lambda ligne: ligne.situation.get_statut_display() if ligne.situation else "Aucun dossier ouvert"),
        ("Niveau officiel", lambda ligne: ligne.situation.get_niveau_display() if ligne.situation else ""),
        ("Centre suivi par", lambda ligne: str(ligne.centre.referent or "")),
        ("Lien", lambda ligne: lien(ligne.situation.get_absolute_url()) if ligne.situation else ""),
    ]
    return exporter(fmt, nom="cellule-de-veille", colonnes=colonnes, objets=lignes)


# --- The files -------------------------------------------------------------------------------------


def _dossiers_filtres(request):
    queryset = SituationVeille.objects.visibles_par(request.user).select_related("centre", "referent")
    return SituationVeilleFilter(request.GET, queryset=queryset, user=request.user)


@access(read=LECTEURS_VEILLE)
@require_safe
def dossiers(request):
    """The files of the cellule (a partner: those its organisation's meetings examined), with the level the
    signals compute beside the official one."""
    context = page_de_liste(request, _dossiers_filtres(request))
    situations = list(context["page"])
    conflits = {s.centre_id: s.conflits_sociaux for s in situations if s.statut in services.OUVERTS}
    evaluations = signaux.evaluer_centres([s.centre for s in situations], timezone.localdate(), conflits=conflits)
    for situation in situations:
        situation.evaluation = evaluations[situation.centre_id]
        situation.niveau_calcule = situation.evaluation.niveau_propose or ""
        situation.niveau_calcule_libelle = Niveau(situation.niveau_calcule).label if situation.niveau_calcule else ""
    return render(request, "pilotage/veille/dossiers.html", context)


@access(read=LECTEURS_VEILLE)
@require_safe
def dossiers_export(request, fmt):
    colonnes = [
        ("Centre", lambda s: s.centre.nom),
        ("Statut", lambda s: s.get_statut_display()),
        ("Niveau officiel", lambda s: s.get_niveau_display()),
        ("Signalé le", lambda s: s.signalee_le),
    ]
    if request.user.role in EQUIPE:  # a partner's export is its list's rows: no file's content, no read to keep
        colonnes += [("Motif du signalement", lambda s: s.motif), ("Suivi par", lambda s: str(s.referent or ""))]
    colonnes.append(("Lien", lambda s: request.build_absolute_uri(s.get_absolute_url())))
    return exporter(fmt, nom="dossiers-cellule-de-veille", colonnes=colonnes, objets=_dossiers_filtres(request).qs)


@access(read=LECTEURS_VEILLE)
@require_safe
def dossier_detail(request, pk):
    """A file: its signals and computed level beside the official one (CV-1), the decisions, the steps, the
    action plan, the meetings, the snapshots and the cash plan (CV-4), its history. A partner's read is kept."""
    situation = _get_situation(request.user, pk)
    services.noter_lecture(situation, request.user, "page du dossier")
    context = {
        "dossier": services.dossier(situation, request.user),
        "nouvelle_reunion": reunions.url_creation_veille(situation),
        "today": timezone.localdate(),
    }
    return render(request, "pilotage/veille/dossier.html", context)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def signaler(request):
    """Open a centre's file (from the overview or the centre's page: ?centre=)."""
    initial = {}
    if (centre_pk := request.GET.get("centre", "")).isdigit():
        centre = get_object_or_404(Centre, pk=centre_pk)
        if ouverte := SituationVeille.objects.ouvertes().filter(centre=centre).first():
            messages.info(request, f"{centre} a déjà un dossier ouvert à la cellule de veille.")
            return redirect(ouverte)
        initial = {"centre": centre, "referent": centre.referent}
    form = SignalementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        situation = services.signaler(**form.cleaned_data, par=request.user)
        messages.success(request, "Le dossier est ouvert ; les chiffres des trois derniers exercices y sont gardés.")
        return redirect(situation)
    return form_page(
        request, form, titre="Ouvrir un dossier à la cellule de veille", annuler=reverse("pilotage:veille")
    )


def _refus_si_close(request, situation):
    if situation.statut != SituationVeille.Statut.CLOSE:
        return None
    messages.error(request, "Le dossier est clos : il ne se modifie plus.")
    return redirect(situation)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dossier_modifier(request, pk):
    situation = _get_situation(request.user, pk)
    if refus := _refus_si_close(request, situation):
        return refus
    form = SituationVeilleForm(request.POST or None, instance=situation)
    done = enregistrer_et_rediriger(request, form, vers=situation.get_absolute_url(), message="Dossier enregistré.")
    return done or form_page(
        request, form, titre=f"Modifier le dossier — {situation.centre}", annuler=situation.get_absolute_url()
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def dossier_transition(request, pk):
    situation = _get_situation(request.user, pk)
    return appliquer_etape(
        request,
        situation,
        partial(services.changer_statut, situation=situation, par=request.user),
        message=lambda s: f"Dossier : {s.get_statut_display().lower()}.",
    )


@access(read=RESPONSABLE_SEULE, write=RESPONSABLE_SEULE)
@require_http_methods(["GET", "POST"])
def dossier_decider(request, pk):
    """CV-1: the responsable records the level the cellule decided in one of its meetings, the computed level
    shown as the proposal."""
    situation = _get_situation(request.user, pk)
    if refus := _refus_si_close(request, situation):
        return refus
    jour = timezone.localdate()
    evaluation = signaux.evaluer(situation.centre, jour, conflits=situation.conflits_sociaux)
    form = DecisionNiveauForm(
        request.POST or None,
        situation=situation,
        initial={"niveau": evaluation.niveau_propose or situation.niveau or Niveau.VIGILANCE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decider_niveau(situation=situation, **form.cleaned_data, par=request.user, jour=jour)
        except ValidationError as erreur:
            for message in erreur.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "La décision de la cellule est enregistrée : c'est le niveau officiel du dossier."
            )
            return redirect(situation)
    propose = evaluation.niveau_propose or ""
    contexte = {
        "situation": situation,
        "evaluation": evaluation,
        "proposition": propose,
        "proposition_libelle": Niveau(propose).label if propose else "",
        "nouvelle_reunion": reunions.url_creation_veille(situation),
    }
    return render(request, "pilotage/veille/decider.html", {"form": form, **contexte})


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def dossier_instantanes(request, pk):
    """CV-4: take the snapshots of the last three financial years again (the centre's figures now)."""
    situation = _get_situation(request.user, pk)
    if refus := _refus_si_close(request, situation):
        return refus
    pris = services.prendre_instantanes(situation, request.user)
    if pris:
        annees = ", ".join(str(i.annee) for i in pris)
        messages.success(request, f"Instantanés mis à jour : exercices {annees}.")
    else:
        messages.warning(request, "Le centre n'a encore aucun chiffre annuel : aucun instantané à prendre.")
    return redirect(f"{situation.get_absolute_url()}#instantanes")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dossier_plan(request, pk):
    """CV-4: the 12-month cash plan from the next month, entered by the team."""
    situation = _get_situation(request.user, pk)
    if refus := _refus_si_close(request, situation):
        return refus
    form = PlanTresorerieForm(request.POST or None, situation=situation)
    if request.method == "POST" and form.is_valid():
        n = services.enregistrer_plan(situation=situation, mois=form.mois_saisis(), par=request.user)
        messages.success(request, f"Plan de trésorerie enregistré ({n} mois modifié{'s' if n > 1 else ''}).")
        return redirect(f"{situation.get_absolute_url()}#plan")
    context = {"form": form, "situation": situation, "plan": services.plan_tresorerie(situation)}
    return render(request, "pilotage/veille/plan.html", context)


@access(read=LECTEURS_VEILLE)
@require_safe
def dossier_plan_export(request, pk, fmt):
    """The file's cash plan as CSV or XLSX; a partner's download is kept in the file's history."""
    situation = _get_situation(request.user, pk)
    services.noter_lecture(situation, request.user, f"plan de trésorerie, export {fmt.upper()}")
    colonnes = [
        ("Mois", lambda m: f"{m.mois:%m/%Y}"),
        ("Encaissements", lambda m: m.encaissements),
        ("Décaissements", lambda m: m.decaissements),
        ("Solde de fin de mois", lambda m: m.solde),
        ("Commentaire", lambda m: m.commentaire),
    ]
    nom = f"plan-tresorerie-{slugify(situation.centre.libelle_court)}"
    return exporter(fmt, nom=nom, colonnes=colonnes, objets=services.plan_tresorerie(situation))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dossier_action_creer(request, pk):
    """A measure of the action plan, decided by a meeting of the cellule that examined the file."""
    situation = _get_situation(request.user, pk)
    if refus := _refus_si_close(request, situation):
        return refus
    form = ActionVeilleForm(request.POST or None, instance=Action(situation=situation))
    retour = f"{situation.get_absolute_url()}#actions"
    if request.method == "POST" and form.is_valid():
        reunions.enregistrer_action(form=form)  # an owner organisation is e-mailed the action
        messages.success(request, "Action ajoutée au plan d'actions.")
        return redirect(retour)
    autre_choix = None
    if not form.fields["reunion"].queryset.exists():
        autre_choix = {
            "texte": "Aucune réunion de la cellule de veille n'a encore examiné ce dossier.",
            "url": reunions.url_creation_veille(situation),
            "lien": "Créer une réunion de la cellule de veille",
        }
    return form_page(
        request,
        form,
        titre=f"Nouvelle action — {situation.centre}",
        annuler=retour,
        contexte={"autre_choix": autre_choix},
    )
