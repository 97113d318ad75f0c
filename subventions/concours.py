"""The city's aid of a year, per beneficiary: the grants voted and the valued in-kind aid (SUB-3, LOC-2).

Read once here and shared by the open-data file (`opendata.lignes_scdl`) and the budget annex
(`annexe`), so that both give, per beneficiary, the figures of the 23 000 € rule
(`conventions.services.aides_annuelles_de`): the cash is the grants voted for the year, the in-kind
aid the premises its centres occupy, the rooms lent to its association free or below their price (the
Espace Linné's, LOC-2) and the city's other in-kind commitments in its conventions.
A fixed number of queries, whatever the number of beneficiaries, grants or payments.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Prefetch, Q

from centres.models import Centre
from conventions.models import Convention
from conventions.services import AideAnnuelle, aides_annuelles_de
from roubaix_cs.extensions import aides_en_nature

from .models import ZERO, DemandeSubvention


def cle_beneficiaire(centre):
    """The same key for the centres of one association (Centre.objects.du_beneficiaire)."""
    return ("organisation", centre.organisation_id) if centre.organisation_id else ("centre", centre.pk)


@dataclass
class Beneficiaire:
    """One beneficiary's aid of the year: its centres concerned, its grants voted, its yearly aid."""

    cle: tuple
    membres: list  # its centres with grants, premises or conventions, by name
    demandes: list = field(default_factory=list)  # its grants voted for the year
    aide: AideAnnuelle | None = None  # cash (the grants voted) and valued in-kind aid, SUB-3's figures

    @property
    def centre(self):
        return self.membres[0]

    @property
    def nom(self):
        return self.centre.nom_beneficiaire

    @property
    def municipal(self):
        """A centre the city runs itself: its means are not a grant to a third party."""
        return all(centre.gestion == Centre.Gestion.MUNICIPALE for centre in self.membres)

    @property
    def locaux(self):
        """The premises of its centres (prefetched)."""
        return [local for centre in self.membres for local in centre.locaux.all()]


@dataclass
class ConcoursAnnee:
    annee: int
    demandes: list  # every grant voted for the year, by centre then pk
    beneficiaires: dict  # {cle: Beneficiaire}, by the name of their first centre


def concours_de_l_annee(annee):
    """The grants voted for `annee` and the yearly aid of each beneficiary (see the module)."""
    conventions = Convention.objects.prefetch_related("parties__organisation")
    demandes = list(
        DemandeSubvention.objects.votees()
        .filter(annee=annee)
        .select_related("centre__organisation", "dispositif", "ligne_budgetaire")
        .prefetch_related(Prefetch("convention", queryset=conventions))
        # The period and conditions of payment need only these, not the payments themselves.
        .annotate(
            premier_versement=Min("versements__date"),
            dernier_versement=Max("versements__date"),
            nombre_versements=Count("versements"),
        )
        .order_by("centre__nom", "pk")
    )
    # LOC-2: the associations lent rooms free or below their price this year (the Espace Linné's), one query.
    prets = aides_en_nature(Centre.objects.filter(organisation__isnull=False).values("organisation"), [annee])
    centres = (
        Centre.objects.filter(
            Q(locaux__isnull=False)
            | Q(conventions__isnull=False)
            | Q(pk__in={d.centre_id for d in demandes})
            | Q(organisation__in=list(prets))
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("locaux")
        .order_by("nom")
    )
    # One beneficiary per association (all the centres it runs), else per centre (SUB-3).
    beneficiaires = {}
    for centre in centres:
        cle = cle_beneficiaire(centre)
        beneficiaires.setdefault(cle, Beneficiaire(cle, [])).membres.append(centre)
    for demande in demandes:
        beneficiaires[cle_beneficiaire(demande.centre)].demandes.append(demande)
    # The yearly aid of every beneficiary at once, its cash being the grants voted to it.
    par_centre = aides_annuelles_de(
        [beneficiaire.centre for beneficiaire in beneficiaires.values()],
        [annee],
        {b.centre.pk: {annee: sum((d.montant_vote or ZERO for d in b.demandes), ZERO)} for b in beneficiaires.values()},
        prets=prets,
    )
    for beneficiaire in beneficiaires.values():
        beneficiaire.aide = par_centre[beneficiaire.centre.pk][annee]
    return ConcoursAnnee(annee=annee, demandes=demandes, beneficiaires=beneficiaires)
