"""Open data: the grants of a year in the national SCDL « subventions » format (OD-1..5, SUB-9).

One row per voted grant (« aide en numéraire », the voted amount), plus one row per centre for
the city's valued in-kind aid of the year (« aide en nature », OD-3): the premises it occupies
(LOC-2) and the in-kind commitments of its conventions, when above zero.

Choices, documented here because the format leaves them open:
- the year is the financed year (`DemandeSubvention.annee`), the city's *exercice*;
- the attributor is `settings.VILLE_NOM` / `settings.VILLE_SIRET`; without a valid SIRET there is
  no export at all (`ExportImpossible`), never a guessed value;
- `idBeneficiaire` is required by the schema (v2.0.1): a row whose beneficiary has no valid
  SIRET is left out, and listed in `ExportSCDL.ecartees` (the view logs them and names them in
  the `X-SCDL-Lignes-Ecartees` header) so that the team completes the SIRET and exports again;
- `dateConvention`: the date the city signed the convention covering the grant (the request's
  own convention, else the signed convention covering the year), else the vote date; for the
  in-kind row, that convention's date, else the start of the occupation of the premises in the
  year, else 1 January;
- `conditionsVersement`: « unique » with at most one payment, « échelonné » with several;
  « autre » for in-kind aid (no payment); `datesPeriodeVersement` spans the first and last
  payments (the vote date when none yet), the year's occupation for in-kind aid.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q

from centres.models import Centre
from conventions.models import Convention
from conventions.services import aides_annuelles, valeur_locaux
from roubaix_cs.validators import valider_siret

from .models import DemandeSubvention, Versement
from .services import signature_ville

# The columns of schema.data.gouv.fr scdl/subventions, in the schema's order.
CHAMPS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
]
OBJET_MAX = 256
NUMERAIRE = "aide en numéraire"
NATURE = "aide en nature"
ZERO = Decimal("0")


class ExportImpossible(Exception):
    """The export cannot be produced (the city's identity is not configured); French message."""


@dataclass
class ExportSCDL:
    annee: int
    lignes: list = field(default_factory=list)  # dicts keyed by CHAMPS
    ecartees: list = field(default_factory=list)  # (key, French reason) of the rows left out


def attribuant():
    """(name, SIRET) of the city, from the settings; ExportImpossible when the SIRET is missing or invalid."""
    siret = (settings.VILLE_SIRET or "").strip()
    if not siret:
        raise ExportImpossible(
            "Le SIRET de la Ville n'est pas configuré (réglage VILLE_SIRET) : l'export open data est impossible."
        )
    try:
        valider_siret(siret)
    except ValidationError as erreur:
        raise ExportImpossible(
            f"Le SIRET de la Ville configuré (VILLE_SIRET = {siret}) est invalide : {erreur.messages[0]}"
        ) from None
    return settings.VILLE_NOM, siret


def _siret_valide(siret):
    try:
        valider_siret(siret)
    except ValidationError:
        return False
    return True


def _beneficiaire(centre):
    """The association running the centre, else the centre itself: (name, SIRET)."""
    return centre.nom_beneficiaire, centre.siret_beneficiaire


def _objet(texte):
    texte = " ".join(texte.split())
    return texte if len(texte) <= OBJET_MAX else texte[: OBJET_MAX - 1] + "…"


def _montant(valeur):
    return f"{valeur:.2f}"


def _periode(debut, fin):
    if fin is None or fin == debut:
        return debut.isoformat()
    return f"{debut.isoformat()}/{fin.isoformat()}"


def _ligne(nom, siret, beneficiaire, id_beneficiaire, **champs):
    return {
        "nomAttribuant": nom,
        "idAttribuant": siret,
        "nomBeneficiaire": beneficiaire,
        "idBeneficiaire": id_beneficiaire,
        "referenceDecision": "",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        **champs,
    }


def lignes_scdl(annee):
    """The SCDL rows of `annee`, sorted by beneficiary, cash before in kind."""
    nom, siret = attribuant()
    export = ExportSCDL(annee=annee)
    conventions = Convention.objects.prefetch_related("parties__organisation")
    demandes = (
        DemandeSubvention.objects.votees()
        .filter(annee=annee)
        .select_related("centre__organisation")
        .prefetch_related(
            Prefetch("convention", queryset=conventions),
            Prefetch("versements", queryset=Versement.objects.order_by("date", "pk")),
        )
        .order_by("centre__nom", "pk")
    )
    demandes = list(demandes)
    centres = (
        Centre.objects.filter(
            Q(locaux__isnull=False) | Q(conventions__isnull=False) | Q(pk__in={d.centre_id for d in demandes})
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("locaux")
        .order_by("nom")
    )
    # One beneficiary per association (all the centres it runs), else per centre: SUB-3 and the in-kind
    # row count per beneficiary (OD-3).
    groupes = {}
    for centre in centres:
        groupes.setdefault(_cle_beneficiaire(centre), []).append(centre)
    aides = {}
    for cle, membres in groupes.items():
        numeraire = sum((d.montant_vote for d in demandes if _cle_beneficiaire(d.centre) == cle), ZERO)
        aides[cle] = aides_annuelles(centre=membres[0], annees=[annee], numeraire={annee: numeraire})[annee]
    for demande in demandes:
        beneficiaire, id_beneficiaire = _beneficiaire(demande.centre)
        if not _siret_valide(id_beneficiaire):
            export.ecartees.append(
                (f"demande:{demande.pk}", f"{beneficiaire} ({demande.objet}) : SIRET absent ou invalide")
            )
            continue
        aide = aides[_cle_beneficiaire(demande.centre)]
        export.lignes.append(_ligne(nom, siret, beneficiaire, id_beneficiaire, **_numeraire(demande, aide)))
    for cle, membres in groupes.items():
        aide = aides[cle]
        if aide.nature <= 0:
            continue
        beneficiaire, id_beneficiaire = _beneficiaire(membres[0])
        if not _siret_valide(id_beneficiaire):
            export.ecartees.append(
                (f"centre:{membres[0].pk}", f"{beneficiaire} (aide en nature) : SIRET absent ou invalide")
            )
            continue
        locaux = [local for centre in membres for local in centre.locaux.all()]
        export.lignes.append(_ligne(nom, siret, beneficiaire, id_beneficiaire, **_nature(locaux, aide, annee)))
    export.lignes.sort(key=lambda ligne: (ligne["nomBeneficiaire"], ligne["nature"] != NUMERAIRE))
    return export


def _numeraire(demande, aide):
    convention = demande.convention if demande.convention and signature_ville(demande.convention) else None
    convention = convention or aide.convention
    versements = list(demande.versements.all())
    premier, dernier = (versements[0].date, versements[-1].date) if versements else (demande.date_vote, None)
    return {
        "dateConvention": (signature_ville(convention) if convention else demande.date_vote).isoformat(),
        "referenceDecision": demande.deliberation_numero,
        "objet": _objet(demande.objet),
        "montant": _montant(demande.montant_vote),
        "nature": NUMERAIRE,
        "conditionsVersement": "échelonné" if len(versements) > 1 else "unique",
        "datesPeriodeVersement": _periode(premier, dernier),
    }


def _cle_beneficiaire(centre):
    """The same key for the centres of one association (Centre.objects.du_beneficiaire)."""
    return ("organisation", centre.organisation_id) if centre.organisation_id else ("centre", centre.pk)


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
    if aide.nature > valeur_locaux(locaux, annee):
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
