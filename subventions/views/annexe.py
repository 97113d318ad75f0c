"""The budget annex of the grants and in-kind aid of a year (subventions.annexe): the page, its XLSX
file and its PDF (rendered by a Celery task, kept in numbered versions), for the team and the élus; the
three from the same `Annexe`. The team alone asks for a PDF."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from comptes.permissions import EQUIPE, LECTEURS_SUBVENTIONS, access, is_equipe
from roubaix_cs import generations, xlsx
from roubaix_cs.exports import FORMATS
from roubaix_cs.telechargements import disposition_piece_jointe, fichier_prive

from .. import annexe as annexes
from .. import services
from ..models import GenerationAnnexe, VersionAnnexe
from ..opendata import annees_publiables
from .donnees import _annee


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def annexe_budgetaire(request):
    """The list of the aid of the year, by beneficiary, with its subtotals and totals."""
    jour = timezone.localdate()
    annexe = annexes.annexe_de(_annee(request, jour))
    context = {"annexe": annexe, "annees": annees_publiables(jour), **_panneau(annexe.annee, request.user)}
    return render(request, "subventions/annexe_budgetaire.html", context)


def _telechargement(contenu_type, nom):
    response = HttpResponse(content_type=contenu_type)
    response["Content-Disposition"] = disposition_piece_jointe(nom)
    return response


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def annexe_xlsx(request, annee):
    """The annex as the M57 state lays it out (one row per beneficiary), and its detail line by line."""
    annexe = annexes.annexe_de(int(annee))
    response = _telechargement(FORMATS["xlsx"], f"annexe-concours-{annee}.xlsx")
    xlsx.ecrire(
        response,
        [
            xlsx.Feuille(f"Concours {annee}", annexes.TITRES_ANNEXE, annexes.lignes_par_beneficiaire(annexe)),
            xlsx.Feuille("Détail", annexes.TITRES_DETAIL, annexes.lignes_detail(annexe)),
        ],
    )
    return response


PANNEAU_PDF = "subventions/includes/annexe_pdf.html"


def _url_page(annee):
    return f"{reverse('subventions:annexe')}?annee={annee}"


def _panneau(annee, user, *, refus=""):
    """The PDF panel of the year's annex: latest generation, versions and the button for the team."""
    return {
        "panneau_id": "annexe-pdf",
        "titre": f"Annexe {annee} en PDF",
        "url_statut": reverse("subventions:annexe_pdf_statut", args=[annee]),
        "url_generer": reverse("subventions:annexe_pdf_generer", args=[annee]),
        "url_page": _url_page(annee),
        "url_version": "subventions:annexe_pdf_telecharger",
        **generations.contexte_panneau(
            GenerationAnnexe.objects.filter(annee=annee),
            VersionAnnexe.objects.filter(annee=annee),
            peut_generer=is_equipe(user),
            refus=refus,
        ),
    }


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def annexe_pdf_generate(request, annee):
    """Queue the year's PDF: the worker renders it, the panel polls until it ends."""
    annee = int(annee)
    return generations.repondre_a_la_demande(
        request,
        lambda: services.demander_annexe_pdf(annee=annee, par=request.user),
        panneau=PANNEAU_PDF,
        contexte=lambda refus: _panneau(annee, request.user, refus=refus),
        page=_url_page(annee),
        succes="Génération de l'annexe en PDF demandée : elle apparaît ci-dessous dès qu'elle est prête.",
    )


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def annexe_pdf_status(request, annee):
    """The PDF panel alone (htmx polls it while a generation is pending or running)."""
    return render(request, PANNEAU_PDF, _panneau(int(annee), request.user))


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def annexe_pdf_download(request, pk):
    version = get_object_or_404(VersionAnnexe, pk=pk)
    nom = f"annexe-concours-{version.annee}-v{version.numero}.pdf"
    return fichier_prive(version.fichier, nom=nom, type_mime="application/pdf")
