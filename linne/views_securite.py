"""The safety register of Espace Linné (an établissement recevant du public): its home page, its printable
PDF, the lists of checks, commission visits and incidents with their exports, an incident's page, and the
forms of each record.

The service reads and writes it, the régisseurs included (LECTEURS_SECURITE_LINNE); the élus and the
partners get 403. Every write goes through linne.securite, in one transaction; an incident is edited and
closed under optimistic locking.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comptes.permissions import LECTEURS_SECURITE_LINNE, access
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.pdf import render_pdf
from roubaix_cs.telechargements import disposition_piece_jointe
from roubaix_cs.vues import form_page

from . import securite
from .filters_securite import ControleFilter, IncidentFilter, VisiteCommissionFilter
from .forms import ajouter_erreurs
from .forms_securite import (
    ActionFaiteForm,
    ActionIncidentForm,
    ControleForm,
    IncidentForm,
    TypeControleForm,
    VisiteCommissionForm,
)
from .models import ActionIncident, Controle, Incident, TypeControle, VisiteCommission

GABARIT_REGISTRE = "pdf/linne_registre_securite.html"
LIRE_ECRIRE = {"read": LECTEURS_SECURITE_LINNE, "write": LECTEURS_SECURITE_LINNE}


def _oui_non(valeur):
    return "oui" if valeur else "non"


def _pk_de(request, parametre):
    valeur = request.GET.get(parametre, "")
    return int(valeur) if valeur.isdigit() and len(valeur) < 19 else None


# --- The register ------------------------------------------------------------------------------------


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def registre(request):
    """Each check with its last date, result and next due date, the last commission visit, the open
    incidents, the rooms and their capacity."""
    contexte = securite.registre(timezone.localdate())
    return render(request, "linne/securite/registre.html", contexte)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def registre_pdf(request):
    """The printable register, the one the safety commission asks to see."""
    today = timezone.localdate()
    contexte = securite.registre_complet(today) | {"edite_le": timezone.localtime()}
    response = HttpResponse(render_pdf(GABARIT_REGISTRE, contexte), content_type="application/pdf")
    response["Content-Disposition"] = disposition_piece_jointe(f"registre-securite-espace-linne-{today:%Y-%m-%d}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Kinds of check ----------------------------------------------------------------------------------


def _enregistrer_type(request, form, message):
    if request.method != "POST" or not form.is_valid():
        return None
    type_controle = form.save(commit=False)
    securite.enregistrer_type_controle(type_controle, par=request.user)
    messages.success(request, message)
    return redirect(f"{reverse('linne:registre')}#controles")


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def type_controle_create(request):
    form = TypeControleForm(request.POST or None)
    done = _enregistrer_type(request, form, "Contrôle ajouté au registre.")
    return done or form_page(request, form, titre="Nouveau contrôle périodique", annuler=reverse("linne:registre"))


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def type_controle_update(request, pk):
    type_controle = get_object_or_404(TypeControle, pk=pk)
    form = TypeControleForm(request.POST or None, instance=type_controle)
    done = _enregistrer_type(request, form, "Contrôle enregistré.")
    titre = f"Modifier le contrôle « {type_controle} »"
    return done or form_page(request, form, titre=titre, annuler=reverse("linne:registre"))


# --- Checks ------------------------------------------------------------------------------------------


def _controles_filtres(request):
    queryset = Controle.objects.select_related("type_controle").order_by("-date", "type_controle__ordre", "-pk")
    return ControleFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def controle_list(request):
    contexte = page_de_liste(request, _controles_filtres(request))
    return render(request, "linne/securite/controle_list.html", contexte)


RESULTATS = dict(Controle.Resultat.choices)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def controle_export(request, fmt):
    colonnes = [
        ("Date", lambda c: c.date),
        ("Contrôle", lambda c: c.type_controle.nom),
        ("Texte applicable", lambda c: c.type_controle.reference),
        ("Intervenant", lambda c: c.intervenant),
        ("Résultat", lambda c: RESULTATS.get(c.resultat, c.resultat)),
        ("Observations", lambda c: c.observations),
        ("Prochaine échéance", lambda c: securite.prochaine_echeance(c.date, c.type_controle.periodicite_mois)),
    ]
    return exporter(fmt, nom="controles-securite-linne", colonnes=colonnes, objets=_controles_filtres(request).qs)


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def controle_create(request):
    """A check done; `?type_controle=<pk>` (the register links here) prefills its kind."""
    initial = {"date": timezone.localdate()}
    if (pk := _pk_de(request, "type_controle")) is not None:
        type_controle = get_object_or_404(TypeControle.objects.filter(actif=True), pk=pk)
        initial |= {"type_controle": type_controle, "intervenant": type_controle.intervenant}
    form = ControleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            controle = securite.enregistrer_controle(par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            echeance = securite.prochaine_echeance(controle.date, controle.type_controle.periodicite_mois)
            messages.success(request, f"Contrôle enregistré : le prochain est à faire avant le {echeance:%d/%m/%Y}.")
            return redirect(f"{reverse('linne:registre')}#controles")
    return form_page(request, form, titre="Enregistrer un contrôle", annuler=reverse("linne:registre"))


# --- The commission's visits -------------------------------------------------------------------------


def _visites_filtrees(request):
    return VisiteCommissionFilter(request.GET, queryset=VisiteCommission.objects.order_by("-date", "-pk"))


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def visite_commission_list(request):
    contexte = page_de_liste(request, _visites_filtrees(request))
    return render(request, "linne/securite/visite_commission_list.html", contexte)


NATURES_VISITE = dict(VisiteCommission.Nature.choices)
AVIS = dict(VisiteCommission.Avis.choices)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def visite_commission_export(request, fmt):
    colonnes = [
        ("Date", lambda v: v.date),
        ("Nature", lambda v: NATURES_VISITE.get(v.nature, v.nature)),
        ("Avis", lambda v: AVIS.get(v.avis, v.avis)),
        ("Prescriptions", lambda v: v.prescriptions),
        ("Prochaine visite", lambda v: v.prochaine_visite),
    ]
    return exporter(fmt, nom="commission-securite-linne", colonnes=colonnes, objets=_visites_filtrees(request).qs)


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def visite_commission_create(request):
    form = VisiteCommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            securite.enregistrer_visite(par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Visite de la commission de sécurité enregistrée.")
            return redirect(f"{reverse('linne:registre')}#commission")
    return form_page(
        request, form, titre="Visite de la commission de sécurité", annuler=reverse("linne:visite_commission_liste")
    )


# --- Incidents ---------------------------------------------------------------------------------------


def _incidents_filtres(request):
    queryset = Incident.objects.select_related("salle").order_by("-survenu_le", "-pk")
    return IncidentFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def incident_list(request):
    contexte = page_de_liste(request, _incidents_filtres(request))
    return render(request, "linne/securite/incident_list.html", contexte)


NATURES_INCIDENT = dict(Incident.Nature.choices)
STATUTS_INCIDENT = dict(Incident.Statut.choices)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def incident_export(request, fmt):
    colonnes = [
        ("Survenu le", lambda i: i.survenu_le),
        ("Salle", lambda i: i.salle.nom if i.salle_id else "Hors des salles"),
        ("Nature", lambda i: NATURES_INCIDENT.get(i.nature, i.nature)),
        ("Description", lambda i: i.description),
        ("Mesures prises sur le moment", lambda i: i.mesures_immediates),
        ("Secours appelés", lambda i: _oui_non(i.secours_appeles)),
        ("Statut", lambda i: STATUTS_INCIDENT.get(i.statut, i.statut)),
        ("Clos le", lambda i: i.clos_le),
    ]
    return exporter(fmt, nom="incidents-linne", colonnes=colonnes, objets=_incidents_filtres(request).qs)


def _get_incident(pk):
    return get_object_or_404(Incident.objects.select_related("salle", "reservation__organisation"), pk=pk)


@access(read=LECTEURS_SECURITE_LINNE)
@require_safe
def incident_detail(request, pk):
    incident = _get_incident(pk)
    actions = list(incident.actions.select_related("responsable").order_by("echeance", "pk"))
    contexte = {
        "incident": incident,
        "actions": actions,
        "restantes": sum(1 for a in actions if a.faite_le is None),
        "today": timezone.localdate(),
        "evenements": evenements(
            (incident.history.all(), lambda r: "Incident"),
            (ActionIncident.history.filter(incident_id=incident.pk), lambda r: f"Action « {r.libelle} »"),
            lecteur=request.user,
        ),
    }
    return render(request, "linne/securite/incident_detail.html", contexte)


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def incident_create(request):
    maintenant = timezone.localtime()
    initial = {"date": maintenant.date(), "heure": maintenant.time().replace(second=0, microsecond=0)}
    form = IncidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident = securite.declarer_incident(par=request.user, **form.champs())
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Incident déclaré : ajoutez les actions de suivi.")
            return redirect(incident)
    return form_page(request, form, titre="Déclarer un incident", annuler=reverse("linne:incident_liste"))


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def incident_update(request, pk):
    """Edit an incident under optimistic locking."""
    incident = _get_incident(pk)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            securite.modifier_incident(form.instance, version_vue=form.cleaned_data["version_vue"], par=request.user)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Incident enregistré.")
            return redirect(incident)
    return form_page(request, form, titre=f"Modifier — {incident}", annuler=incident.get_absolute_url())


@access(**LIRE_ECRIRE)
@require_POST
def incident_clore(request, pk):
    """Close the incident at the version its page showed: refused while an action is not done."""
    incident = _get_incident(pk)
    version = request.POST.get("version", "")
    try:
        securite.clore_incident(
            incident=incident,
            par=request.user,
            version_vue=int(version) if version.isdigit() and len(version) < 9 else 0,
        )
    except ConflitEdition:
        messages.error(request, "L'incident a été modifié entre-temps : vérifiez-le, puis clôturez-le à nouveau.")
    except ValidationError as erreur:
        for texte in erreur.messages:
            messages.error(request, texte)
    else:
        messages.success(request, "Incident clos.")
    return redirect(incident)


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def action_incident_create(request, pk):
    incident = _get_incident(pk)
    url = f"{incident.get_absolute_url()}#actions"
    if incident.statut == Incident.Statut.CLOS:
        messages.error(request, securite.MESSAGE_CLOS)
        return redirect(url)
    form = ActionIncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            securite.ajouter_action(incident=incident, par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Action de suivi ajoutée.")
            return redirect(url)
    return form_page(request, form, titre=f"Action de suivi — {incident}", annuler=url)


@access(**LIRE_ECRIRE)
@require_http_methods(["GET", "POST"])
def action_incident_faite(request, pk):
    action = get_object_or_404(ActionIncident.objects.select_related("incident"), pk=pk)
    url = f"{action.incident.get_absolute_url()}#actions"
    if action.faite_le is not None:
        messages.error(request, securite.MESSAGE_ACTION_FAITE)
        return redirect(url)
    form = ActionFaiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            securite.marquer_action_faite(action=action, faite_le=form.cleaned_data["faite_le"], par=request.user)
        except ValidationError as erreur:
            ajouter_erreurs(form, erreur)
        else:
            messages.success(request, "Action marquée comme faite.")
            return redirect(url)
    return form_page(request, form, titre=f"Action faite — {action}", annuler=url)
