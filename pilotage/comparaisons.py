"""« Comparer les centres »: one indicator across the centres for a year, across the years, and a
centre's evolution, figure by figure, with its year-on-year changes (SEN-4).

The figures are the centres' own (centres.IndicateursAnnuels) and the grants the council voted
(subventions: `DemandeSubvention.objects.vote_par_centre_et_annee`); the ratios are computed here
from them, once, and the tables, the charts' data and the exports all read the same values.
Everything a reader may see is read in two queries, whatever the number of centres and years.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404

from centres.models import Centre, IndicateursAnnuels, variation_excessive
from roubaix_cs import formats
from roubaix_cs.seuils import VAR_MAX
from subventions.models import DemandeSubvention

ZERO = Decimal("0")
CENTIEME = Decimal("0.01")
DIXIEME = Decimal("0.1")

MONTANT, NOMBRE, POURCENTAGE = "montant", "nombre", "pourcentage"


def texte(valeur, unite):
    """A value as the tables show it: « 12 345,67 € », « 14,5 », « 62,5 % »; "—" when there is none
    (a ratio whose denominator is zero, a year without figures)."""
    if valeur is None:
        return "—"
    if unite == MONTANT:
        return formats.montant(valeur)
    if unite == POURCENTAGE:
        return f"{formats.nombre(valeur)}{formats.NBSP}%"
    return formats.nombre(valeur)


def _quotient(numerateur, denominateur, *, facteur=1, precision=CENTIEME):
    """numerateur × facteur / denominateur, rounded; None (shown "—") when the denominator is zero."""
    if not denominateur:
        return None
    return (Decimal(numerateur) * facteur / Decimal(denominateur)).quantize(precision)


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    unite: str  # MONTANT, NOMBRE or POURCENTAGE
    calcul: Callable  # calcul(figures: IndicateursAnnuels, vote: the grants voted for the centre and year) -> value
    groupe: str
    suivi_sen_4: bool = False  # a change of more than VAR_MAX % from one year to the next is flagged (SEN-4)

    def valeur(self, figures, vote):
        valeur = self.calcul(figures, vote)
        return None if valeur is None else Decimal(valeur)


_SANS_EUROS = {*IndicateursAnnuels.ENTIERS, "etp"}  # whole numbers and ETP: no sums of money


def _chiffre(nom):
    champ = IndicateursAnnuels._meta.get_field(nom)
    libelle = str(champ.verbose_name).removesuffix(" (€)")
    return Indicateur(
        code=nom,
        libelle=libelle[:1].upper() + libelle[1:],
        unite=NOMBRE if nom in _SANS_EUROS else MONTANT,
        calcul=lambda figures, vote: getattr(figures, nom),
        groupe="Chiffres de l'année",
        suivi_sen_4=nom in IndicateursAnnuels.SUIVIS_D_UNE_ANNEE_A_L_AUTRE,
    )


FINANCEURS = {
    "produits_ville": "de la Ville",
    "produits_caf": "de la CAF",
    "produits_departement": "du Département",
    "produits_etat": "de l'État",
    "produits_autres": "des autres financeurs",
}
RATIOS = "Ratios"


def _part(nom):
    return lambda figures, vote: _quotient(
        getattr(figures, nom), figures.produits_total, facteur=100, precision=DIXIEME
    )


INDICATEURS = {
    indicateur.code: indicateur
    for indicateur in [
        *(_chiffre(nom) for nom in IndicateursAnnuels.CHIFFRES),
        Indicateur("resultat", "Résultat (produits − charges)", MONTANT, lambda f, v: f.resultat, RATIOS),
        Indicateur(
            "produits_par_usager",
            "Produits par usager",
            MONTANT,
            lambda f, v: _quotient(f.produits_total, f.usagers),
            RATIOS,
        ),
        # The grants voted are public (the council's decisions, published as open data): a partner
        # reads this ratio for its centres; proposals and drafts never enter it.
        Indicateur(
            "subvention_par_famille",
            "Subventions votées par la Ville par famille adhérente",
            MONTANT,
            lambda f, v: _quotient(v, f.familles_adherentes),
            RATIOS,
        ),
        Indicateur(
            "etp_pour_100_usagers",
            "ETP pour 100 usagers",
            NOMBRE,
            lambda f, v: _quotient(f.etp, f.usagers, facteur=100),
            RATIOS,
        ),
        Indicateur(
            "part_masse_salariale",
            "Masse salariale rapportée aux charges",
            POURCENTAGE,
            lambda f, v: _quotient(f.masse_salariale, f.charges_total, facteur=100, precision=DIXIEME),
            RATIOS,
        ),
        *(
            Indicateur(f"part_{nom}", f"Part {de} dans les produits", POURCENTAGE, _part(nom), RATIOS)
            for nom, de in FINANCEURS.items()
        ),
    ]
}
DEFAUT = "usagers"

# A centre's evolution: its key figures, in this order.
CLES = [
    "usagers",
    "familles_adherentes",
    "benevoles",
    "salaries",
    "etp",
    "charges_total",
    "masse_salariale",
    "produits_total",
    "produits_ville",
    "resultat",
    "tresorerie",
    "fonds_propres",
    "produits_par_usager",
    "subvention_par_famille",
    "etp_pour_100_usagers",
    "part_masse_salariale",
]


def choix():
    """The indicators as grouped choices of a select: the year's figures, then the ratios."""
    groupes = {}
    for indicateur in INDICATEURS.values():
        groupes.setdefault(indicateur.groupe, []).append((indicateur.code, indicateur.libelle))
    return list(groupes.items())


# --- What a reader may see --------------------------------------------------------------------------


@dataclass
class Donnees:
    """Every figure `user` may see: the indicators of its centres (internal notes never read) and the
    grants voted to them, by centre and year."""

    figures: dict  # {(centre id, year): IndicateursAnnuels}
    votes: dict  # {(centre id, year): Decimal}
    centres: list  # the centres with figures, by name
    annees: list  # the years with figures, oldest first

    def valeur(self, indicateur, centre_id, annee):
        figures = self.figures[(centre_id, annee)]
        return indicateur.valeur(figures, self.votes.get((centre_id, annee), ZERO))


def charger(user):
    """The figures `user` reads (a partner: those of the centres in its scope), in two queries. Only the
    figures and the centres' names are read: internal notes never leave the database."""
    centres = Centre.objects.visibles_par(user)
    liste = list(
        IndicateursAnnuels.objects.visibles_par(user)
        .select_related("centre")
        .only(*IndicateursAnnuels.CHIFFRES, "annee", "centre__nom")
        .order_by("centre__nom", "centre_id", "annee")
    )
    votes = DemandeSubvention.objects.filter(centre__in=centres).vote_par_centre_et_annee()
    par_centre = {}
    for figures in liste:
        par_centre.setdefault(figures.centre_id, figures.centre)
    return Donnees(
        figures={(f.centre_id, f.annee): f for f in liste},
        votes=votes,
        centres=list(par_centre.values()),
        annees=sorted({f.annee for f in liste}),
    )


# --- The three tables -----------------------------------------------------------------------------


@dataclass
class Cellule:
    annee: int
    valeur: Decimal | None
    texte: str
    # The change from the year before (in %), when the centre has figures for it and a non-zero base.
    variation: Decimal | None = None
    variation_texte: str = ""
    excessive: bool = False  # SEN-4: more than VAR_MAX % on a figure the rule follows


@dataclass
class Ligne:
    """A row of a table: what it is about (a centre, or a figure of a centre's evolution), its cells."""

    libelle: str
    cellules: list = field(default_factory=list)
    centre: Centre | None = None
    indicateur: Indicateur | None = None


@dataclass
class Comparaison:
    indicateur: Indicateur
    annee: int | None
    centre: Centre | None
    annees: list
    par_centre: list  # (a): one Ligne per centre with figures for `annee`, one cell
    par_annee: list  # (b): one Ligne per centre (or the chosen one), one cell per year ("—" when none)
    evolution: list  # (c): one Ligne per key figure of the chosen centre, one cell per year it has figures
    annees_du_centre: list  # the years of (c)

    @property
    def var_max(self):
        return VAR_MAX

    def graphiques(self):
        """The charts' data (json_script): the same values as the tables, and the texts they show."""

        def serie(ligne):
            return {
                "nom": ligne.libelle,
                "valeurs": [None if c.valeur is None else str(c.valeur) for c in ligne.cellules],
                "textes": [c.texte for c in ligne.cellules],
            }

        barres = [serie(ligne) for ligne in self.par_centre]
        return {
            "indicateur": self.indicateur.libelle,
            "unite": self.indicateur.unite,
            "annee": self.annee,
            "barres": {
                "libelles": [b["nom"] for b in barres],
                "valeurs": [b["valeurs"][0] for b in barres],
                "textes": [b["textes"][0] for b in barres],
            },
            "courbes": {"annees": self.annees, "series": [serie(ligne) for ligne in self.par_annee]},
        }


def _variation(avant, apres):
    if avant is None or apres is None or not avant:
        return None
    return ((apres - avant) * 100 / abs(avant)).quantize(DIXIEME)


def _evolution(donnees, centre):
    annees = [a for a in donnees.annees if (centre.pk, a) in donnees.figures]
    lignes = []
    for code in CLES:
        indicateur = INDICATEURS[code]
        ligne = Ligne(indicateur.libelle, indicateur=indicateur)
        precedentes = {}
        for annee in annees:
            valeur = donnees.valeur(indicateur, centre.pk, annee)
            cellule = Cellule(annee, valeur, texte(valeur, indicateur.unite))
            if annee - 1 in precedentes:  # year on year: against the year just before, as SEN-4 says
                avant = precedentes[annee - 1]
                cellule.variation = _variation(avant, valeur)
                if cellule.variation is not None:
                    cellule.variation_texte = (
                        f"{'+' if cellule.variation > 0 else ''}{texte(cellule.variation, POURCENTAGE)}"
                    )
                    cellule.excessive = indicateur.suivi_sen_4 and variation_excessive(avant, valeur)
            precedentes[annee] = valeur
            ligne.cellules.append(cellule)
        lignes.append(ligne)
    return annees, lignes


def comparer(donnees, *, indicateur, annee, centre=None):
    """The three tables of `indicateur` for `annee` (and for `centre`, when one is chosen)."""
    par_centre, par_annee = [], []
    for c in donnees.centres:
        if (c.pk, annee) in donnees.figures:
            valeur = donnees.valeur(indicateur, c.pk, annee)
            par_centre.append(Ligne(c.nom, [Cellule(annee, valeur, texte(valeur, indicateur.unite))], centre=c))
        if centre is None or c.pk == centre.pk:
            ligne = Ligne(c.nom, centre=c)
            for a in donnees.annees:
                valeur = donnees.valeur(indicateur, c.pk, a) if (c.pk, a) in donnees.figures else None
                ligne.cellules.append(Cellule(a, valeur, texte(valeur, indicateur.unite)))
            par_annee.append(ligne)
    annees_du_centre, evolution = _evolution(donnees, centre) if centre is not None else ([], [])
    return Comparaison(
        indicateur=indicateur,
        annee=annee,
        centre=centre,
        annees=donnees.annees,
        par_centre=par_centre,
        par_annee=par_annee,
        evolution=evolution,
        annees_du_centre=annees_du_centre,
    )


# --- The exports ----------------------------------------------------------------------------------

SUFFIXES = {MONTANT: " (€)", POURCENTAGE: " (%)", NOMBRE: ""}
UNITES = {MONTANT: "€", POURCENTAGE: "%", NOMBRE: "nombre"}
TABLEAUX = ("centres", "annees", "evolution")


def _exportee(valeur, unite, fmt):
    """A value in a cell: Decimal, except in an XLSX file for what is no amount (its writer shows every
    Decimal with two decimal places as euros: an ETP of 14,25 is no sum of money)."""
    if valeur is None or unite == MONTANT or fmt != "xlsx":
        return valeur
    return float(valeur)


def export(comparaison, tableau, fmt):
    """(columns, rows) of one of the page's tables for `roubaix_cs.exports.exporter`: the same rows and
    columns as the page, the values as numbers, a unit column for the evolution whose rows mix them."""
    indicateur = comparaison.indicateur
    unite = indicateur.unite
    if tableau == "centres":
        titre = f"{indicateur.libelle} {comparaison.annee}{SUFFIXES[unite]}"
        colonnes = [
            ("Centre", lambda ligne: ligne.libelle),
            (titre, lambda ligne: _exportee(ligne.cellules[0].valeur, unite, fmt)),
        ]
        return colonnes, comparaison.par_centre
    if tableau == "annees":
        colonnes = [("Centre", lambda ligne: ligne.libelle)]
        for i, annee in enumerate(comparaison.annees):
            colonnes.append(
                (f"{annee}{SUFFIXES[unite]}", lambda ligne, i=i: _exportee(ligne.cellules[i].valeur, unite, fmt))
            )
        return colonnes, comparaison.par_annee
    if tableau == "evolution":
        colonnes = [
            ("Indicateur", lambda ligne: ligne.libelle),
            ("Unité", lambda ligne: UNITES[ligne.indicateur.unite]),
        ]
        for i, annee in enumerate(comparaison.annees_du_centre):
            colonnes.append(
                (str(annee), lambda ligne, i=i: _exportee(ligne.cellules[i].valeur, ligne.indicateur.unite, fmt))
            )
            if i:
                colonnes.append(
                    (
                        f"Évolution {annee} (%)",
                        lambda ligne, i=i: _exportee(ligne.cellules[i].variation, POURCENTAGE, fmt),
                    )
                )
        return colonnes, comparaison.evolution
    raise Http404("Tableau inconnu.")
