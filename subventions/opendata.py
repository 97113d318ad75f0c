"""Open data: the grants of a year in the national SCDL « subventions » format, v2.1.1 (OD-1..5, SUB-9).

One row per voted grant (« aide en numéraire », the voted amount), plus one row per beneficiary for
the city's valued in-kind aid of the year (« aide en nature », OD-3): the premises its centres occupy
(LOC-2) and the in-kind commitments of its conventions, when above zero.

Choices, documented here because the format leaves them open:
- the year is the financed year (`DemandeSubvention.annee`), the city's *exercice*;
- the attributor is `settings.VILLE_NOM` / `settings.VILLE_SIRET`; without a valid SIRET there is
  no export at all (`ExportImpossible`), never a guessed value;
- the beneficiary is identified by its SIRET (`idBeneficiaire`) and its RNA number
  (`rnaBeneficiaire`, new in 2.1.1: the RNA of one of its centres), whichever are valid; a row with
  neither is left out, and so are the grants voted at 0 € and the aid of the centres the city runs
  itself (not a grant); each is listed in `ExportSCDL.ecartees` with its reason, for the team;
- grants of 23 000 € or less are published too: the law requires only the conventions above
  (SUB-9), the schema allows the others (OD-1);
- `dispositifAide` (2.1.1): the identifier of the grant's dispositif, when it has one;
- `dateConvention`: the date the city signed the convention covering the grant (the request's
  own convention, else the signed convention covering the year), else the vote date; for the
  in-kind row, that convention's date, else the start of the occupation of the premises in the
  year, else 1 January;
- `conditionsVersement`: « unique » with at most one payment, « échelonné » with several;
  « autre » for in-kind aid (no payment); `datesPeriodeVersement` spans the first and last
  payments (the vote date when none yet), the year's occupation for in-kind aid.

The file is checked at run time by `verifier`, the project's own reading of the schema (types,
required fields, patterns, lengths, lists, bounds) and of its custom checks that frictionless does not
run by itself (the SIRET's Luhn key, one of SIRET or RNA per row): frictionless is a development
dependency only, used by the tests to confirm the file against the same schema.
"""

import csv
import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Min, Prefetch, Q, prefetch_related_objects

from centres.models import Centre
from comptes.models import Organisation
from conventions.models import AvenantMontant, Convention, EngagementAnnuel, Partie
from conventions.services import consolider, valeur_locaux
from roubaix_cs.seuils import DONNEES_ESSENTIELLES_DELAI_MOIS, DONNEES_ESSENTIELLES_DEPUIS, DONNEES_ESSENTIELLES_SEUIL
from roubaix_cs.validators import RNA_RE, SIRET_RE, luhn_valide, valider_siret

from .concours import cle_beneficiaire, concours_de_l_annee
from .models import DemandeSubvention, PublicationDonnees
from .services import signature_ville

SCDL_VERSION = "2.1.1"
SCHEMA = Path(__file__).resolve().parent / "schemas" / f"scdl-subventions-{SCDL_VERSION}.schema.json"
OBJET_MAX = 256
NUMERAIRE = "aide en numéraire"
NATURE = "aide en nature"
ZERO = Decimal("0")


@cache
def schema():
    """The SCDL « subventions » table schema (frictionless), shipped with the app."""
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


# The columns of the schema, in its order.
CHAMPS = [champ["name"] for champ in schema()["fields"]]


class ExportImpossible(Exception):
    """The export cannot be produced (the city's identity is not configured); French message."""

    def __init__(self, message, *, manquant=False):
        super().__init__(message)
        self.manquant = manquant  # no SIRET at all (else an invalid one)


@dataclass(frozen=True)
class Ecartee:
    """A row the file leaves out, and why: shown to the team, who can complete the record."""

    cle: str  # "demande:<pk>" or "centre:<pk>"
    beneficiaire: str
    objet: str
    montant: Decimal
    motif: str
    url: str  # where to complete it

    def __str__(self):
        return f"{self.beneficiaire} ({self.objet}) : {self.motif}"


@dataclass
class ExportSCDL:
    annee: int
    lignes: list = field(default_factory=list)  # dicts keyed by CHAMPS
    ecartees: list = field(default_factory=list)  # Ecartee

    @property
    def total(self):
        return sum((Decimal(ligne["montant"]) for ligne in self.lignes), ZERO)


def attribuant():
    """(name, SIRET) of the city, from the settings; ExportImpossible when the SIRET is missing or invalid."""
    siret = (settings.VILLE_SIRET or "").strip()
    if not siret:
        raise ExportImpossible(
            "Le SIRET de la Ville n'est pas configuré (réglage VILLE_SIRET) : l'export open data est impossible.",
            manquant=True,
        )
    try:
        valider_siret(siret)
    except ValidationError as erreur:
        raise ExportImpossible(
            f"Le SIRET de la Ville configuré (VILLE_SIRET = {siret}) est invalide : {erreur.messages[0]}"
        ) from None
    return settings.VILLE_NOM, siret


def _siret_valide(siret):
    return bool(SIRET_RE.match(siret or "")) and luhn_valide(siret)


def _identifiants(membres):
    """(SIRET, RNA) of the beneficiary whose centres are `membres`, each "" unless valid."""
    siret = membres[0].siret_beneficiaire
    rna = next((centre.rna for centre in membres if RNA_RE.match(centre.rna or "")), "")
    return (siret if _siret_valide(siret) else ""), rna


def _motif_ecart(membres, siret, rna, montant_):
    """Why a row is left out, in French; None when it is published."""
    if all(centre.gestion == Centre.Gestion.MUNICIPALE for centre in membres):
        return "centre géré par la Ville elle-même : ses moyens ne sont pas une subvention"
    if not siret and not rna:
        brut = membres[0].siret_beneficiaire
        if brut:
            return f"SIRET « {brut} » invalide et aucun numéro RNA : au moins l'un des deux est exigé"
        return "ni SIRET ni numéro RNA : au moins l'un des deux est exigé"
    if montant_ <= 0:
        return "montant nul : aucune aide à publier"
    return None


def _objet(texte):
    texte = " ".join(texte.split())
    return texte if len(texte) <= OBJET_MAX else texte[: OBJET_MAX - 1] + "…"


def _montant(valeur):
    return f"{valeur:.2f}"


def _periode(debut, fin):
    if fin is None or fin == debut:
        return debut.isoformat()
    return f"{debut.isoformat()}/{fin.isoformat()}"


def _ligne(nom, siret, beneficiaire, identifiants, **champs):
    id_beneficiaire, rna = identifiants
    return {
        "nomAttribuant": nom,
        "idAttribuant": siret,
        "nomBeneficiaire": beneficiaire,
        "idBeneficiaire": id_beneficiaire,
        "rnaBeneficiaire": rna,
        "referenceDecision": "",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
        **champs,
    }


def lignes_scdl(annee):
    """The SCDL rows of `annee`, sorted by beneficiary, cash before in kind. A fixed number of queries,
    whatever the number of beneficiaries, grants or payments."""
    nom, siret = attribuant()
    export = ExportSCDL(annee=annee)
    concours = concours_de_l_annee(annee)
    groupes = {cle: beneficiaire.membres for cle, beneficiaire in concours.beneficiaires.items()}
    aides = {cle: beneficiaire.aide for cle, beneficiaire in concours.beneficiaires.items()}
    demandes = concours.demandes
    for demande in demandes:
        membres = groupes[cle_beneficiaire(demande.centre)]
        beneficiaire, identifiants = demande.centre.nom_beneficiaire, _identifiants(membres)
        if motif := _motif_ecart(membres, *identifiants, demande.montant_vote or ZERO):
            export.ecartees.append(
                Ecartee(
                    f"demande:{demande.pk}",
                    beneficiaire,
                    demande.objet,
                    demande.montant_vote or ZERO,
                    motif,
                    demande.get_absolute_url(),
                )
            )
            continue
        aide = aides[cle_beneficiaire(demande.centre)]
        export.lignes.append(_ligne(nom, siret, beneficiaire, identifiants, **_numeraire(demande, aide)))
    for cle, membres in groupes.items():
        aide = aides[cle]
        if aide.nature <= 0:
            continue
        beneficiaire, identifiants = membres[0].nom_beneficiaire, _identifiants(membres)
        if motif := _motif_ecart(membres, *identifiants, aide.nature):
            export.ecartees.append(
                Ecartee(
                    f"centre:{membres[0].pk}",
                    beneficiaire,
                    "aide en nature",
                    aide.nature,
                    motif,
                    membres[0].get_absolute_url(),
                )
            )
            continue
        locaux = [local for centre in membres for local in centre.locaux.all()]
        export.lignes.append(_ligne(nom, siret, beneficiaire, identifiants, **_nature(locaux, aide, annee)))
    export.lignes.sort(key=lambda ligne: (ligne["nomBeneficiaire"], ligne["nature"] != NUMERAIRE))
    return export


def _numeraire(demande, aide):
    convention = demande.convention if demande.convention and signature_ville(demande.convention) else None
    convention = convention or aide.convention
    if demande.nombre_versements:
        premier, dernier = demande.premier_versement, demande.dernier_versement
    else:
        premier, dernier = demande.date_vote, None
    return {
        "dateConvention": (signature_ville(convention) if convention else demande.date_vote).isoformat(),
        "referenceDecision": demande.deliberation_numero,
        "objet": _objet(demande.objet),
        "montant": _montant(demande.montant_vote),
        "nature": NUMERAIRE,
        "conditionsVersement": "échelonné" if demande.nombre_versements > 1 else "unique",
        "datesPeriodeVersement": _periode(premier, dernier),
        "dispositifAide": demande.dispositif.identifiant if demande.dispositif else "",
    }


def _nature(locaux, aide, annee):
    """The in-kind row of a beneficiary: the premises its centres occupy in `annee`, and the rest."""
    debut_annee, fin_annee = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
    locaux = [
        local
        for local in locaux
        if (local.debut is None or local.debut <= fin_annee) and (local.fin is None or local.fin >= debut_annee)
    ]
    debut = max([debut_annee, *(local.debut for local in locaux if local.debut)])
    fins = [local.fin for local in locaux]
    fin = fin_annee if not fins or None in fins else min(fin_annee, max(fins))
    parts = []
    if valeur_locaux(locaux, annee) > 0:
        parts.append("mise à disposition de locaux (" + ", ".join(local.nom for local in locaux) + ")")
    if aide.prets_de_salles > 0:
        parts.append("prêts de salles de l'Espace Linné")
    if aide.nature - aide.prets_de_salles > valeur_locaux(locaux, annee):
        parts.append("autres aides en nature prévues par convention")
    date_convention = signature_ville(aide.convention) if aide.convention else debut
    return {
        "dateConvention": date_convention.isoformat(),
        "objet": _objet(f"Aides en nature {annee} valorisées : " + " ; ".join(parts)),
        "montant": _montant(aide.nature),
        "nature": NATURE,
        "conditionsVersement": "autre",
        "datesPeriodeVersement": _periode(debut, fin),
    }


# --- The CSV file ---------------------------------------------------------------------------------


class _Echo:
    """A file-like object for csv.writer that hands each line back, to stream it."""

    def write(self, value):
        return value


def lignes_csv(lignes):
    """The file, line by line (OD-4: UTF-8 without BOM, comma separator, CRLF, the schema's header)."""
    writer = csv.DictWriter(_Echo(), fieldnames=CHAMPS, lineterminator="\r\n")
    yield writer.writerow({champ: champ for champ in CHAMPS})
    for ligne in lignes:
        yield writer.writerow(ligne)


def empreinte(lignes):
    """The SHA-256 of the CSV file of these rows, as downloaded."""
    sha = hashlib.sha256()
    for texte in lignes_csv(lignes):
        sha.update(texte.encode("utf-8"))
    return sha.hexdigest()


# --- OD-4: the file checked against the schema, at run time ---------------------------------------

# What each pattern of the schema asks, in words.
FORMES = {
    "idAttribuant": "14 chiffres attendus (un SIRET)",
    "idBeneficiaire": "14 chiffres attendus (un SIRET)",
    "rnaBeneficiaire": "la lettre W suivie de 9 chiffres attendue (un numéro RNA)",
    "datesPeriodeVersement": "une date AAAA-MM-JJ ou une période AAAA-MM-JJ/AAAA-MM-JJ attendue",
}
NOMBRE_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _erreur_valeur(champ, valeur):
    """What is wrong with `valeur` in the column described by `champ` (the schema's field), or None."""
    contraintes = champ.get("constraints", {})
    if valeur == "":
        return "valeur obligatoire manquante." if contraintes.get("required") else None
    if champ["type"] == "date":
        try:
            datetime.date.fromisoformat(valeur)
            if not DATE_RE.match(valeur):
                raise ValueError
        except ValueError:
            return f"« {valeur} » n'est pas une date au format AAAA-MM-JJ."
    nombre = None
    if champ["type"] == "number":
        try:
            if not NOMBRE_RE.match(valeur):
                raise InvalidOperation
            nombre = Decimal(valeur)
        except InvalidOperation:
            return f"« {valeur} » n'est pas un nombre (le séparateur décimal est le point)."
    if champ["type"] == "boolean":
        permises = champ.get("trueValues", []) + champ.get("falseValues", [])
        if valeur not in permises:
            return f"« {valeur} » : " + " ou ".join(f"« {v} »" for v in permises) + " attendu."
    if (motif := contraintes.get("pattern")) and not re.match(motif, valeur):
        return f"« {valeur} » : {FORMES.get(champ['name'], 'la valeur n’a pas la forme attendue')}."
    if (longueur := contraintes.get("maxLength")) and len(valeur) > longueur:
        return f"{len(valeur)} caractères, pour {longueur} au plus."
    if (liste := contraintes.get("enum")) and valeur not in liste:
        return f"« {valeur} » n'est pas permis ; valeurs possibles : " + ", ".join(f"« {v} »" for v in liste) + "."
    if nombre is not None and "minimum" in contraintes and nombre < Decimal(str(contraintes["minimum"])):
        return f"{valeur} est inférieur au minimum permis ({contraintes['minimum']})."
    if nombre is not None and "maximum" in contraintes and nombre > Decimal(str(contraintes["maximum"])):
        return f"{valeur} est supérieur au maximum permis ({contraintes['maximum']})."
    return None


def _erreurs_personnalisees(ligne, titres):
    """The schema's custom checks, which frictionless does not run by itself."""
    for controle in schema().get("custom_checks", []):
        params = controle["params"]
        valeur = ligne.get(params["column"]) or ""
        if controle["name"] == "french-siret-value" and SIRET_RE.match(valeur) and not luhn_valide(valeur):
            yield f"« {titres[params['column']]} » : la clé de contrôle du SIRET {valeur} est fausse."
        elif controle["name"] == "one-of-required" and not valeur and not ligne.get(params["column2"]):
            yield (
                f"il faut « {titres[params['column']]} » ou « {titres[params['column2']]} » (au moins l'un des deux)."
            )


def verifier(lignes, entete=None):
    """OD-4: the French errors of the file of these rows against the SCDL schema and its custom checks;
    an empty list when the file is valid. Lines are numbered as in the file (the header is line 1)."""
    champs = schema()["fields"]
    titres = {champ["name"]: champ["title"] for champ in champs}
    erreurs = []
    if list(entete if entete is not None else CHAMPS) != CHAMPS:
        erreurs.append("Les colonnes du fichier ne sont pas celles du modèle national, dans son ordre.")
    for numero, ligne in enumerate(lignes, start=2):
        for champ in champs:
            if message := _erreur_valeur(champ, ligne.get(champ["name"]) or ""):
                erreurs.append(f"Ligne {numero}, « {champ['title']} » : {message}")
        erreurs.extend(f"Ligne {numero} : {message}" for message in _erreurs_personnalisees(ligne, titres))
    return erreurs


# --- SUB-9: the conventions above 23 000 €, published within 3 months of their signature -----------


def echeance_publication(signature):
    """SUB-9: the data of a convention are published within 3 months of its signature."""
    return signature + relativedelta(months=DONNEES_ESSENTIELLES_DELAI_MOIS)


@dataclass(frozen=True)
class ConventionAPublier:
    convention: Convention
    signature: datetime.date  # the city's
    montant: Decimal  # the city's aid the convention states over its term, in cash and in kind
    premiere_annee: int
    derniere_annee: int  # avenants applied
    publication: PublicationDonnees | None  # the first publication covering it, if any

    @property
    def echeance(self):
        return echeance_publication(self.signature)

    @property
    def annee_a_publier(self):
        """The file that first carries its data: the year of its signature, within its term."""
        return min(max(self.premiere_annee, self.signature.year), self.derniere_annee)

    @property
    def publiee_a_temps(self):
        return self.publication is not None and self.publication.date <= self.echeance


def _couvre(publication, signature, premiere, derniere):
    """A publication covers a convention when it is of one of its years and dated on or after its signature."""
    return premiere <= publication.annee <= derniere and publication.date >= signature


def conventions_a_publier(*, annee=None, ouvertes=False):
    """SUB-9: the conventions signed by the city since 1 August 2017 whose aid from the city is above
    23 000 €, with their deadline and the publication that covers them. `annee`: those covering that
    year only; `ouvertes`: those no publication covers yet. A fixed number of queries."""
    conventions = list(
        Convention.objects.signees()
        .filter(
            pk__in=Partie.objects.filter(
                organisation__nature=Organisation.Nature.VILLE, date_signature__gte=DONNEES_ESSENTIELLES_DEPUIS
            ).values("convention")
        )
        .annotate(
            signature=Min("parties__date_signature", filter=Q(parties__organisation__nature=Organisation.Nature.VILLE))
        )
        .select_related("centre")
        .order_by("debut", "pk")
    )
    if annee is not None:  # a later end set by an avenant is checked below
        conventions = [c for c in conventions if c.debut.year <= annee]
    if not conventions:
        return []
    publications = list(PublicationDonnees.objects.order_by("date", "pk"))
    if ouvertes:  # cheap first pass on the convention's own end, before consolidating the rest
        conventions = [
            c for c in conventions if not any(_couvre(p, c.signature, c.debut.year, c.fin.year) for p in publications)
        ]
    # Only the city's lines count here: its engagements and the avenants' amounts for it (a line is per
    # year and funder, so the others change none of them); the rows read fall by the other funders'.
    ville = Q(financeur__nature=Organisation.Nature.VILLE)
    prefetch_related_objects(
        conventions,
        Prefetch("engagements", queryset=EngagementAnnuel.objects.filter(ville).select_related("financeur")),
        "locaux",
        "avenants",
        Prefetch("avenants__montants", queryset=AvenantMontant.objects.filter(ville).select_related("financeur")),
    )
    resultat = []
    for convention in conventions:
        etat = consolider(convention)
        montant_ = sum(
            (ligne.total for ligne in etat.lignes if ligne.financeur.nature == Organisation.Nature.VILLE), ZERO
        )
        premiere, derniere = convention.debut.year, etat.fin.year
        if montant_ <= DONNEES_ESSENTIELLES_SEUIL or (annee is not None and annee > derniere):
            continue
        publication = next(
            (p for p in publications if _couvre(p, convention.signature, premiere, derniere)),
            None,
        )
        if ouvertes and publication is not None:
            continue
        resultat.append(ConventionAPublier(convention, convention.signature, montant_, premiere, derniere, publication))
    return resultat


# --- The open-data page and its publications (OD-5) -----------------------------------------------


@dataclass
class EtatDonneesOuvertes:
    """What the file of `annee` publishes, leaves out, and whether it is valid; the SUB-9 conventions."""

    annee: int
    export: ExportSCDL | None
    impossible: ExportImpossible | None
    erreurs: list
    conventions: list
    publications: list

    @property
    def valide(self):
        return self.export is not None and not self.erreurs


def etat_donnees_ouvertes(annee, *, fichier=True, conventions=True):
    """The page's state; `fichier`, `conventions`: False leaves that part out (a list shown whole needs one)."""
    export, impossible = None, None
    if fichier:
        try:
            export = lignes_scdl(annee)
        except ExportImpossible as erreur:
            impossible = erreur
    return EtatDonneesOuvertes(
        annee=annee,
        export=export,
        impossible=impossible,
        erreurs=verifier(export.lignes) if export else [],
        conventions=conventions_a_publier(annee=annee) if conventions else [],
        publications=list(
            PublicationDonnees.objects.filter(annee=annee).select_related("publiee_par").order_by("-date", "-pk")
        ),
    )


def annees_publiables(jour):
    """The years of voted grants, and the current one, most recent first."""
    annees = set(DemandeSubvention.objects.votees().order_by().values_list("annee", flat=True).distinct())
    return sorted(annees | {jour.year}, reverse=True)


def enregistrer_publication(*, annee, date, adresse, par):
    """OD-5: record that the file of `annee`, as it stands now, was published on `date` at `adresse`:
    its rows, total and SHA-256 are computed here, never typed. Refused when the file cannot be
    produced, is empty or is not valid against the schema."""
    try:
        export = lignes_scdl(annee)
    except ExportImpossible as erreur:
        raise ValidationError(str(erreur)) from None
    if not export.lignes:
        raise ValidationError(f"Le fichier de l'exercice {annee} n'a aucune ligne : il n'y a rien à publier.")
    if verifier(export.lignes):
        raise ValidationError(
            f"Le fichier de l'exercice {annee} n'est pas conforme au modèle national : "
            "corrigez les erreurs listées avant de le publier."
        )
    return PublicationDonnees.objects.create(
        annee=annee,
        date=date,
        adresse=adresse,
        publiee_par=par,
        nombre_lignes=len(export.lignes),
        total=export.total,
        sha256=empreinte(export.lignes),
    )
