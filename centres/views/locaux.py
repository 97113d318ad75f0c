"""TODO: written next (stub with the final access rules)."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_LOCAUX, access


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_list(request):
    raise NotImplementedError


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def local_create(request):
    raise NotImplementedError


@access(read=LECTEURS_LOCAUX)
@require_GET
def local_detail(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def local_update(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_LOCAUX)
@require_GET
def travaux_list(request):
    raise NotImplementedError


@access(read=LECTEURS_LOCAUX)
@require_GET
def travaux_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def travaux_create(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def travaux_update(request, pk):
    raise NotImplementedError
