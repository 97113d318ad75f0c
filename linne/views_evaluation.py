"""The yearly evaluation of the Espace Linné's project (linne.evaluation): the figures of the year, the
responsable's texts and their PDF, rendered in the background with its versions.

The responsable writes the texts; the service (GESTION_LINNE) generates the PDF; the service and the élus
read the page and download the versions; the partners and the accounts without a role get 403.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comptes.permissions import (
    GESTION_LINNE,
    LECTEURS_STATISTIQUES_LINNE,
    RESPONSABLE_SEULE,
    access,
    can_manage_linne,
    is_responsable,
)
from roubaix_cs import bornes, generations
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.telechargements import fichier_prive

from . import evaluation as services
from .filters_evaluation import AnneeEvaluationForm
from .forms_evaluation import EvaluationForm
from .models import GenerationEvaluation, VersionEvaluation

PANNEAU = "linne/evaluation/_panneau_pdf.html"


def _url_page(annee):
    return f"{reverse('linne:evaluation')}?annee={annee}"


def _panneau(annee, user, *, refus=""):
    """The PDF panel of the year: latest generation, versions, and the button for the service."""
    return {
        "panneau_id": "evaluation-pdf",
        "titre": f"Évaluation {annee} en PDF",
        "url_statut": reverse("linne:evaluation_statut", args=[annee]),
        "url_generer": reverse("linne:evaluation_generer", args=[annee]),
        "url_page": _url_page(annee),
        "url_version": "linne:evaluation_telecharger",
        **generations.contexte_panneau(
            GenerationEvaluation.objects.filter(annee=annee),
            VersionEvaluation.objects.filter(annee=annee),
            peut_generer=can_manage_linne(user),
            refus=refus,
        ),
    }


def _page(request, annee, form=None):
    jour = timezone.localdate()
    contenu = services.contenu(annee, jour=jour)
    if form is None and is_responsable(request.user):
        form = EvaluationForm(instance=contenu.evaluation)
    premier, _dernier = bornes.ExerciceDansLaFenetre().bornes()
    context = {
        "annee": annee,
        "annees": sorted(set(range(premier, jour.year + 1)) | {annee}, reverse=True),
        "contenu": contenu,
        "stats": contenu.statistiques,
        "form": form,
    }
    return render(request, "linne/evaluation/evaluation.html", context | _panneau(annee, request.user))


@access(read=LECTEURS_STATISTIQUES_LINNE)
@require_safe
def evaluation(request):
    """The evaluation of a year (?annee=, this year by default): its figures, texts and PDF."""
    annee = AnneeEvaluationForm(request.GET).annee_choisie(timezone.localdate())
    return _page(request, annee)


@access(read=RESPONSABLE_SEULE, write=RESPONSABLE_SEULE)
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_textes(request, annee):
    """The responsable's texts of the year: the evaluation page with its form (GET), saved under optimistic
    locking (POST)."""
    annee = int(annee)
    if request.method != "POST":
        return _page(request, annee)
    form = EvaluationForm(request.POST, instance=services.evaluation_de(annee))
    if form.is_valid():
        try:
            services.enregistrer_texte(
                annee=annee,
                bilan=form.cleaned_data["bilan"],
                perspectives=form.cleaned_data["perspectives"],
                version=form.cleaned_data["version_vue"],
                par=request.user,
            )
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        except ValidationError as erreur:
            for message in erreur.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Évaluation {annee} enregistrée.")
            return redirect(_url_page(annee))
    return _page(request, annee, form)


@access(read=GESTION_LINNE, write=GESTION_LINNE)
@require_POST
def evaluation_generer(request, annee):
    """Queue the PDF of the year: the worker renders it, the panel polls until it ends."""
    annee = int(annee)
    return generations.repondre_a_la_demande(
        request,
        lambda: services.demander_generation(annee=annee, par=request.user),
        panneau=PANNEAU,
        contexte=lambda refus: _panneau(annee, request.user, refus=refus),
        page=_url_page(annee),
        succes="Génération de l'évaluation demandée : elle apparaît ci-dessous dès qu'elle est prête.",
    )


@access(read=LECTEURS_STATISTIQUES_LINNE)
@require_safe
def evaluation_statut(request, annee):
    """The PDF panel alone (htmx polls it while a generation is pending or running)."""
    return render(request, PANNEAU, _panneau(int(annee), request.user))


@access(read=LECTEURS_STATISTIQUES_LINNE)
@require_safe
def evaluation_telecharger(request, pk):
    """One generated version of the evaluation, from the private storage."""
    version = get_object_or_404(VersionEvaluation, pk=pk)
    nom = f"evaluation-espace-linne-{version.annee}-v{version.numero}.pdf"
    return fichier_prive(version.fichier, nom=nom, type_mime="application/pdf")
