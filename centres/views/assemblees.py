"""TODO: written next (stub with the final access rules)."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, TOUS, access


@access(read=TOUS)
@require_GET
def ag_list(request):
    raise NotImplementedError


@access(read=TOUS)
@require_GET
def ag_export(request, fmt):
    raise NotImplementedError


@access(read=TOUS)
@require_GET
def ag_ics(request):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ag_create(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ag_update(request, pk):
    raise NotImplementedError
