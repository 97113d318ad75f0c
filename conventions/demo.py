"""Demo conventions for seed_demo: a CPOM per centre in various states, two with avenants,
one ending within 6 months, one expired (per ten centres, for `seed_demo --scale N`). Created once
per centre."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from centres.models import Centre
from comptes.models import Organisation

from .models import Avenant, AvenantMontant, Convention, EngagementAnnuel, Evaluation, Partie, ValeurObjectif

S = Convention.Statut
# index of the centre → (status, months since start, duration in months)
SCENARIOS = {
    0: (S.EN_COURS, 20, 48),
    1: (S.EN_COURS, 43, 48),  # ends within 6 months; evaluated, so it can be renewed
    2: (S.EXPIREE, 50, 48),
    3: (S.REVUE_JURIDIQUE, -2, 48),
    4: (S.EN_COURS, 30, 48),
    5: (S.BROUILLON, -3, 36),
    6: (S.APPROUVEE, -1, 48),
    7: (S.DELIBEREE, -1, 48),
    8: (S.EN_COURS, 10, 48),
    9: (S.SIGNEE, -1, 48),
}
OBJECTIFS = [
    ("Développer l'accueil des familles", "Familles adhérentes", "familles", 180),
    ("Renforcer la participation des habitants", "Bénévoles d'activité", "bénévoles", 40),
]


def charger(contexte):
    today, users, organisations = contexte["today"], contexte["users"], contexte["organisations"]
    ville, caf = organisations["Ville de Roubaix"], organisations["CAF du Nord"]
    departement = organisations["Département du Nord"]
    centres = [c for c in contexte["centres"] if c.statut == Centre.Statut.ACTIF]
    for rang, centre in enumerate(centres):  # every centre, the scenarios repeated by ten
        if centre.conventions.exists():
            continue
        index = rang % len(SCENARIOS)
        statut, depuis, duree = SCENARIOS[index]
        debut = (today - relativedelta(months=depuis)).replace(day=1)
        fin = debut + relativedelta(months=duree) - datetime.timedelta(days=1)
        convention = _cpom(centre, debut, fin, statut, users, today)
        financeurs = [ville, caf] + ([departement] if centre.partenaires.filter(pk=departement.pk).exists() else [])
        _parties(convention, [*financeurs, centre.organisation], signees=convention.signee, debut=debut)
        _engagements(convention, ville, caf, index)
        _objectifs(convention, today)
        if index == 1:
            Evaluation.objects.create(
                convention=convention,
                annee=today.year - 1,
                date=fin - relativedelta(months=5),
                synthese="Objectifs largement atteints ; partenariat à renouveler.",
            )
        if index in (0, 4):
            _avenant(convention, ville, index, today, numero=200 + index + 1000 * (rang // len(SCENARIOS)))


def _cpom(centre, debut, fin, statut, users, today):
    avancee = statut not in (S.BROUILLON, S.REVUE_JURIDIQUE)
    deliberee = statut in (S.DELIBEREE, *Convention.STATUTS_SIGNES)
    convention = Convention.objects.create(
        type=Convention.Type.CPOM,
        centre=centre,
        objet=f"Projet social {debut.year}–{fin.year} de {centre.libelle_court}",
        debut=debut,
        fin=fin,
        statut=statut,
        referent=centre.referent or users["agent"],
        juridique_envoi=debut - relativedelta(months=4) if statut != S.BROUILLON else None,
        juridique_visa=debut - relativedelta(months=3) if avancee else None,
        modele_version="CPOM-Roubaix-2024" if avancee else "",
        deliberation_numero=f"{debut.year - 1}/{100 + centre.pk:03d}" if deliberee else "",
        deliberation_executoire=debut - relativedelta(months=2) if deliberee else None,
        **dict.fromkeys(Convention.CLAUSES, statut != S.BROUILLON),
    )
    convention.locaux.set(centre.locaux.all())
    return convention


def _parties(convention, organisations, *, signees, debut):
    for organisation in organisations:
        Partie.objects.create(
            convention=convention,
            organisation=organisation,
            signataire="Le Maire" if organisation.nature == Organisation.Nature.VILLE else "Le représentant légal",
            date_signature=debut - relativedelta(months=1) if signees else None,
        )


# The city's yearly cash in a CPOM: the operating grant plus an envelope for the projects of the
# dispositifs the centre may be granted (subventions/demo.py), so every euro paid is provided for (SUB-3).
ENVELOPPE_PROJETS = Decimal(6000)


def _engagements(convention, ville, caf, index):
    base = Decimal(30000 + 4000 * index) + ENVELOPPE_PROJETS
    for rang, annee in enumerate(convention.annees()):
        montant = base + 1000 * rang
        EngagementAnnuel.objects.create(
            convention=convention,
            annee=annee,
            financeur=ville,
            montant=montant,
            avance=(montant * 4 / 10).quantize(Decimal("1")),
        )
        EngagementAnnuel.objects.create(convention=convention, annee=annee, financeur=caf, montant=Decimal(60000))


def _objectifs(convention, today):
    for intitule, indicateur, unite, cible in OBJECTIFS:
        objectif = convention.objectifs.create(intitule=intitule, indicateur=indicateur, unite=unite)
        for rang, annee in enumerate(convention.annees()):
            ValeurObjectif.objects.create(
                objectif=objectif,
                annee=annee,
                cible=cible + 10 * rang,
                realise=cible + 5 * rang if annee < today.year else None,
            )


def _avenant(convention, ville, index, today, *, numero):
    executoire = today - relativedelta(months=3)
    avenant = Avenant.objects.create(
        convention=convention,
        numero=1,
        date=executoire - relativedelta(months=1),
        objet="Financement d'un poste de référent familles" if index == 0 else "Prolongation de six mois",
        nouvelle_fin=None
        if index == 0
        else convention.fin + relativedelta(months=6)
        if convention.duree_mois <= 42
        else None,
        statut=Avenant.Statut.SIGNE,
        deliberation_numero=f"{executoire.year}/{numero:03d}",
        deliberation_executoire=executoire,
        date_signature=executoire + datetime.timedelta(days=10),
    )
    AvenantMontant.objects.create(avenant=avenant, annee=today.year, financeur=ville, montant=Decimal("52000.00"))
