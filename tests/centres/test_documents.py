import csv
import datetime
import hashlib
import html
import io
import re
import struct
import zipfile
import zlib

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import load_workbook

from centres.deadlines import _documents
from centres.models import Document
from centres.services import pieces_du_centre
from roubaix_cs.seuils import DOCUMENT_TAILLE_MAX_OCTETS

from ..factories import PDF_MINIMAL, CentreFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)
NOM_ALEATOIRE = re.compile(r"^documents/centre-\d+/[0-9a-f]{32}\.[a-z]+$")


def _png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


PNG, DOCX = _png(), _docx()


def _fichiers(racine):
    """Every file written under `racine` (the test's tmp_path), relative to it."""
    return sorted(str(p.relative_to(racine)) for p in racine.rglob("*") if p.is_file())


def _deposer(client, centre, nom, contenu, **champs):
    data = {"type": "statuts", "titre": "Statuts 2025", **champs}
    data["fichier"] = SimpleUploadedFile(nom, contenu, "application/octet-stream")
    return client.post(reverse("centres:document_deposer", args=[centre.pk]), data)


def _deposer_brut(client, centre, nom, contenu):
    """A multipart body written by hand, so that the file name reaches the server exactly as given."""
    limite = "----LimiteDeTest"
    parties = [
        f'--{limite}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in {"type": "statuts", "titre": "Statuts"}.items()
    ]
    parties.append(
        f'--{limite}\r\nContent-Disposition: form-data; name="fichier"; filename="{nom}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + contenu
        + f"\r\n--{limite}--\r\n".encode()
    )
    return client.post(
        reverse("centres:document_deposer", args=[centre.pk]),
        data=b"".join(parties),
        content_type=f"multipart/form-data; boundary={limite}",
    )


def _erreurs(response):
    return response.context["form"].errors["fichier"]


def _contenu(response):
    return b"".join(response.streaming_content)


# Uploads.


@pytest.mark.parametrize(
    ("nom", "contenu", "mime"),
    [
        ("statuts.pdf", PDF_MINIMAL, "application/pdf"),
        ("rib.PNG", PNG, "image/png"),
        ("projet social.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_a_valid_file_is_stored_under_a_random_name_with_what_it_really_is(
    client, agent, settings, tmp_path, nom, contenu, mime
):
    centre = CentreFactory()
    client.force_login(agent)
    response = _deposer(client, centre, nom, contenu)
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:detail", args=[centre.pk]) + "?onglet=documents"
    document = Document.objects.get()
    assert (document.centre, document.depose_par, document.nom_original) == (centre, agent, nom.replace(".PNG", ".png"))
    assert (document.type_mime, document.taille) == (mime, len(contenu))
    assert document.sha256 == hashlib.sha256(contenu).hexdigest()
    assert NOM_ALEATOIRE.match(document.fichier.name)
    assert (settings.MEDIA_ROOT / document.fichier.name).read_bytes() == contenu
    assert _fichiers(tmp_path) == [f"media/{document.fichier.name}"]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "Type de fichier refusé"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "Type de fichier refusé"),
        (b"<!DOCTYPE html><script>alert(1)</script>", "Type de fichier refusé"),
        (b"#!/bin/sh\nrm -rf /\n", "Type de fichier refusé"),
        (PNG, "L'extension « .pdf » ne correspond pas au contenu du fichier (image/png)."),
        (DOCX, "L'extension « .pdf » ne correspond pas au contenu du fichier"),
    ],
    ids=["elf", "exe", "html", "script", "png", "docx"],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(client, agent, tmp_path, contenu, message):
    client.force_login(agent)
    response = _deposer(client, CentreFactory(), "statuts.pdf", contenu)
    assert response.status_code == 200
    assert message in _erreurs(response)[0]
    assert message in html.unescape(response.content.decode())
    assert not Document.objects.exists()
    assert _fichiers(tmp_path) == []


def test_an_oversized_file_is_refused(client, agent, tmp_path):
    contenu = PDF_MINIMAL + b"0" * (DOCUMENT_TAILLE_MAX_OCTETS + 1 - len(PDF_MINIMAL))
    client.force_login(agent)
    response = _deposer(client, CentreFactory(), "comptes.pdf", contenu)
    assert _erreurs(response) == ["Le fichier dépasse la taille maximale de 10 Mo."]
    assert not Document.objects.exists()
    assert _fichiers(tmp_path) == []


def test_the_size_limit_is_the_named_threshold(client, agent, monkeypatch):
    monkeypatch.setattr("roubaix_cs.uploads.DOCUMENT_TAILLE_MAX_OCTETS", len(PDF_MINIMAL))
    client.force_login(agent)
    assert _deposer(client, CentreFactory(), "a.pdf", PDF_MINIMAL).status_code == 302
    assert _deposer(client, CentreFactory(), "b.pdf", PDF_MINIMAL + b" ").status_code == 200
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("nom", "affiche"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\\\..\\\\x.pdf", "x.pdf"),
        ("/etc/cron.d/evil.pdf", "evil.pdf"),
        ("C:\\\\Windows\\\\system32\\\\statuts.pdf", "statuts.pdf"),
        ("sta\x01tuts\x1b 2025.pdf", "statuts 2025.pdf"),
        ('a\\";b<c>|d.pdf', "abcd.pdf"),  # an escaped quote in the header: a";b<c>|d.pdf
    ],
)
def test_a_path_in_the_file_name_never_reaches_the_disk(client, agent, settings, tmp_path, nom, affiche):
    centre = CentreFactory()
    client.force_login(agent)
    response = _deposer_brut(client, centre, nom, PDF_MINIMAL)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.nom_original == affiche
    assert NOM_ALEATOIRE.match(document.fichier.name)
    assert _fichiers(tmp_path) == [f"media/{document.fichier.name}"]
    assert (settings.MEDIA_ROOT / document.fichier.name).resolve().is_relative_to(settings.MEDIA_ROOT.resolve())


def test_a_name_reduced_to_no_extension_is_refused(client, agent, tmp_path):
    client.force_login(agent)
    response = _deposer_brut(client, CentreFactory(), "..pdf", PDF_MINIMAL)
    assert "ne correspond pas au contenu" in _erreurs(response)[0]
    assert _fichiers(tmp_path) == []


def test_nothing_is_half_saved_when_the_record_cannot_be_written(client, agent, tmp_path, monkeypatch):
    def echec(*args, **kwargs):
        raise IntegrityError("panne simulée")

    monkeypatch.setattr(Document, "_do_insert", echec)
    client.force_login(agent)
    with pytest.raises(IntegrityError):
        _deposer(client, CentreFactory(), "statuts.pdf", PDF_MINIMAL)
    assert not Document.objects.exists()
    assert _fichiers(tmp_path) == []  # the file written just before the insert was removed


def test_a_validity_ending_before_it_starts_is_refused(client, agent, tmp_path):
    client.force_login(agent)
    response = _deposer(
        client, CentreFactory(), "assurance.pdf", PDF_MINIMAL, valide_du="2026-01-01", valide_au="2025-12-31"
    )
    assert "La fin de validité doit suivre son début." in html.unescape(response.content.decode())
    assert not Document.objects.exists()
    assert _fichiers(tmp_path) == []


# Downloads: only through the view, only for those who may read the document.


def test_the_team_downloads_the_file_with_safe_headers(client, agent):
    document = DocumentFactory(nom_original="Procès-verbal AG été 2025.pdf")
    client.force_login(agent)
    response = client.get(reverse("centres:document_telecharger", args=[document.pk]))
    assert response.status_code == 200
    assert _contenu(response) == PDF_MINIMAL
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Proces-verbal AG ete 2025.pdf"; '
        "filename*=UTF-8''Proc%C3%A8s-verbal%20AG%20%C3%A9t%C3%A9%202025.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("persona", "public", "rib"),
    [("responsable", 200, 200), ("agent", 200, 200), ("elu", 200, 404), ("regisseur", 403, 403)],
)
def test_who_downloads_what(client, persona, public, rib, request):
    centre = CentreFactory()
    statuts, releve = DocumentFactory(centre=centre), DocumentFactory(centre=centre, rib=True)
    client.force_login(request.getfixturevalue(persona))
    for document, attendu in ((statuts, public), (releve, rib)):
        response = client.get(reverse("centres:document_telecharger", args=[document.pk]))
        assert response.status_code == attendu, document.type
        if attendu == 200:
            assert _contenu(response) == PDF_MINIMAL


def test_a_partner_downloads_public_documents_of_its_centres_only(client, partenaire_caf, centre_caf, centre_hors_caf):
    client.force_login(partenaire_caf)

    def statut(document):
        response = client.get(reverse("centres:document_telecharger", args=[document.pk]))
        if response.status_code == 200:
            _contenu(response)  # read to the end: the file is closed
        return response.status_code

    assert statut(DocumentFactory(centre=centre_caf, type="comptes")) == 200
    assert statut(DocumentFactory(centre=centre_caf, rib=True)) == 404
    assert statut(DocumentFactory(centre=centre_caf, type="assurance")) == 404
    assert statut(DocumentFactory(centre=centre_hors_caf)) == 404


def test_the_media_url_of_a_stored_file_answers_404(client, responsable, settings):
    document = DocumentFactory()
    assert (settings.MEDIA_ROOT / document.fichier.name).is_file()
    client.force_login(responsable)
    assert client.get(settings.MEDIA_URL + document.fichier.name).status_code == 404


def test_a_stored_path_leading_outside_the_media_root_is_not_served(client, agent, settings, tmp_path):
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 hors du coffre")
    document = DocumentFactory()
    Document.objects.filter(pk=document.pk).update(fichier="../secret.pdf")
    manquant = DocumentFactory()
    (settings.MEDIA_ROOT / manquant.fichier.name).unlink()
    client.force_login(agent)
    assert client.get(reverse("centres:document_telecharger", args=[document.pk])).status_code == 404
    assert client.get(reverse("centres:document_telecharger", args=[manquant.pk])).status_code == 404


# Editing the description.


def test_the_description_is_edited_but_the_file_never_replaced(client, agent):
    document = DocumentFactory(titre="Statuts")
    nom_stocke = document.fichier.name
    client.force_login(agent)
    response = client.post(
        reverse("centres:document_modifier", args=[document.pk]),
        {
            "type": "statuts",
            "titre": "Statuts modifiés en 2025",
            "annee": "2025",
            "fichier": SimpleUploadedFile("autre.pdf", b"%PDF-1.4 autre", "application/pdf"),
        },
    )
    assert response["Location"] == reverse("centres:detail", args=[document.centre.pk]) + "?onglet=documents"
    document.refresh_from_db()
    assert (document.titre, document.annee, document.fichier.name) == ("Statuts modifiés en 2025", 2025, nom_stocke)
    assert document.fichier.read() == PDF_MINIMAL
    document.fichier.close()
    assert [h.titre for h in document.history.all()] == ["Statuts modifiés en 2025", "Statuts"]
    assert document.history.first().history_user == agent


# The vault list, its filters and exports.


@pytest.fixture
def coffre(caf):
    alma, pile = CentreFactory(nom="CS Alma", partenaires=[caf]), CentreFactory(nom="CS Pile")
    return {
        "statuts": DocumentFactory(centre=alma, titre="Statuts Alma", annee=2024),
        "rib": DocumentFactory(centre=alma, rib=True, titre="RIB Alma"),
        "assurance": DocumentFactory(
            centre=pile,
            type="assurance",
            titre="Assurance Pile",
            valide_du=datetime.date(2026, 1, 1),
            valide_au=datetime.date(2026, 12, 15),
        ),
        "ancienne": DocumentFactory(
            centre=pile,
            type="assurance",
            titre="Assurance Pile 2025",
            valide_du=datetime.date(2025, 1, 1),
            valide_au=datetime.date(2025, 12, 31),
        ),
        "comptes": DocumentFactory(centre=pile, type="comptes", titre="Comptes Pile", annee=2025),
    }


def _titres(response):
    return sorted(d.titre for d in response.context["page"])


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("filtres", "titres"),
    [
        ({}, ["Assurance Pile", "Assurance Pile 2025", "Comptes Pile", "RIB Alma", "Statuts Alma"]),
        ({"type": "assurance"}, ["Assurance Pile", "Assurance Pile 2025"]),
        ({"validite": "valide"}, ["Assurance Pile", "Comptes Pile", "RIB Alma", "Statuts Alma"]),
        ({"validite": "expire_bientot"}, ["Assurance Pile"]),
        ({"validite": "expire"}, ["Assurance Pile 2025"]),
        ({"annee": "2025"}, ["Comptes Pile"]),
        ({"q": "alma"}, ["RIB Alma", "Statuts Alma"]),
    ],
)
def test_the_vault_list_filters(client, agent, coffre, filtres, titres):
    client.force_login(agent)
    assert _titres(client.get(reverse("centres:document_liste"), filtres)) == titres


def test_the_vault_list_filters_by_centre(client, agent, coffre):
    client.force_login(agent)
    response = client.get(reverse("centres:document_liste"), {"centre": coffre["rib"].centre.pk})
    assert _titres(response) == ["RIB Alma", "Statuts Alma"]


def test_elus_and_partners_list_public_documents_in_their_scope(client, elu, partenaire_caf, coffre):
    client.force_login(elu)
    assert _titres(client.get(reverse("centres:document_liste"))) == ["Comptes Pile", "Statuts Alma"]
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:document_liste"))
    assert _titres(response) == ["Statuts Alma"]
    # The centre filter offers only the centres the partner may see.
    assert [c.nom for c in response.context["filtre"].form.fields["centre"].queryset] == ["CS Alma"]


@time_machine.travel(TODAY)
def test_the_vault_shows_expired_documents_and_links_only_to_the_download_view(client, agent, coffre, settings):
    client.force_login(agent)
    texte = client.get(reverse("centres:document_liste")).content.decode()
    assert texte.count(">Expiré</span>") == 1
    assert reverse("centres:document_telecharger", args=[coffre["rib"].pk]) in texte
    assert settings.MEDIA_URL not in texte and "documents/centre-" not in texte


def test_the_vault_csv_export_follows_the_filters(client, agent, coffre, settings):
    client.force_login(agent)
    response = client.get(reverse("centres:document_export", kwargs={"fmt": "csv"}), {"type": "assurance"})
    texte = response.content.decode("utf-8-sig")
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes[0][:3] == ["Centre", "Type", "Titre"]
    assert sorted(ligne[2] for ligne in lignes[1:]) == ["Assurance Pile", "Assurance Pile 2025"]
    assert settings.MEDIA_URL not in texte and "documents/centre-" not in texte


def test_the_vault_xlsx_export_follows_the_scope(client, partenaire_caf, coffre):
    client.force_login(partenaire_caf)
    response = client.get(reverse("centres:document_export", kwargs={"fmt": "xlsx"}))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[2] for row in rows[1:]] == ["Statuts Alma"]


# The centre tab and its checklist of the file's documents.


@time_machine.travel(TODAY)
def test_the_centre_tab_lists_documents_and_the_state_of_each_piece(client, agent):
    centre = CentreFactory()
    DocumentFactory(centre=centre, type="statuts")
    DocumentFactory(centre=centre, type="assurance", valide_au=datetime.date(2026, 6, 30))
    DocumentFactory(centre=centre, rib=True, valide_du=datetime.date(2027, 1, 1))
    client.force_login(agent)
    response = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "documents"})
    etats = {piece.type: piece.etat for piece in response.context["pieces"]}
    assert etats == {
        "statuts": "valide",
        "rib": "a_venir",
        "comptes": "manquant",
        "rapport_activite": "manquant",
        "cer": "manquant",
        "assurance": "expire",
        "projet_social": "manquant",
    }
    texte = html.unescape(response.content.decode())
    assert "Déposer un document" in texte
    assert texte.count(">Expiré</span>") == 1


def test_elus_see_only_the_public_pieces_and_no_upload_button(client, elu):
    centre = CentreFactory()
    DocumentFactory(centre=centre, rib=True)
    client.force_login(elu)
    response = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "documents"})
    assert [piece.type for piece in response.context["pieces"]] == [
        "statuts",
        "comptes",
        "rapport_activite",
        "cer",
        "projet_social",
    ]
    assert response.context["documents"] == []
    assert "Déposer un document" not in html.unescape(response.content.decode())


def test_a_piece_is_valid_when_a_newer_document_replaces_an_expired_one(django_assert_num_queries):
    centre = CentreFactory()
    ancienne = DocumentFactory(centre=centre, type="assurance", valide_au=datetime.date(2025, 12, 31))
    nouvelle = DocumentFactory(
        centre=centre, type="assurance", valide_du=datetime.date(2026, 1, 1), valide_au=datetime.date(2026, 12, 31)
    )
    autre_centre = DocumentFactory(type="cer")
    documents = [ancienne, nouvelle, autre_centre]
    with django_assert_num_queries(0):
        pieces = {p.type: p for p in pieces_du_centre(centre=centre, jour=TODAY, documents=documents)}
    assert (pieces["assurance"].etat, pieces["assurance"].document) == ("valide", nouvelle)
    assert pieces["cer"].etat == "manquant"
    assert pieces["assurance"].libelle_etat == "Valide"


# Deadlines.


def test_an_expiring_document_is_a_deadline_until_a_newer_one_replaces_it():
    document = DocumentFactory(type="assurance", valide_au=datetime.date(2026, 12, 20))
    DocumentFactory(type="assurance", valide_au=datetime.date(2027, 6, 1))  # another centre's: far away
    assert [(d.object_key, d.due) for d in _documents(TODAY)] == [
        (f"centres.document:{document.pk}", datetime.date(2026, 12, 20))
    ]
    DocumentFactory(centre=document.centre, type="assurance", valide_au=datetime.date(2027, 12, 31))
    assert _documents(TODAY) == []


def test_a_document_without_end_of_validity_raises_no_deadline():
    DocumentFactory(valide_au=None, depose_par=UserFactory())
    assert _documents(TODAY) == []
