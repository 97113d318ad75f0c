"""TODO: written next (stub with the final access rules)."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_DOCUMENTS, access


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_list(request):
    raise NotImplementedError


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def document_create(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_DOCUMENTS)
@require_GET
def document_download(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def document_update(request, pk):
    raise NotImplementedError
