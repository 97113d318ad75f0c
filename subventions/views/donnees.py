"""Open data (OD-1..5, SUB-9): the page of the year's file for the team, its download, its publications."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, access
from roubaix_cs.formats import montant
from roubaix_cs.listes import PAR_PAGE, apercu
from roubaix_cs.seuils import DONNEES_ESSENTIELLES_DELAI_MOIS, DONNEES_ESSENTIELLES_SEUIL

from .. import opendata
from ..forms import PublicationForm

logger = logging.getLogger(__name__)


def _annee(request, jour):
    """The year asked for in ?annee=, else the current one."""
    valeur = request.GET.get("annee", "")
    return int(valeur) if valeur.isdigit() and 2000 <= int(valeur) <= 2100 else jour.year


def _url_page(annee):
    return f"{reverse('subventions:donnees_ouvertes')}?annee={annee}"


# The page's lists shown whole, page by page, at ?liste= (issue 13): their title, and where they are in `etat`.
LISTES = {
    "lignes": "Lignes du fichier",
    "ecartees": "Aides non publiées",
    "conventions": "Conventions à publier",
}


def _items(etat, liste):
    if liste == "conventions":
        return etat.conventions
    return getattr(etat.export, liste) if etat.export else []


def _liste_complete(request, annee, liste):
    """One of the page's lists, whole, PAR_PAGE rows a page: only what that list needs is computed."""
    etat = opendata.etat_donnees_ouvertes(annee, fichier=liste != "conventions", conventions=liste == "conventions")
    page = Paginator(_items(etat, liste), PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "subventions/donnees/liste.html",
        {
            "etat": etat,
            "liste": liste,
            "titre": LISTES[liste],
            "page": page,
            "params": f"annee={annee}&liste={liste}",
            "today": timezone.localdate(),
        },
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def donnees_ouvertes(request):
    """What the file of the year publishes and leaves out, its validity, the conventions to publish
    within 3 months of their signature, and the publications recorded (created here by the team)."""
    jour = timezone.localdate()
    annee = _annee(request, jour)
    if request.method == "GET" and (liste := request.GET.get("liste")) in LISTES:
        return _liste_complete(request, annee, liste)
    form = PublicationForm(request.POST if request.method == "POST" else None, initial={"date": jour})
    if request.method == "POST" and form.is_valid():
        try:
            publication = opendata.enregistrer_publication(annee=annee, par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            for message in erreur.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Publication du {publication.date:%d/%m/%Y} enregistrée : {publication.nombre_lignes} ligne(s), "
                f"{montant(publication.total)}.",
            )
            return redirect(_url_page(annee))
    etat = opendata.etat_donnees_ouvertes(annee)
    # The first rows of each list, how many in all, and the list whole (the file itself: the CSV).
    apercus = {liste: apercu(_items(etat, liste), f"{_url_page(annee)}&liste={liste}") for liste in LISTES}
    return render(
        request,
        "subventions/donnees_ouvertes.html",
        {
            "etat": etat,
            "apercus": apercus,
            "annees": opendata.annees_publiables(jour),
            "form": form,
            "today": jour,
            "seuil": DONNEES_ESSENTIELLES_SEUIL,
            "delai_mois": DONNEES_ESSENTIELLES_DELAI_MOIS,
            "version": opendata.SCDL_VERSION,
        },
    )


@access(read=EQUIPE)
@require_GET
def scdl_export(request, annee):
    """SCDL « subventions » CSV of the grants of `annee` (OD-1..5); the rows are built by opendata."""
    annee = int(annee)
    try:
        export = opendata.lignes_scdl(annee)
    except opendata.ExportImpossible as erreur:
        # A page that says what to set and where, never a bare error (the file is not produced).
        return render(
            request,
            "subventions/donnees/scdl_impossible.html",
            {"impossible": erreur, "annee": annee},
            status=503,
        )
    if export.ecartees:
        logger.warning(
            "Export SCDL %s : %d ligne(s) écartée(s) : %s",
            annee,
            len(export.ecartees),
            " ; ".join(str(ecartee) for ecartee in export.ecartees),
        )
    response = StreamingHttpResponse(opendata.lignes_csv(export.lignes), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="subventions-{annee}.csv"'
    if export.ecartees:
        response["X-SCDL-Lignes-Ecartees"] = ", ".join(ecartee.cle for ecartee in export.ecartees)
    return response
