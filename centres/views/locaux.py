"""Premises lent to the centres and Espace Linné (LOC-1..4), and the works run in them."""

from decimal import Decimal

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_LOCAUX, access, can_see_documents
from roubaix_cs.autocompletion import suggestions
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.seuils import SEUIL_CONVENTION

from ..filters import LocalFilter, TravauxFilter
from ..forms import LocalForm, TravauxForm
from ..models import Document, Local, Travaux
from ._commun import enregistrer_et_rediriger, form_page


def _locaux_filtres(request):
    queryset = Local.objects.visibles_par(request.user).avec_avantage().select_related("centre")
    return LocalFilter(request.GET, queryset=queryset, request=request)


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_list(request):
    filtre = _locaux_filtres(request)
    context = page_de_liste(request, filtre)
    context.update(totaux=filtre.qs.totaux(), today=timezone.localdate(), seuil_convention=SEUIL_CONVENTION)
    return render(request, "centres/locaux/local_list.html", context)


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_autocompletion(request):
    """The premises of a search field, scoped like the list."""
    return suggestions(request, Local.objects.visibles_par(request.user).select_related("centre").order_by("nom", "pk"))


LOCAL_COLONNES = [
    ("Nom", lambda loc: loc.nom),
    ("Adresse", lambda loc: loc.adresse),
    ("Occupant", lambda loc: loc.occupant),
    ("Propriétaire", lambda loc: loc.get_proprietaire_display()),
    ("Titre d'occupation", lambda loc: loc.get_titre_display()),
    ("Début d'occupation", lambda loc: loc.debut),
    ("Fin d'occupation", lambda loc: loc.fin),
    ("Surface (m²)", lambda loc: loc.surface_m2),
    ("Valeur locative annuelle (€)", lambda loc: loc.valeur_locative),
    ("Méthode d'évaluation", lambda loc: loc.methode_valeur),
    ("Loyer annuel facturé (€)", lambda loc: loc.loyer_facture),
    ("Charges payées par la Ville (€)", lambda loc: loc.charges_ville),
    ("Avantage en nature (€)", lambda loc: loc.avantage_en_nature),
    ("Type ERP", lambda loc: loc.erp_type),
    ("Catégorie ERP", lambda loc: loc.erp_categorie),
    ("Dernière commission de sécurité", lambda loc: loc.commission_derniere),
    ("Prochaine commission de sécurité", lambda loc: loc.commission_prochaine),
    ("Avis de la commission", lambda loc: loc.get_commission_avis_display()),
]


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_export(request, fmt):
    return exporter(fmt, nom="locaux", colonnes=LOCAL_COLONNES, objets=_locaux_filtres(request).qs)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def local_create(request):
    centre = request.GET.get("centre", "")
    form = LocalForm(request.POST or None, initial={"centre": centre} if centre.isdigit() else {})
    done = enregistrer_et_rediriger(request, form, vers=lambda local: local, message="Le local a été ajouté.")
    return done or form_page(request, form, titre="Nouveau local", annuler=reverse("centres:local_liste"))


def _get_local_for_user(user, pk):
    return get_object_or_404(Local.objects.visibles_par(user).avec_avantage().select_related("centre"), pk=pk)


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_detail(request, pk):
    user = request.user
    local = _get_local_for_user(user, pk)
    travaux = list(local.travaux.all())
    documents = Document.objects.visibles_par(user).filter(travaux__local=local).select_related("travaux", "depose_par")
    historique = evenements(
        (local.history.all(), lambda r: f"Local « {r.nom} »"),
        (Travaux.history.filter(local_id=local.pk), lambda r: f"Travaux « {r.objet} »"),
        lecteur=user,
    )
    context = {
        "local": local,
        "travaux": travaux,
        "budget_total": sum((t.budget for t in travaux), Decimal("0")),
        "budget_en_cours": sum((t.budget for t in travaux if t.phase not in Travaux.PHASES_TERMINEES), Decimal("0")),
        "documents_visibles": can_see_documents(user),
        "documents": documents,
        "evenements": historique,
        "today": timezone.localdate(),
        "seuil_convention": SEUIL_CONVENTION,
        "calcul_avantage": local.calcul_avantage(timezone.localdate().year),
    }
    return render(request, "centres/locaux/local_detail.html", context)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def local_update(request, pk):
    local = _get_local_for_user(request.user, pk)
    form = LocalForm(request.POST or None, instance=local)
    done = enregistrer_et_rediriger(
        request, form, vers=local, message="Les modifications du local ont été enregistrées."
    )
    return done or form_page(request, form, titre=f"Modifier le local « {local} »", annuler=local.get_absolute_url())


def _travaux_filtres(request):
    queryset = Travaux.objects.visibles_par(request.user).select_related("local__centre")
    return TravauxFilter(request.GET, queryset=queryset, request=request)


@access(read=LECTEURS_LOCAUX)
@require_GET
def travaux_list(request):
    filtre = _travaux_filtres(request)
    context = page_de_liste(request, filtre)
    context["totaux"] = filtre.qs.totaux()
    return render(request, "centres/locaux/travaux_list.html", context)


TRAVAUX_COLONNES = [
    ("Objet", lambda t: t.objet),
    ("Local", lambda t: t.local.nom),
    ("Occupant", lambda t: t.local.occupant),
    ("Nature", lambda t: t.get_nature_display()),
    ("Phase", lambda t: t.get_phase_display()),
    ("Budget (€ TTC)", lambda t: t.budget),
    ("Début prévu", lambda t: t.debut_prevu),
    ("Fin prévue", lambda t: t.fin_prevue),
    ("Début réel", lambda t: t.debut_reel),
    ("Fin réelle", lambda t: t.fin_reelle),
    ("Entreprise titulaire", lambda t: t.entreprise),
]


@access(read=LECTEURS_LOCAUX)
@require_GET
def travaux_export(request, fmt):
    return exporter(fmt, nom="travaux", colonnes=TRAVAUX_COLONNES, objets=_travaux_filtres(request).qs)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def travaux_create(request, pk):
    local = _get_local_for_user(request.user, pk)
    form = TravauxForm(request.POST or None, instance=Travaux(local=local))
    done = enregistrer_et_rediriger(request, form, vers=_vers_local, message="Les travaux ont été ajoutés.")
    return done or form_page(request, form, titre=f"Nouveaux travaux — {local}", annuler=local.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def travaux_update(request, pk):
    travaux = get_object_or_404(Travaux.objects.visibles_par(request.user).select_related("local"), pk=pk)
    local = travaux.local
    form = TravauxForm(request.POST or None, instance=travaux)
    done = enregistrer_et_rediriger(request, form, vers=_vers_local, message="Les travaux ont été modifiés.")
    return done or form_page(
        request, form, titre=f"Modifier les travaux — {local}", annuler=local.get_absolute_url() + "#travaux"
    )


def _vers_local(travaux):
    return travaux.get_absolute_url()
