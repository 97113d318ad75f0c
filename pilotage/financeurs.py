"""The cross-funder view of a centre: each year, what every funder gives it and where that figure comes from.

The city's part comes from its own records (the grants the council voted and what was paid, the in-kind
aid of the premises it lends and of the Espace Linné's rooms lent free or below their price); the other
funders' from the signed conventions' commitments when a convention covers the year and the funder,
otherwise from the centre's own accounts (its yearly indicators). Then each funder's share of the centre's
produits (SEN-2) and its dependency on the largest one (the Cellule de Veille's DEPENDANCE ratio, domain-rules §6).

Each figure is read from the app that owns it (subventions' querysets, conventions' `consolider` and
`valeur_locaux`, the centres' indicators, the rooms lent through `roubaix_cs.extensions.aides_en_nature`):
this module only puts them side by side.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from centres.models import Agrement, IndicateursAnnuels, Local
from comptes.models import Organisation
from comptes.permissions import LECTEURS_SUBVENTIONS, can_see_locaux, is_partenaire
from conventions.models import Avenant, AvenantMontant, Convention, EngagementAnnuel
from conventions.services import consolider, valeur_locaux
from roubaix_cs.extensions import aides_en_nature
from roubaix_cs.formats import montant, pourcentage
from roubaix_cs.seuils import DEPENDANCE_MAX_PCT, ECART_PARTS_MAX_PCT, ECART_PRODUITS_MAX
from roubaix_cs.sources_legales import LOI_2000_321_ART_9_1
from subventions.models import DemandeSubvention

ZERO = Decimal("0")
CENT = Decimal("100")
DIXIEME = Decimal("0.1")
CENTIME = Decimal("0.01")

# How many years the tab shows: the most recent ones with data, the next year at most (a convention
# may already commit it). A reading choice of the service, not a rule.
ANNEES_AFFICHEES = 6

N = Organisation.Nature
# The funders as the centres' accounts break their produits down (IndicateursAnnuels.PRODUITS_PAR_FINANCEUR):
# (code, label, the natures of the organisations that are this funder, the indicators' field).
CATEGORIES = [
    ("ville", "Ville", {N.VILLE}, "produits_ville"),
    ("caf", "CAF", {N.CAF}, "produits_caf"),
    ("departement", "Département", {N.DEPARTEMENT}, "produits_departement"),
    ("etat", "État", {N.PREFECTURE}, "produits_etat"),
    ("autres", "Autres financeurs", {N.FEDERATION, N.ASSOCIATION, N.AUTRE}, "produits_autres"),
]
CATEGORIE_DE_NATURE = {nature: code for code, _, natures, _ in CATEGORIES for nature in natures}


@dataclass(frozen=True)
class Source:
    """Where a figure comes from, in words, and the record the reader may open (or "")."""

    texte: str
    url: str = ""


@dataclass
class Contribution:
    """One funder's contribution to the centre in a year."""

    financeur: str
    numeraire: Decimal | None  # cash, counted in the shares of the produits; None: nothing known
    sources: list = field(default_factory=list)
    nature: Decimal = ZERO  # valued in-kind aid (not a produit: comptes 86/87)
    verse: Decimal | None = None  # the city's payments, for the readers who see them
    identifie: bool = True  # a funder, not what remains of the accounts' produits
    part: Decimal | None = None  # % of the produits, one decimal (SEN-2)

    @property
    def source(self):
        """The sources in one line (the export's column)."""
        return " ; ".join(s.texte for s in self.sources)


@dataclass
class AnneeFinanceurs:
    annee: int
    contributions: list
    indicateurs: object | None  # the centre's accounts of the year (IndicateursAnnuels), if any
    agrements: list = field(default_factory=list)
    conventions: list = field(default_factory=list)  # the signed conventions in force this year
    avertissements: list = field(default_factory=list)
    premier: Contribution | None = None  # the largest funder
    dependance: Decimal | None = None  # the largest funder's share of the produits, %; None: "—"

    @property
    def produits_total(self):
        return self.indicateurs.produits_total if self.indicateurs else None

    @property
    def source_produits(self):
        return _source_indicateurs(self.indicateurs).texte if self.indicateurs else "comptes annuels non saisis"

    @property
    def libelle_dependance(self):
        premier = f" ({self.premier.financeur})" if self.premier else ""
        return f"Dépendance au premier financeur{premier}"

    @property
    def source_dependance(self):
        if self.dependance_elevee:
            return (
                f"Dépendance élevée : plus de {DEPENDANCE_MAX_PCT} % des produits viennent d'un seul financeur, "
                "seuil de vigilance de la cellule de veille."
            )
        return "" if self.dependance is None else "premier financeur / total des produits"

    @property
    def dependance_elevee(self):
        """DEPENDANCE (domain-rules §6): amber strictly above DEPENDANCE_MAX_PCT % (exactly 50 % is not)."""
        if self.dependance is None:
            return False
        return dependance_elevee(self.premier.numeraire, self.produits_total)


def dependance_elevee(premier, produits_total):
    """DEPENDANCE (domain-rules §6): the largest funder gives strictly more than DEPENDANCE_MAX_PCT % of the
    produits (exactly 50 % is not), compared exactly, not on a rounded share. The tab and the Cellule de
    veille's signal (pilotage.signaux) both ask here."""
    return premier * CENT > DEPENDANCE_MAX_PCT * produits_total


def parts_en_pourcentage(montants, total):
    """SEN-2: each amount's share of `total`, in % with one decimal; None for all when `total` is not
    positive. When the amounts make the total (to ECART_PRODUITS_MAX, the accounts' rounding), the
    shares are rounded by the largest remainder, so that they add up to exactly 100,0 %; otherwise each
    is rounded on its own (and the caller warns that they do not make 100 %)."""
    montants = list(montants)
    if total is None or total <= 0:
        return [None] * len(montants)
    somme = sum(montants, ZERO)
    if abs(somme - total) > ECART_PRODUITS_MAX or somme <= 0:
        return [(m * CENT / total).quantize(DIXIEME, ROUND_HALF_UP) for m in montants]
    # In tenths of a percent of their sum: each gets its floor, the tenths left go to the largest remainders.
    dixiemes = [m * 1000 / somme for m in montants]
    planchers = [int(d.to_integral_value(ROUND_FLOOR)) for d in dixiemes]
    restes = sorted(range(len(montants)), key=lambda i: (planchers[i] - dixiemes[i], i))
    for i in restes[: 1000 - sum(planchers)]:
        planchers[i] += 1
    return [(Decimal(p) / 10).quantize(DIXIEME) for p in planchers]


def _ecart_des_parts(parts):
    """SEN-2: the shares' sum off 100 % by more than ECART_PARTS_MAX_PCT points, or None."""
    connues = [p for p in parts if p is not None]
    if not connues:
        return None
    somme = sum(connues, ZERO)
    return somme if abs(somme - CENT) > ECART_PARTS_MAX_PCT else None


# --- Reading the records, a fixed number of queries -----------------------------------------------


def _demandes_votees(centre):
    """The centre's grants voted by the council (never a request, a proposal or an analysis), with what
    was paid: the figures only, whoever reads them."""
    return list(
        DemandeSubvention.objects.filter(centre=centre)
        .votees()
        .avec_verse()
        .order_by("annee", "date_vote", "pk")
        .values("pk", "annee", "montant_vote", "deliberation_numero", "date_vote", "total_verse")
    )


def _conventions_signees(centre, user):
    """The centre's signed conventions this reader may open (a partner: those its organisation is party
    to), with what `consolider` reads."""
    return list(
        Convention.objects.visibles_par(user)
        .signees()
        .filter(centre=centre)
        .select_related("centre")
        .order_by("debut", "pk")
        .prefetch_related(
            Prefetch("engagements", queryset=EngagementAnnuel.objects.select_related("financeur")),
            Prefetch(
                "avenants",
                queryset=Avenant.objects.prefetch_related(
                    Prefetch("montants", queryset=AvenantMontant.objects.select_related("financeur"))
                ),
            ),
            "locaux",
        )
    )


@dataclass
class _Convention:
    """A signed convention, its signed avenants applied (CPO-5)."""

    convention: object
    lignes: list  # conventions.services.Ligne
    fin: datetime.date
    avenants: dict  # (year, funder pk) -> the signed avenants' numbers that changed it

    def couvre(self, annee):
        return self.convention.debut.year <= annee <= self.fin.year


def _consolidees(conventions):
    resultat = []
    for convention in conventions:
        etat = consolider(convention)
        avenants = {}
        for etape in etat.etapes:
            if etape.avenant.statut == Avenant.Statut.SIGNE:
                for annee, financeur, _, _ in etape.changements:
                    avenants.setdefault((annee, financeur.pk), []).append(etape.avenant.numero)
        resultat.append(_Convention(convention, etat.lignes, etat.fin, avenants))
    return resultat


def _annees(demandes, conventions, indicateurs, today):
    """The years with data, newest first, bounded: no further than next year, ANNEES_AFFICHEES at most."""
    annees = {today.year} | {d["annee"] for d in demandes} | set(indicateurs)
    annees |= {ligne.annee for c in conventions for ligne in c.lignes if c.couvre(ligne.annee)}
    return sorted((a for a in annees if a <= today.year + 1), reverse=True)[:ANNEES_AFFICHEES]


# --- One year -------------------------------------------------------------------------------------


class _Lecteur:
    """What this reader may open and see, decided once."""

    def __init__(self, user, centre):
        self.partenaire = is_partenaire(user)
        self.subventions = user.role in LECTEURS_SUBVENTIONS
        self.locaux = can_see_locaux(user)
        self.url_locaux = f"{centre.get_absolute_url()}?onglet=locaux"


def _source_convention(c, annee, financeur):
    texte = f"convention {c.convention} signée"
    numeros = c.avenants.get((annee, financeur.pk))
    if numeros:
        texte += ", " + ", ".join(f"avenant n° {n}" for n in numeros) + " appliqué" + ("s" if len(numeros) > 1 else "")
    return Source(texte, c.convention.get_absolute_url())


def _source_indicateurs(indicateurs):
    return Source(f"comptes annuels du centre (indicateurs {indicateurs.annee})", indicateurs.get_absolute_url())


def _selon_les_comptes(indicateurs, champ, montant_retenu):
    """[the accounts' figure for the funder as a source] when the centre's accounts of the year say
    something else than the figure shown (the difference goes to the rest of the produits)."""
    if indicateurs is None or abs(getattr(indicateurs, champ) - montant_retenu) <= ECART_PRODUITS_MAX:
        return []
    source = _source_indicateurs(indicateurs)
    return [Source(f"{source.texte} : {montant(getattr(indicateurs, champ))}", source.url)]


def _ville(annee, demandes, lignes_ville, locaux, prets, indicateurs, lecteur):
    """The city's contribution from its own records: the grants voted for the year (and paid), the
    premises it lends valued (LOC-2), the rooms of the Espace Linné lent to the centre's association free
    or below their price (`prets`, LOC-2) and the other in-kind aid its signed conventions state. When the
    centre's accounts say otherwise, the source says that too (the difference goes to the rest)."""
    votees = [d for d in demandes if d["annee"] == annee]
    vote = sum((d["montant_vote"] or ZERO for d in votees), ZERO)
    sources = [
        Source(
            f"délibération du conseil municipal n° {d['deliberation_numero'] or '—'}"
            + (f" du {d['date_vote']:%d/%m/%Y}" if d["date_vote"] else "")
            + f" : {montant(d['montant_vote'])}",
            reverse("subventions:detail", args=[d["pk"]]) if lecteur.subventions else "",
        )
        for d in votees
    ] or [Source("aucune subvention votée par le conseil municipal pour cette année")]
    sources += _selon_les_comptes(indicateurs, "produits_ville", vote)
    locaux_annee = valeur_locaux(locaux, annee)
    if locaux_annee:
        sources.append(
            Source(
                f"locaux mis à disposition par la Ville, valorisés en aide en nature ({LOI_2000_321_ART_9_1})",
                lecteur.url_locaux if lecteur.locaux else "",
            )
        )
    if prets:
        sources.append(
            Source(
                f"prêts de salles de l'Espace Linné, gratuits ou sous le tarif : {montant(prets)} "
                "valorisés en aide en nature (valeur au tarif moins le montant facturé)"
            )
        )
    autres_nature = ZERO
    for c, ligne in lignes_ville:
        if ligne.valeur_nature:
            autres_nature += ligne.valeur_nature
            source = _source_convention(c, annee, ligne.financeur)
            sources.append(Source(f"aide en nature prévue par la {source.texte}", source.url))
    return Contribution(
        financeur=settings.VILLE_NOM,
        numeraire=vote,
        verse=None if lecteur.partenaire else sum((d["total_verse"] for d in votees), ZERO),
        nature=locaux_annee + prets + autres_nature,
        sources=sources,
    )


def _autres_financeurs(code, libelle, champ, lignes, indicateurs):
    """A funder other than the city: the signed conventions' commitments for the year, one row per
    organisation, when there are any; otherwise the centre's accounts."""
    if lignes:
        par_financeur = {}
        for c, ligne in lignes:
            par_financeur.setdefault(ligne.financeur.pk, (ligne.financeur, []))[1].append((c, ligne))
        contributions = [
            Contribution(
                financeur=libelle if code != "autres" else str(financeur),
                numeraire=sum((ligne.montant for _, ligne in les_siennes), ZERO),
                nature=sum((ligne.valeur_nature for _, ligne in les_siennes), ZERO),
                sources=[_source_convention(c, ligne.annee, financeur) for c, ligne in les_siennes],
            )
            for financeur, les_siennes in par_financeur.values()
        ]
        if code != "autres":  # the accounts' other produits also hold the users' fees: not comparable
            engage = sum((c.numeraire for c in contributions), ZERO)
            contributions[0].sources += _selon_les_comptes(indicateurs, champ, engage)
        return contributions
    if indicateurs is not None:
        return [
            Contribution(
                financeur=libelle if code != "autres" else "Autres produits (usagers, autres financeurs…)",
                numeraire=getattr(indicateurs, champ),
                sources=[_source_indicateurs(indicateurs)],
                identifie=code != "autres",  # several funders and the users' fees: not one funder
            )
        ]
    return [Contribution(financeur=libelle, numeraire=None, sources=[Source("aucune donnée pour cette année")])]


def _annee(annee, *, demandes, conventions, indicateurs, locaux, prets, agrements, lecteur, today):
    couvrant = [c for c in conventions if c.couvre(annee)]
    lignes = {code: [] for code, *_ in CATEGORIES}
    for c in couvrant:
        for ligne in c.lignes:
            if ligne.annee == annee:
                lignes[CATEGORIE_DE_NATURE[ligne.financeur.nature]].append((c, ligne))
    contributions = [_ville(annee, demandes, lignes["ville"], locaux, prets, indicateurs, lecteur)]
    for code, libelle, _, champ in CATEGORIES[1:]:
        contributions += _autres_financeurs(code, libelle, champ, lignes[code], indicateurs)
    resultat = AnneeFinanceurs(
        annee=annee,
        contributions=contributions,
        indicateurs=indicateurs,
        agrements=[a for a in agrements if a.debut.year <= annee <= a.fin.year],
        conventions=[c.convention for c in couvrant],
    )
    _parts_et_dependance(resultat, today)
    return resultat


def _parts_et_dependance(annee, today):
    """SEN-2 shares of the produits and the DEPENDANCE ratio, when the year's accounts give the produits."""
    indicateurs = annee.indicateurs
    if indicateurs is None:
        pas_saisis = "ne sont pas encore clos" if annee.annee >= today.year else "ne sont pas saisis"
        annee.avertissements.append(
            f"Les comptes annuels du centre pour {annee.annee} {pas_saisis} : sans le total de ses produits, "
            "ni les parts des financeurs ni la dépendance au premier d'entre eux ne se calculent."
        )
        return
    total = indicateurs.produits_total
    connues = [c for c in annee.contributions if c.numeraire is not None]
    reste = total - sum((c.numeraire for c in connues), ZERO)
    if reste > ECART_PRODUITS_MAX:
        restant = Contribution(
            financeur="Autres ressources du centre (écart avec ses comptes)",
            numeraire=reste,
            sources=[
                Source(
                    f"comptes annuels du centre (indicateurs {annee.annee}) : total des produits moins les "
                    "contributions ci-dessus",
                    indicateurs.get_absolute_url(),
                )
            ],
            identifie=False,
        )
        annee.contributions.append(restant)
        connues.append(restant)
    elif reste < -ECART_PRODUITS_MAX:
        annee.avertissements.append(
            f"Les contributions ci-dessus dépassent de {montant(-reste)} le total des produits des comptes annuels "
            f"du centre ({montant(total)}) : montants votés ou conventionnés et comptes du centre ne concordent pas."
        )
    for contribution, part in zip(connues, parts_en_pourcentage([c.numeraire for c in connues], total), strict=True):
        contribution.part = part
    if (somme := _ecart_des_parts([c.part for c in connues])) is not None:
        annee.avertissements.append(
            f"Les parts des financeurs totalisent {pourcentage(somme)} et non 100 % : les sources ci-dessus ne "
            "décrivent pas exactement les produits du centre."
        )
    financeurs = [c for c in connues if c.identifie]
    if total > 0 and financeurs:
        annee.premier = max(financeurs, key=lambda c: c.numeraire)
        annee.dependance = (annee.premier.numeraire * CENT / total).quantize(DIXIEME, ROUND_HALF_UP)


def financeurs_du_centre(centre, user, today=None):
    """[AnneeFinanceurs], newest year first: every funder's contribution to `centre` each year, as `user`
    may read it (a partner: amounts voted and committed, never requests, proposals, payments, premises
    names or notes; conventions its organisation is party to). A fixed number of queries, whatever the
    years, grants, conventions or funders."""
    today = today or timezone.localdate()
    lecteur = _Lecteur(user, centre)
    demandes = _demandes_votees(centre)
    conventions = _consolidees(_conventions_signees(centre, user))
    indicateurs = {i.annee: i for i in IndicateursAnnuels.objects.filter(centre=centre)}
    locaux = list(Local.objects.filter(centre=centre))
    agrements = list(Agrement.objects.filter(centre=centre, statut=Agrement.Statut.ACCORDE).order_by("debut", "pk"))
    annees = _annees(demandes, conventions, indicateurs, today)
    # LOC-2: the rooms lent to the centre's association free or below their price, one query.
    prets = (
        aides_en_nature([centre.organisation_id], annees).get(centre.organisation_id, {})
        if centre.organisation_id
        else {}
    )
    return [
        _annee(
            annee,
            demandes=demandes,
            conventions=conventions,
            indicateurs=indicateurs.get(annee),
            locaux=locaux,
            prets=prets.get(annee, ZERO),
            agrements=agrements,
            lecteur=lecteur,
            today=today,
        )
        for annee in annees
    ]


# --- The table as rows: the export -----------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    """One row of the tab's table, as the export writes it."""

    annee: int
    financeur: str
    numeraire: Decimal | None
    verse: Decimal | None
    nature: Decimal | None
    part: Decimal | None
    source: str


def lignes(annees):
    """The rows of the tab's tables, year after year: each contribution, then the year's produits and
    its dependency on the largest funder; amounts to the cent, shares to the tenth, as the page shows them."""
    for annee in annees:
        for c in annee.contributions:
            yield Ligne(
                annee.annee,
                c.financeur,
                _centimes(c.numeraire),
                _centimes(c.verse),
                _centimes(c.nature),
                c.part,
                c.source,
            )
        yield Ligne(
            annee.annee,
            "Total des produits du centre",
            _centimes(annee.produits_total),
            None,
            None,
            None,
            annee.source_produits,
        )
        yield Ligne(annee.annee, annee.libelle_dependance, None, None, None, annee.dependance, annee.source_dependance)


def _centimes(valeur):
    return None if valeur is None else valeur.quantize(CENTIME)


def colonnes_export(user):
    """The export's columns; a partner's without the payments (it reads amounts voted only)."""
    colonnes = [
        ("Année", lambda ligne: ligne.annee),
        ("Financeur", lambda ligne: ligne.financeur),
        ("Numéraire (€)", lambda ligne: ligne.numeraire),
        ("Versé par la Ville (€)", lambda ligne: ligne.verse),
        ("En nature (€)", lambda ligne: ligne.nature),
        ("Part des produits (%)", lambda ligne: ligne.part),
        ("Source", lambda ligne: ligne.source),
    ]
    if is_partenaire(user):
        colonnes = [c for c in colonnes if c[0] != "Versé par la Ville (€)"]
    return colonnes
