"""Stub with the final access rules: the bodies are written next."""

from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_SUBVENTIONS, access


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_list(request):
    raise NotImplementedError


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_create(request):
    raise NotImplementedError


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_detail(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_update(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_instruction(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def demande_transition(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def demande_renew(request, pk):
    raise NotImplementedError
