"""The "Financements" tab of the centre page (see roubaix_cs.extensions)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from comptes.permissions import LECTEURS_SUBVENTIONS
from conventions.services import aides_annuelles
from roubaix_cs.extensions import OngletCentre

from .models import DemandeSubvention, Versement
from .services import numeraire_vote_par_annee

ZERO = Decimal("0")


@dataclass
class Exercice:
    annee: int
    aide: object  # conventions.services.AideAnnuelle: cash voted + valued in-kind aid (LOC-2)
    demandes: list = field(default_factory=list)
    versements: list = field(default_factory=list)

    @property
    def demande(self):
        return sum((d.montant_demande for d in self.demandes), ZERO)

    @property
    def vote(self):
        return sum((d.montant_vote or ZERO for d in self.demandes), ZERO)

    @property
    def verse(self):
        return sum((d.total_verse for d in self.demandes), ZERO)


def _contexte(centre, user):
    demandes = list(
        DemandeSubvention.objects.visibles_par(user)
        .filter(centre=centre)
        .select_related("dispositif")
        .prefetch_related(Prefetch("versements", queryset=Versement.objects.order_by("date", "pk")))
        .avec_verse()
        .order_by("-annee", "nature", "pk")
    )
    par_annee = defaultdict(list)
    for demande in demandes:
        par_annee[demande.annee].append(demande)
    annees = sorted(set(par_annee) | {timezone.localdate().year}, reverse=True)
    votes = numeraire_vote_par_annee(centre)  # the beneficiary's: all the centres its association runs (SUB-3)
    numeraire = {annee: votes.get(annee, ZERO) for annee in annees}
    aides = aides_annuelles(centre=centre, annees=annees, numeraire=numeraire)
    exercices = []
    for annee in annees:
        exercice = Exercice(annee=annee, aide=aides[annee], demandes=par_annee[annee])
        # The prefetch sets each payment's `demande`: the template names it without a query.
        exercice.versements = sorted(
            (v for d in exercice.demandes for v in d.versements.all()), key=lambda v: (v.date, v.pk)
        )
        exercices.append(exercice)
    return {"exercices": exercices}


ONGLETS = [
    OngletCentre(
        code="financements",
        libelle="Financements",
        visible=lambda user: user.role in LECTEURS_SUBVENTIONS,
        contexte=_contexte,
        template="subventions/includes/onglet_centre.html",
    )
]
