"""Factories of the conventions app's child records (ConventionFactory and EngagementFactory are in
tests/factories.py, shared with the URL matrix)."""

import datetime
from decimal import Decimal

import factory

from conventions.models import Avenant, AvenantMontant, Evaluation, Objectif, ValeurObjectif

from ..factories import ConventionFactory, OrganisationFactory


class AvenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Avenant

    convention = factory.SubFactory(ConventionFactory, statut="signee")
    numero = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2026, 2, 1)
    objet = factory.Sequence(lambda n: f"Avenant de financement {n}")

    class Params:
        # Voted by its own deliberation, exécutoire on 01/03/2026 (as deliberations records it).
        delibere = factory.Trait(
            statut=Avenant.Statut.DELIBERE,
            deliberation_numero=factory.Sequence(lambda n: f"2026/{300 + n}"),
            deliberation_executoire=datetime.date(2026, 3, 1),
        )
        signe = factory.Trait(
            statut=Avenant.Statut.SIGNE,
            deliberation_numero=factory.Sequence(lambda n: f"2026/{300 + n}"),
            deliberation_executoire=datetime.date(2026, 3, 1),
            date_signature=datetime.date(2026, 3, 10),
        )


class AvenantMontantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvenantMontant

    avenant = factory.SubFactory(AvenantFactory)
    annee = 2026
    financeur = factory.SubFactory(OrganisationFactory, nom="Ville de Roubaix", nature="ville")
    montant = Decimal("25000.00")


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objectif

    convention = factory.SubFactory(ConventionFactory)
    intitule = factory.Sequence(lambda n: f"Objectif {n}")
    indicateur = "Familles accueillies"
    unite = "familles"


class ValeurObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValeurObjectif

    objectif = factory.SubFactory(ObjectifFactory)
    annee = 2025
    cible = Decimal("100")
    realise = Decimal("90")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    convention = factory.SubFactory(ConventionFactory)
    annee = 2027
    date = datetime.date(2028, 6, 1)
    synthese = "Objectifs atteints ; partenariat à poursuivre."
