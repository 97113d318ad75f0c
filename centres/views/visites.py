"""TODO: written next (stub with the final access rules)."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_VISITES, access


@access(read=LECTEURS_VISITES)
@require_GET
def visite_list(request):
    raise NotImplementedError


@access(read=LECTEURS_VISITES)
@require_GET
def visite_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def visite_create(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_VISITES)
@require_GET
def visite_detail(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def visite_update(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_VISITES)
@require_GET
def visite_pdf(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    raise NotImplementedError
