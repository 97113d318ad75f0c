"""The documents vault: typed files per centre, checked on upload, served only through a view."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.models import User
from comptes.permissions import EQUIPE, LECTEURS_DOCUMENTS, access
from roubaix_cs.exports import exporter, libelles, lien_absolu
from roubaix_cs.listes import page_de_liste
from roubaix_cs.telechargements import fichier_prive

from ..filters import DocumentFilter
from ..forms import DocumentForm, DocumentMetaForm
from ..models import Document
from ..services import deposer_document
from ._commun import form_page, get_centre_for_user, onglet

# The columns of the list (templates/centres/documents/includes/cellules.html). PostgreSQL sorts the
# whole filtered set, joined to centres and users, before it keeps the page: 5 000 rows at 100× the
# demo, whose width the sort carries (24 ms with every column, issue 13).
CHAMPS_DE_LA_LISTE = [
    *("type", "titre", "nom_original", "annee", "valide_du", "valide_au", "taille", "depose_le"),
    *("centre__nom", "centre__nom_court", "depose_par__username", "depose_par__first_name", "depose_par__last_name"),
]


def _documents_filtres(request, champs=()):
    queryset = Document.objects.visibles_par(request.user).select_related("centre", "depose_par")
    if champs:
        queryset = queryset.only(*champs)
    return DocumentFilter(request.GET, queryset=queryset, request=request)


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_list(request):
    context = page_de_liste(request, _documents_filtres(request, CHAMPS_DE_LA_LISTE))
    return render(request, "centres/documents/document_list.html", {**context, "today": timezone.localdate()})


TYPES = dict(Document.Type.choices)


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_export(request, fmt):
    today = timezone.localdate()
    telecharger = lien_absolu(request, "centres:document_telecharger")  # Document.get_absolute_url
    documents = _documents_filtres(request).qs
    deposants = libelles(User.objects.filter(pk__in=documents.values("depose_par")))
    colonnes = [
        ("Centre", lambda d: d.centre__nom or "Ville"),
        ("Type", lambda d: TYPES[d.type]),
        ("Titre", lambda d: d.titre),
        ("Exercice", lambda d: d.annee),
        ("Valide du", lambda d: d.valide_du),
        ("Valide jusqu'au", lambda d: d.valide_au),
        ("Expiré", lambda d: "Oui" if Document.expire(d, today) else "Non"),  # the row has its valide_au
        ("Nom du fichier", lambda d: d.nom_original),
        ("Type de fichier", lambda d: d.type_mime),
        ("Taille (octets)", lambda d: d.taille),
        ("Empreinte SHA-256", lambda d: d.sha256),
        ("Déposé par", lambda d: deposants[d.depose_par_id]),
        ("Déposé le", lambda d: d.depose_le),
        ("Lien de téléchargement", lambda d: telecharger(d.pk)),
    ]
    champs = ["pk", "centre__nom", "type", "titre", "annee", "valide_du", "valide_au", "nom_original", "type_mime"]
    lignes = documents.values_list(*champs, "taille", "sha256", "depose_par_id", "depose_le", named=True)
    return exporter(fmt, nom="documents", colonnes=colonnes, objets=lignes)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    form = DocumentForm(
        request.POST or None, request.FILES or None, instance=Document(centre=centre, depose_par=request.user)
    )
    if request.method == "POST" and form.is_valid():
        document = deposer_document(form=form)
        messages.success(request, f"Le document « {document} » a été déposé.")
        return redirect(onglet(centre, "documents"))
    context = {"form": form, "centre": centre, "titre": f"Déposer un document — {centre}"}
    return render(request, "centres/documents/document_form.html", context)


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_download(request, pk):
    document = get_object_or_404(Document.objects.visibles_par(request.user), pk=pk)
    return fichier_prive(document.fichier, nom=document.nom_original, type_mime=document.type_mime)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def document_update(request, pk):
    document = get_object_or_404(Document.objects.visibles_par(request.user).select_related("centre"), pk=pk)
    centre = document.centre
    retour = onglet(centre, "documents") if centre else reverse("centres:document_liste")
    form = DocumentMetaForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "La description du document a été modifiée.")
        return redirect(retour)
    return form_page(request, form, titre=f"Modifier le document « {document} »", centre=centre, annuler=retour)
