"""Follow-up of voted grants: payments and financial reports (CRF); the open data are in `donnees`."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from comptes.permissions import EQUIPE, access
from conventions.services import aide_annuelle
from roubaix_cs.formats import montant
from roubaix_cs.seuils import ECART_CRF_PCT
from roubaix_cs.vues import enregistrer_et_rediriger

from .. import services
from ..forms import CompteRenduForm, LigneCRFForm, VersementForm
from ..models import CompteRenduFinancier, DemandeSubvention, LigneCRF, Versement

ZERO = Decimal("0")
CENTIME = Decimal("0.01")


def _get_demande(user, pk):
    """The request if the user may see it; 404 otherwise."""
    return get_object_or_404(DemandeSubvention.objects.visibles_par(user).select_related("centre").avec_verse(), pk=pk)


def _donnees(request):
    """The posted data, even empty: an empty POST shows the errors instead of a blank form."""
    return request.POST if request.method == "POST" else None


def _refus_si_non_votee(request, demande, quoi):
    if demande.votee:
        return None
    messages.error(
        request, f"{quoi} ne concerne qu'une subvention votée ; cette demande est « {demande.get_statut_display()} »."
    )
    return redirect(demande)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def versement_create(request, pk):
    demande = _get_demande(request.user, pk)
    if refus := _refus_si_non_votee(request, demande, "Un versement"):
        return refus
    versements = list(demande.versements.all())
    initial = {"date": timezone.localdate(), "type": Versement.Type.SOLDE if versements else Versement.Type.UNIQUE}
    form = VersementForm(_donnees(request), initial=initial, instance=Versement(demande=demande))
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            versement = services.enregistrer_versement(
                demande=demande,
                type_=donnees["type"],
                montant_=donnees["montant"],
                date=donnees["date"],
                reference=donnees["reference"],
                par=request.user,
            )
        except ValidationError as erreur:
            for message in erreur.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Versement de {montant(versement.montant)} enregistré.")
            return redirect(demande)
    deja = demande.total_verse  # as it stood before this request (a payment recorded redirects)
    aide = aide_annuelle(
        centre=demande.centre, annee=demande.annee, numeraire=services.numeraire_vote(demande.centre, demande.annee)
    )
    return render(
        request,
        "subventions/suivi/versement_form.html",
        {
            "form": form,
            "demande": demande,
            "versements": versements,
            "deja_verse": deja,
            "reste": (demande.montant_vote or ZERO) - deja,
            "aide": aide,
            # What would block any payment today, even of one cent (shown before typing).
            "bloquants": services.refus_de_versement(demande, CENTIME, timezone.localdate()),
        },
    )


def _page_crf(request, demande, crf, form):
    lignes = list(crf.lignes.all()) if crf.pk else []
    budget = sum((ligne.budget for ligne in lignes), ZERO)
    realise = sum((ligne.realise for ligne in lignes), ZERO)
    total = LigneCRF(libelle="Total", budget=budget, realise=realise)
    return render(
        request,
        "subventions/suivi/crf_form.html",
        {
            "form": form,
            "demande": demande,
            "crf": crf,
            "lignes": lignes,
            "total": total,
            "significatives": [ligne for ligne in lignes if ligne.ecart_significatif],
            "seuil_pct": ECART_CRF_PCT,
            "echeance": crf.echeance,
            "en_retard": crf.date_reception is None and crf.echeance < timezone.localdate(),
        },
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def crf_update(request, pk):
    demande = _get_demande(request.user, pk)
    if refus := _refus_si_non_votee(request, demande, "Le compte rendu financier"):
        return refus
    crf = CompteRenduFinancier.objects.filter(demande=demande).first() or CompteRenduFinancier(demande=demande)
    form = CompteRenduForm(_donnees(request), instance=crf)
    done = enregistrer_et_rediriger(
        request,
        form,
        vers=reverse("subventions:crf", args=[demande.pk]),
        message="Compte rendu financier enregistré.",
    )
    return done or _page_crf(request, demande, crf, form)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def crf_ligne_create(request, pk):
    demande = _get_demande(request.user, pk)
    if refus := _refus_si_non_votee(request, demande, "Le compte rendu financier"):
        return refus
    form = LigneCRFForm(_donnees(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # The report's lines may be typed before it is formally received.
            crf, _ = CompteRenduFinancier.objects.get_or_create(demande=demande)
            ligne = form.save(commit=False)
            ligne.crf = crf
            ligne.save()
        messages.success(request, f"Ligne « {ligne.libelle} » ajoutée au compte rendu financier.")
        return redirect("subventions:crf", demande.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "titre": f"Nouvelle ligne du compte rendu financier — {demande}",
            "annuler": reverse("subventions:crf", args=[demande.pk]),
        },
    )
