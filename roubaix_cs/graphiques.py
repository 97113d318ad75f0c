"""Charts drawn on the server as SVG markup: a bar chart and a line chart, for the PDFs (WeasyPrint
draws inline SVG, no browser is needed) and for any page that wants one without JavaScript.

Each chart is an accessible image: `role="img"` named by its <title> and described by its <desc>,
which spells out every value, so that a screen reader (and a PDF's text) gets the data, not a
picture of it; each bar and point also carries its own <title>. Numbers are written the French way
(`formats.nombre`: 12 345,6), with non-breaking spaces. Any text comes from the caller (a centre's
name, typed by users) and is escaped. The charts hold up on odd data: no value, a single one, only
zeros, negative values (a deficit), a missing year (None), very long labels.

Colours and dashes tell the series apart for those who cannot tell the colours (Okabe-Ito palette);
the drawing uses presentation attributes only, no `style`, so that the pages' content policy holds.
"""

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .formats import NBSP, nombre

POLICE = "DejaVu Sans, sans-serif"
TAILLE_TEXTE = 11
# Okabe-Ito: told apart by most colour-blind readers, and dark enough on white.
COULEURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
TIRETS = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4"]
COULEUR_AXE = "#333333"
COULEUR_GRILLE = "#d9d9d9"
COULEUR_NEGATIF = "#a4161a"
LIBELLE_MAX = 30  # characters of a bar's label before it is cut (its full text stays in the <title>)
LARGEUR_CARACTERE = 0.6  # average advance of a character, in font sizes (DejaVu Sans)
GRADUATIONS = 5  # about how many ticks an axis gets


@dataclass(frozen=True)
class Serie:
    """One line of a line chart: its name and one value per category (None where it is missing)."""

    libelle: str
    valeurs: Sequence


def _decimal(valeur):
    """The value as a finite Decimal, or None (missing, or not a number)."""
    if valeur is None or isinstance(valeur, bool):
        return None
    try:
        resultat = valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return resultat if resultat.is_finite() else None


def graduations(mini, maxi, nombre_environ=GRADUATIONS):
    """Round ticks (1, 2 or 5 × a power of ten) from at most `mini` to at least `maxi`, as Decimals.
    An empty range (mini == maxi) is widened to hold zero, or to one unit when both are zero."""
    mini, maxi = Decimal(mini), Decimal(maxi)
    if mini > maxi:
        mini, maxi = maxi, mini
    if mini == maxi:
        mini, maxi = min(mini, Decimal(0)), max(maxi, Decimal(0))
        if mini == maxi:
            maxi = Decimal(1)
    brut = (maxi - mini) / nombre_environ
    puissance = Decimal(1).scaleb(brut.adjusted())
    pas = next(puissance * m for m in (1, 2, 5, 10) if puissance * m >= brut)
    debut = (mini / pas).to_integral_value(rounding="ROUND_FLOOR") * pas
    fin = (maxi / pas).to_integral_value(rounding="ROUND_CEILING") * pas
    ticks = []
    valeur = debut
    while valeur <= fin:
        ticks.append(valeur.normalize() if valeur else Decimal(0))
        valeur += pas
    return ticks


def _graduations_lisibles(mini, maxi, longueur, unite):
    """The ticks of a horizontal axis `longueur` long: as many as fit without their labels touching."""
    for nombre_environ in range(GRADUATIONS, 1, -1):
        ticks = graduations(mini, maxi, nombre_environ)
        plus_large = max(_largeur_texte(_texte_valeur(t, unite, None), TAILLE_TEXTE - 1) for t in ticks)
        if longueur / (len(ticks) - 1) >= plus_large + 6:
            break
    return ticks


def _texte_valeur(valeur, unite, format_valeur):
    if valeur is None:
        return "non renseigné"
    texte = format_valeur(valeur) if format_valeur else nombre(valeur)
    return f"{texte}{NBSP}{unite}" if unite else texte


def _largeur_texte(texte, taille=TAILLE_TEXTE):
    return len(texte) * taille * LARGEUR_CARACTERE


def _couper(texte, longueur=LIBELLE_MAX):
    texte = " ".join(str(texte).split())
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _n(x):
    """A coordinate, short and stable: 12.5, 40 (no float noise in the markup)."""
    return f"{round(x, 2):g}"


def _identifiant(prefixe, *parties):
    empreinte = hashlib.sha256(repr(parties).encode()).hexdigest()[:10]
    return f"{prefixe}-{empreinte}"


def _svg(largeur, hauteur, ident, titre, description, corps):
    return mark_safe(  # noqa: S308 - every text in `corps`, the title and the description are escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" viewBox="0 0 {_n(largeur)} {_n(hauteur)}" '
        f'width="{_n(largeur)}" height="{_n(hauteur)}" role="img" '
        f'aria-labelledby="{ident}-titre {ident}-desc" font-family="{POLICE}" font-size="{TAILLE_TEXTE}">'
        f'<title id="{ident}-titre">{escape(titre)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
        f"{''.join(corps)}</svg>"
    )


def _vide(largeur, ident, titre, description):
    hauteur = 60
    corps = [
        f'<rect x="0.5" y="0.5" width="{_n(largeur - 1)}" height="{hauteur - 1}" fill="none" '
        f'stroke="{COULEUR_GRILLE}"/>',
        f'<text x="{_n(largeur / 2)}" y="{hauteur / 2 + 4}" text-anchor="middle" fill="{COULEUR_AXE}">'
        "Aucune donnée à représenter</text>",
    ]
    return _svg(largeur, hauteur, ident, titre, f"{description} Aucune donnée.".strip(), corps)


def _description(description, parties):
    return " ".join(filter(None, [description.strip(), " ; ".join(parties) + "." if parties else ""]))


def barres(
    donnees: Sequence[tuple],
    *,
    titre: str,
    description: str = "",
    unite: str = "",
    format_valeur: Callable | None = None,
    largeur: int = 640,
    ident: str = "",
) -> SafeString:
    """A horizontal bar chart: one bar per (label, value), in the given order, its value written at its
    end; negative values go left of the zero line, in red; None draws no bar ("non renseigné").
    The chart grows in height with the number of bars, so that long lists stay readable."""
    lignes = [(str(libelle), _decimal(valeur)) for libelle, valeur in donnees]
    ident = ident or _identifiant("barres", titre, lignes)
    textes = [_texte_valeur(v, unite, format_valeur) for _, v in lignes]
    parties = [f"{libelle} : {texte}" for (libelle, _), texte in zip(lignes, textes, strict=True)]
    desc = _description(description, parties)
    valeurs = [v for _, v in lignes if v is not None]
    if not valeurs:
        return _vide(largeur, ident, titre, description)

    libelles = [_couper(libelle) for libelle, _ in lignes]
    marge_gauche = min(max(_largeur_texte(t) for t in libelles) + 10, largeur * 0.4)
    marge_droite = min(max(_largeur_texte(t) for t in textes) + 10, largeur * 0.25)
    x0, x1 = marge_gauche, largeur - marge_droite
    ticks = _graduations_lisibles(min(min(valeurs), 0), max(max(valeurs), 0), x1 - x0, unite)
    bas, haut = ticks[0], ticks[-1]
    epaisseur, ecart, haut_marge = 16, 8, 8
    y_axe = haut_marge + len(lignes) * (epaisseur + ecart)
    hauteur = y_axe + 24

    def x(valeur):
        return x0 + float((valeur - bas) / (haut - bas)) * (x1 - x0)

    corps = []
    for tick in ticks:
        couleur = COULEUR_AXE if tick == 0 else COULEUR_GRILLE
        corps.append(
            f'<line x1="{_n(x(tick))}" y1="{haut_marge - 4}" x2="{_n(x(tick))}" y2="{_n(y_axe)}" stroke="{couleur}"/>'
        )
        corps.append(
            f'<text x="{_n(x(tick))}" y="{_n(y_axe + 14)}" text-anchor="middle" fill="{COULEUR_AXE}" '
            f'font-size="{TAILLE_TEXTE - 1}">{escape(_texte_valeur(tick, unite, None))}</text>'
        )
    zero = x(Decimal(0))
    for rang, ((libelle, valeur), court, texte) in enumerate(zip(lignes, libelles, textes, strict=True)):
        y = haut_marge + rang * (epaisseur + ecart)
        milieu = y + epaisseur / 2 + 4
        corps.append(
            f'<text x="{_n(x0 - 6)}" y="{_n(milieu)}" text-anchor="end" fill="{COULEUR_AXE}">{escape(court)}</text>'
        )
        if valeur is not None:
            debut, fin = sorted((zero, x(valeur)))
            couleur = COULEUR_NEGATIF if valeur < 0 else COULEURS[0]
            corps.append(
                f'<rect x="{_n(debut)}" y="{_n(y)}" width="{_n(max(fin - debut, 0))}" height="{epaisseur}" '
                f'fill="{couleur}"><title>{escape(libelle)} : {escape(texte)}</title></rect>'
            )
        corps.append(
            f'<text x="{_n(max(zero, x(valeur)) + 4 if valeur is not None else zero + 4)}" y="{_n(milieu)}" '
            f'fill="{COULEUR_AXE}">{escape(texte)}</text>'
        )
    corps.append(f'<line x1="{_n(x0)}" y1="{_n(y_axe)}" x2="{_n(x1)}" y2="{_n(y_axe)}" stroke="{COULEUR_AXE}"/>')
    return _svg(largeur, hauteur, ident, titre, desc, corps)


def courbes(
    categories: Sequence,
    series: Sequence[Serie],
    *,
    titre: str,
    description: str = "",
    unite: str = "",
    format_valeur: Callable | None = None,
    largeur: int = 640,
    hauteur: int = 240,
    depuis_zero: bool = False,
    ident: str = "",
) -> SafeString:
    """A line chart: the categories (years, say) along the bottom, one line per series, with a legend
    below; a missing value (None) breaks the line. The vertical axis spans the values (from zero when
    `depuis_zero`, and always when the values straddle it)."""
    categories = [str(c) for c in categories]
    series = [Serie(str(s.libelle), [_decimal(v) for v in s.valeurs]) for s in series]
    ident = ident or _identifiant("courbes", titre, categories, series)
    parties = [
        f"{s.libelle} : "
        + ", ".join(
            f"{c} {_texte_valeur(v, unite, format_valeur)}"
            for c, v in zip(categories, s.valeurs, strict=False)  # a value beyond the categories has no place
        )
        for s in series
    ]
    desc = _description(description, parties)
    valeurs = [v for s in series for v in s.valeurs[: len(categories)] if v is not None]
    if not categories or not valeurs:
        return _vide(largeur, ident, titre, description)

    mini, maxi = min(valeurs), max(valeurs)
    if depuis_zero:
        mini, maxi = min(mini, 0), max(maxi, 0)
    ticks = graduations(mini, maxi)
    bas, haut = ticks[0], ticks[-1]
    etiquettes = [_texte_valeur(t, unite, None) for t in ticks]
    x0 = max(_largeur_texte(t, TAILLE_TEXTE - 1) for t in etiquettes) + 12
    x1 = largeur - 16
    y0, y1 = 10, hauteur - 26  # the plot, top and bottom
    colonnes = max(1, min(len(series), int((largeur - 20) // 200)))
    total = hauteur + math.ceil(len(series) / colonnes) * 18 + 6

    def x(rang):
        if len(categories) == 1:
            return (x0 + x1) / 2
        return x0 + 10 + rang * (x1 - x0 - 20) / (len(categories) - 1)

    def y(valeur):
        return y1 - float((valeur - bas) / (haut - bas)) * (y1 - y0)

    corps = []
    for tick, texte in zip(ticks, etiquettes, strict=True):
        couleur = COULEUR_AXE if tick == 0 else COULEUR_GRILLE
        corps.append(f'<line x1="{_n(x0)}" y1="{_n(y(tick))}" x2="{_n(x1)}" y2="{_n(y(tick))}" stroke="{couleur}"/>')
        corps.append(
            f'<text x="{_n(x0 - 6)}" y="{_n(y(tick) + 4)}" text-anchor="end" fill="{COULEUR_AXE}" '
            f'font-size="{TAILLE_TEXTE - 1}">{escape(texte)}</text>'
        )
    for rang, categorie in enumerate(categories):
        corps.append(
            f'<text x="{_n(x(rang))}" y="{_n(y1 + 16)}" text-anchor="middle" fill="{COULEUR_AXE}">'
            f"{escape(_couper(categorie, 12))}</text>"
        )
    corps.append(f'<line x1="{_n(x0)}" y1="{_n(y1)}" x2="{_n(x1)}" y2="{_n(y1)}" stroke="{COULEUR_AXE}"/>')
    for numero, serie in enumerate(series):
        couleur, tirets = COULEURS[numero % len(COULEURS)], TIRETS[numero % len(TIRETS)]
        points = list(zip(range(len(categories)), serie.valeurs, strict=False))  # as many as both have
        chemin, precedent = [], None
        for rang, valeur in points:
            if valeur is not None:
                chemin.append(f"{'L' if precedent is not None else 'M'}{_n(x(rang))} {_n(y(valeur))}")
            precedent = valeur
        if chemin:
            pointilles = f' stroke-dasharray="{tirets}"' if tirets else ""
            corps.append(f'<path d="{" ".join(chemin)}" fill="none" stroke="{couleur}" stroke-width="2"{pointilles}/>')
        for rang, valeur in points:
            if valeur is not None:
                texte = _texte_valeur(valeur, unite, format_valeur)
                corps.append(
                    f'<circle cx="{_n(x(rang))}" cy="{_n(y(valeur))}" r="3" fill="{couleur}">'
                    f"<title>{escape(serie.libelle)}, {escape(categories[rang])} : {escape(texte)}</title></circle>"
                )
        colonne, ligne = numero % colonnes, numero // colonnes
        lx = 10 + colonne * (largeur - 20) / colonnes
        ly = hauteur + 6 + ligne * 18
        pointilles = f' stroke-dasharray="{tirets}"' if tirets else ""
        corps.append(
            f'<line x1="{_n(lx)}" y1="{_n(ly)}" x2="{_n(lx + 22)}" y2="{_n(ly)}" stroke="{couleur}" '
            f'stroke-width="2"{pointilles}/>'
        )
        largeur_legende = (largeur - 20) / colonnes - 32
        texte = _couper(serie.libelle, max(8, int(largeur_legende / (TAILLE_TEXTE * LARGEUR_CARACTERE))))
        corps.append(f'<text x="{_n(lx + 28)}" y="{_n(ly + 4)}" fill="{COULEUR_AXE}">{escape(texte)}</text>')
    return _svg(largeur, total, ident, titre, desc, corps)
