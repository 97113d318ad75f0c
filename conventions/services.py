"""Rules across several objects of the conventions app: workflow, consolidation, the 23 000 € rule."""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from centres import services as centres_services
from centres.models import Local, duree_en_mois
from comptes.models import Organisation
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, qui
from roubaix_cs.extensions import aides_en_nature
from roubaix_cs.formats import montant
from roubaix_cs.seuils import AVANCE_MAX_PCT, CPOM_DUREE_MAX_MOIS, SEUIL_CONVENTION
from roubaix_cs.sources_legales import CGCT_L2131_1, CGCT_L2311_7, CIRCULAIRE_CPO
from roubaix_cs.workflow import Circuit, Transition, enregistrer

from .models import Avenant, Convention

ZERO = Decimal("0")


# --- Workflow -------------------------------------------------------------------------------


def _approbation(convention, jour):
    erreurs = [f"Clause manquante : {label}." for label in convention.clauses_manquantes()]
    if not (convention.juridique_visa and convention.modele_version):
        erreurs.append("Le visa du service juridique (date et version du modèle) est requis avant l'approbation.")
    if convention.type == Convention.Type.CPOM and convention.duree_mois > CPOM_DUREE_MAX_MOIS:
        erreurs.append(f"Un CPOM dure au plus {CPOM_DUREE_MAX_MOIS} mois ({CIRCULAIRE_CPO}).")
    if not convention.parties.filter(organisation__nature=Organisation.Nature.VILLE).exists():
        erreurs.append("La Ville doit être partie à la convention.")
    if _aide_en_nature(convention):
        centre = convention.centre
        if not centres_services.cer_signe(centre, jour):
            erreurs.append(
                "La convention accorde une aide en nature : le contrat d'engagement républicain signé du centre "
                "doit être dans ses documents (loi 2000-321 art. 10-1, aide en numéraire ou en nature)."
            )
        if not centres_services.identifiant_valide(centre):
            erreurs.append(
                f"{centre.nom_beneficiaire} n'a ni SIRET ni numéro RNA valide : une aide en nature se publie avec "
                "l'identifiant du bénéficiaire (données essentielles des subventions)."
            )
    return erreurs


def _aide_en_nature(convention):
    """The city lends premises or gives other in-kind aid through this convention (LOC-2)."""
    return (
        convention.locaux.exists()
        or convention.engagements.filter(financeur__nature=Organisation.Nature.VILLE, valeur_nature__gt=0).exists()
    )


def _deliberation(objet, jour):
    return [] if objet.deliberation_numero else ["Le numéro de la délibération est requis."]


def _signature(convention, jour):
    parties = list(convention.parties.select_related("organisation"))
    erreurs = [f"{p.organisation} n'a pas encore signé." for p in parties if not p.date_signature]
    if not parties:
        erreurs.append("La convention n'a aucune partie.")
    executoire = convention.deliberation_executoire
    if not executoire:  # the vote marks it deliberated; signing waits for the exécutoire date (DEL-6)
        erreurs.append(
            f"La délibération n'est pas encore exécutoire : la convention ne peut pas être signée ({CGCT_L2131_1})."
        )
    erreurs += [
        f"{p.organisation} a signé le {p.date_signature:%d/%m/%Y}, avant que la délibération soit exécutoire "
        f"({executoire:%d/%m/%Y}) ({CGCT_L2131_1})."
        for p in parties
        if p.date_signature and executoire and p.date_signature < executoire
    ]
    return erreurs


def _commencee(convention, jour):
    return [] if convention.debut <= jour else [f"La convention ne commence que le {convention.debut:%d/%m/%Y}."]


def _terminee(convention, jour):
    fin = fin_consolidee(convention)
    return [] if fin < jour else [f"La convention court jusqu'au {fin:%d/%m/%Y}."]


S = Convention.Statut
# `principale`: the expected next step from each status, the page's one primary button.
TRANSITIONS = [
    Transition((S.BROUILLON,), S.REVUE_JURIDIQUE, "Envoyer au service juridique", EQUIPE, principale=True),
    Transition((S.REVUE_JURIDIQUE,), S.BROUILLON, "Reprendre le projet", EQUIPE),
    Transition(
        (S.REVUE_JURIDIQUE,), S.APPROUVEE, "Approuver pour signature", RESPONSABLE_SEULE, _approbation, principale=True
    ),
    # The council's vote of a deliberation (deliberations calls `enregistrer_deliberation`): never a button.
    Transition(
        (S.APPROUVEE,),
        S.DELIBEREE,
        "Délibérée par le conseil municipal",
        EQUIPE,
        _deliberation,
        par_service=True,
        principale=True,
    ),
    Transition(
        (S.DELIBEREE,), S.SIGNEE, "Constater la signature de toutes les parties", EQUIPE, _signature, principale=True
    ),
    Transition((S.SIGNEE,), S.EN_COURS, "Mettre en exécution", EQUIPE, _commencee, principale=True),
    Transition((S.EN_COURS,), S.EXPIREE, "Constater l'expiration", EQUIPE, _terminee, principale=True),
    Transition((S.SIGNEE, S.EN_COURS), S.RESILIEE, "Résilier", RESPONSABLE_SEULE, motif_requis=True),
]


CIRCUIT = Circuit(TRANSITIONS, Convention.Statut, qui=qui)


def etapes(convention, user, jour=None):
    """The convention's next steps as its page shows them to `user` (roubaix_cs.workflow.Etapes)."""
    return CIRCUIT.etapes(convention, user, jour)


def _preparer(convention, transition, *, jour, commentaire, par):
    if transition.vers == S.REVUE_JURIDIQUE and not convention.juridique_envoi:
        convention.juridique_envoi = jour
    if transition.vers == S.RESILIEE:
        convention.motif_fin = commentaire


@transaction.atomic
def changer_statut(*, convention, vers, par, commentaire="", jour=None):
    """Move `convention` to status `vers`; raise ValidationError (French) when a rule forbids it."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    return CIRCUIT.appliquer(convention, vers, par=par, commentaire=commentaire, jour=jour, preparer=_preparer)


# --- What a deliberation does to a convention or an avenant ------------------------------------


@transaction.atomic
def enregistrer_executoire(*, objet, reference, date, par):
    """The deliberation `reference` that approved the convention or avenant `objet` is exécutoire on
    `date`: it may then be signed (DEL-6)."""
    objet = type(objet).objects.select_for_update().get(pk=objet.pk)
    if objet.deliberation_numero != reference:
        raise ValidationError(f"{objet} n'a pas été approuvé(e) par la délibération n° {reference}.")
    objet.deliberation_executoire = date
    return enregistrer(objet, par=par, motif=f"Délibération n° {reference} exécutoire le {date:%d/%m/%Y}")


# CPO-5: the council grants subsidies, so a change of amount goes through its own deliberation.
AVENANT_DELIBERE = f"le conseil municipal attribue les subventions, {CGCT_L2311_7}"


def _signature_avenant(avenant, jour):
    """CPO-5: an avenant takes effect once deliberated (exécutoire) and signed after that date (DEL-6)."""
    if not avenant.deliberation_executoire:
        return [f"Un avenant doit avoir sa propre délibération exécutoire ({AVENANT_DELIBERE})."]
    if not avenant.date_signature or avenant.date_signature < avenant.deliberation_executoire:
        return [f"La signature de l'avenant doit suivre sa délibération exécutoire ({CGCT_L2131_1})."]
    return []


SA = Avenant.Statut
CIRCUIT_AVENANT = Circuit(
    [
        Transition(
            (SA.PROJET,), SA.DELIBERE, "Délibéré par le conseil municipal", EQUIPE, _deliberation, par_service=True
        ),
        Transition((SA.DELIBERE,), SA.SIGNE, "Constater la signature", EQUIPE, _signature_avenant),
    ],
    Avenant.Statut,
    qui=qui,
)


# The table and the status a deliberation's vote moves each kind of record to.
DELIBERE = {Convention: (CIRCUIT, S.DELIBEREE), Avenant: (CIRCUIT_AVENANT, SA.DELIBERE)}


@transaction.atomic
def enregistrer_deliberation(*, objet, reference, par):
    """The council approved the convention or avenant `objet` by the deliberation `reference` (an avenant
    by its own, CPO-5)."""
    objet = type(objet).objects.select_for_update().get(pk=objet.pk)
    objet.deliberation_numero = reference
    circuit, vers = DELIBERE[type(objet)]
    return circuit.appliquer(objet, vers, par=par, commentaire=f"délibération n° {reference}", par_service=True)


# --- Engagements, avenants and the consolidated state ----------------------------------------


@dataclass(frozen=True)
class Ligne:
    annee: int
    financeur: object
    montant: Decimal = ZERO
    avance: Decimal = ZERO
    valeur_nature: Decimal = ZERO
    valeur_locaux: Decimal = ZERO

    @property
    def nature_totale(self):
        return self.valeur_nature + self.valeur_locaux

    @property
    def total(self):
        return self.montant + self.nature_totale


@dataclass
class Etape:
    avenant: object
    changements: list = field(default_factory=list)  # (annee, financeur, Ligne avant, Ligne après)
    fin_avant: datetime.date | None = None
    fin_apres: datetime.date | None = None


@dataclass
class EtatConsolide:
    lignes: list
    fin: datetime.date
    objet: str
    etapes: list

    def numeraire(self, *, nature=None):
        """The cash committed over the whole term, signed avenants applied: every funder's, or those of `nature`."""
        return sum((ligne.montant for ligne in self.lignes if nature in (None, ligne.financeur.nature)), ZERO)


def fin_consolidee(convention):
    """The end date once the signed avenants are applied (CPO-5): the last one moving it wins."""
    nouvelle_fin = (
        convention.avenants.filter(statut=Avenant.Statut.SIGNE, nouvelle_fin__isnull=False)
        .order_by("-numero")
        .values_list("nouvelle_fin", flat=True)
        .first()
    )
    return nouvelle_fin or convention.fin


def valeur_locaux(locaux, annee):
    """LOC-2: the in-kind value of the premises in `annee`, each prorated by the months it is lent and
    counted only when the city owns or rents it (Local.avantage_pour)."""
    return sum((local.avantage_pour(annee) for local in locaux), ZERO)


def consolider(convention):
    """The convention's current state: its engagements changed by its signed avenants, in order.

    Needs `engagements__financeur`, `locaux`, `avenants__montants__financeur` prefetched.
    """
    locaux = list(convention.locaux.all())

    def ligne(annee, financeur, **montants):
        locaux_annee = valeur_locaux(locaux, annee) if financeur.nature == Organisation.Nature.VILLE else ZERO
        return Ligne(annee, financeur, valeur_locaux=locaux_annee, **montants)

    etat = {
        (e.annee, e.financeur_id): ligne(
            e.annee, e.financeur, montant=e.montant, avance=e.avance, valeur_nature=e.valeur_nature
        )
        for e in convention.engagements.all()
    }
    fin, objet, etapes = convention.fin, convention.objet, []
    for avenant in convention.avenants.all():
        apres = dict(etat)
        etape = Etape(avenant=avenant, fin_avant=fin, fin_apres=avenant.nouvelle_fin or fin)
        for m in avenant.montants.all():
            avant = etat.get((m.annee, m.financeur_id)) or ligne(m.annee, m.financeur)
            apres[(m.annee, m.financeur_id)] = replace(avant, montant=m.montant, valeur_nature=m.valeur_nature)
            etape.changements.append((m.annee, m.financeur, avant, apres[(m.annee, m.financeur_id)]))
        etapes.append(etape)
        if avenant.statut == Avenant.Statut.SIGNE:
            etat = apres
            fin = avenant.nouvelle_fin or fin
            objet = avenant.nouvel_objet or objet
    lignes = sorted(etat.values(), key=lambda ligne: (ligne.annee, ligne.financeur.nom))
    return EtatConsolide(lignes=lignes, fin=fin, objet=objet, etapes=etapes)


def avertissements_avance(lignes):
    """CPO-3 (warning): a year's advance above 50 % of the previous year's amount for that funder."""
    par_cle = {(ligne.annee, ligne.financeur.pk): ligne for ligne in lignes}
    messages = []
    for ligne in lignes:
        precedente = par_cle.get((ligne.annee - 1, ligne.financeur.pk))
        if precedente and ligne.avance * 100 > precedente.montant * AVANCE_MAX_PCT:
            messages.append(
                f"{ligne.financeur} {ligne.annee} : l'avance ({montant(ligne.avance)}) dépasse {AVANCE_MAX_PCT} % "
                f"du montant de {ligne.annee - 1} ({montant(precedente.montant)}) ({CIRCULAIRE_CPO})."
            )
    return messages


@transaction.atomic
def signer_avenant(*, avenant, par, jour=None):
    """The avenant, signed after its own exécutoire deliberation, applies to the convention (CPO-5, DEL-6)."""
    avenant = Avenant.objects.select_for_update().get(pk=avenant.pk)
    if avenant.statut == SA.PROJET:
        raise ValidationError(f"Un avenant doit avoir sa propre délibération exécutoire ({AVENANT_DELIBERE}).")
    return CIRCUIT_AVENANT.appliquer(avenant, SA.SIGNE, par=par, jour=jour)


# --- Renewal (CPO-4) --------------------------------------------------------------------------


def peut_etre_renouvelee(convention, *, fin=None):
    """CPO-4: an evaluation dated at least 3 months before the (consolidated) end must exist."""
    limite = convention.date_limite_evaluation(fin or fin_consolidee(convention))
    return convention.evaluations.filter(date__lte=limite).exists()


@transaction.atomic
def renouveler(*, convention, par):
    """CPO-4: the next convention's draft, starting the day after the current (consolidated) end,
    with the same parties (unsigned), objectives and premises."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if not convention.signee:
        raise ValidationError("Seule une convention signée se renouvelle.")
    if Convention.objects.filter(
        centre=convention.centre_id, type=convention.type, debut__gt=convention.debut
    ).exists():
        raise ValidationError("Cette convention a déjà une suivante : ouvrez-la plutôt que d'en créer une autre.")
    etat = consolider(convention)
    if not peut_etre_renouvelee(convention, fin=etat.fin):
        raise ValidationError(
            "Renouvellement impossible : aucune évaluation n'a été faite au moins 3 mois avant la fin "
            f"({convention.date_limite_evaluation(etat.fin):%d/%m/%Y}) : le renouvellement suit une évaluation "
            f"conjointe ({CIRCULAIRE_CPO})."
        )
    debut = etat.fin + datetime.timedelta(days=1)
    fin = debut + (convention.fin - convention.debut)
    if convention.type == Convention.Type.CPOM and duree_en_mois(debut, fin) > CPOM_DUREE_MAX_MOIS:
        fin = debut + relativedelta(months=CPOM_DUREE_MAX_MOIS) - datetime.timedelta(days=1)
    suivante = Convention.objects.create(
        type=convention.type,
        centre=convention.centre,
        objet=etat.objet,
        debut=debut,
        fin=fin,
        referent=convention.referent or par,
        autorise_reversement=convention.autorise_reversement,
        modele_version=convention.modele_version,
    )
    suivante.locaux.set(convention.locaux.all())
    for partie in convention.parties.all():
        suivante.parties.create(organisation=partie.organisation, signataire=partie.signataire)
    for objectif in convention.objectifs.all():
        suivante.objectifs.create(intitule=objectif.intitule, indicateur=objectif.indicateur, unite=objectif.unite)
    return suivante


# --- SUB-3: the 23 000 € rule -----------------------------------------------------------------


@dataclass(frozen=True)
class AideAnnuelle:
    centre: object
    annee: int
    numeraire: Decimal
    nature: Decimal
    convention: object  # the latest signed convention covering the year, or None
    numeraire_conventionne: Decimal = ZERO  # the city's cash the signed conventions state for the year
    # LOC-2: the rooms the other apps lend free or below their price (the Espace Linné's), included in `nature`
    prets_de_salles: Decimal = ZERO

    @property
    def total(self):
        return self.numeraire + self.nature

    @property
    def seuil_depasse(self):
        """SUB-3: strictly above 23 000 €."""
        return self.total > SEUIL_CONVENTION

    @property
    def convention_manquante(self):
        return self.seuil_depasse and self.convention is None


ENGAGEANTS = [S.APPROUVEE, S.DELIBEREE, S.SIGNEE, S.EN_COURS, S.EXPIREE]


def _signee_par_la_ville(convention):
    return convention.signee and any(
        p.organisation.nature == Organisation.Nature.VILLE and p.date_signature for p in convention.parties.all()
    )


def _cle_beneficiaire(centre):
    """The same key for the centres of one association (Centre.objects.du_beneficiaire)."""
    return ("organisation", centre.organisation_id) if centre.organisation_id else ("centre", centre.pk)


def aides_annuelles(*, centre, annees, numeraire=None):
    """SUB-3 and LOC-2: {year: AideAnnuelle} — the city's aid to the beneficiary of `centre` (its
    association, for every centre it runs), cash plus valued in-kind aid, and the signed convention
    covering the year that states the city's cash for it, if any. A fixed number of queries.

    `numeraire` ({year: amount}) is the cash aid when the caller knows it (the grants voted to the
    beneficiary); otherwise the city's cash commitments of its conventions, avenants applied.
    In kind: the premises its centres occupy (LOC-2), the city's other in-kind commitments and the
    rooms lent to its association free or below their price (LOC-2, the extension point
    `roubaix_cs.extensions.aides_en_nature`: the Espace Linné's bookings).
    The one-centre case of `aides_annuelles_de`.
    """
    return aides_annuelles_de([centre], annees, None if numeraire is None else {centre.pk: numeraire})[centre.pk]


def aides_annuelles_de(centres, annees, numeraire=None, *, prets=None):
    """SUB-3 and LOC-2 for many beneficiaries at once: {centre.pk: {year: AideAnnuelle}} for each of
    `centres` (see `aides_annuelles`), in a fixed number of queries whatever their number.

    `numeraire`: {centre.pk: {year: amount}}, the cash aid when the caller knows it.
    `prets`: {organisation pk: {year: amount}}, the rooms lent (`roubaix_cs.extensions.aides_en_nature`)
    when the caller has already read them for these organisations and years.
    """
    centres = list(centres)
    if not centres:
        return {}
    debut, fin = datetime.date(min(annees), 1, 1), datetime.date(max(annees), 12, 31)
    cles = {_cle_beneficiaire(centre) for centre in centres}
    organisations = [valeur for nature, valeur in cles if nature == "organisation"]
    seuls = [valeur for nature, valeur in cles if nature == "centre"]
    # The centres of the beneficiaries, as Centre.objects.du_beneficiaire, for all of them at once.
    membres = Q(centre__organisation__in=organisations) | Q(centre__in=seuls)
    prolongees = Avenant.objects.filter(statut=Avenant.Statut.SIGNE, nouvelle_fin__gte=debut).values("convention")
    conventions = {cle: [] for cle in cles}
    for convention in (
        Convention.objects.filter(membres, Q(fin__gte=debut) | Q(pk__in=prolongees), debut__lte=fin)
        .select_related("centre")
        .order_by("debut", "pk")
        .prefetch_related("engagements__financeur", "locaux", "avenants__montants__financeur", "parties__organisation")
    ):
        conventions[_cle_beneficiaire(convention.centre)].append(convention)
    locaux = {cle: [] for cle in cles}
    for local in Local.objects.filter(membres).select_related("centre"):
        locaux[_cle_beneficiaire(local.centre)].append(local)
    if prets is None:
        prets = aides_en_nature(organisations, annees)  # one query per app that lends, for all of them
    resultat = {}
    for centre in centres:
        cle = _cle_beneficiaire(centre)
        resultat[centre.pk] = _aides(
            centre,
            annees,
            conventions[cle],
            locaux[cle],
            (numeraire or {}).get(centre.pk),
            prets.get(centre.organisation_id, {}) if centre.organisation_id else {},
        )
    return resultat


def _aides(centre, annees, conventions, locaux, numeraire, prets):
    """{year: AideAnnuelle} of the beneficiary of `centre`, from its conventions (prefetched), premises
    and the rooms lent to its association ({year: value}, LOC-2)."""
    etats = {c.pk: consolider(c) for c in conventions if c.statut in ENGAGEANTS}
    fins = {c.pk: etats[c.pk].fin if c.pk in etats else c.fin for c in conventions}  # avenants applied
    aides = {}
    for annee in annees:
        couvrant = [c for c in conventions if c.debut.year <= annee <= fins[c.pk].year]
        lignes = {
            c.pk: [
                ligne
                for ligne in etats[c.pk].lignes
                if ligne.annee == annee and ligne.financeur.nature == Organisation.Nature.VILLE
            ]
            for c in couvrant
            if c.pk in etats
        }
        toutes = [ligne for lignes_convention in lignes.values() for ligne in lignes_convention]
        cash = (numeraire or {}).get(annee)
        if cash is None:
            cash = sum((ligne.montant for ligne in toutes), ZERO)
        prets_annee = prets.get(annee, ZERO)
        nature = valeur_locaux(locaux, annee) + sum((ligne.valeur_nature for ligne in toutes), ZERO) + prets_annee

        # SUB-3: the convention states the city's cash for the year; one that only lends premises does not.
        etablis = {
            c.pk: sum((ligne.montant for ligne in lignes.get(c.pk, [])), ZERO)
            for c in couvrant
            if _signee_par_la_ville(c)
        }
        signees = sorted((c for c in couvrant if etablis.get(c.pk, ZERO) > 0), key=lambda c: c.debut, reverse=True)
        aides[annee] = AideAnnuelle(
            centre=centre,
            annee=annee,
            numeraire=cash,
            nature=nature,
            convention=signees[0] if signees else None,
            numeraire_conventionne=sum(etablis.values(), ZERO),
            prets_de_salles=prets_annee,
        )
    return aides


def aide_annuelle(*, centre, annee, numeraire=None):
    """SUB-3 for one year: see `aides_annuelles`."""
    return aides_annuelles(centre=centre, annees=[annee], numeraire=None if numeraire is None else {annee: numeraire})[
        annee
    ]
