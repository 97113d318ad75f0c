"""Stub with the final access rules: the bodies are written next."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_SUBVENTIONS, access


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def budget_detail(request, annee):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ligne_create(request):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def ligne_update(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def dispositif_list(request):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dispositif_create(request):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def dispositif_update(request, pk):
    raise NotImplementedError
