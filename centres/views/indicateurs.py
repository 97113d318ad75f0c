"""Yearly indicators: the list of all centres and years, its exports, the entry form, and the import
from a spreadsheet (template, upload, preview, confirmation, status)."""

import io
from operator import attrgetter

from django.contrib import messages
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_INDICATEURS, access, can_see_internal_notes
from roubaix_cs.exports import FORMATS, exporter
from roubaix_cs.listes import page_de_liste
from roubaix_cs.seuils import IMPORT_SYNCHRONE_MAX_LIGNES

from .. import imports
from ..filters import IndicateursAnnuelsFilter
from ..forms import ImportIndicateursForm, IndicateursAnnuelsForm
from ..models import Centre, ImportIndicateurs, IndicateursAnnuels
from ..tasks import importer_indicateurs
from ._commun import enregistrer_et_rediriger, form_page, get_centre_for_user, onglet


def _indicateurs_filtres(request):
    queryset = IndicateursAnnuels.objects.visibles_par(request.user).select_related("centre")
    return IndicateursAnnuelsFilter(
        request.GET, queryset=queryset.order_by("-annee", Lower("centre__nom")), user=request.user
    )


@access(read=LECTEURS_INDICATEURS)
@require_GET
def indicateurs_list(request):
    context = page_de_liste(request, _indicateurs_filtres(request))
    return render(request, "centres/indicateurs/indicateurs_list.html", context)


def _colonnes_export(user):
    colonnes = [
        ("Centre", lambda i: i.centre.nom),
        ("SIRET", lambda i: i.centre.siret),
        ("Année", lambda i: i.annee),
        *((titre, attrgetter(nom)) for titre, nom in imports.COLONNES),
        ("Résultat (€)", lambda i: i.resultat),
        ("Avis du commissaire aux comptes", lambda i: i.get_avis_commissaire_display()),
        ("Procédure d'alerte du commissaire aux comptes", lambda i: "Oui" if i.procedure_alerte else "Non"),
    ]
    if can_see_internal_notes(user):
        colonnes.append(("Notes internes", lambda i: i.notes_internes))
    return colonnes


@access(read=LECTEURS_INDICATEURS)
@require_GET
def indicateurs_export(request, fmt):
    objets = _indicateurs_filtres(request).qs
    return exporter(fmt, nom="indicateurs-annuels", colonnes=_colonnes_export(request.user), objets=objets)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def indicateurs_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    retour = onglet(centre, "indicateurs")
    nouveaux = IndicateursAnnuels(centre=centre, annee=timezone.localdate().year - 1)
    form = IndicateursAnnuelsForm(request.POST or None, instance=nouveaux)
    done = enregistrer_et_rediriger(request, form, vers=retour, message="Les indicateurs ont été enregistrés.")
    return done or form_page(
        request, form, titre=f"Nouveaux indicateurs annuels — {centre}", centre=centre, annuler=retour
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def indicateurs_update(request, pk):
    indicateurs = get_object_or_404(
        IndicateursAnnuels.objects.visibles_par(request.user).select_related("centre"), pk=pk
    )
    centre = indicateurs.centre
    retour = onglet(centre, "indicateurs")
    form = IndicateursAnnuelsForm(request.POST or None, instance=indicateurs)
    done = enregistrer_et_rediriger(request, form, vers=retour, message="Les indicateurs ont été modifiés.")
    titre = f"Modifier les indicateurs {indicateurs.annee} — {centre}"
    return done or form_page(request, form, titre=titre, centre=centre, annuler=retour)


@access(read=EQUIPE)
@require_GET
def indicateurs_modele(request, fmt):
    """The import's template: the columns, their units and one example row (a real centre, so that the
    template imports as it is)."""
    centre = Centre.objects.visibles_par(request.user).order_by("pk").first()
    annee = timezone.localdate().year - 1
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-indicateurs-annuels.{fmt}"'
    if fmt == "xlsx":
        imports.modele_xlsx(response, centre, annee)
    else:
        texte = io.StringIO()
        imports.modele_csv(texte, centre, annee)
        response.write(texte.getvalue())
    return response


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def indicateurs_import_create(request):
    """Upload: the file is stored (privately) and analysed; the preview lists what it would do."""
    form = ImportIndicateursForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        import_ = imports.deposer(fichier=form.cleaned_data["fichier"], par=request.user)
        return redirect(import_)
    return render(
        request,
        "centres/indicateurs/import_form.html",
        {"form": form, "colonnes": list(zip(imports.TITRES, imports.UNITES, strict=True))},
    )


def _import_de(request, pk):
    return get_object_or_404(ImportIndicateurs.objects.select_related("deposee_par"), pk=pk)


@access(read=EQUIPE)
@require_GET
def indicateurs_import_detail(request, pk):
    import_ = _import_de(request, pk)
    return render(
        request,
        "centres/indicateurs/import_detail.html",
        {"import": import_, "seuil_synchrone": IMPORT_SYNCHRONE_MAX_LIGNES},
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def indicateurs_import_confirm(request, pk):
    """All or nothing: in the request for a small file, in the background (its progress shown) for a large one."""
    import_ = get_object_or_404(ImportIndicateurs, pk=pk)
    if import_.statut != ImportIndicateurs.Statut.A_CONFIRMER:
        messages.error(request, "Cet import n'est plus à confirmer.")
        return redirect(import_)
    if import_.lignes > IMPORT_SYNCHRONE_MAX_LIGNES:
        imports.mettre_en_file(import_id=import_.pk, tache=importer_indicateurs)
        messages.info(request, "L'import est lancé : sa progression s'affiche ci-dessous.")
        return redirect(import_)
    import_ = imports.executer(import_.pk)
    if import_.statut == ImportIndicateurs.Statut.TERMINE:
        messages.success(request, f"{import_.lignes} ligne(s) importée(s).")
    else:
        messages.error(request, import_.erreur)
    return redirect(import_)


@access(read=EQUIPE)
@require_GET
def indicateurs_import_status(request, pk):
    """The status panel, polled by htmx while the import runs."""
    contexte = {"import": _import_de(request, pk), "seuil_synchrone": IMPORT_SYNCHRONE_MAX_LIGNES}
    return render(request, "centres/indicateurs/includes/import_statut.html", contexte)
