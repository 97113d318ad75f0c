"""Private files go out only through permission-checked views, all with this one response.

The view checks who may read the record; this module checks the file is where it should
be (inside MEDIA_ROOT) and sends it so that no browser renders or caches it.
"""

import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404


def chemin_prive(fichier) -> Path:
    """The file's path on disk, only if it resolves inside MEDIA_ROOT (`..` and symlinks resolved)."""
    racine = Path(settings.MEDIA_ROOT).resolve()
    try:
        chemin = Path(fichier.path).resolve()
    except (SuspiciousFileOperation, ValueError):
        raise Http404("Fichier introuvable.") from None
    if not chemin.is_relative_to(racine) or not chemin.is_file():
        raise Http404("Fichier introuvable.")
    return chemin


def disposition_piece_jointe(nom: str) -> str:
    """Content-Disposition for `nom`: an ASCII fallback, and the exact name in RFC 5987 `filename*`."""
    ascii_seul = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode("ascii")
    ascii_seul = re.sub(r"[^A-Za-z0-9._() -]", "_", ascii_seul).strip() or "document"
    return f"attachment; filename=\"{ascii_seul}\"; filename*=UTF-8''{quote(nom, safe='')}"


def fichier_prive(fichier, *, nom: str, type_mime: str) -> FileResponse:
    """Send a private file as a download named `nom`, never sniffed, rendered or cached."""
    chemin = chemin_prive(fichier)
    response = FileResponse(chemin.open("rb"), content_type=type_mime)
    response["Content-Disposition"] = disposition_piece_jointe(nom)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
