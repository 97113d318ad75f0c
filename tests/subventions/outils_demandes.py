"""Helpers shared by the tests of grant requests, instruction and budget."""

import datetime

from django.urls import reverse

from centres.models import Document

from ..factories import DocumentFactory


def cer(centre, **kwargs):
    """SUB-11: the centre's signed contrat d'engagement républicain, in its documents vault."""
    return DocumentFactory(
        centre=centre,
        type=Document.Type.CER,
        titre="Contrat d'engagement républicain",
        valide_du=kwargs.pop("valide_du", datetime.date(2022, 1, 2)),
        **kwargs,
    )


def transition(client, demande, vers, commentaire="", **donnees):
    url = reverse("subventions:transition", args=[demande.pk])
    return client.post(url, {"vers": vers, "commentaire": commentaire, **donnees}, follow=True)
