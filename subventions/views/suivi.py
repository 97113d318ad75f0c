"""Stub with the final access rules: the bodies are written next."""

from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, access


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def versement_create(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def crf_update(request, pk):
    raise NotImplementedError


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def crf_ligne_create(request, pk):
    raise NotImplementedError


@access(read=EQUIPE)
@require_GET
def scdl_export(request, annee):
    raise NotImplementedError
