"""Grants across several objects: the workflow, the legal checks, payments, renewal."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from centres import services as centres_services
from centres.models import Centre
from comptes.models import Organisation
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, qui
from conventions.services import aide_annuelle
from roubaix_cs import bornes, generations
from roubaix_cs.extensions import reagir
from roubaix_cs.formats import montant
from roubaix_cs.pdf import render_pdf
from roubaix_cs.seuils import (
    BILAN_CERTIFIE_PART_PRODUITS_PCT,
    BILAN_CERTIFIE_SEUIL,
    CAC_SEUIL_SUBVENTIONS,
    CRF_DELAI_MOIS,
)
from roubaix_cs.sources_legales import CGCT_L2131_1, LOI_2000_321_ART_10, LOI_2000_321_ART_10_1
from roubaix_cs.workflow import Circuit, Transition, enregistrer

from . import annexe as annexes
from .models import (
    DemandeSubvention,
    GenerationAnnexe,
    LigneBudgetaire,
    Versement,
    VersionAnnexe,
)

ZERO = Decimal("0")
S = DemandeSubvention.Statut


# --- Legal checks ----------------------------------------------------------------------------


def cer_signe(demande, jour):
    """SUB-11: a signed contrat d'engagement républicain, valid on `jour`, is in the centre's vault."""
    return centres_services.cer_signe(demande.centre_id, jour)


def disponible(ligne, *, sauf=None):
    """SUB-15: open credits minus what is engaged on the line, `sauf` left out
    (LigneBudgetaire.objects.avec_consommation, the one definition)."""
    return LigneBudgetaire.objects.avec_consommation(sauf=sauf).values_list("disponible", flat=True).get(pk=ligne.pk)


def crf_en_retard(demande, jour):
    """SUB-4: the same centre's earlier voted grants for the same purpose whose report is overdue."""
    return list(demande.meme_objet().crf_en_retard(jour).filter(annee__lt=demande.annee).select_related("centre"))


def _validation(demande, jour):
    erreurs = []
    if demande.montant_propose is None:
        erreurs.append("Indiquez le montant proposé.")
    if demande.ligne_budgetaire_id is None:
        erreurs.append("Indiquez l'imputation budgétaire.")
    elif demande.montant_propose is not None:
        reste = disponible(demande.ligne_budgetaire, sauf=demande)
        if demande.montant_propose > reste:
            erreurs.append(
                f"Crédits insuffisants sur la ligne {demande.ligne_budgetaire} : {montant(reste)} disponibles "
                f"pour {montant(demande.montant_propose)} proposés : on n'engage pas au-delà des crédits ouverts."
            )
    if not cer_signe(demande, jour):
        erreurs.append(
            "Aucun contrat d'engagement républicain signé et valide dans les documents du centre : il est requis "
            f"pour toute subvention ({LOI_2000_321_ART_10_1})."
        )
    if not centres_services.siret_valide(demande.centre):
        erreurs.append(
            f"Le SIRET du bénéficiaire ({demande.centre.nom_beneficiaire}) est absent ou invalide : une subvention "
            "en numéraire est versée à un SIRET (formulaire CERFA 12156)."
        )
    if crf_en_retard(demande, jour) and not demande.derogation_crf_motif.strip():
        erreurs.append(
            "Le compte rendu financier d'une subvention précédente pour le même objet est en retard (dû dans les "
            f"{CRF_DELAI_MOIS} mois suivant la fin de l'exercice, {LOI_2000_321_ART_10}) : "
            "la responsable peut passer outre en écrivant le motif de la dérogation."
        )
    return erreurs


def _proposition(demande, jour):
    erreurs = []
    if demande.montant_propose is None:
        erreurs.append("Indiquez le montant proposé.")
    if not demande.note_analyse.strip():
        erreurs.append("Rédigez la note d'analyse.")
    return erreurs


def _vote(demande, jour):
    """The amount voted is the proposal, or the council's amendment within the line's credits (SUB-15)."""
    if demande.montant_vote is None or not demande.deliberation_numero or not demande.date_vote:
        return ["Le montant voté, le numéro et la date de la délibération sont requis."]
    if demande.montant_vote <= 0:
        return ["Le montant voté est positif."]
    if demande.montant_vote != demande.montant_propose and demande.ligne_budgetaire_id:
        reste = disponible(demande.ligne_budgetaire, sauf=demande)
        if demande.montant_vote > reste:
            return [
                f"Amendement refusé pour {demande} : {montant(demande.montant_vote)} votés pour {montant(reste)} "
                f"de crédits disponibles sur la ligne {demande.ligne_budgetaire} ; un amendement reste dans les "
                "crédits ouverts au budget."
            ]
    return []


# `principale`: the expected next step from each status, the page's one primary button.
TRANSITIONS = [
    Transition((S.RECUE,), S.INSTRUCTION, "Mettre en instruction", EQUIPE, principale=True),
    Transition((S.INSTRUCTION,), S.PROPOSEE, "Proposer", EQUIPE, _proposition, principale=True),
    Transition((S.PROPOSEE,), S.INSTRUCTION, "Reprendre l'instruction", EQUIPE),
    Transition((S.PROPOSEE,), S.VALIDEE, "Valider la proposition", RESPONSABLE_SEULE, _validation, principale=True),
    # What a deliberation does to a grant (deliberations calls the services below): never a button; the
    # grant's page links to the deliberation's « Inscrire à une délibération » form.
    Transition((S.VALIDEE,), S.DELIBERATION, "Inscrite à une délibération", EQUIPE, par_service=True, principale=True),
    Transition((S.DELIBERATION,), S.VALIDEE, "Retirée de la délibération", EQUIPE, par_service=True),
    Transition(
        (S.DELIBERATION,), S.VOTEE, "Votée par le conseil municipal", EQUIPE, _vote, par_service=True, principale=True
    ),
    Transition((S.VOTEE,), S.NOTIFIEE, "Notifier au centre", EQUIPE, principale=True),
    Transition((S.RECUE, S.INSTRUCTION, S.PROPOSEE), S.REJETEE, "Rejeter", RESPONSABLE_SEULE, motif_requis=True),
    Transition((S.RECUE, S.INSTRUCTION, S.PROPOSEE), S.RETIREE, "Constater le retrait", EQUIPE, motif_requis=True),
    Transition(
        (S.INSTRUCTION, S.PROPOSEE, S.VALIDEE, S.DELIBERATION),
        S.AJOURNEE,
        "Ajourner",
        RESPONSABLE_SEULE,
        motif_requis=True,
    ),
    Transition((S.AJOURNEE,), S.INSTRUCTION, "Reprendre l'instruction", EQUIPE, principale=True),
]


CIRCUIT = Circuit(TRANSITIONS, DemandeSubvention.Statut, qui=qui)


def etapes(demande, user, jour=None):
    """The grant's next steps as its page shows them to `user` (roubaix_cs.workflow.Etapes)."""
    return CIRCUIT.etapes(demande, user, jour)


def _preparer(demande, transition, *, jour, commentaire, par):
    if transition.vers == S.VALIDEE and demande.derogation_crf_motif and crf_en_retard(demande, jour):
        demande.derogation_crf_par = par


@transaction.atomic
def changer_statut(*, demande, vers, par, commentaire="", jour=None):
    """Move `demande` to `vers` (a button of the grant's page), or raise ValidationError with the French
    reasons. A grant adjourned while on a deliberation leaves it."""
    demande = _verrouiller(demande)
    avant = demande.statut
    demande = CIRCUIT.appliquer(demande, vers, par=par, commentaire=commentaire, jour=jour, preparer=_preparer)
    if avant == S.DELIBERATION:
        reagir("demande_quitte_deliberation", demande=demande, par=par)
    return demande


def _verrouiller(demande):
    # Only the grant's row is locked ("of self"): PostgreSQL refuses FOR UPDATE on an outer join.
    return (
        DemandeSubvention.objects.select_for_update(of=("self",)).select_related("ligne_budgetaire").get(pk=demande.pk)
    )


# --- What a deliberation does to a grant -------------------------------------------------------


@transaction.atomic
def inscrire_a_deliberation(*, demande, reference, par):
    """A validated grant is put on the draft deliberation `reference`."""
    return CIRCUIT.appliquer(
        _verrouiller(demande), S.DELIBERATION, par=par, commentaire=f"délibération n° {reference}", par_service=True
    )


@transaction.atomic
def retirer_de_deliberation(*, demande, reference, par):
    """Taken off the draft deliberation `reference` before its vote: validated again."""
    return CIRCUIT.appliquer(
        _verrouiller(demande), S.VALIDEE, par=par, commentaire=f"délibération n° {reference}", par_service=True
    )


@transaction.atomic
def enregistrer_vote(*, demande, reference, date_vote, par, montant_vote=None):
    """The council voted the grant in deliberation `reference`: the proposal, or `montant_vote` when it
    amended it (then kept within the line's credits, SUB-15)."""
    demande = _verrouiller(demande)
    if demande.statut != S.DELIBERATION:
        raise ValidationError(
            f"{demande} est « {demande.get_statut_display()} » : seule une subvention en délibération est votée."
        )
    demande.montant_vote = demande.montant_propose if montant_vote is None else montant_vote
    demande.deliberation_numero, demande.date_vote = reference, date_vote
    amende = "" if demande.montant_vote == demande.montant_propose else f", amendée à {montant(demande.montant_vote)}"
    return CIRCUIT.appliquer(
        demande, S.VOTEE, par=par, commentaire=f"délibération n° {reference}{amende}", jour=date_vote, par_service=True
    )


@transaction.atomic
def enregistrer_executoire(*, demande, reference, date, par):
    """The deliberation `reference` that voted the grant is exécutoire on `date`: payments may follow (SUB-1)."""
    demande = _verrouiller(demande)
    if demande.deliberation_numero != reference or not demande.votee:
        raise ValidationError(f"{demande} n'a pas été votée par la délibération n° {reference}.")
    if date < demande.date_vote:
        raise ValidationError("Une délibération devient exécutoire après son vote (CGCT L2131-1).")
    demande.date_executoire = date
    return enregistrer(demande, par=par, motif=f"Délibération n° {reference} exécutoire le {date:%d/%m/%Y}")


# --- Payments ---------------------------------------------------------------------------------


def _votees_du_beneficiaire(centre):
    return DemandeSubvention.objects.votees().filter(centre__in=Centre.objects.du_beneficiaire(centre))


def numeraire_vote(centre, annee):
    """The city's cash grants voted in `annee` for the beneficiary of `centre` (its association, all its centres)."""
    return _votees_du_beneficiaire(centre).filter(annee=annee).aggregate(t=Sum("montant_vote"))["t"] or ZERO


def numeraire_vote_par_annee(centre):
    """{year: the city's cash grants voted for the beneficiary of `centre`}, in one query."""
    return {
        ligne["annee"]: ligne["total"]
        for ligne in _votees_du_beneficiaire(centre).order_by().values("annee").annotate(total=Sum("montant_vote"))
    }


def verse_au_beneficiaire(centre, annee):
    """What the city has paid for `annee` to the beneficiary of `centre` (all its centres' grants)."""
    return (
        Versement.objects.filter(demande__in=_votees_du_beneficiaire(centre).filter(annee=annee)).aggregate(
            t=Sum("montant")
        )["t"]
        or ZERO
    )


def numeraire_prevu(demande):
    """The city's cash to the centre for the year if `demande` is granted as proposed: the grants
    voted, plus this proposal while it is not voted (SUB-3, SUB-7)."""
    vote = numeraire_vote(demande.centre, demande.annee)
    return vote if demande.votee else vote + (demande.montant_propose or ZERO)


def signature_ville(convention):
    """The date the city signed `convention` (its party of nature « ville »), or None.
    Uses the prefetched `parties__organisation` when there is one."""
    return min(
        (
            p.date_signature
            for p in convention.parties.all()
            if p.organisation.nature == Organisation.Nature.VILLE and p.date_signature
        ),
        default=None,
    )


def total_verse(demande):
    """What has been paid of `demande` (DemandeSubvention.objects.avec_verse, the one definition)."""
    return DemandeSubvention.objects.avec_verse().values_list("total_verse", flat=True).get(pk=demande.pk)


def refus_de_versement(demande, montant_, jour_versement):
    """The French reasons why this payment may not be made (empty when it may)."""
    erreurs = []
    if not demande.votee:
        erreurs.append("La subvention n'est pas votée.")
        return erreurs
    if not demande.date_executoire or jour_versement < demande.date_executoire:
        erreurs.append(
            f"Aucun versement avant que la délibération soit exécutoire ({CGCT_L2131_1})"
            + (f" : exécutoire le {demande.date_executoire:%d/%m/%Y}." if demande.date_executoire else ".")
        )
    aide = aide_annuelle(
        centre=demande.centre, annee=demande.annee, numeraire=numeraire_vote(demande.centre, demande.annee)
    )
    if aide.convention_manquante:
        erreurs.append(
            f"L'aide de la Ville au centre en {demande.annee} atteint {montant(aide.total)} "
            f"(dont {montant(aide.nature)} en nature"
            + (", prêts de salles de l'Espace Linné compris" if aide.prets_de_salles else "")
            + ") : une convention signée couvrant l'année est requise "
            f"avant tout versement ({LOI_2000_321_ART_10})."
        )
    elif aide.seuil_depasse and signature_ville(aide.convention) > jour_versement:
        erreurs.append(
            f"La convention couvrant {demande.annee} n'a été signée par la Ville que le "
            f"{signature_ville(aide.convention):%d/%m/%Y} : pas de versement daté d'avant sa signature "
            f"({LOI_2000_321_ART_10})."
        )
    if aide.seuil_depasse and aide.convention is not None and montant_ > 0:
        verse = verse_au_beneficiaire(demande.centre, demande.annee)
        if verse + montant_ > aide.numeraire_conventionne:
            erreurs.append(
                f"Les conventions signées pour {demande.annee} prévoient {montant(aide.numeraire_conventionne)} "
                f"de la Ville en numéraire ; avec ce versement, {montant(verse + montant_)} seraient versés : "
                "au-delà de 23 000 € par an, chaque euro versé doit être prévu par une convention (article 10 "
                "de la loi du 12 avril 2000). Un avenant fixant le nouveau montant est nécessaire."
            )
    if montant_ <= 0:
        erreurs.append("Le montant d'un versement doit être positif.")
    deja = total_verse(demande)
    if deja + montant_ > (demande.montant_vote or ZERO):
        erreurs.append(
            f"Le total des versements ({montant(deja + montant_)}) dépasserait le montant voté "
            f"({montant(demande.montant_vote)})."
        )
    return erreurs


@transaction.atomic
def enregistrer_versement(*, demande, type_, montant_, date, reference, par):
    """Record a payment. The grant row is locked first, so two payments at once cannot both pass
    the "never above the voted amount" check: the second waits, then sees the first."""
    demande = DemandeSubvention.objects.select_for_update().select_related("centre").get(pk=demande.pk)
    erreurs = refus_de_versement(demande, montant_, date)
    if erreurs:
        raise ValidationError(erreurs)
    versement = Versement.objects.create(
        demande=demande, type=type_, montant=montant_, date=date, reference=reference, cree_par=par
    )
    if total_verse(demande) == demande.montant_vote and demande.statut != S.PAYEE:
        demande.statut = S.PAYEE
        enregistrer(demande, par=par, motif="Soldée par le dernier versement")
    return versement


# --- Flags (SUB-7, SUB-8) and LOC-3 ----------------------------------------------------------


@dataclass(frozen=True)
class Signaux:
    bilan_certifie: bool  # SUB-7
    commissaire_aux_comptes: bool  # SUB-8
    loyers_depasses: bool  # LOC-3 (warning)


def signaux(demande):
    cash_ville = numeraire_prevu(demande)
    part = (
        demande.produits_structure and cash_ville * 100 > demande.produits_structure * BILAN_CERTIFIE_PART_PRODUITS_PCT
    )
    autres = demande.autres_subventions_publiques or ZERO
    montant_compense = demande.montant_propose if demande.montant_propose is not None else demande.montant_demande
    return Signaux(
        bilan_certifie=cash_ville > BILAN_CERTIFIE_SEUIL or bool(part),
        commissaire_aux_comptes=cash_ville + autres > CAC_SEUIL_SUBVENTIONS,
        loyers_depasses=demande.nature == DemandeSubvention.Nature.COMPENSATION_LOYERS
        and demande.loyers_charges_justifies is not None
        and montant_compense > demande.loyers_charges_justifies,
    )


# --- Renewal ----------------------------------------------------------------------------------


@transaction.atomic
def reconduire(*, demande, par, jour=None):
    """Next year's request from this one, keeping the stable fields (centre, purpose, imputation)."""
    jour = jour or timezone.localdate()
    # The row lock makes two renewals at once wait for each other: the second sees the first.
    demande = DemandeSubvention.objects.select_for_update().get(pk=demande.pk)
    if DemandeSubvention.objects.filter(precedente=demande).exists():
        raise ValidationError("Cette demande a déjà été reconduite.")
    ligne = None
    if demande.ligne_budgetaire_id:
        ancienne = demande.ligne_budgetaire
        ligne = LigneBudgetaire.objects.filter(
            annee=demande.annee + 1, section=ancienne.section, compte=ancienne.compte, fonction=ancienne.fonction
        ).first()
    return DemandeSubvention.objects.create(
        centre=demande.centre,
        annee=demande.annee + 1,
        nature=demande.nature,
        dispositif=demande.dispositif,
        objet=demande.objet,
        montant_demande=demande.montant_demande,
        date_reception=jour,
        cofinanceurs=demande.cofinanceurs,
        referent=demande.referent or par,
        ligne_budgetaire=ligne,
        convention=demande.convention if demande.convention and demande.convention.fin.year > demande.annee else None,
        loyers_charges_justifies=demande.loyers_charges_justifies,
        precedente=demande,
    )


# --- The budget annex PDF (CGCT L2313-1) ------------------------------------------------------


@transaction.atomic
def demander_annexe_pdf(*, annee, par):
    """Queue the PDF of the annex of `annee` (after commit): the web request renders nothing. A year out
    of the service's window is refused (ValidationError). A request while another runs is not merged
    into it: that one may have read the grants before the change this one follows."""
    for valider in bornes.EXERCICE:
        valider(annee)
    generation = GenerationAnnexe.objects.create(annee=annee, demandee_par=par)
    from .tasks import generer_annexe_pdf  # the task module imports this one

    transaction.on_commit(lambda: generer_annexe_pdf.delay(generation.pk))
    return generation


def generer_annexe_pdf(generation_id):
    """Render and store a new version of the annex. Idempotent: a finished generation is not redone."""

    def rendre(annee, generation):
        return render_pdf(
            "pdf/annexe_budgetaire.html", {"annexe": annexes.annexe_de(annee), "edite_le": timezone.localdate()}
        )

    return generations.generer_version_annuelle(GenerationAnnexe, VersionAnnexe, generation_id, rendre)
