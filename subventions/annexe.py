"""The budget annex of CGCT L2313-1, 2° (SUB-7): the list of the aid (« concours ») the city grants to third
parties in cash or in kind, by beneficiary, for a year, as annexed to its budget and its accounts
(compte administratif, compte financier unique), on the model of the M57 state « Liste des concours
attribués à des tiers en nature ou en subventions »: the beneficiary's name and legal nature, its
SIRET and RNA, the object of each aid, the cash amount, the value of the aid in kind, the total.

Its figures are those of the open-data file and of the 23 000 € rule, read once in
`subventions.concours`: the cash of a beneficiary is its grants voted for the year, its in-kind aid
the premises its centres occupy, valued (LOC-2), and the city's other in-kind commitments in its
conventions. Unlike the open-data file, a beneficiary without SIRET or RNA is listed (the annex
lists every aid granted; the number is shown as missing); the centres the city runs itself are not
third parties, and an aid of 0 € is no aid.

The page, the XLSX file and the PDF (rendered by a Celery task, subventions.services) are built from one `Annexe`.
"""

from dataclasses import dataclass
from decimal import Decimal

from conventions.services import valeur_locaux

from .concours import concours_de_l_annee
from .models import ZERO


@dataclass(frozen=True)
class LigneAnnexe:
    """One aid: a grant voted (cash), a premises lent or the rest of the in-kind aid (valued)."""

    objet: str
    numeraire: Decimal = ZERO
    nature: Decimal = ZERO
    detail: str = ""  # how it is valued (premises), its decision (grant)
    imputation: str = ""  # chapitre / compte / fonction (M57), for a grant
    demande: object = None  # the grant, for its link

    @property
    def total(self):
        return self.numeraire + self.nature

    @property
    def genre(self):
        return "Subvention en numéraire" if self.demande is not None else "Aide en nature"


@dataclass(frozen=True)
class BeneficiaireAnnexe:
    nom: str
    nature_juridique: str
    siret: str
    rna: str
    centres: list
    lignes: list
    aide: object  # conventions.services.AideAnnuelle: the figures of the 23 000 € rule

    @property
    def numeraire(self):
        return self.aide.numeraire

    @property
    def nature(self):
        return self.aide.nature

    @property
    def total(self):
        return self.aide.total


@dataclass(frozen=True)
class Annexe:
    annee: int
    beneficiaires: list

    @property
    def numeraire(self):
        return sum((b.numeraire for b in self.beneficiaires), ZERO)

    @property
    def nature(self):
        return sum((b.nature for b in self.beneficiaires), ZERO)

    @property
    def total(self):
        return sum((b.total for b in self.beneficiaires), ZERO)

    @property
    def nombre_lignes(self):
        return sum(len(b.lignes) for b in self.beneficiaires)


def _imputation(ligne):
    if ligne is None:
        return ""
    return " / ".join([ligne.chapitre, ligne.compte, ligne.fonction or "—"])


def _ligne_subvention(demande):
    decision = f"Délibération n° {demande.deliberation_numero}" if demande.deliberation_numero else ""
    if decision and demande.date_vote:
        decision += f" du {demande.date_vote:%d/%m/%Y}"
    return LigneAnnexe(
        objet=f"{demande.objet} ({demande.get_nature_display().lower()}, {demande.centre.libelle_court})",
        numeraire=demande.montant_vote,
        detail=decision,
        imputation=_imputation(demande.ligne_budgetaire),
        demande=demande,
    )


def _lignes_nature(beneficiaire, annee):
    """The premises lent in `annee`, each with its value, then the rest of the in-kind aid of the year
    (the rooms of the Espace Linné lent free or below their price, LOC-2; the conventions' in-kind
    commitments), so that the lines add up to the beneficiary's in-kind aid."""
    locaux = beneficiaire.locaux
    lignes = [
        LigneAnnexe(
            objet=f"Mise à disposition de locaux : {local.nom} ({local.adresse})",
            nature=local.avantage_pour(annee),
            detail=local.calcul_avantage(annee),
        )
        for local in locaux
        if local.avantage_pour(annee) > 0
    ]
    prets = beneficiaire.aide.prets_de_salles
    if prets > 0:
        lignes.append(
            LigneAnnexe(
                objet="Prêts de salles de l'Espace Linné (gratuits ou sous le tarif)",
                nature=prets,
                detail="valeur au tarif des salles moins le montant facturé",
            )
        )
    autres = beneficiaire.aide.nature - valeur_locaux(locaux, annee) - prets
    if autres > 0:
        convention = beneficiaire.aide.convention
        lignes.append(
            LigneAnnexe(
                objet="Autres aides en nature prévues par convention",
                nature=autres,
                detail=f"{convention} — {convention.objet}" if convention else "",
            )
        )
    return lignes


def _nature_juridique(centre):
    if centre.organisation_id:
        return centre.organisation.get_nature_display()
    return centre.get_forme_juridique_display()


def annexe_de(annee):
    """The annex of `annee`: its beneficiaries by name, each with its lines, in a fixed number of queries."""
    concours = concours_de_l_annee(annee)
    beneficiaires = []
    for beneficiaire in concours.beneficiaires.values():
        if beneficiaire.municipal or beneficiaire.aide.total <= 0:
            continue
        lignes = [_ligne_subvention(d) for d in beneficiaire.demandes if d.montant_vote]
        centre = beneficiaire.centre
        beneficiaires.append(
            BeneficiaireAnnexe(
                nom=beneficiaire.nom,
                nature_juridique=_nature_juridique(centre),
                siret=centre.siret_beneficiaire,
                rna=next((c.rna for c in beneficiaire.membres if c.rna), ""),
                centres=beneficiaire.membres,
                lignes=lignes + _lignes_nature(beneficiaire, annee),
                aide=beneficiaire.aide,
            )
        )
    beneficiaires.sort(key=lambda b: (b.nom.casefold(), b.centres[0].pk))
    return Annexe(annee=annee, beneficiaires=beneficiaires)


# --- The XLSX file: the annex as the M57 state lays it out, and its detail --------------------------

TITRES_ANNEXE = [
    "Bénéficiaire",
    "Nature juridique",
    "SIRET",
    "RNA",
    "Objet des concours",
    "Subventions en numéraire (€)",
    "Prestations en nature (€)",
    "Total (€)",
]
TITRES_DETAIL = [
    "Bénéficiaire",
    "SIRET",
    "Genre",
    "Objet",
    "Décision ou valorisation",
    "Imputation (chapitre / compte / fonction)",
    "Numéraire (€)",
    "En nature (€)",
    "Total (€)",
]


def lignes_par_beneficiaire(annexe):
    for b in annexe.beneficiaires:
        objets = " ; ".join(ligne.objet for ligne in b.lignes)
        yield [b.nom, b.nature_juridique, b.siret, b.rna, objets, b.numeraire, b.nature, b.total]
    nombre = f"{len(annexe.beneficiaires)} bénéficiaire(s)"
    yield ["Total", "", "", "", nombre, annexe.numeraire, annexe.nature, annexe.total]


def lignes_detail(annexe):
    for b in annexe.beneficiaires:
        for ligne in b.lignes:
            yield [
                b.nom,
                b.siret,
                ligne.genre,
                ligne.objet,
                ligne.detail,
                ligne.imputation,
                ligne.numeraire,
                ligne.nature,
                ligne.total,
            ]
        yield [f"Sous-total {b.nom}", "", "", "", "", "", b.numeraire, b.nature, b.total]
    yield ["Total général", "", "", "", "", "", annexe.numeraire, annexe.nature, annexe.total]
