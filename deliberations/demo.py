"""Demo council sessions for seed_demo. Created once (skipped when sessions exist).

- Past sessions: one per vote date of the demo grants, with the deliberation whose number the
  grants already carry, voted and exécutoire (but the one whose grants are not exécutoire yet, left
  voted and not transmitted to the Préfecture), and its frozen PDF (v1). The grants are already
  past the vote (some paid), so the deliberation is rebuilt around them rather than voted again.
- An upcoming session with a draft drafted by `services.rediger` from the validated grants of the
  year under instruction, plus the grants already marked "in deliberation", and its PDF v1.
- The demo élu sits on the board of one beneficiary's association (SUB-13).
"""

import datetime
from collections import defaultdict

from subventions.demo import annee_instruite
from subventions.models import DemandeSubvention

from . import services
from .models import Deliberation, GenerationPdf, Mandat, Seance

S = DemandeSubvention.Statut
SIREN_VILLE = "215905128"
COMMISSION = "Commission Solidarités, cohésion sociale et politique de la ville"


def charger(contexte):
    if Seance.objects.exists():
        return
    today, users = contexte["today"], contexte["users"]
    elu, responsable = users["elu"], users["responsable"]
    for date_vote, demandes in sorted(_votees_par_date().items()):
        _seance_passee(date_vote, demandes, elu=elu, par=responsable)
    # The draft comes after the voted ones, so it takes the year's next number.
    projet = _prochaine_seance(today, responsable)
    if projet is not None:
        organisation = projet.demandes.select_related("centre").first().centre.organisation
        if organisation is not None:
            Mandat.objects.create(elu=elu, organisation=organisation, fonction="Administrateur")
        _generer(projet, responsable)


def _votees_par_date():
    groupes = defaultdict(list)
    votees = DemandeSubvention.objects.filter(statut__in=DemandeSubvention.STATUTS_VOTES).exclude(date_vote=None)
    for demande in votees.exclude(deliberation_numero="").order_by("pk"):
        groupes[(demande.date_vote, demande.deliberation_numero)].append(demande)
    return groupes


def _seance_passee(cle, demandes, *, elu, par):
    date_vote, numero = cle
    seance, _ = Seance.objects.get_or_create(
        date=date_vote,
        defaults={
            "date_convocation": date_vote - datetime.timedelta(days=10),
            "presents": 47,
            "pouvoirs": 5,
            "secretaire": "Mme Nadia Benali",
        },
    )
    annee, rang = (int(partie) for partie in numero.split("/"))
    deliberation = Deliberation(
        seance=seance,
        annee=annee,
        numero=rang,
        nature=Deliberation.Nature.SUBVENTIONS,
        objet="attribution des subventions aux centres sociaux",
        commission=COMMISSION,
        date_commission=date_vote - datetime.timedelta(days=14),
        statut=Deliberation.Statut.PRETE,
    )
    for partie, texte in services.texte_initial(deliberation, demandes=demandes, conventions=[], avenants=[]).items():
        setattr(deliberation, partie, texte)
    deliberation.save()
    deliberation.demandes.set(demandes)
    interesses = services.elus_interesses(deliberation)
    if elu.pk not in interesses:
        deliberation.rapporteur = elu
    deliberation.vote_pour, deliberation.vote_contre, deliberation.vote_abstentions = 46 - len(interesses), 3, 3
    if any(d.date_executoire for d in demandes):
        # The vote and the exécutoire dates the grants already carry (the demo: 10 days after the vote).
        publication = max(d.date_executoire or date_vote for d in demandes)
        transmission = date_vote + datetime.timedelta(days=3)
        deliberation.date_transmission, deliberation.date_publication = transmission, publication
        deliberation.date_executoire = max(transmission, publication)
        deliberation.ar_actes = f"059-{SIREN_VILLE}-{transmission:%Y%m%d}-{annee}_{rang:03d}-DE"
        deliberation.statut = Deliberation.Statut.EXECUTOIRE
        deliberation._change_reason = "Délibération de démonstration, votée et exécutoire"
    else:  # grants not exécutoire (subventions/demo.py): still to be transmitted to the Préfecture (DEL-4)
        deliberation.statut = Deliberation.Statut.VOTEE
        deliberation._change_reason = "Délibération de démonstration, votée, à transmettre à la Préfecture"
    deliberation.save()
    deliberation.ne_prennent_pas_part.set(interesses)
    _generer(deliberation, par, acte=True)  # the act as voted, frozen


def _prochaine_seance(today, par):
    date = today + datetime.timedelta(days=21)
    while Seance.objects.filter(date=date).exists():
        date += datetime.timedelta(days=1)
    seance = Seance.objects.create(date=date, secretaire="M. Karim Haddad")
    annee = annee_instruite(today)  # the grants under instruction, maybe next year's
    # One validated grant stays out of the draft: the service can show it waiting for a deliberation.
    validees = list(DemandeSubvention.objects.filter(statut=S.VALIDEE, annee=annee).order_by("pk"))[1:]
    # The demo grants already marked "in deliberation" belong to this draft too.
    inscrites = list(
        DemandeSubvention.objects.filter(statut=S.DELIBERATION, annee=annee, deliberations=None).order_by("pk")
    )
    if not validees:
        return None
    projet = services.rediger(
        seance=seance,
        objet="subventions de fonctionnement",
        par=par,
        demandes=validees,
        commission=COMMISSION,
        date_commission=date - datetime.timedelta(days=7),
    )
    if inscrites:
        projet.demandes.add(*inscrites)
        demandes = list(projet.demandes.select_related("centre__organisation"))
        for partie, texte in services.texte_initial(projet, demandes=demandes, conventions=[], avenants=[]).items():
            setattr(projet, partie, texte)
        projet.save()
    return projet


def _generer(deliberation, par, *, acte=False):
    """Render the PDF in-process (seed_demo runs in one transaction: no task to wait for)."""
    generation = GenerationPdf.objects.create(deliberation=deliberation, demandee_par=par, acte=acte)
    return services.generer(generation.pk).version
