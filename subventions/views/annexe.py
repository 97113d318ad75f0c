"""The budget annex of the grants and in-kind aid of a year (subventions.annexe): the page and its XLSX
file, for the team and the élus; both from the same `Annexe`."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptes.permissions import LECTEURS_SUBVENTIONS, access
from roubaix_cs import xlsx
from roubaix_cs.exports import FORMATS
from roubaix_cs.telechargements import disposition_piece_jointe

from .. import annexe as annexes
from ..opendata import annees_publiables
from .donnees import _annee


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def annexe_budgetaire(request):
    """The list of the aid of the year, by beneficiary, with its subtotals and totals."""
    jour = timezone.localdate()
    annexe = annexes.annexe_de(_annee(request, jour))
    return render(
        request,
        "subventions/annexe_budgetaire.html",
        {"annexe": annexe, "annees": annees_publiables(jour)},
    )


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
