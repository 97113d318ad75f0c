"""The grants budget (lines and their consumption, SUB-15) and the dispositifs, managed as data."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_SUBVENTIONS, access
from roubaix_cs.vues import enregistrer_et_rediriger, form_page

from ..forms import DispositifForm, LigneBudgetaireForm
from ..models import ZERO, Dispositif, LigneBudgetaire

COLONNES = ("credits_votes", "decisions_modificatives", "credits_ouverts", "total_engage", "total_paye", "disponible")


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def budget_detail(request, annee):
    lignes = list(
        LigneBudgetaire.objects.filter(annee=annee)
        .avec_consommation()
        .order_by("section", "chapitre", "compte", "fonction", "libelle")
    )
    totaux = {colonne: sum((getattr(ligne, colonne) for ligne in lignes), ZERO) for colonne in COLONNES}
    # From the first year with lines to the next one to prepare (after this year's or the last
    # line's): the budget pages end there.
    avec_lignes = set(LigneBudgetaire.objects.order_by().values_list("annee", flat=True).distinct())
    avec_lignes.add(timezone.localdate().year)
    annees = list(range(min(avec_lignes), max(avec_lignes) + 2))
    if annee not in annees:
        raise Http404("Aucun budget pour cette année.")
    return render(
        request,
        "subventions/budget_detail.html",
        {
            "annee": annee,
            "lignes": lignes,
            "totaux": totaux,
            "annees": annees,
        },
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ligne_create(request):
    annee = request.GET.get("annee", "")
    initial = {"annee": int(annee) if annee.isdigit() else timezone.localdate().year}
    form = LigneBudgetaireForm(request.POST or None, initial=initial)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda ligne: ligne.get_absolute_url(), message="La ligne budgétaire a été créée."
    )
    annuler = reverse("subventions:budget", args=[initial["annee"]])
    return done or form_page(request, form, titre="Nouvelle ligne budgétaire", annuler=annuler)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ligne_update(request, pk):
    ligne = get_object_or_404(LigneBudgetaire, pk=pk)
    form = LigneBudgetaireForm(request.POST or None, instance=ligne)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda ligne: ligne.get_absolute_url(), message="Ligne budgétaire enregistrée."
    )
    return done or form_page(request, form, titre=f"Modifier la ligne {ligne}", annuler=ligne.get_absolute_url())


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def dispositif_list(request):
    dispositifs = Dispositif.objects.annotate(nb_demandes=Count("demandes"))
    return render(request, "subventions/dispositif_list.html", {"dispositifs": dispositifs})


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dispositif_create(request):
    form = DispositifForm(request.POST or None)
    done = enregistrer_et_rediriger(
        request, form, vers=reverse("subventions:dispositifs"), message="Le dispositif a été créé."
    )
    return done or form_page(request, form, titre="Nouveau dispositif", annuler=reverse("subventions:dispositifs"))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dispositif_update(request, pk):
    dispositif = get_object_or_404(Dispositif, pk=pk)
    form = DispositifForm(request.POST or None, instance=dispositif)
    done = enregistrer_et_rediriger(
        request, form, vers=reverse("subventions:dispositifs"), message="Dispositif enregistré."
    )
    return done or form_page(
        request, form, titre=f"Modifier le dispositif « {dispositif} »", annuler=reverse("subventions:dispositifs")
    )
