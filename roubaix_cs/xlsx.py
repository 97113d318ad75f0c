"""XLSX files written directly: the minimal OOXML package, one sheet per table, the rows streamed.

Every XLSX file of the project goes through `ecrire(fichier, feuilles)`: the list exports
(`exports.exporter`) and the file of a person's data (`pilotage.donnees_personnelles`). It writes
what a table needs and nothing more, about five times as fast as XlsxWriter's API (about 1.5 µs a
cell, compression included; bench/README.md):

- a header row in bold, frozen, and column widths guessed from the header and the first rows;
- numbers as numbers; a `Decimal` with two decimal places shown as an amount, « 18 000,50 € » in
  French Excel (every amount of the project has two, `MONTANT`, and nothing else exported has: a
  surface in m² has one); dates and date-times as Excel serial numbers shown dd/mm/yyyy (date-times
  in local time); booleans as booleans; `None` and "" as empty cells; anything else as its text;
- texts in one shared-strings table, each distinct text escaped once: a text is never a formula
  ("=1+1" stays text), characters that XML 1.0 forbids are left out, and Excel's own escapes
  (`_x0041_`) are escaped so that the text reads as written.

References: ECMA-376 Part 1 (SpreadsheetML), §18.3 (worksheets), §18.4 (shared strings), §18.8
(styles), and Part 2 (the package: content types and relationships).
"""

import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain, islice
from typing import NamedTuple

from django.utils import timezone

# Rows joined and compressed at a time.
PAQUET = 1000
# Rows read before the sheet is started, to size its columns.
LIGNES_MESUREES = 100
LARGEUR_MIN, LARGEUR_MAX = 8, 60
# Excel's limit for the text of a cell.
TEXTE_MAX = 32_767
# Deflate level 3: 5 000 rows × 16 columns (3 MB of XML) compress in 13 ms to 347 KB, against 9 ms
# and 413 KB at level 1, 30 ms and 306 KB at zlib's default level 6.
COMPRESSION = 3

# Indexes of the cell formats of styles.xml (cellXfs).
GRAS, JOUR, HORODATAGE, MONNAIE = 1, 2, 3, 4
# date.toordinal() of 1899-12-30, day 0 of Excel's serial numbers (1900 date system).
ORIGINE = datetime.date(1899, 12, 30).toordinal()

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
ENTETE_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (
    f'{ENTETE_XML}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="#,##0.00\\ &quot;€&quot;"/>'
    "</numFmts>"
    '<fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

# What a text needs changed: XML's special characters, the characters XML 1.0 forbids (C0 controls
# but tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF), Excel's escapes.
_A_ECHAPPER = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ECHAPPEMENT_EXCEL = re.compile("(_x[0-9A-Fa-f]{4}_)")
_NOM_INTERDIT = re.compile(r"[\[\]:*?/\\]")


class Feuille(NamedTuple):
    """A sheet: its name (made acceptable to Excel by `_noms`), its column titles, its rows (an
    iterable, read once, of sequences of as many values as there are titles)."""

    nom: str
    titres: Sequence[str]
    lignes: Iterable[Sequence]


def echapper(texte):
    """The text of a cell as XML character data."""
    if len(texte) > TEXTE_MAX:
        texte = texte[:TEXTE_MAX]
    if not _A_ECHAPPER.search(texte):
        return texte
    texte = _INTERDITS.sub("", texte)
    texte = _ECHAPPEMENT_EXCEL.sub(r"_x005F\1", texte)
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribut(texte):
    return echapper(texte).replace('"', "&quot;")


def lettre(colonne):
    """The letters of a column, 0 -> A, 26 -> AA."""
    lettres = ""
    colonne += 1
    while colonne:
        colonne, reste = divmod(colonne - 1, 26)
        lettres = chr(65 + reste) + lettres
    return lettres


def serie(jour):
    """Excel's serial number of a date (1900 date system, whose 29 February 1900 never was)."""
    n = jour.toordinal() - ORIGINE
    return n - 1 if n < 61 else n


def _cellules(chaines, fuseau):
    """{type of a value: function(reference, value) -> the cell's XML}; `chaines` is the shared
    strings table {text: index}, filled as texts come."""

    def texte(ref, value):
        if not value:  # "" is an empty cell
            return ""
        i = chaines.get(value)
        if i is None:
            i = chaines[value] = len(chaines)
        return f'<c r="{ref}" t="s"><v>{i}</v></c>'

    def autre(ref, value):
        return texte(ref, str(value))

    def entier(ref, value):
        return f'<c r="{ref}"><v>{value}</v></c>'

    def reel(ref, value):
        if not math.isfinite(value):  # Excel has no NaN nor infinity
            return texte(ref, str(value))
        return f'<c r="{ref}"><v>{value!r}</v></c>'

    def decimal(ref, value):
        chiffres = str(value)
        if chiffres[-3:-2] == ".":  # two decimal places: an amount
            return f'<c r="{ref}" s="{MONNAIE}"><v>{chiffres}</v></c>'
        if not value.is_finite():
            return texte(ref, chiffres)
        return f'<c r="{ref}"><v>{chiffres}</v></c>'

    def booleen(ref, value):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'

    def jour(ref, value):
        return f'<c r="{ref}" s="{JOUR}"><v>{serie(value)}</v></c>'

    def horodatage(ref, value):
        value = value.astimezone(fuseau)
        secondes = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{HORODATAGE}"><v>{serie(value) + secondes / 86400!r}</v></c>'

    return {
        str: texte,
        int: entier,
        float: reel,
        Decimal: decimal,
        bool: booleen,
        datetime.date: jour,
        datetime.datetime: horodatage,
        type(None): lambda ref, value: "",
    }, autre


def _largeur(value):
    """About how many characters a value takes once shown."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, Decimal):
        return len(str(value)) + 4  # thousands separators and « € »
    texte = str(value)
    return max(map(len, texte.splitlines()), default=0)


def _largeurs(titres, lignes):
    largeurs = [len(str(titre)) * 1.2 for titre in titres]  # bold
    for valeurs in lignes:
        for colonne, value in enumerate(valeurs):
            largeurs[colonne] = max(largeurs[colonne], _largeur(value))
    return [min(max(largeur + 2, LARGEUR_MIN), LARGEUR_MAX) for largeur in largeurs]


def _indice(chaines, texte):
    i = chaines.get(texte)
    if i is None:
        i = chaines[texte] = len(chaines)
    return i


def _ecrire_feuille(flux, feuille, chaines, cellules, autre, *, active):
    """Streams one worksheet's XML into the open zip entry `flux`: each row's cells made by the
    functions of `cellules` (one per type of value), the rows joined and written PAQUET at a time."""
    lignes = iter(feuille.lignes)
    premieres = list(islice(lignes, LIGNES_MESUREES))
    titres = [str(titre) for titre in feuille.titres]
    refs = [lettre(colonne) for colonne in range(len(titres))]
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{largeur:.1f}" customWidth="1"/>'
        for n, largeur in enumerate(_largeurs(titres, premieres), start=1)
    )
    vue = '<sheetView tabSelected="1" workbookViewId="0">' if active else '<sheetView workbookViewId="0">'
    entetes = "".join(
        f'<c r="{ref}1" s="{GRAS}" t="s"><v>{_indice(chaines, titre)}</v></c>'
        for ref, titre in zip(refs, titres, strict=True)
        if titre
    )
    flux.write(
        (
            f'{ENTETE_XML}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetViews>{vue}'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f'<sheetData><row r="1">{entetes}</row>'
        ).encode()
    )
    morceaux = []
    for numero, valeurs in enumerate(chain(premieres, lignes), start=2):
        ligne = str(numero)
        morceaux.append(f'<row r="{ligne}">')
        for ref, value in zip(refs, valeurs, strict=True):
            morceaux.append(cellules.get(type(value), autre)(ref + ligne, value))
        morceaux.append("</row>")
        if numero % PAQUET == 0:
            flux.write("".join(morceaux).encode())
            morceaux.clear()
    morceaux.append("</sheetData></worksheet>")
    flux.write("".join(morceaux).encode())


def _noms(feuilles):
    """The sheets' names as Excel accepts them: 31 characters at most, none of []:*?/\\, not
    beginning or ending with an apostrophe, distinct whatever the case."""
    noms, vus = [], set()
    for feuille in feuilles:
        nom = _NOM_INTERDIT.sub("-", str(feuille.nom)).strip("'")[:31] or "Feuille"
        base, n = nom, 1
        while nom.casefold() in vus:
            n += 1
            suffixe = f" ({n})"
            nom = base[: 31 - len(suffixe)] + suffixe
        vus.add(nom.casefold())
        noms.append(nom)
    return noms


def ecrire(fichier, feuilles):
    """Writes the XLSX file of `feuilles` (a sequence of `Feuille`) into `fichier`, a file object
    opened for binary writing (an HttpResponse will do)."""
    noms = _noms(feuilles)
    n = len(noms)
    chaines = {}
    cellules, autre = _cellules(chaines, timezone.get_current_timezone())
    tampon = io.BytesIO()  # seekable: the zip's entries carry their sizes in their headers
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as archive:
        archive.writestr("[Content_Types].xml", _types(n))
        archive.writestr(
            "_rels/.rels",
            f'{ENTETE_XML}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        feuilles_xml = "".join(
            f'<sheet name="{_attribut(nom)}" sheetId="{i}" r:id="rId{i}"/>' for i, nom in enumerate(noms, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{ENTETE_XML}<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{feuilles_xml}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{ENTETE_XML}<Relationships xmlns="{PKG_REL}">{relations}'
            f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", STYLES)
        for i, feuille in enumerate(feuilles, start=1):
            with archive.open(f"xl/worksheets/sheet{i}.xml", "w") as flux:
                _ecrire_feuille(flux, feuille, chaines, cellules, autre, active=i == 1)
        with archive.open("xl/sharedStrings.xml", "w") as flux:
            flux.write(f'{ENTETE_XML}<sst xmlns="{MAIN}" uniqueCount="{len(chaines)}">'.encode())
            textes = list(chaines)
            for debut in range(0, len(textes), PAQUET * 10):
                flux.write("".join(map(_si, textes[debut : debut + PAQUET * 10])).encode())
            flux.write(b"</sst>")
    fichier.write(tampon.getvalue())


def _si(texte):
    texte = echapper(texte)
    if texte[:1].isspace() or texte[-1:].isspace():
        return f'<si><t xml:space="preserve">{texte}</t></si>'
    return f"<si><t>{texte}</t></si>"


def _types(n):
    feuilles = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{TYPE}.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        f'{ENTETE_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>{feuilles}'
        f'<Override PartName="/xl/styles.xml" ContentType="{TYPE}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
        "</Types>"
    )
