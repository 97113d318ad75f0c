"""The yearly report to the political steering committee (copil politique): the year of the city's
dashboard as a PDF, laid out like the SENACS brochures the network knows (domain-rules §2): key
figures, the centres' projects, local dynamics, democratic life and governance, human resources,
finances, then one sheet per centre.

The city's figures (grants, budget lines, conventions, the centres' key figures and their trend) are
the dashboard's, read once by `pilotage.chiffres.chiffres_de_l_annee`; the SENACS sections read the
centres' own records here (`donnees_des_centres`), in a fixed number of queries whatever the number
of centres. The charts are SVG drawn in Python (roubaix_cs.graphiques). The PDF is rendered in the
background (pilotage.services), in numbered versions per year.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from centres.models import Agrement, AssembleeGenerale, Centre, CentrePartenaire, Contact, Document, IndicateursAnnuels
from conventions.models import Convention, Partie
from roubaix_cs import formats, graphiques

from .chiffres import TYPES_COURTS, chiffres_de_l_annee

ZERO = Decimal("0")
# The years of a centre's figures its sheet shows: the exercise and the two before (the trend).
ANNEES_DE_TENDANCE = 3
# The centres' produits by funder (IndicateursAnnuels.PRODUITS_PAR_FINANCEUR), as the report names them.
FINANCEURS = [
    ("produits_ville", "Ville"),
    ("produits_caf", "CAF"),
    ("produits_departement", "Département"),
    ("produits_etat", "État"),
    ("produits_autres", "Autres"),
]
# The rows of a centre's sheet, over the trend's years: (field, label, money?).
LIGNES_FICHE = [
    ("usagers", "Usagers distincts", False),
    ("familles_adherentes", "Familles adhérentes", False),
    ("adherents", "Adhérents", False),
    ("partenaires", "Partenaires opérationnels", False),
    ("associations_accueillies", "Associations accueillies", False),
    ("administrateurs", "Administrateurs", False),
    ("reunions_ca", "Réunions du conseil d'administration", False),
    ("benevoles", "Bénévoles d'activité", False),
    ("heures_benevolat", "Heures de bénévolat", False),
    ("salaries", "Salariés au 31/12", False),
    ("etp", "Équivalents temps plein", False),
    ("charges_total", "Charges", True),
    ("produits_total", "Produits", True),
    ("resultat", "Résultat", True),
    ("produits_ville", "dont produits de la Ville", True),
    ("masse_salariale", "Masse salariale", True),
    ("contributions_nature", "Contributions volontaires en nature", True),
]
# The figures of the exercise the SENACS sections add up over the centres.
TOTAUX = [
    "adherents",
    "partenaires",
    "associations_accueillies",
    "administrateurs",
    "reunions_ca",
    "heures_benevolat",
    "salaries",
    "masse_salariale",
    "charges_total",
    "contributions_nature",
    *(nom for nom, _ in FINANCEURS),
]


def part(valeur, total):
    """`valeur` as a share of `total`, in %, one decimal; None when there is no total to share."""
    if not total:
        return None
    return (Decimal(valeur) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def parties_financeurs(convention):
    """The parties of a convention other than the centre's own association: its funders and partners."""
    return [p.organisation for p in convention.parties.all() if p.organisation_id != convention.centre.organisation_id]


@dataclass
class FicheCentre:
    """What the report says of one centre: its records of the year, read once for every centre."""

    centre: Centre
    exercice: int | None = None  # the year of its figures the report shows
    indicateurs: dict = field(default_factory=dict)  # {year: IndicateursAnnuels} of the trend's years
    agrements: list = field(default_factory=list)  # granted and in force at some point of the year
    projet_social: Document | None = None  # the last one filed
    assemblees: list = field(default_factory=list)  # held in the year
    partenaires: list = field(default_factory=list)  # the organisations that follow the centre
    conventions: list = field(default_factory=list)  # signed and covering the year, with their parties
    contacts: dict = field(default_factory=dict)  # {qualité: Contact}: director, president
    subventions: object = None  # pilotage.chiffres.SubventionsCentre: its grants voted for the year
    graphiques: dict = field(default_factory=dict)
    etat_agc: str = ""  # its AGC agrément's state on the day of the report
    niveau_veille: object = None  # pilotage.veille.NiveauCentre: its official level, when it has a file open

    @property
    def directeur(self):
        return self.contacts.get(Contact.Qualite.DIRECTEUR)

    @property
    def president(self):
        return self.contacts.get(Contact.Qualite.PRESIDENT)

    def _agrement(self, type_):
        return next((a for a in self.agrements if a.type == type_), None)  # the last ending first

    @property
    def agc(self):
        """Its agrément « animation globale et coordination »: what makes it a centre social."""
        return self._agrement(Agrement.Type.AGC)

    @property
    def acf(self):
        """Its agrément « animation collective familles » (the référent familles' project)."""
        return self._agrement(Agrement.Type.ACF)

    @property
    def evs(self):
        return self._agrement(Agrement.Type.EVS)

    @property
    def ag_ordinaire(self):
        return next((ag for ag in self.assemblees if ag.nature == AssembleeGenerale.Nature.ORDINAIRE), None)

    @property
    def conventions_et_parties(self):
        """[(short type, [its parties])] of its conventions covering the year."""
        return [(TYPES_COURTS[c.type], [p.organisation for p in c.parties.all()]) for c in self.conventions]

    @property
    def conventions_multipartenariales(self):
        """Its conventions signed with more than one funder or partner besides its association."""
        return [c for c in self.conventions if len(parties_financeurs(c)) > 1]

    def chiffres(self, annee):
        return self.indicateurs.get(annee)

    @property
    def courant(self):
        """Its figures of the exercise, or None when it filed none."""
        return self.indicateurs.get(self.exercice)

    @property
    def tendance(self):
        """[(year, IndicateursAnnuels or None)] over the trend's years, oldest first."""
        if self.exercice is None:
            return []
        return [(a, self.indicateurs.get(a)) for a in range(self.exercice - ANNEES_DE_TENDANCE + 1, self.exercice + 1)]

    @property
    def lignes_tendance(self):
        """[(label, money?, [value or None for each year of the trend])]: its sheet's table."""
        return [
            (libelle, argent, [getattr(i, nom) if i else None for _, i in self.tendance])
            for nom, libelle, argent in LIGNES_FICHE
        ]

    @property
    def part_ville(self):
        """The city's share of its produits of the exercise, in %."""
        return part(self.courant.produits_ville, self.courant.produits_total) if self.courant else None

    @property
    def part_masse_salariale(self):
        """Its payroll's share of its charges of the exercise, in %."""
        return part(self.courant.masse_salariale, self.courant.charges_total) if self.courant else None


@dataclass
class DonneesCentres:
    """The centres' records for the report of `annee`; their yearly figures those of `exercice`."""

    annee: int
    exercice: int | None  # the year of the dashboard's centres' figures (None: no centre has any)
    fiches: list

    @property
    def annees(self):
        """The years of the trend, oldest first."""
        if self.exercice is None:
            return []
        return list(range(self.exercice - ANNEES_DE_TENDANCE + 1, self.exercice + 1))

    @property
    def indicateurs(self):
        """The figures of the exercise of the centres that filed them, by centre name."""
        return [f.indicateurs[self.exercice] for f in self.fiches if self.exercice in f.indicateurs]

    @property
    def totaux(self):
        """{field: sum over the centres} of the exercise's figures the SENACS sections add up (TOTAUX)."""
        indicateurs = self.indicateurs
        return {nom: sum((getattr(i, nom) for i in indicateurs), ZERO) for nom in TOTAUX}

    def nombre(self, condition):
        return sum(1 for f in self.fiches if condition(f))

    @property
    def projets(self):
        """How many centres hold each agrément in the year, have filed their projet social, held their AG."""
        return {
            "agc": self.nombre(lambda f: f.agc),
            "acf": self.nombre(lambda f: f.acf),
            "evs": self.nombre(lambda f: f.evs),
            "projet_social": self.nombre(lambda f: f.projet_social),
            "ag": self.nombre(lambda f: f.ag_ordinaire),
            "comptes_approuves": self.nombre(lambda f: f.ag_ordinaire and f.ag_ordinaire.comptes_approuves),
            "partenaires": self.nombre(lambda f: f.partenaires),
            "multipartenariales": self.nombre(lambda f: f.conventions_multipartenariales),
        }


def donnees_des_centres(annee, *, exercice):
    """Every centre open (or with figures for `exercice`) and its records for the report of `annee`, in a
    fixed number of queries: the centres, their figures of the trend's years, agréments, projets
    sociaux, general assemblies, partners, conventions and their parties, director and president."""
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    centres = Centre.objects.exclude(statut=Centre.Statut.FERME)
    if exercice is not None:  # a centre closed since still has its sheet, for the year it has figures
        centres |= Centre.objects.filter(pk__in=IndicateursAnnuels.objects.filter(annee=exercice).values("centre_id"))
    centres = centres.select_related("organisation").order_by("nom", "pk")
    fiches = {c.pk: FicheCentre(centre=c, exercice=exercice) for c in centres}
    ids = list(fiches)

    if exercice is not None:
        annees = range(exercice - ANNEES_DE_TENDANCE + 1, exercice + 1)
        for indicateurs in IndicateursAnnuels.objects.filter(centre__in=ids, annee__in=annees):
            fiches[indicateurs.centre_id].indicateurs[indicateurs.annee] = indicateurs
    agrements = Agrement.objects.accordes().filter(centre__in=ids, debut__lte=fin, fin__gte=debut)
    for agrement in agrements.order_by("-fin", "pk"):
        fiches[agrement.centre_id].agrements.append(agrement)
    projets = Document.objects.filter(centre__in=ids, type=Document.Type.PROJET_SOCIAL)
    for document in projets.order_by("depose_le", "pk"):  # the last filed wins
        fiches[document.centre_id].projet_social = document
    for ag in AssembleeGenerale.objects.filter(centre__in=ids, date__range=(debut, fin)).order_by("date", "pk"):
        fiches[ag.centre_id].assemblees.append(ag)
    liens = CentrePartenaire.objects.filter(centre__in=ids).select_related("organisation")
    for lien in liens.order_by("organisation__nom", "pk"):
        fiches[lien.centre_id].partenaires.append(lien.organisation)
    parties = Prefetch("parties", queryset=Partie.objects.select_related("organisation").order_by("pk"))
    conventions = Convention.objects.signees().couvrant(annee).filter(centre__in=ids)
    for convention in conventions.select_related("centre").prefetch_related(parties).order_by("debut", "pk"):
        fiches[convention.centre_id].conventions.append(convention)
    qualites = [Contact.Qualite.DIRECTEUR, Contact.Qualite.PRESIDENT]
    for contact in Contact.objects.filter(centre__in=ids, qualite__in=qualites).order_by("-pk"):
        fiches[contact.centre_id].contacts.setdefault(contact.qualite, contact)  # the last entered
    return DonneesCentres(annee=annee, exercice=exercice, fiches=list(fiches.values()))


# --- The charts ----------------------------------------------------------------------------------


def _euros_entiers(valeur):
    """Amounts on a chart: whole euros (the tables beside give the cents)."""
    return formats.nombre(Decimal(valeur).quantize(Decimal("1")))


EUROS = {"unite": "€", "format_valeur": _euros_entiers}


def _graphiques_reseau(chiffres, donnees):
    """The network's charts: the grants voted per centre, and per centre its volunteers, its full-time
    equivalents and its result of the exercise."""
    courts = {f.centre.pk: f.centre.libelle_court for f in donnees.fiches}
    subventions = [c for b in chiffres.subventions.beneficiaires for c in b.centres]
    exercice = donnees.exercice
    avec_chiffres = [(f.centre.libelle_court, f.indicateurs[exercice]) for f in donnees.fiches if f.chiffres(exercice)]
    return {
        "subventions": graphiques.barres(
            [(courts.get(c.centre_id, c.nom), c.total.vote) for c in subventions],
            titre=f"Subventions votées par la Ville pour {donnees.annee}, par centre",
            ident="subventions-par-centre",
            **EUROS,
        ),
        "benevoles": graphiques.barres(
            [(nom, i.benevoles) for nom, i in avec_chiffres],
            titre=f"Bénévoles d'activité par centre en {exercice}",
            ident="benevoles-par-centre",
        ),
        "etp": graphiques.barres(
            [(nom, i.etp) for nom, i in avec_chiffres],
            titre=f"Équivalents temps plein par centre en {exercice}",
            ident="etp-par-centre",
        ),
        "resultats": graphiques.barres(
            [(nom, i.resultat) for nom, i in avec_chiffres],
            titre=f"Résultat de l'exercice {exercice} par centre",
            description="Produits moins charges ; un résultat négatif est un déficit.",
            ident="resultats-par-centre",
            **EUROS,
        ),
    }


PUBLICS = [("usagers", "Usagers"), ("familles_adherentes", "Familles adhérentes"), ("benevoles", "Bénévoles")]


def _graphiques_fiche(fiche, annees, exercice):
    """A centre's sheet: its publics over the trend's years, and its produits of the exercise by funder."""
    ident = f"centre-{fiche.centre.pk}"
    series = [
        graphiques.Serie(libelle, [getattr(fiche.chiffres(a), nom, None) for a in annees]) for nom, libelle in PUBLICS
    ]
    indicateurs = fiche.chiffres(exercice)
    return {
        "publics": graphiques.courbes(
            annees,
            series,
            titre=f"{fiche.centre.nom} : usagers, familles adhérentes et bénévoles par année",
            largeur=330,
            hauteur=170,
            depuis_zero=True,
            ident=f"{ident}-publics",
        ),
        "produits": graphiques.barres(
            [(libelle, getattr(indicateurs, nom)) for nom, libelle in FINANCEURS] if indicateurs else [],
            titre=f"{fiche.centre.nom} : produits {exercice} par financeur",
            largeur=330,
            ident=f"{ident}-produits",
            **EUROS,
        ),
    }


# --- The report ----------------------------------------------------------------------------------


def contexte_pdf(annee, *, edite_le, lecteur):
    """Everything the report of `annee` shows, as of `edite_le`: the dashboard's figures as `lecteur` reads
    them (`chiffres_de_l_annee`), the centres' records of the year and their figures of the exercise
    (the year of the dashboard's centres' figures: the last known up to `annee`), and the charts."""
    chiffres = chiffres_de_l_annee(annee, user=lecteur, jour=edite_le)
    donnees = donnees_des_centres(annee, exercice=chiffres.centres.annee)
    subventions = {c.centre_id: c for b in chiffres.subventions.beneficiaires for c in b.centres}
    niveaux = {n.centre_id: n for n in chiffres.veille.centres}
    for fiche in donnees.fiches:
        fiche.subventions = subventions.get(fiche.centre.pk)
        fiche.niveau_veille = niveaux.get(fiche.centre.pk)
        fiche.graphiques = _graphiques_fiche(fiche, donnees.annees, donnees.exercice)
        fiche.etat_agc = fiche.agc.etat(edite_le) if fiche.agc else ""
    totaux = donnees.totaux
    # The network's key figures of the exercise and their trend: the dashboard's, never added up again.
    cles = chiffres.centres.total.chiffres if chiffres.centres.total else {}
    produits = cles["produits_total"].valeur if cles else ZERO
    return {
        "annee": annee,
        "edite_le": edite_le,
        "chiffres": chiffres,
        "donnees": donnees,
        "exercice": donnees.exercice,
        "exercice_precedent": donnees.exercice - 1 if donnees.exercice else None,
        "chiffres_cles": [
            {"code": code, "libelle": libelle, "argent": argent, "evolution": cles[code]}
            for code, libelle, argent in chiffres.centres.cles
            if code in cles
        ],
        "cles": cles,
        "colonnes_natures": len(chiffres.subventions.natures) + 1,
        "totaux": totaux,
        "projets": donnees.projets,
        "financeurs": [(libelle, totaux[nom], part(totaux[nom], produits)) for nom, libelle in FINANCEURS],
        "part_ville": part(totaux["produits_ville"], produits),
        "part_masse_salariale": part(totaux["masse_salariale"], totaux["charges_total"]),
        "graphiques": _graphiques_reseau(chiffres, donnees),
    }
