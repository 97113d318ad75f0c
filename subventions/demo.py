"""Demo grants for seed_demo: budget lines, dispositifs, three years of requests in every status,
payments made through the real rules, financial reports. Created once (skipped when requests exist).

The three years are N-2, N-1 and N, where N is the year under instruction: the current year until
30 June, the next one afterwards. So the reports of N-2 are always due (all received but one,
overdue), those of N-1 not yet, and the requests of N are still before the council's vote.

Every centre occupies municipal premises worth more than 23 000 € a year (LOC-2): a centre is paid
only for the years a convention signed by the city covers (conventions.services.aide_annuelle),
except one voted grant left unpaid because its convention is not signed yet (SUB-3, SUB-14).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from centres.models import Centre
from conventions.services import aide_annuelle
from roubaix_cs.bornes import MONTANT_MAX_BUDGET

from . import services
from .models import CompteRenduFinancier, DemandeSubvention, Dispositif, LigneBudgetaire, LigneCRF, Versement

S = DemandeSubvention.Statut
N = DemandeSubvention.Nature

DISPOSITIFS = [
    ("Ville Vie Vacances", "Activités éducatives et de loisirs pendant les vacances scolaires (État, Ville)."),
    ("Fonds de participation des habitants", "Petits projets portés par des habitants, accompagnés par le centre."),
    ("Contrat de ville — appel à projets", "Actions en quartier prioritaire de la politique de la ville."),
]
# section, chapitre, compte, libellé, crédits votés
LIGNES = [
    ("fonctionnement", "65", "65748", "Subventions de fonctionnement aux centres sociaux", Decimal("600000")),
    ("fonctionnement", "65", "65748", "Dispositifs de la politique de la ville", Decimal("120000")),
    ("investissement", "204", "20421", "Subventions d'équipement aux centres sociaux", Decimal("150000")),
]
FONCTION = "42"  # M57: action sociale
# Year N (still before the vote), by centre index.
STATUTS_N = [S.DELIBERATION, S.VALIDEE, S.PROPOSEE, S.VALIDEE, S.DELIBERATION, S.RECUE, S.INSTRUCTION]
STATUTS_N += [S.PROPOSEE, S.RECUE, S.INSTRUCTION]
# A request of a year no signed convention covers: not voted.
STATUTS_SANS_CONVENTION = [S.REJETEE, S.RETIREE, S.AJOURNEE]
MOTIFS = {
    S.REJETEE: "Rejetée : dossier incomplet (budget prévisionnel non équilibré).",
    S.RETIREE: "Retirée par l'association, qui a reporté son projet.",
    S.AJOURNEE: "Ajournée dans l'attente de la convention pluriannuelle.",
}
CRF_POSTES = [
    # libellé, part du budget de l'action, écart réalisé par rang de centre
    ("Charges de personnel", Decimal("0.62"), (Decimal("-0.03"), Decimal("0.02"), Decimal("-0.05"))),
    ("Achats et fournitures", Decimal("0.14"), (Decimal("0.21"), Decimal("-0.04"), Decimal("0.06"))),
    ("Services extérieurs", Decimal("0.16"), (Decimal("0.01"), Decimal("-0.18"), Decimal("0.03"))),
    ("Charges indirectes réparties", Decimal("0.08"), (Decimal("0"), Decimal("0.05"), Decimal("-0.02"))),
]
EURO = Decimal("1")
BLOC = 10  # the centres of one set of scenarios
# The requests of year N whose history is dated back (by rank in the block, STATUTS_N): one received
# and untouched for over 30 days, one proposed and waiting for the responsable for over 7 days.
SANS_SUITE, PROPOSITION_EN_ATTENTE = 8, 7


def annee_instruite(today):
    """The year under instruction: this year until 30 June, the next one afterwards."""
    return today.year + 1 if today > datetime.date(today.year, 6, 30) else today.year


def charger(contexte):
    if DemandeSubvention.objects.exists():
        return
    today, users = contexte["today"], contexte["users"]
    # Every centre; the scenarios are those of the first ten, repeated by blocks of ten
    # (`seed_demo --scale N`): `index` is the rank in the block, `bloc` the block's rank.
    actifs = [c for c in contexte["centres"] if c.statut == Centre.Statut.ACTIF]
    blocs = [actifs[debut : debut + BLOC] for debut in range(0, len(actifs), BLOC)]
    annee = annee_instruite(today)
    annees = [annee - 2, annee - 1, annee]
    lignes = {(a, spec[3]): _ligne(a, *spec, blocs=max(len(blocs), 1)) for a in annees for spec in LIGNES}
    dispositifs = [Dispositif.objects.get_or_create(nom=nom, defaults={"description": d})[0] for nom, d in DISPOSITIFS]
    demo = _Demo(today, users["agent"], lignes)
    for bloc, centres in enumerate(blocs):
        demo.bloc = bloc
        bloquee = None
        for index, centre in enumerate(centres):
            for a in annees[:2]:
                couverte = aide_annuelle(centre=centre, annee=a).convention is not None
                if couverte:  # N-2 fully paid; N-1 paid, or its advance only for the odd centres
                    demo.votee(centre, index, a, versements="tout" if a == annees[0] or index % 2 == 0 else "avance")
                elif bloquee is None and a == annees[1]:
                    bloquee = demo.votee(centre, index, a, versements="aucun")  # SUB-3: no signed convention yet
                else:
                    demo.non_votee(centre, index, a, STATUTS_SANS_CONVENTION[(index + a) % 3])
            demo.en_cours(centre, index, annee, STATUTS_N[index % len(STATUTS_N)])
        _dispositifs_et_investissements(demo, centres, annees, dispositifs)
    _comptes_rendus(demo, annees, en_retard_chez=actifs[2::BLOC])


def _ligne(annee, section, chapitre, compte, libelle, credits, *, blocs):
    return LigneBudgetaire.objects.get_or_create(
        annee=annee,
        section=section,
        compte=compte,
        fonction=FONCTION,
        libelle=libelle,
        defaults={"chapitre": chapitre, "credits_votes": min(credits * blocs, MONTANT_MAX_BUDGET)},
    )[0]


class _Demo:
    def __init__(self, today, agent, lignes):
        self.today, self.agent, self.lignes = today, agent, lignes
        self.bloc = 0  # the rank of the block of ten centres, so every block has its own deliberations

    def _ligne(self, annee, nature):
        libelle = {
            N.INVESTISSEMENT: LIGNES[2][3],
            N.DISPOSITIF: LIGNES[1][3],
        }.get(nature, LIGNES[0][3])
        return self.lignes[(annee, libelle)]

    def _demande(self, centre, index, annee, statut, *, nature=N.FONCTIONNEMENT, montant=None, **champs):
        montant = montant if montant is not None else Decimal(30000 + 4000 * index)
        instruite = statut not in (S.RECUE, S.INSTRUCTION, S.RETIREE, S.REJETEE)
        demande = DemandeSubvention(
            centre=centre,
            annee=annee,
            nature=nature,
            objet=champs.pop("objet", f"Fonctionnement du centre et projet social {annee}"),
            montant_demande=(montant * Decimal("1.08")).quantize(EURO),
            date_reception=champs.pop("date_reception", None) or self._recue_le(index, annee),
            statut=statut,
            referent=centre.referent or self.agent,
            montant_propose=montant if instruite else None,
            note_analyse="Projet cohérent avec le diagnostic du quartier ; budget équilibré." if instruite else "",
            ligne_budgetaire=self._ligne(annee, nature) if instruite else None,
            cofinanceurs="CAF du Nord (prestation de service), Département du Nord",
            **champs,
        )
        demande._change_reason = MOTIFS.get(statut, "")
        demande.save()
        return demande

    def _recue_le(self, index, annee):
        return min(datetime.date(annee - 1, 10, 1 + (index + self.bloc) % 28), self.today)

    def non_votee(self, centre, index, annee, statut):
        return self._demande(centre, index, annee, statut)

    def en_cours(self, centre, index, annee, statut):
        if index == SANS_SUITE:  # received over 30 days ago, untouched since: a deadline (DEMANDE_SANS_SUITE_JOURS)
            recue_le = min(self._recue_le(index, annee), self.today - datetime.timedelta(days=45))
            demande = self._demande(centre, index, annee, statut, date_reception=recue_le)
            _dater(demande.history.all(), recue_le)
            return demande
        if index == PROPOSITION_EN_ATTENTE:  # proposed two weeks after its reception, not validated since
            recue_le = min(self._recue_le(index, annee), self.today - datetime.timedelta(days=30))
            demande = self._demande(centre, index, annee, S.RECUE, date_reception=recue_le)
            self._faire_avancer(demande, index, S.INSTRUCTION, "Mise en instruction")
            self._faire_avancer(demande, index, statut, "Proposition transmise pour validation")
            lignes = demande.history.order_by("history_date", "history_id").values_list("history_id", flat=True)
            for jours, ligne in zip((0, 7, 14), list(lignes), strict=True):
                _dater(demande.history.filter(history_id=ligne), recue_le + datetime.timedelta(days=jours))
            return demande
        return self._demande(centre, index, annee, statut)

    def _faire_avancer(self, demande, index, statut, motif):
        demande.statut = statut
        if statut == S.PROPOSEE:  # the fields `_demande` gives an instructed request
            demande.montant_propose = Decimal(30000 + 4000 * index)
            demande.note_analyse = "Projet cohérent avec le diagnostic du quartier ; budget équilibré."
            demande.ligne_budgetaire = self._ligne(demande.annee, demande.nature)
        demande._change_reason = motif
        demande.save()

    def votee(
        self,
        centre,
        index,
        annee,
        *,
        versements,
        statut=S.NOTIFIEE,
        nature=N.FONCTIONNEMENT,
        montant=None,
        vote=None,
        executoire=True,
        **champs,
    ):
        """A grant voted in `annee` (February council by default), paid through the real rules:
        `versements` is "tout" (an advance then the balance; one payment for the odd centres and
        the grants other than operating ones), "avance" (the advance only) or "aucun" (the only choice
        when not `executoire`: its deliberation is still to be transmitted to the Préfecture, DEL-4)."""
        vote = vote or datetime.date(annee, 2, 10)
        aide = aide_annuelle(centre=centre, annee=annee)
        demande = self._demande(
            centre,
            index,
            annee,
            statut,
            nature=nature,
            montant=montant,
            montant_vote=montant if montant is not None else Decimal(30000 + 4000 * index),
            deliberation_numero=f"{vote.year}/{vote.month * 10 + 5 + 100 * self.bloc:03d}",
            date_vote=vote,
            date_executoire=vote + datetime.timedelta(days=10) if executoire else None,
            convention=aide.convention,
            **champs,
        )
        if versements != "aucun":
            unique = versements == "tout" and (index % 2 == 1 or nature != N.FONCTIONNEMENT)
            self._payer(demande, aide, unique=unique, avance_seule=versements == "avance")
        return demande

    def _payer(self, demande, aide, *, unique, avance_seule):
        debut = demande.date_executoire + datetime.timedelta(days=20)
        if aide.convention is not None:
            debut = max(debut, services.signature_ville(aide.convention) + datetime.timedelta(days=5))
        total = demande.montant_vote
        tranches = [(Versement.Type.UNIQUE, total, debut)]
        if not unique:
            avance = (total / 2).quantize(EURO)
            solde_le = max(datetime.date(demande.annee, 9, 15), debut + datetime.timedelta(days=30))
            tranches = [(Versement.Type.AVANCE, avance, debut), (Versement.Type.SOLDE, total - avance, solde_le)]
            tranches = tranches[:1] if avance_seule else tranches
        for rang, (type_, montant, date) in enumerate(tranches, start=1):
            if date >= self.today:
                break  # not yet paid: the grant stays notified
            services.enregistrer_versement(
                demande=demande,
                type_=type_,
                montant_=montant,
                date=date,
                reference=f"MDT-{date.year}-{demande.pk:04d}-{rang}",
                par=self.agent,
            )


def _dater(lignes, jour):
    """Date history rows at 9 o'clock on `jour` (seed_demo writes them at the time it runs)."""
    lignes.update(history_date=timezone.make_aware(datetime.datetime.combine(jour, datetime.time(9))))


def _dispositifs_et_investissements(demo, centres, annees, dispositifs):
    """A few grants besides operating ones: dispositifs (voted in April) and equipment (June)."""
    vvv, fph, contrat = dispositifs
    ancienne, precedente, courante = annees

    def couverte(centre, annee):
        return aide_annuelle(centre=centre, annee=annee).convention is not None

    projets = [
        (0, precedente, vvv, Decimal("3500"), "Séjours et sorties d'été des 11-17 ans"),
        (4, precedente, vvv, Decimal("4200"), "Vacances apprenantes en famille"),
        (1, ancienne, fph, Decimal("2000"), "Fonds de participation des habitants du quartier"),
        (8, precedente, contrat, Decimal("6000"), "Accompagnement à la scolarité en QPV"),
    ]
    for index, annee, dispositif, montant, objet in projets:
        if index >= len(centres):
            continue
        centre = centres[index]
        champs = {"nature": N.DISPOSITIF, "dispositif": dispositif, "montant": montant, "objet": objet}
        if couverte(centre, annee):
            demo.votee(centre, index, annee, versements="tout", vote=datetime.date(annee, 4, 7), **champs)
        else:
            demo._demande(centre, index, annee, S.RETIREE, **champs)
    if len(centres) > 5:
        demo._demande(centres[5], 5, courante, S.RECUE, nature=N.DISPOSITIF, dispositif=vvv, montant=Decimal("3000"))
    if len(centres) > 2:
        investissement = {"nature": N.INVESTISSEMENT, "montant": Decimal("15000")}
        if couverte(centres[1], precedente):  # voted, works in progress: not paid yet
            demo.votee(
                centres[1],
                1,
                precedente,
                versements="aucun",
                statut=S.VOTEE,
                vote=datetime.date(precedente, 6, 23),
                executoire=False,  # its deliberation is not transmitted yet (deliberations/demo.py)
                objet="Réaménagement de l'accueil et mobilier",
                **investissement,
            )
        demo._demande(
            centres[2], 2, courante, S.INSTRUCTION, objet="Équipement de la cuisine pédagogique", **investissement
        )
    if len(centres) > 9:
        demo._demande(
            centres[9],
            9,
            precedente,
            S.REJETEE,
            nature=N.COMPENSATION_LOYERS,
            montant=Decimal("8000"),
            objet="Compensation du loyer de l'annexe rue de Lannoy",
            loyers_charges_justifies=Decimal("7200"),
        )


def _comptes_rendus(demo, annees, *, en_retard_chez):
    """SUB-4: the reports of N-2 are due: all received (with their lines) but one per ten centres
    (`en_retard_chez`), left overdue, and a few not analysed yet; those of N-1 are due next 30 June:
    a few are being typed."""
    ancienne, precedente = annees[0], annees[1]
    votees = list(DemandeSubvention.objects.votees().filter(annee__in=[ancienne, precedente]).order_by("pk"))
    en_retard = set()
    for centre in en_retard_chez:
        en_retard.add(next((d for d in votees if d.annee == ancienne and d.centre_id == centre.pk), None))
    en_retard.discard(None)
    if not en_retard:
        en_retard = {d for d in votees if d.annee == ancienne}
        en_retard = {min(en_retard, key=lambda d: d.pk)} if en_retard else set()
    recus = -1
    for rang, demande in enumerate(votees):
        if demande in en_retard:
            continue
        recu = demande.annee == ancienne
        if not recu and rang % 3:
            continue
        recus += recu
        crf = CompteRenduFinancier.objects.create(
            demande=demande,
            date_reception=datetime.date(demande.annee + 1, 5, 10 + rang % 15) if recu else None,
            # The second one received is still to be analysed by its instructor.
            commentaire="Écart sur les achats : hausse des prix de l'alimentation pour l'accueil de loisirs."
            if recu and recus != 1
            else "",
        )
        action = (demande.montant_vote * Decimal("2.5")).quantize(EURO)  # the action's total budget
        for libelle, part, ecarts in CRF_POSTES:
            budget = (action * part).quantize(EURO)
            LigneCRF.objects.create(
                crf=crf, libelle=libelle, budget=budget, realise=(budget * (1 + ecarts[rang % 3])).quantize(EURO)
            )
