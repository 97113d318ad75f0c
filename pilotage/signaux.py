"""The Cellule de veille's signals of a centre (domain-rules §6), computed from its yearly indicators and its
governance and compliance records, for one centre or all of them in a fixed number of queries.

Each signal says its value, its colour, its thresholds in words (the named constants of roubaix_cs.seuils),
the year it comes from and where its rule comes from. CV-1: the level they add up to is only a proposal
(`Evaluation.niveau_propose`); the official level is the cellule's dated decision (pilotage.veille), and
nothing here writes anything.

Each figure is read from the app that owns it: the AG's lateness from centres (`exercices_sans_ag`), the
overdue financial reports from subventions (`crf_en_retard`), the AGC agrément's end from centres
(`avec_fin_agrement`), the dependency on the largest funder's threshold from pilotage.financeurs.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from centres.models import (
    AssembleeGenerale,
    AvisCommissaire,
    Centre,
    Direction,
    IndicateursAnnuels,
    date_limite_ag,
    dernier_exercice_ag_echu,
    exercices_sans_ag,
)
from roubaix_cs.formats import montant, nombre, pourcentage
from roubaix_cs.seuils import (
    DEPENDANCE_MAX_PCT,
    VEILLE_AGREMENT_FIN_PROCHE_MOIS,
    VEILLE_ANNEES_LUES,
    VEILLE_DEFICIT_ROUGE_PCT,
    VEILLE_DELAI_FINANCEMENT_MAX_JOURS,
    VEILLE_DIRECTION_VACANTE_MOIS,
    VEILLE_FONDS_PROPRES_ROUGE_MOIS,
    VEILLE_FONDS_PROPRES_VERT_MOIS,
    VEILLE_FONDS_ROULEMENT_ROUGE_JOURS,
    VEILLE_FONDS_ROULEMENT_VERT_JOURS,
    VEILLE_MASSE_SALARIALE_MAX_PCT,
    VEILLE_ROTATION_DIRECTION_ANNEES,
    VEILLE_ROTATION_DIRECTION_NOMBRE,
    VEILLE_ROUGES_CRITIQUE,
    VEILLE_TRESORERIE_ROUGE_JOURS,
    VEILLE_TRESORERIE_VERT_JOURS,
)
from roubaix_cs.sources_legales import CCOM_L612_3, CCOM_L823_9, CIRCULAIRE_CNAF_2012, LOI_2000_321_ART_10
from subventions.models import DemandeSubvention

from .financeurs import CATEGORIES, dependance_elevee
from .models import Niveau

ROUGE, ORANGE, VERT, GRIS = "rouge", "orange", "vert", "gris"
COULEURS = (ROUGE, ORANGE, VERT, GRIS)
NIVEAU_DE_COULEUR = {ORANGE: Niveau.VIGILANCE, ROUGE: Niveau.ALERTE}

CENT = Decimal("100")
UN = Decimal("1")
DIXIEME = Decimal("0.1")

# Where the rules come from, in the words users read.
SOURCE_FINANCES = (
    "grille d'indicateurs de la cellule de veille, pratique des financeurs (diagnostic par le fonds de "
    "roulement, le besoin en fonds de roulement et la trésorerie)"
)
SOURCE_GOUVERNANCE = "signaux de gouvernance de la cellule de veille, pratique des financeurs"
SOURCE_NIVEAU_CRITIQUE = "pratique du service"

# The financial signals' codes, in the order of the table of domain-rules §6, then the governance ones.
FINANCIERS = ["TRESO_J", "FP_MOIS", "FR_J", "RESULTAT", "DEPENDANCE", "MASSE_SAL", "DETTES_SOC", "DELAI_FIN"]
GOUVERNANCE = [
    "DIRECTION_VACANTE",
    "ROTATION_DIRECTION",
    "CA_MINIMUM",
    "PRESIDENCE_VACANTE",
    "AG_NON_TENUE",
    "COMPTES_NON_APPROUVES",
    "AVIS_COMMISSAIRE",
    "PROCEDURE_ALERTE",
    "CRF_EN_RETARD",
    "AGREMENT",
    "SENACS",
    "CONFLITS_SOCIAUX",
]
AVIS_DEFAVORABLES = {AvisCommissaire.AVEC_RESERVES, AvisCommissaire.REFUS, AvisCommissaire.IMPOSSIBILITE}


@dataclass(frozen=True)
class Signal:
    """One signal of a centre: its value, its colour against its thresholds, the year it comes from."""

    code: str  # internal, never shown: "TRESO_J", "DIRECTION_VACANTE"…
    libelle: str
    valeur: Decimal | int | None
    valeur_affichee: str  # the value in words, or why there is none ("gris")
    couleur: str  # ROUGE, ORANGE, VERT or GRIS (data missing, or not applicable)
    seuils: str
    annee: int | None
    source: str
    detail: str = ""  # what the value rests on, when it helps (the two deficits' years, say)

    @property
    def niveau(self):
        """The level this signal alone proposes: orange a vigilance, red an alert; otherwise none."""
        return NIVEAU_DE_COULEUR.get(self.couleur)


@dataclass
class Evaluation:
    """A centre's signals on a day and the level they propose (CV-1: a proposal, never the official level)."""

    centre_id: int
    jour: datetime.date
    annee: int | None  # N, the year of the latest indicators read; None when there are none
    signaux: list = field(default_factory=list)

    @property
    def rouges(self):
        return [s for s in self.signaux if s.couleur == ROUGE]

    @property
    def oranges(self):
        return [s for s in self.signaux if s.couleur == ORANGE]

    @property
    def gris(self):
        return [s for s in self.signaux if s.couleur == GRIS]

    @property
    def niveau_propose(self):
        """CV-1: the highest of the signals' levels, and « critique » from VEILLE_ROUGES_CRITIQUE red signals
        on; None when every signal is green or grey."""
        rouges = len(self.rouges)
        if rouges >= VEILLE_ROUGES_CRITIQUE:
            return Niveau.CRITIQUE
        if rouges:
            return Niveau.ALERTE
        if self.oranges:
            return Niveau.VIGILANCE
        return None

    @property
    def motif_niveau(self):
        """Why this level is proposed, in words."""
        rouges, oranges = len(self.rouges), len(self.oranges)
        if rouges >= VEILLE_ROUGES_CRITIQUE:
            return f"{rouges} signaux rouges : {VEILLE_ROUGES_CRITIQUE} ou plus ({SOURCE_NIVEAU_CRITIQUE})."
        if rouges:
            return f"{rouges} signal rouge." if rouges == 1 else f"{rouges} signaux rouges."
        if oranges:
            return f"{oranges} signal orange." if oranges == 1 else f"{oranges} signaux orange."
        return "Aucun signal rouge ni orange."

    def signal(self, code):
        return next((s for s in self.signaux if s.code == code), None)


# --- Reading the records: a fixed number of queries, whatever the number of centres ------------------


@dataclass
class _Donnees:
    """What the signals read, for every centre at once."""

    indicateurs: dict  # centre id -> {year: IndicateursAnnuels}
    directions: dict  # centre id -> [Direction], oldest first
    sans_ag: dict  # centre id -> the year whose AG is late (centres.exercices_sans_ag)
    assemblees: dict  # centre id -> [AssembleeGenerale], the ordinary AGs held, latest year first
    fin_agrement: dict  # centre id -> the end of the latest granted AGC agrément, or None
    crf_en_retard: dict  # centre id -> [the years whose financial report is overdue]


def _lire(ids, jour):
    indicateurs, directions, assemblees, crf = {}, {}, {}, {}
    for i in IndicateursAnnuels.objects.filter(
        # One year more than those read: the year before the oldest N, for its result (RESULTAT).
        centre_id__in=ids,
        annee__gte=jour.year - VEILLE_ANNEES_LUES - 1,
        annee__lte=jour.year,
    ).defer("notes_internes"):
        indicateurs.setdefault(i.centre_id, {})[i.annee] = i
    for d in Direction.objects.filter(centre_id__in=ids).order_by("debut", "pk"):
        directions.setdefault(d.centre_id, []).append(d)
    for ag in AssembleeGenerale.objects.filter(
        centre_id__in=ids,
        nature=AssembleeGenerale.Nature.ORDINAIRE,
        date__lte=jour,
        exercice__gte=dernier_exercice_ag_echu(jour) - VEILLE_ANNEES_LUES,
    ).order_by("-exercice", "-date"):
        assemblees.setdefault(ag.centre_id, []).append(ag)
    for centre_id, annee in (
        DemandeSubvention.objects.filter(centre_id__in=ids)
        .crf_en_retard(jour)
        .order_by("annee")
        .values_list("centre_id", "annee")
    ):
        crf.setdefault(centre_id, []).append(annee)
    centres = Centre.objects.filter(pk__in=ids)
    return _Donnees(
        indicateurs=indicateurs,
        directions=directions,
        sans_ag=exercices_sans_ag(centres, jour),
        assemblees=assemblees,
        fin_agrement=dict(centres.avec_fin_agrement().order_by().values_list("pk", "fin_agrement")),
        crf_en_retard=crf,
    )


def evaluer_centres(centres, jour=None, *, conflits=None):
    """{centre id: Evaluation} of `centres` (Centre instances, a list or a queryset) on `jour`, in a fixed
    number of queries whatever their number. `conflits` ({centre id: the staff conflicts written on its
    Cellule de veille file}) adds the « conflits sociaux » signal to every centre; without it, that signal
    is left out (it is read from the files, not from the centre)."""
    jour = jour or timezone.localdate()
    centres = list(centres)
    donnees = _lire([c.pk for c in centres], jour)
    return {c.pk: _evaluer(c, jour, donnees, conflits) for c in centres}


def evaluer(centre, jour=None, *, conflits=None):
    """The Evaluation of one centre (`conflits`: the staff conflicts written on its file, or None)."""
    return evaluer_centres([centre], jour, conflits=None if conflits is None else {centre.pk: conflits})[centre.pk]


def _evaluer(centre, jour, donnees, conflits):
    par_annee = donnees.indicateurs.get(centre.pk, {})
    annee = max((a for a in par_annee if a >= jour.year - VEILLE_ANNEES_LUES), default=None)
    n = par_annee.get(annee)
    precedent = par_annee.get(annee - 1) if annee else None
    signaux = signaux_financiers(n, precedent, jour) + [
        _direction_vacante(donnees.directions.get(centre.pk, []), jour),
        _rotation_direction(donnees.directions.get(centre.pk, []), jour),
        _ca_minimum(centre, n, jour),
        _presidence_vacante(centre, jour),
        _ag_non_tenue(centre, donnees, jour),
        _comptes_non_approuves(centre, donnees.assemblees.get(centre.pk, [])),
        _avis_commissaire(n, jour),
        _procedure_alerte(n, jour),
        _crf_en_retard(donnees.crf_en_retard.get(centre.pk, [])),
        _agrement(donnees.fin_agrement.get(centre.pk), jour),
        _senacs(par_annee, jour),
    ]
    if conflits is not None:
        signaux.append(_conflits_sociaux(conflits.get(centre.pk, "")))
    return Evaluation(centre_id=centre.pk, jour=jour, annee=annee, signaux=signaux)


# --- The financial signals --------------------------------------------------------------------------


def _jours(valeur):
    return f"{nombre(valeur)} jour" + ("s" if abs(valeur) >= 2 else "")


def _mois(valeur):
    return f"{nombre(valeur)} mois"


def _trois_zones(valeur, rouge_sous, vert_des):
    """Red strictly below `rouge_sous`, green from `vert_des` on, amber between."""
    if valeur < rouge_sous:
        return ROUGE
    return VERT if valeur >= vert_des else ORANGE


def signaux_financiers(n, precedent, jour):
    """The financial signals of the year `n` (IndicateursAnnuels, or None), `precedent` the year before (or
    None), read on `jour`: no query, so that unsaved figures can be read too."""
    if n is None:
        texte = f"Aucun indicateur annuel saisi depuis {jour.year - VEILLE_ANNEES_LUES}."
        return [
            Signal(code, libelle, None, texte, GRIS, seuils, None, SOURCE_FINANCES)
            for code, libelle, seuils in _LIBELLES_FINANCIERS
        ]
    return [
        _tresorerie(n),
        _fonds_propres(n),
        _fonds_roulement(n),
        _resultat(n, precedent),
        _dependance(n),
        _masse_salariale(n),
        _dettes_sociales(n),
        _delai_financement(n),
    ]


SEUILS_TRESO = (
    f"rouge < {VEILLE_TRESORERIE_ROUGE_JOURS} j, orange {VEILLE_TRESORERIE_ROUGE_JOURS} à "
    f"{VEILLE_TRESORERIE_VERT_JOURS} j, vert ≥ {VEILLE_TRESORERIE_VERT_JOURS} j"
)
SEUILS_FP = (
    f"rouge < {VEILLE_FONDS_PROPRES_ROUGE_MOIS} mois, orange {VEILLE_FONDS_PROPRES_ROUGE_MOIS} à "
    f"{VEILLE_FONDS_PROPRES_VERT_MOIS} mois, vert ≥ {VEILLE_FONDS_PROPRES_VERT_MOIS} mois"
)
SEUILS_FR = (
    f"rouge < {VEILLE_FONDS_ROULEMENT_ROUGE_JOURS} j, orange {VEILLE_FONDS_ROULEMENT_ROUGE_JOURS} à "
    f"{VEILLE_FONDS_ROULEMENT_VERT_JOURS} j, vert ≥ {VEILLE_FONDS_ROULEMENT_VERT_JOURS} j"
)
SEUILS_RESULTAT = (
    f"rouge : deux déficits de suite ou un déficit de plus de {VEILLE_DEFICIT_ROUGE_PCT} % des produits ; "
    "orange : un déficit ; vert : équilibre ou excédent"
)
SEUILS_DEPENDANCE = f"orange > {DEPENDANCE_MAX_PCT} % des produits, vert ≤ {DEPENDANCE_MAX_PCT} %"
SEUILS_MASSE = f"orange > {VEILLE_MASSE_SALARIALE_MAX_PCT} % des charges, vert ≤ {VEILLE_MASSE_SALARIALE_MAX_PCT} %"
SEUILS_DETTES = "rouge dès le premier euro échu et impayé, vert à zéro"
SEUILS_DELAI = (
    f"orange > {VEILLE_DELAI_FINANCEMENT_MAX_JOURS} j de produits, vert ≤ {VEILLE_DELAI_FINANCEMENT_MAX_JOURS} j"
)
_LIBELLES_FINANCIERS = [
    ("TRESO_J", "Trésorerie nette en jours de charges", SEUILS_TRESO),
    ("FP_MOIS", "Fonds propres en mois de charges", SEUILS_FP),
    ("FR_J", "Fonds de roulement en jours de charges", SEUILS_FR),
    ("RESULTAT", "Résultat net", SEUILS_RESULTAT),
    ("DEPENDANCE", "Dépendance au premier financeur", SEUILS_DEPENDANCE),
    ("MASSE_SAL", "Masse salariale / charges", SEUILS_MASSE),
    ("DETTES_SOC", "Dettes sociales et fiscales échues", SEUILS_DETTES),
    ("DELAI_FIN", "Subventions à recevoir en jours de produits", SEUILS_DELAI),
]
_LIBELLE = {code: (libelle, seuils) for code, libelle, seuils in _LIBELLES_FINANCIERS}


def _financier(code, n, valeur, valeur_affichee, couleur, detail=""):
    libelle, seuils = _LIBELLE[code]
    return Signal(code, libelle, valeur, valeur_affichee, couleur, seuils, n.annee, SOURCE_FINANCES, detail)


def _non_calculable(code, n, pourquoi):
    return _financier(code, n, None, f"Non calculable : {pourquoi}", GRIS)


# The values are shown rounded toward the side that keeps their colour: down for the « red below, green
# from » ratios (29,6 days shows 29, red), up for the « amber above » ones (50,04 % shows 50,1 %, amber).


def _tresorerie(n):
    """TRESO_J = (cash and VMP − bank overdrafts) / (operating charges − depreciation) × 365."""
    decaissables = n.charges_exploitation - n.dotations_amortissements
    if decaissables <= 0:
        return _non_calculable("TRESO_J", n, "charges d'exploitation hors amortissements nulles.")
    jours = (n.tresorerie - n.decouverts_bancaires) * 365 / decaissables
    couleur = _trois_zones(jours, VEILLE_TRESORERIE_ROUGE_JOURS, VEILLE_TRESORERIE_VERT_JOURS)
    valeur = jours.quantize(UN, ROUND_FLOOR)
    return _financier(
        "TRESO_J",
        n,
        valeur,
        _jours(valeur),
        couleur,
        f"(disponibilités {montant(n.tresorerie)} − découverts {montant(n.decouverts_bancaires)}) / "
        f"(charges d'exploitation {montant(n.charges_exploitation)} − dotations aux amortissements "
        f"{montant(n.dotations_amortissements)}) × 365",
    )


def _fonds_propres(n):
    """FP_MOIS = own funds / total charges × 12."""
    if n.charges_total <= 0:
        return _non_calculable("FP_MOIS", n, "total des charges nul.")
    mois = n.fonds_propres * 12 / n.charges_total
    couleur = _trois_zones(mois, VEILLE_FONDS_PROPRES_ROUGE_MOIS, VEILLE_FONDS_PROPRES_VERT_MOIS)
    valeur = mois.quantize(DIXIEME, ROUND_FLOOR)
    return _financier(
        "FP_MOIS",
        n,
        valeur,
        _mois(valeur),
        couleur,
        f"fonds propres {montant(n.fonds_propres)} / charges {montant(n.charges_total)} × 12",
    )


def _fonds_roulement(n):
    """FR_J = (stable resources − net fixed assets) / total charges × 365."""
    if n.charges_total <= 0:
        return _non_calculable("FR_J", n, "total des charges nul.")
    fonds_de_roulement = n.ressources_stables - n.immobilisations_nettes
    jours = fonds_de_roulement * 365 / n.charges_total
    couleur = _trois_zones(jours, VEILLE_FONDS_ROULEMENT_ROUGE_JOURS, VEILLE_FONDS_ROULEMENT_VERT_JOURS)
    valeur = jours.quantize(UN, ROUND_FLOOR)
    return _financier(
        "FR_J",
        n,
        valeur,
        _jours(valeur),
        couleur,
        f"(ressources stables {montant(n.ressources_stables)} − immobilisations nettes "
        f"{montant(n.immobilisations_nettes)}) / charges {montant(n.charges_total)} × 365",
    )


def _resultat(n, precedent):
    """RESULTAT = net result / produits: red for two deficits running (N and N-1) or a deficit of more than
    VEILLE_DEFICIT_ROUGE_PCT % of the produits; amber for one deficit; green from 0 on."""
    if n.produits_total <= 0:
        return _non_calculable("RESULTAT", n, "total des produits nul.")
    part = n.resultat * CENT / n.produits_total
    deux_deficits = n.resultat < 0 and precedent is not None and precedent.resultat < 0
    rouge = deux_deficits or part < -VEILLE_DEFICIT_ROUGE_PCT
    couleur = ROUGE if rouge else ORANGE if n.resultat < 0 else VERT
    valeur = part.quantize(DIXIEME, ROUND_FLOOR)
    detail = f"résultat {montant(n.resultat)} pour {montant(n.produits_total)} de produits"
    if deux_deficits:
        detail += f" ; déficit aussi en {precedent.annee} ({montant(precedent.resultat)})"
    elif n.resultat < 0 and precedent is None:
        detail += f" ; exercice {n.annee - 1} non saisi"
    return _financier("RESULTAT", n, valeur, f"{pourcentage(valeur)} des produits", couleur, detail)


def _dependance(n):
    """DEPENDANCE = the largest identified funder (Ville, CAF, Département, État; not the « other »
    produits, which mix funders and users' fees) / produits; the threshold is pilotage.financeurs'."""
    if n.produits_total <= 0:
        return _non_calculable("DEPENDANCE", n, "total des produits nul.")
    libelle, premier = max(
        ((libelle, getattr(n, champ)) for code, libelle, _, champ in CATEGORIES if code != "autres"),
        key=lambda paire: paire[1],
    )
    couleur = ORANGE if dependance_elevee(premier, n.produits_total) else VERT
    valeur = (premier * CENT / n.produits_total).quantize(DIXIEME, ROUND_CEILING)
    return _financier(
        "DEPENDANCE",
        n,
        valeur,
        f"{pourcentage(valeur)} ({libelle})",
        couleur,
        f"{libelle} {montant(premier)} / produits {montant(n.produits_total)}",
    )


def _masse_salariale(n):
    """MASSE_SAL = payroll / total charges: amber strictly above VEILLE_MASSE_SALARIALE_MAX_PCT %."""
    if n.charges_total <= 0:
        return _non_calculable("MASSE_SAL", n, "total des charges nul.")
    couleur = ORANGE if n.masse_salariale * CENT > VEILLE_MASSE_SALARIALE_MAX_PCT * n.charges_total else VERT
    valeur = (n.masse_salariale * CENT / n.charges_total).quantize(DIXIEME, ROUND_CEILING)
    return _financier(
        "MASSE_SAL",
        n,
        valeur,
        pourcentage(valeur),
        couleur,
        f"masse salariale {montant(n.masse_salariale)} / charges {montant(n.charges_total)}",
    )


def _dettes_sociales(n):
    """DETTES_SOC: any overdue social or tax debt (URSSAF…) is red."""
    dettes = n.dettes_sociales_echues
    return _financier("DETTES_SOC", n, dettes, montant(dettes), ROUGE if dettes > 0 else VERT)


def _delai_financement(n):
    """DELAI_FIN = grants receivable / produits × 365: amber strictly above VEILLE_DELAI_FINANCEMENT_MAX_JOURS."""
    if n.produits_total <= 0:
        return _non_calculable("DELAI_FIN", n, "total des produits nul.")
    jours = n.subventions_a_recevoir * 365 / n.produits_total
    couleur = ORANGE if jours > VEILLE_DELAI_FINANCEMENT_MAX_JOURS else VERT
    valeur = jours.quantize(UN, ROUND_CEILING)
    return _financier(
        "DELAI_FIN",
        n,
        valeur,
        _jours(valeur),
        couleur,
        f"subventions à recevoir {montant(n.subventions_a_recevoir)} / produits {montant(n.produits_total)} × 365",
    )


# --- The governance and compliance signals ----------------------------------------------------------


def _gouvernance(code, libelle, valeur, valeur_affichee, couleur, seuils, annee=None, source=SOURCE_GOUVERNANCE):
    return Signal(code, libelle, valeur, valeur_affichee, couleur, seuils, annee, source)


SEUILS_VACANCE = (
    f"rouge : poste vacant depuis plus de {VEILLE_DIRECTION_VACANTE_MOIS} mois ; orange : vacant depuis moins"
)
SEUILS_ROTATION = (
    f"orange : {VEILLE_ROTATION_DIRECTION_NOMBRE} directions ou plus en poste sur les "
    f"{VEILLE_ROTATION_DIRECTION_ANNEES} dernières années, intérims compris"
)
SEUILS_CA = "orange : moins d'administrateurs que le minimum des statuts"
SEUILS_PRESIDENCE = "orange : présidence vacante (démission non remplacée)"
SEUILS_AG = "orange : assemblée générale d'approbation des comptes non tenue dans les 6 mois suivant la clôture"
SEUILS_COMPTES = "orange : comptes non approuvés par la dernière assemblée générale ordinaire"
SEUILS_AVIS = "rouge : certification avec réserves, refus ou impossibilité de certifier"
SEUILS_PROCEDURE = "rouge : procédure d'alerte engagée par le commissaire aux comptes"
SEUILS_CRF = "orange : un compte rendu financier au moins en retard"
SEUILS_AGREMENT = f"orange : agrément expiré ou finissant dans les {VEILLE_AGREMENT_FIN_PROCHE_MOIS} mois"
SEUILS_SENACS = "orange : indicateurs annuels de l'exercice précédent non saisis"
SEUILS_CONFLITS = "orange : conflits sociaux signalés au dossier"


def _direction_vacante(directions, jour):
    """Director post vacant more than VEILLE_DIRECTION_VACANTE_MOIS months: red (vacant for less: amber,
    the service's practice)."""
    libelle = "Poste de direction"
    arrivees = [d for d in directions if d.debut <= jour]
    if not arrivees:
        return _gouvernance("DIRECTION_VACANTE", libelle, None, "Aucune direction enregistrée.", GRIS, SEUILS_VACANCE)
    en_poste = [d for d in arrivees if d.en_poste_le(jour)]
    if en_poste:
        actuelle = max(en_poste, key=lambda d: d.debut)
        interim = " (intérim)" if actuelle.interim else ""
        return _gouvernance(
            "DIRECTION_VACANTE",
            libelle,
            0,
            f"Pourvu depuis le {actuelle.debut:%d/%m/%Y}{interim}",
            VERT,
            SEUILS_VACANCE,
        )
    depart = max(d.fin for d in arrivees)
    jours = (jour - depart).days
    couleur = ROUGE if jour > depart + relativedelta(months=VEILLE_DIRECTION_VACANTE_MOIS) else ORANGE
    return _gouvernance(
        "DIRECTION_VACANTE",
        libelle,
        jours,
        f"Vacant depuis le {depart:%d/%m/%Y} ({_jours(jours)})",
        couleur,
        SEUILS_VACANCE,
    )


def _rotation_direction(directions, jour):
    """VEILLE_ROTATION_DIRECTION_NOMBRE directions or more in post over the last VEILLE_ROTATION_DIRECTION_ANNEES
    years: amber."""
    libelle = f"Directions sur {VEILLE_ROTATION_DIRECTION_ANNEES} ans"
    if not any(d.debut <= jour for d in directions):
        return _gouvernance("ROTATION_DIRECTION", libelle, None, "Aucune direction enregistrée.", GRIS, SEUILS_ROTATION)
    depuis = jour - relativedelta(years=VEILLE_ROTATION_DIRECTION_ANNEES)
    nombre_ = sum(1 for d in directions if d.en_poste_entre(depuis, jour))
    couleur = ORANGE if nombre_ >= VEILLE_ROTATION_DIRECTION_NOMBRE else VERT
    texte = f"{nombre_} direction{'s' if nombre_ > 1 else ''} depuis le {depuis:%d/%m/%Y}"
    return _gouvernance("ROTATION_DIRECTION", libelle, nombre_, texte, couleur, SEUILS_ROTATION)


def _sans_objet(centre):
    """Why a centre has no board, no president and no AG of its own (run by the city or the CAF), or ""."""
    if centre.gestion == Centre.Gestion.ASSOCIATION:
        return ""
    return f"Sans objet : gestion {centre.get_gestion_display().lower()}."


def _ca_minimum(centre, n, jour):
    libelle = "Conseil d'administration"
    if sans_objet := _sans_objet(centre):
        return _gouvernance("CA_MINIMUM", libelle, None, sans_objet, GRIS, SEUILS_CA)
    if centre.ca_minimum_statutaire is None:
        return _gouvernance(
            "CA_MINIMUM", libelle, None, "Minimum statutaire non renseigné sur la fiche du centre.", GRIS, SEUILS_CA
        )
    if n is None:
        texte = f"Aucun indicateur annuel saisi depuis {jour.year - VEILLE_ANNEES_LUES}."
        return _gouvernance("CA_MINIMUM", libelle, None, texte, GRIS, SEUILS_CA)
    couleur = ORANGE if n.administrateurs < centre.ca_minimum_statutaire else VERT
    texte = f"{n.administrateurs} administrateurs pour un minimum statutaire de {centre.ca_minimum_statutaire}"
    return _gouvernance("CA_MINIMUM", libelle, n.administrateurs, texte, couleur, SEUILS_CA, n.annee)


def _presidence_vacante(centre, jour):
    libelle = "Présidence"
    if sans_objet := _sans_objet(centre):
        return _gouvernance("PRESIDENCE_VACANTE", libelle, None, sans_objet, GRIS, SEUILS_PRESIDENCE)
    depuis = centre.presidence_vacante_depuis
    if depuis is not None and depuis <= jour:
        return _gouvernance(
            "PRESIDENCE_VACANTE",
            libelle,
            (jour - depuis).days,
            f"Vacante depuis le {depuis:%d/%m/%Y}",
            ORANGE,
            SEUILS_PRESIDENCE,
        )
    return _gouvernance("PRESIDENCE_VACANTE", libelle, 0, "Pourvue", VERT, SEUILS_PRESIDENCE)


def _ag_non_tenue(centre, donnees, jour):
    """The AG approving the last closed year's accounts held by 30 June (centres.exercices_sans_ag)."""
    libelle = "Assemblée générale"
    exercice = dernier_exercice_ag_echu(jour)
    if sans_objet := _sans_objet(centre):
        return _gouvernance("AG_NON_TENUE", libelle, None, sans_objet, GRIS, SEUILS_AG, exercice)
    if centre.statut != Centre.Statut.ACTIF:
        texte = f"Sans objet : centre {centre.get_statut_display().lower()}."
        return _gouvernance("AG_NON_TENUE", libelle, None, texte, GRIS, SEUILS_AG, exercice)
    if centre.pk in donnees.sans_ag:
        texte = f"AG des comptes {exercice} non tenue au {date_limite_ag(exercice):%d/%m/%Y}"
        return _gouvernance("AG_NON_TENUE", libelle, None, texte, ORANGE, SEUILS_AG, exercice)
    tenue = next((ag for ag in donnees.assemblees.get(centre.pk, []) if ag.exercice == exercice), None)
    texte = f"AG des comptes {exercice} tenue" + (f" le {tenue.date:%d/%m/%Y}" if tenue else "")
    return _gouvernance("AG_NON_TENUE", libelle, None, texte, VERT, SEUILS_AG, exercice)


def _comptes_non_approuves(centre, assemblees):
    """The accounts approved by the latest ordinary AG held (amber when it did not approve them)."""
    libelle = "Approbation des comptes"
    if sans_objet := _sans_objet(centre):
        return _gouvernance("COMPTES_NON_APPROUVES", libelle, None, sans_objet, GRIS, SEUILS_COMPTES)
    if not assemblees:
        return _gouvernance(
            "COMPTES_NON_APPROUVES", libelle, None, "Aucune assemblée générale récente.", GRIS, SEUILS_COMPTES
        )
    derniere = assemblees[0]
    quand = f"par l'AG du {derniere.date:%d/%m/%Y}"
    if derniere.comptes_approuves is None:
        texte, couleur = f"Approbation des comptes {derniere.exercice} non renseignée", GRIS
    elif derniere.comptes_approuves:
        texte, couleur = f"Comptes {derniere.exercice} approuvés {quand}", VERT
    else:
        texte, couleur = f"Comptes {derniere.exercice} non approuvés {quand}", ORANGE
    return _gouvernance("COMPTES_NON_APPROUVES", libelle, None, texte, couleur, SEUILS_COMPTES, derniere.exercice)


def _avis_commissaire(n, jour):
    libelle = "Avis du commissaire aux comptes"
    if n is None:
        texte = f"Aucun indicateur annuel saisi depuis {jour.year - VEILLE_ANNEES_LUES}."
        return _gouvernance("AVIS_COMMISSAIRE", libelle, None, texte, GRIS, SEUILS_AVIS, source=CCOM_L823_9)
    if not n.avis_commissaire:
        return _gouvernance(
            "AVIS_COMMISSAIRE", libelle, None, "Non renseigné.", GRIS, SEUILS_AVIS, n.annee, source=CCOM_L823_9
        )
    couleur = ROUGE if n.avis_commissaire in AVIS_DEFAVORABLES else VERT
    return _gouvernance(
        "AVIS_COMMISSAIRE",
        libelle,
        None,
        n.get_avis_commissaire_display(),
        couleur,
        SEUILS_AVIS,
        n.annee,
        source=CCOM_L823_9,
    )


def _procedure_alerte(n, jour):
    libelle = "Procédure d'alerte du commissaire aux comptes"
    if n is None:
        texte = f"Aucun indicateur annuel saisi depuis {jour.year - VEILLE_ANNEES_LUES}."
        return _gouvernance("PROCEDURE_ALERTE", libelle, None, texte, GRIS, SEUILS_PROCEDURE, source=CCOM_L612_3)
    couleur, texte = (ROUGE, "Engagée") if n.procedure_alerte else (VERT, "Aucune")
    return _gouvernance(
        "PROCEDURE_ALERTE", libelle, None, texte, couleur, SEUILS_PROCEDURE, n.annee, source=CCOM_L612_3
    )


def _crf_en_retard(annees):
    libelle = "Comptes rendus financiers"
    if not annees:
        texte = "Aucun en retard"
        return _gouvernance("CRF_EN_RETARD", libelle, 0, texte, VERT, SEUILS_CRF, source=LOI_2000_321_ART_10)
    exercices = ", ".join(str(a) for a in sorted(set(annees)))
    texte = f"{len(annees)} en retard (exercice{'s' if len(set(annees)) > 1 else ''} {exercices})"
    return _gouvernance(
        "CRF_EN_RETARD", libelle, len(annees), texte, ORANGE, SEUILS_CRF, max(annees), source=LOI_2000_321_ART_10
    )


def _agrement(fin, jour):
    """The latest granted AGC agrément: expired, or ending within VEILLE_AGREMENT_FIN_PROCHE_MOIS months (≤):
    amber."""
    libelle = "Agrément CAF d'animation globale"
    if fin is None:
        return _gouvernance(
            "AGREMENT", libelle, None, "Aucun agrément accordé.", GRIS, SEUILS_AGREMENT, source=CIRCULAIRE_CNAF_2012
        )
    if fin < jour:
        texte, couleur = f"Expiré le {fin:%d/%m/%Y}", ORANGE
    elif fin <= jour + relativedelta(months=VEILLE_AGREMENT_FIN_PROCHE_MOIS):
        texte, couleur = f"Finit le {fin:%d/%m/%Y}", ORANGE
    else:
        texte, couleur = f"Valide jusqu'au {fin:%d/%m/%Y}", VERT
    return _gouvernance(
        "AGREMENT", libelle, (fin - jour).days, texte, couleur, SEUILS_AGREMENT, source=CIRCULAIRE_CNAF_2012
    )


def _senacs(par_annee, jour):
    libelle = "Indicateurs annuels (SENACS)"
    annee = jour.year - 1
    if annee in par_annee:
        return _gouvernance("SENACS", libelle, None, f"Exercice {annee} saisi", VERT, SEUILS_SENACS, annee)
    return _gouvernance("SENACS", libelle, None, f"Exercice {annee} non saisi", ORANGE, SEUILS_SENACS, annee)


def _conflits_sociaux(texte):
    texte = (texte or "").strip()
    libelle = "Conflits sociaux"
    if texte:
        return _gouvernance("CONFLITS_SOCIAUX", libelle, None, "Signalés au dossier", ORANGE, SEUILS_CONFLITS)
    return _gouvernance("CONFLITS_SOCIAUX", libelle, None, "Aucun signalé", VERT, SEUILS_CONFLITS)
