"""The figures of a year, read once for the élus' dashboard (pilotage.views.tableau_de_bord), its XLSX
file and the yearly report: dataclasses that carry figures only, each with `lien`, the URL of the list
it sums, filtered the same way, so that a reader can check every figure against its rows.

Each figure comes from the app that owns it: the grants' amounts from `DemandeQuerySet.votees()` and
`totaux()` / `totaux_par()` (subventions), the budget lines' consumption from
`LigneBudgetaireQuerySet.avec_consommation()`, the conventions' consolidated end from
`ConventionQuerySet.avec_fin_consolidee()`, the centres' yearly figures from `IndicateursAnnuels`
(SEN-4's `variation_excessive`), the deliberations' grants from `DeliberationQuerySet.avec_totaux()`, the
Cellule de veille's official levels from `pilotage.veille.niveaux_officiels` (as of today, whatever the year).
Here they are only grouped (a beneficiary is an association with all its centres: SUB-3,
`subventions.concours.cle_beneficiaire`) and added up. A fixed number of queries, whatever the number
of centres, grants, lines, conventions or years.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre, IndicateursAnnuels
from centres.models.indicateurs import variation_excessive
from comptes.permissions import EQUIPE
from conventions.filters import ConventionFilter
from conventions.models import Convention
from deliberations.models import Seance
from roubaix_cs.seuils import CONVENTION_HORIZON_MOIS
from roubaix_cs.todos import lien
from subventions.concours import cle_beneficiaire
from subventions.filters import DemandeFilter
from subventions.models import ZERO, DemandeSubvention, LigneBudgetaire

from . import resumes
from .models import Alerte
from .veille import NiveauxVeille, niveaux_officiels

CENTIME = Decimal("0.01")
NATURES = DemandeSubvention.Nature
VOTEES = DemandeFilter.VOTEES  # the grants list's filter on the statuses the council voted
EN_VIGUEUR = ConventionFilter.EN_VIGUEUR  # the conventions list's filter on those signed or running


def _euros(valeur):
    """A sum of the database as an amount: SQLite returns it unrounded."""
    return (valeur or ZERO).quantize(CENTIME)


# --- Grants ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Montants:
    """Grants voted for the year: how many, their voted and paid amounts, the list that sums them."""

    nombre: int
    vote: Decimal
    verse: Decimal
    lien: str


def _liste_des_votees(annee, **filtres):
    return lien("subventions:liste", annee=annee, statut=VOTEES, **filtres)


def _somme(groupes, lien_liste):
    return Montants(
        nombre=sum(g["nombre"] for g in groupes),
        vote=_euros(sum((g["vote"] for g in groupes), ZERO)),
        verse=_euros(sum((g["verse"] for g in groupes), ZERO)),
        lien=lien_liste,
    )


@dataclass(frozen=True)
class SubventionsCentre:
    centre_id: int
    nom: str
    par_nature: dict  # {nature: Montants}, the natures it received
    total: Montants

    @property
    def colonnes(self):
        """Its amounts in the order of the natures, None where it received nothing of that nature."""
        return [self.par_nature.get(code) for code, _ in NATURES.choices]


@dataclass(frozen=True)
class SubventionsBeneficiaire:
    """One beneficiary (SUB-3): an association and the centres it runs, or a centre alone."""

    nom: str
    centres: list  # [SubventionsCentre], by name
    total: Montants

    @property
    def plusieurs_centres(self):
        return len(self.centres) > 1


@dataclass(frozen=True)
class Subventions:
    natures: list  # [(code, label)] of every nature, the table's columns
    beneficiaires: list  # [SubventionsBeneficiaire], by the name of their first centre
    par_nature: dict  # {nature: Montants}, every centre
    total: Montants

    @property
    def colonnes(self):
        return [self.par_nature.get(code) for code, _ in self.natures]


def _subventions(annee, user):
    """The grants voted for `annee` by centre and nature (one grouped query), their centres (one query)
    and the year's total as the grants list computes it (`totaux()`, one query)."""
    votees = DemandeSubvention.objects.visibles_par(user).votees().filter(annee=annee)
    groupes = votees.totaux_par("centre", "nature")
    centres = {
        c.pk: c for c in Centre.objects.filter(pk__in={g["centre"] for g in groupes}).select_related("organisation")
    }
    par_centre = {}
    for groupe in groupes:
        par_centre.setdefault(groupe["centre"], []).append(groupe)
    beneficiaires = {}
    for centre in sorted(centres.values(), key=lambda c: (c.nom, c.pk)):
        lignes = par_centre[centre.pk]
        subventions = SubventionsCentre(
            centre_id=centre.pk,
            nom=centre.nom,
            par_nature={
                g["nature"]: _somme([g], _liste_des_votees(annee, centre=centre.pk, nature=g["nature"])) for g in lignes
            },
            total=_somme(lignes, _liste_des_votees(annee, centre=centre.pk)),
        )
        beneficiaires.setdefault(cle_beneficiaire(centre), (centre, [], []))
        _, membres, lignes_beneficiaire = beneficiaires[cle_beneficiaire(centre)]
        membres.append(subventions)
        lignes_beneficiaire.extend(lignes)
    natures = list(NATURES.choices)
    total = votees.totaux()
    return Subventions(
        natures=natures,
        beneficiaires=[
            SubventionsBeneficiaire(
                nom=premier.nom_beneficiaire,
                centres=membres,
                total=_somme(
                    lignes,
                    _liste_des_votees(annee, association=premier.organisation_id)
                    if premier.organisation_id
                    else _liste_des_votees(annee, centre=premier.pk),
                ),
            )
            for premier, membres, lignes in beneficiaires.values()
        ],
        par_nature={
            code: _somme(lignes, _liste_des_votees(annee, nature=code))
            for code, _ in natures
            if (lignes := [g for g in groupes if g["nature"] == code])
        },
        total=Montants(
            nombre=sum(g["nombre"] for g in groupes),
            vote=_euros(total["vote"]),
            verse=_euros(total["verse"]),
            lien=_liste_des_votees(annee),
        ),
    )


# --- Budget lines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneBudget:
    """A budget line's credits and consumption (SUB-15), or their total; `lien` its row on the budget page."""

    libelle: str
    imputation: str
    credits_votes: Decimal
    credits_ouverts: Decimal
    engage: Decimal
    paye: Decimal
    disponible: Decimal
    lien: str

    @property
    def depassee(self):
        return self.disponible < 0


@dataclass(frozen=True)
class Budget:
    lignes: list  # [LigneBudget], in the budget page's order
    total: LigneBudget | None  # None: no line for the year


COLONNES_BUDGET = ("credits_votes", "credits_ouverts", "engage", "paye", "disponible")


def _budget(annee):
    """The year's lines with their consumption, in one query (`avec_consommation`)."""
    page = reverse("subventions:budget", args=[annee])
    lignes = [
        LigneBudget(
            libelle=ligne.libelle,
            imputation=" · ".join(
                p
                for p in (
                    ligne.get_section_display(),
                    f"chap. {ligne.chapitre}",
                    f"compte {ligne.compte}",
                    f"fonction {ligne.fonction}" if ligne.fonction else "",
                )
                if p
            ),
            credits_votes=_euros(ligne.credits_votes),
            credits_ouverts=_euros(ligne.credits_ouverts),
            engage=_euros(ligne.total_engage),
            paye=_euros(ligne.total_paye),
            disponible=_euros(ligne.disponible),
            lien=f"{page}#ligne-{ligne.pk}",
        )
        for ligne in LigneBudgetaire.objects.filter(annee=annee)
        .avec_consommation()
        .order_by("section", "chapitre", "compte", "fonction", "libelle")
    ]
    total = None
    if lignes:
        sommes = {colonne: sum((getattr(ligne, colonne) for ligne in lignes), ZERO) for colonne in COLONNES_BUDGET}
        total = LigneBudget(libelle=f"Total {annee}", imputation="", lien=f"{page}#totaux", **sommes)
    return Budget(lignes=lignes, total=total)


# --- Conventions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatutConventions:
    code: str  # the status (Convention.Statut), "" for all
    libelle: str
    nombre: int
    lien: str


@dataclass(frozen=True)
class ConventionFinissant:
    """A convention in force whose end, moved by its signed avenants (CPO-5), comes within the horizon."""

    nom: str  # « Centre — type »
    objet: str
    libelle_statut: str
    fin: datetime.date  # consolidated
    fin_initiale: datetime.date
    lien: str  # its page

    @property
    def reportee(self):
        return self.fin != self.fin_initiale


@dataclass(frozen=True)
class Conventions:
    annee: int
    par_statut: list  # [StatutConventions] of the conventions covering the year, in the workflow's order
    total: StatutConventions
    horizon: datetime.date  # today + CONVENTION_HORIZON_MOIS
    finissant: list  # [ConventionFinissant], soonest first
    lien_finissant: str


TYPES_COURTS = {code: nom.split(" (")[0] for code, nom in Convention.Type.choices}


def _conventions(annee, user, today):
    """Those covering `annee` by status (one query); those in force ending within the horizon (one query)."""
    visibles = Convention.objects.visibles_par(user)
    comptes = dict(
        visibles.couvrant(annee).order_by().values("statut").annotate(n=Count("pk")).values_list("statut", "n")
    )
    par_statut = [
        StatutConventions(code, libelle, comptes[code], lien("conventions:liste", annee=annee, statut=code))
        for code, libelle in Convention.Statut.choices
        if code in comptes
    ]
    horizon = today + relativedelta(months=CONVENTION_HORIZON_MOIS)
    finissant = (
        visibles.en_vigueur()
        .avec_fin_consolidee()
        .filter(fin_consolidee__gte=today, fin_consolidee__lte=horizon)
        .select_related("centre")
        .order_by("fin_consolidee", "centre__nom", "pk")
    )
    return Conventions(
        annee=annee,
        par_statut=par_statut,
        total=StatutConventions("", "Toutes", sum(comptes.values()), lien("conventions:liste", annee=annee)),
        horizon=horizon,
        finissant=[
            ConventionFinissant(
                nom=f"{c.centre.libelle_court} — {TYPES_COURTS[c.type]}",
                objet=c.objet,
                libelle_statut=c.get_statut_display(),
                fin=c.fin_consolidee,
                fin_initiale=c.fin,
                lien=c.get_absolute_url(),
            )
            for c in finissant
        ],
        lien_finissant=lien("conventions:liste", statut=EN_VIGUEUR, fin_avant=horizon.isoformat()),
    )


# --- The centres' key figures ---------------------------------------------------------------------

# The centres' figures the dashboard shows (IndicateursAnnuels, SENACS-like): (field, label, money?).
CHIFFRES_CLES = [
    ("usagers", "Usagers", False),
    ("familles_adherentes", "Familles adhérentes", False),
    ("benevoles", "Bénévoles", False),
    ("etp", "ETP", False),
    ("produits_total", "Produits", True),
    ("resultat", "Résultat", True),
]


@dataclass(frozen=True)
class Evolution:
    """A figure of the year and the same figure the year before (None: not known then)."""

    valeur: Decimal | int
    precedente: Decimal | int | None

    @property
    def variation(self):
        """The change in %, one decimal; None without a base to compare with (none, or 0)."""
        if not self.precedente:
            return None
        taux = (Decimal(self.valeur) - Decimal(self.precedente)) * 100 / abs(Decimal(self.precedente))
        return taux.quantize(Decimal("0.1"))

    @property
    def sens(self):
        """« hausse », « baisse », « stable », or None when there is nothing to compare with."""
        if self.precedente is None:
            return None
        if self.valeur == self.precedente:
            return "stable"
        return "hausse" if self.valeur > self.precedente else "baisse"

    @property
    def forte(self):
        """SEN-4: a change of more than VAR_MAX % from one year to the next."""
        return self.precedente is not None and variation_excessive(Decimal(self.precedente), Decimal(self.valeur))


@dataclass(frozen=True)
class ChiffresCentre:
    """A centre's key figures (or every centre's total), each with its trend since the year before."""

    nom: str
    chiffres: dict  # {field: Evolution}
    lien: str  # the indicators list of the year, filtered
    lien_precedent: str  # the same the year before ("" when not known)
    fiche: str = ""  # the centre's page, at its funders' tab ("" for the total)

    @property
    def colonnes(self):
        """[(field, money?, Evolution)] in the order of CHIFFRES_CLES."""
        return [(code, argent, self.chiffres[code]) for code, _, argent in CHIFFRES_CLES]


@dataclass(frozen=True)
class ChiffresCentres:
    annee_demandee: int
    annee: int | None  # the year of the figures: the latest known up to the year asked (None: none)
    centres: list = field(default_factory=list)  # [ChiffresCentre], by name
    total: ChiffresCentre | None = None
    nombre: int = 0  # centres with figures that year
    nombre_precedent: int = 0  # the year before

    @property
    def cles(self):
        return CHIFFRES_CLES


def _valeurs(indicateurs):
    return {code: getattr(indicateurs, code) for code, _, _ in CHIFFRES_CLES}


def _evolutions(valeurs, precedentes):
    return {code: Evolution(valeurs[code], None if precedentes is None else precedentes[code]) for code in valeurs}


def _chiffres_centres(annee, user):
    """The centres' figures of the latest year known up to `annee` (one query for the year), and of the
    year before (one query for both years)."""
    visibles = IndicateursAnnuels.objects.visibles_par(user)
    connue = visibles.filter(annee__lte=annee).aggregate(annee=Max("annee"))["annee"]
    if connue is None:
        return ChiffresCentres(annee_demandee=annee, annee=None)
    lignes = list(
        visibles.filter(annee__in=[connue, connue - 1]).select_related("centre").order_by("centre__nom", "centre")
    )
    cette_annee = [i for i in lignes if i.annee == connue]
    precedentes = {i.centre_id: _valeurs(i) for i in lignes if i.annee == connue - 1}
    liste = "centres:indicateurs_liste"
    centres = [
        ChiffresCentre(
            nom=i.centre.nom,
            chiffres=_evolutions(_valeurs(i), precedentes.get(i.centre_id)),
            lien=lien(liste, annee=connue, centre=i.centre_id),
            lien_precedent=lien(liste, annee=connue - 1, centre=i.centre_id) if i.centre_id in precedentes else "",
            fiche=reverse("centres:detail", args=[i.centre_id]) + "?onglet=financeurs",
        )
        for i in cette_annee
    ]

    def total(valeurs):
        return {code: sum(v[code] for v in valeurs) for code, _, _ in CHIFFRES_CLES}

    return ChiffresCentres(
        annee_demandee=annee,
        annee=connue,
        centres=centres,
        total=ChiffresCentre(
            nom="Ensemble des centres",
            chiffres=_evolutions(
                total([_valeurs(i) for i in cette_annee]), total(list(precedentes.values())) if precedentes else None
            ),
            lien=lien(liste, annee=connue),
            lien_precedent=lien(liste, annee=connue - 1) if precedentes else "",
        ),
        nombre=len(cette_annee),
        nombre_precedent=len(precedentes),
    )


# --- The coming council session -------------------------------------------------------------------


@dataclass(frozen=True)
class DeliberationSeance:
    reference: str
    objet: str
    nature: str
    libelle_statut: str
    nb_demandes: int
    total_propose: Decimal
    lien: str  # its page


@dataclass(frozen=True)
class ProchaineSeance:
    date: datetime.date
    lieu: str
    lien: str  # the session's page
    deliberations: list  # [DeliberationSeance], by number
    lien_deliberations: str  # the deliberations list, filtered on the session

    @property
    def nb_demandes(self):
        return sum(d.nb_demandes for d in self.deliberations)

    @property
    def total_propose(self):
        return sum((d.total_propose for d in self.deliberations), ZERO)


def _prochaine_seance(today):
    """The next session of the council (one query) and its deliberations with their grants (one query)."""
    seance = Seance.objects.filter(date__gte=today).order_by("date").first()
    if seance is None:
        return None
    return ProchaineSeance(
        date=seance.date,
        lieu=seance.lieu,
        lien=seance.get_absolute_url(),
        deliberations=[
            DeliberationSeance(
                reference=d.reference,
                objet=d.objet,
                nature=d.get_nature_display(),
                libelle_statut=d.get_statut_display(),
                nb_demandes=d.nb_demandes,
                total_propose=_euros(d.total),
                lien=d.get_absolute_url(),
            )
            for d in seance.deliberations.avec_totaux().order_by("numero")
        ],
        lien_deliberations=lien("deliberations:liste", seance=seance.pk),
    )


# --- The year ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChiffresAnnee:
    annee: int
    jour: datetime.date  # the day they were read: the conventions' horizon and the coming session
    subventions: Subventions
    budget: Budget
    conventions: Conventions
    centres: ChiffresCentres
    seance: ProchaineSeance | None
    veille: NiveauxVeille  # CV-3: the official levels of the Cellule de veille, never a file's content


def chiffres_de_l_annee(annee: int, *, user, jour: datetime.date | None = None) -> ChiffresAnnee:
    """Every figure of the year `annee` that `user` may read (see the module), as of `jour` (today)."""
    jour = jour or timezone.localdate()
    return ChiffresAnnee(
        annee=annee,
        jour=jour,
        subventions=_subventions(annee, user),
        budget=_budget(annee),
        conventions=_conventions(annee, user, jour),
        centres=_chiffres_centres(annee, user),
        seance=_prochaine_seance(jour),
        veille=niveaux_officiels(),
    )


# --- What concerns the reader ---------------------------------------------------------------------


@dataclass(frozen=True)
class AlertesLecteur:
    """For the team, their unread alerts (how many, and « Mes alertes » filtered on them); for an élu,
    what their weekly summary lists (pilotage.resumes)."""

    nombre: int
    lien: str = ""
    lignes: list = field(default_factory=list)  # [resumes.Ligne] (élus)


def alertes_du_lecteur(user, jour: datetime.date) -> AlertesLecteur:
    if user.role in EQUIPE:
        return AlertesLecteur(
            nombre=Alerte.objects.ouvertes().non_lues().filter(user=user).count(),
            lien=lien("pilotage:alertes", lue="non"),
        )
    lignes = resumes.lignes_des_elus(jour)
    return AlertesLecteur(nombre=len(lignes), lignes=lignes)
