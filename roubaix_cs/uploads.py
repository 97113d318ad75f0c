"""Upload checks shared by every app: what a file really is, how big, and a safe name.

The kind of a file is read from its content (magic bytes, and the inside of ZIP-based
office formats), then must agree with its extension: a renamed executable is refused.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError

from .seuils import DOCUMENT_TAILLE_MAX_OCTETS


@dataclass(frozen=True)
class Genre:
    mime: str
    extensions: frozenset


PDF = Genre("application/pdf", frozenset({"pdf"}))
PNG = Genre("image/png", frozenset({"png"}))
JPEG = Genre("image/jpeg", frozenset({"jpg", "jpeg"}))
DOCX = Genre("application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"}))
XLSX = Genre("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"}))
PPTX = Genre("application/vnd.openxmlformats-officedocument.presentationml.presentation", frozenset({"pptx"}))
ODT = Genre("application/vnd.oasis.opendocument.text", frozenset({"odt"}))
ODS = Genre("application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"}))
OLE = Genre("application/msword", frozenset({"doc", "xls", "ppt"}))  # legacy Office (OLE2 container)

OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF = {ODT.mime: ODT, ODS.mime: ODS}
EXTENSIONS_ACCEPTEES = sorted({ext for g in (PDF, PNG, JPEG, DOCX, XLSX, PPTX, ODT, ODS, OLE) for ext in g.extensions})


def _genre_zip(fichier):
    try:
        with zipfile.ZipFile(fichier) as archive:
            noms = archive.namelist()
            if "mimetype" in noms:
                return ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in noms:
                for prefixe, genre in OOXML.items():
                    if any(nom.startswith(prefixe) for nom in noms):
                        return genre
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def detecter_genre(fichier):
    """The real kind of an uploaded file, read from its content; None when not accepted."""
    fichier.seek(0)
    tete = fichier.read(8)
    fichier.seek(0)
    if tete.startswith(b"%PDF-"):
        return PDF
    if tete.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if tete.startswith(b"\xff\xd8\xff"):
        return JPEG
    if tete.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if tete.startswith(b"PK\x03\x04"):
        genre = _genre_zip(fichier)
        fichier.seek(0)
        return genre
    return None


def nom_sur(nom: str, longueur_max: int = 120) -> str:
    """A display name without any path, control or shell-special characters."""
    base = PureWindowsPath(PurePosixPath(nom or "").name).name  # drops "../" and "C:\\" parts alike
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*;]", "", base).strip(" .")
    if "." in base:
        racine, extension = base.rsplit(".", 1)
        extension = "." + extension.lower()[:10]
    else:
        racine, extension = base, ""
    racine = re.sub(r"\s+", " ", racine)[: longueur_max - len(extension)] or "document"
    return racine + extension


def verifier_fichier(fichier):
    """Validate an UploadedFile; return (genre, safe name, sha256) or raise a French ValidationError."""
    if fichier.size > DOCUMENT_TAILLE_MAX_OCTETS:
        raise ValidationError(
            f"Le fichier dépasse la taille maximale de {DOCUMENT_TAILLE_MAX_OCTETS // (1024 * 1024)} Mo.",
            code="taille",
        )
    nom = nom_sur(fichier.name)
    extension = nom.rsplit(".", 1)[-1] if "." in nom else ""
    genre = detecter_genre(fichier)
    if genre is None:
        raise ValidationError(
            "Type de fichier refusé : seuls les PDF, images (PNG, JPEG) et documents bureautiques "
            f"({', '.join(EXTENSIONS_ACCEPTEES)}) sont acceptés.",
            code="type",
        )
    if extension not in genre.extensions:
        raise ValidationError(
            f"L'extension « .{extension} » ne correspond pas au contenu du fichier ({genre.mime}).",
            code="extension",
        )
    empreinte = hashlib.sha256()
    for morceau in fichier.chunks():
        empreinte.update(morceau)
    fichier.seek(0)
    return genre, nom, empreinte.hexdigest()
