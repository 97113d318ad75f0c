"""Stub with the final access rules: the bodies are written next."""

from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_DELIBERATIONS, access


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_list(request):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def seance_create(request):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def seance_detail(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def seance_update(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS, write=LECTEURS_DELIBERATIONS)
@require_http_methods(["GET", "POST"])
def mandat_list(request):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS, write=LECTEURS_DELIBERATIONS)
@require_POST
def mandat_delete(request, pk):
    raise NotImplementedError
