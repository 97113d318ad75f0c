"""Stub with the final access rules: the bodies are written next."""

from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_DELIBERATIONS, access


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_list(request):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_export(request, fmt):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_create(request):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_detail(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_preview(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_update(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def deliberation_ready(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def pdf_generate(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def pdf_status(request, pk):
    raise NotImplementedError


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def pdf_download(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_vote(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_enforce(request, pk):
    raise NotImplementedError
