"""Drafting, PDF generation, vote and exécutoire date of council deliberations."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string

from comptes.models import Role
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, qui
from conventions import services as conventions_services
from conventions.models import Avenant, Convention
from roubaix_cs import generations
from roubaix_cs.pdf import render_pdf
from roubaix_cs.sources_legales import CGCT_L2131_11
from roubaix_cs.workflow import Circuit, Transition, enregistrer
from subventions import services as subventions_services
from subventions.models import DemandeSubvention

from .models import AR_ACTES_RE, Deliberation, GenerationPdf, Mandat, VersionPdf, VotePresident, votants
from .permissions import can_mark_deliberation_ready

N = Deliberation.Nature
DS = DemandeSubvention.Statut


def _organisations_beneficiaires(demandes, conventions, avenants):
    return {
        *(d.centre.organisation_id for d in demandes),
        *(c.centre.organisation_id for c in conventions),
        *(a.convention.centre.organisation_id for a in avenants),
    } - {None}


def elus_interesses(deliberation):
    """SUB-13: the élus sitting on the board of a beneficiary of this deliberation."""
    organisations = _organisations_beneficiaires(
        deliberation.demandes.select_related("centre"),
        deliberation.conventions.select_related("centre"),
        deliberation.avenants.select_related("convention__centre"),
    )
    return set(Mandat.objects.filter(organisation__in=organisations).values_list("elu_id", flat=True))


def _verifier_rapporteur(rapporteur, organisations):
    if rapporteur is None:
        return
    if rapporteur.role != Role.ELU:
        raise ValidationError({"rapporteur": "Le rapporteur est un(e) élu(e)."})
    if Mandat.objects.filter(elu=rapporteur, organisation__in=organisations).exists():
        raise ValidationError(
            {
                "rapporteur": f"{rapporteur} siège au conseil d'administration d'un bénéficiaire : "
                f"il ou elle ne peut pas rapporter cette délibération ({CGCT_L2131_11})."
            }
        )


def exercice(deliberation, demandes):
    """The financial year(s) the deliberation grants: the grants' own years (« 2027 », « 2026 et 2027 »),
    not the session's; without grants, the session's year."""
    annees = [str(annee) for annee in sorted({d.annee for d in demandes})] or [str(deliberation.annee)]
    return annees[0] if len(annees) == 1 else f"{', '.join(annees[:-1])} et {annees[-1]}"


def texte_initial(deliberation, *, demandes, conventions, avenants):
    """Visas, considérants and articles from the templates (domain-rules §4 skeleton)."""
    contexte = {
        "deliberation": deliberation,
        "demandes": demandes,
        "conventions": conventions,
        "avenants": avenants,
        "total": sum((d.montant_propose or 0 for d in demandes), 0),
        "exercice": exercice(deliberation, demandes),
    }
    return {
        partie: render_to_string(f"deliberations/texte/{partie}.txt", contexte).strip()
        for partie in ("visas", "considerants", "articles")
    }


@transaction.atomic
def rediger(
    *,
    seance,
    objet,
    par,
    demandes=(),
    conventions=(),
    avenants=(),
    rapporteur=None,
    commission="",
    date_commission=None,
):
    """Draft a deliberation from validated grants and/or approved conventions and draft avenants.

    The grants, conventions and avenants are locked and read again first: two drafts made at the same
    moment cannot both take one of them (the second waits, then finds it taken)."""
    demandes = _verrouilles(DemandeSubvention, demandes)
    conventions = _verrouilles(Convention, conventions)
    avenants = _verrouilles(Avenant, avenants)
    if not (demandes or conventions or avenants):
        raise ValidationError("Choisissez au moins une subvention, une convention ou un avenant.")
    en_cours = [Deliberation.Statut.BROUILLON, Deliberation.Statut.PRETE]
    erreurs = [f"{d} n'est pas validée." for d in demandes if d.statut != DS.VALIDEE]
    erreurs += [
        f"{objet} figure déjà sur la délibération n° {deliberation.reference}."
        for objet in [*demandes, *conventions, *avenants]
        for deliberation in objet.deliberations.filter(statut__in=en_cours)
    ]
    erreurs += [
        f"{c} n'est pas approuvée pour signature." for c in conventions if c.statut != Convention.Statut.APPROUVEE
    ]
    erreurs += [f"{a} n'est plus un projet." for a in avenants if a.statut != Avenant.Statut.PROJET]
    if erreurs:
        raise ValidationError(erreurs)
    _verifier_rapporteur(rapporteur, _organisations_beneficiaires(demandes, conventions, avenants))
    nature = N.SUBVENTIONS if demandes else N.CONVENTION if conventions else N.AVENANT
    deliberation = Deliberation(
        seance=seance,
        annee=seance.date.year,
        nature=nature,
        objet=objet,
        rapporteur=rapporteur,
        commission=commission,
        date_commission=date_commission,
    )
    for partie, texte in texte_initial(
        deliberation, demandes=demandes, conventions=conventions, avenants=avenants
    ).items():
        setattr(deliberation, partie, texte)
    _numeroter_et_enregistrer(deliberation)
    deliberation.demandes.set(demandes)
    deliberation.conventions.set(conventions)
    deliberation.avenants.set(avenants)
    for demande in demandes:
        subventions_services.inscrire_a_deliberation(demande=demande, reference=deliberation.reference, par=par)
    return deliberation


def _verrouilles(modele, objets):
    """`objets` read again under a row lock, in a fixed order (no deadlock between two drafts)."""
    pks = sorted({objet.pk for objet in objets})
    return list(modele.objects.select_for_update().filter(pk__in=pks).order_by("pk")) if pks else []


NUMEROTATION_ESSAIS = 5


def _numeroter_et_enregistrer(deliberation):
    """Save a new deliberation with the next number of its year. Two drafts at the same moment may
    take the same one: the second insert then breaks the unique constraint (after waiting for the
    first to commit); it takes the following number, within a savepoint, a few times at most."""
    for essai in range(NUMEROTATION_ESSAIS):
        dernier = Deliberation.objects.filter(annee=deliberation.annee).aggregate(n=Max("numero"))["n"] or 0
        deliberation.numero = dernier + 1
        try:
            with transaction.atomic():
                deliberation.save()
            return deliberation
        except IntegrityError:
            deliberation.pk = None
            if essai == NUMEROTATION_ESSAIS - 1:
                raise
    return deliberation


@transaction.atomic
def inscrire_demande(*, deliberation, demande, par):
    """Put a validated grant on a draft deliberation (« Inscrire à une délibération »)."""
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if deliberation.statut != Deliberation.Statut.BROUILLON:
        raise ValidationError(f"La délibération n° {deliberation.reference} n'est plus un projet.")
    if demande.statut != DS.VALIDEE or demande.deliberations.exists():
        raise ValidationError(f"{demande} n'est pas une subvention validée en attente de délibération.")
    _verifier_rapporteur(deliberation.rapporteur, _organisations_beneficiaires([demande], [], []))
    deliberation.demandes.add(demande)
    subventions_services.inscrire_a_deliberation(demande=demande, reference=deliberation.reference, par=par)
    _contenu_change(deliberation, par=par, motif=f"Subvention ajoutée : {demande}")
    return deliberation


def _contenu_change(deliberation, *, par, motif):
    """Its grants changed: a PDF generated before no longer shows them, and a deliberation marked
    ready goes back to draft (the responsable marks it ready again)."""
    deliberation.contenu_modifie = deliberation.versions.exists()
    if deliberation.statut == Deliberation.Statut.PRETE:
        deliberation.statut = Deliberation.Statut.BROUILLON
    enregistrer(deliberation, par=par, motif=motif)


@transaction.atomic
def oter_demande(*, deliberation, demande, par):
    """Take a grant off a draft deliberation: it is validated again, waiting for another one."""
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if not deliberation.modifiable or not deliberation.demandes.filter(pk=demande.pk).exists():
        raise ValidationError(f"{demande} ne peut plus être retirée de la délibération n° {deliberation.reference}.")
    deliberation.demandes.remove(demande)
    subventions_services.retirer_de_deliberation(demande=demande, reference=deliberation.reference, par=par)
    _contenu_change(deliberation, par=par, motif=f"Subvention retirée : {demande}")
    return deliberation


@transaction.atomic
def retirer_demande(*, demande, par):
    """A grant that left the deliberation process (adjourned) leaves the draft deliberations carrying it."""
    for deliberation in Deliberation.objects.select_for_update().filter(
        demandes=demande, statut__in=[Deliberation.Statut.BROUILLON, Deliberation.Statut.PRETE]
    ):
        deliberation.demandes.remove(demande)
        _contenu_change(deliberation, par=par, motif=f"Subvention retirée ({demande.get_statut_display()}) : {demande}")


@transaction.atomic
def marquer_prete(*, deliberation, par):
    """The responsable freezes the text: it is ready for the session."""
    if deliberation.statut != Deliberation.Statut.BROUILLON:
        raise ValidationError("Cette délibération n'est plus un projet.")
    if not can_mark_deliberation_ready(par, deliberation):
        raise ValidationError(f"« Marquer prête pour la séance » est réservé à {qui(RESPONSABLE_SEULE)}.")
    deliberation.statut = Deliberation.Statut.PRETE
    return enregistrer(deliberation, par=par, motif="Marquée prête pour la séance")


# --- PDF ---------------------------------------------------------------------------------------


def contexte_pdf(deliberation):
    demandes = list(deliberation.demandes.select_related("centre__organisation", "ligne_budgetaire"))
    return {
        "deliberation": deliberation,
        "seance": deliberation.seance,
        "demandes": demandes,
        "conventions": list(deliberation.conventions.select_related("centre")),
        "avenants": list(deliberation.avenants.select_related("convention__centre")),
        "total": sum((d.montant_propose or 0 for d in demandes), 0),
        "exercice": exercice(deliberation, demandes),
        "imputation_commune": imputation_commune(demandes),
        "ne_prennent_pas_part": list(deliberation.ne_prennent_pas_part.all()),
        "presence": presence(deliberation),
    }


def imputation_commune(demandes):
    """The budget line of every grant when they share one (chapter, account and function), else None.
    The annex then states it once above the table instead of in a column: a column costs each row a
    cell, and a cell is what the PDF renderer pays for."""
    imputations = {
        (ligne.chapitre, ligne.compte, ligne.fonction) if (ligne := d.ligne_budgetaire) else None for d in demandes
    }
    return demandes[0].ligne_budgetaire if len(imputations) == 1 and None not in imputations else None


def presence(deliberation):
    """Present, proxies and voters: when this item was voted, else the session's (none before it)."""
    seance = deliberation.seance
    presents, pouvoirs = (
        (deliberation.presents, deliberation.pouvoirs or 0)
        if deliberation.presents is not None
        else (seance.presents, seance.pouvoirs or 0)
    )
    if presents is None:
        return None
    return {
        "presents": presents,
        "pouvoirs": pouvoirs,
        "votants": votants(
            presents, pouvoirs, len(deliberation.ne_prennent_pas_part.all()), deliberation.pouvoirs_hors_vote
        ),
    }


@transaction.atomic
def demander_pdf(*, deliberation, par):
    """Queue a draft's generation (after commit); refused once voted: the act as voted is frozen."""
    if deliberation.votee:
        raise ValidationError("Délibération votée : son PDF est figé et ne se régénère plus.")
    return _mettre_en_file(deliberation, par=par, acte=False)


def _mettre_en_file(deliberation, *, par, acte):
    generation = GenerationPdf.objects.create(deliberation=deliberation, demandee_par=par, acte=acte)
    from .tasks import generer_pdf  # the task module imports this one

    transaction.on_commit(lambda: generer_pdf.delay(generation.pk))
    return generation


def generer(generation_id):
    """Render and store a new PDF version. Idempotent: a finished generation is not redone."""
    generation = generations.commencer(GenerationPdf, generation_id)
    if generation is None:
        return GenerationPdf.objects.get(pk=generation_id)
    deliberation = generation.deliberation
    pdf = render_pdf("pdf/deliberation.html", contexte_pdf(deliberation))
    with transaction.atomic():
        generation = GenerationPdf.objects.select_for_update().get(pk=generation_id)
        if generation.statut == GenerationPdf.Statut.TERMINEE:  # a redelivered duplicate finished first
            return generation
        votee = Deliberation.objects.get(pk=deliberation.pk).votee
        if votee and not generation.acte:
            raise ValidationError("Délibération votée entre-temps : son PDF est figé.")
        if generation.acte and VersionPdf.objects.filter(deliberation=deliberation, votee=True).exists():
            return generations.terminer(generation)  # the act as voted exists already: one frozen version
        version = generations.enregistrer_version(
            VersionPdf(deliberation=deliberation, generee_par=generation.demandee_par, votee=generation.acte),
            deliberation.versions,
            pdf,
        )
        Deliberation.objects.filter(pk=deliberation.pk).update(contenu_modifie=False)
        return generations.terminer(generation, version)


# --- Vote and exécutoire ----------------------------------------------------------------------


def refus_du_vote(
    *,
    seance,
    presents,
    pouvoirs,
    pour,
    contre,
    abstentions,
    ne_prenant_pas_part,
    pouvoirs_hors_vote=0,
    secret,
    president,
):
    """DEL-2 and DEL-3: why this vote is not lawful, or not adopted (empty when it is adopted).

    Quorum: more than half the members in office present when the item is put to the vote, proxies
    not counted, unless the session was convened again for want of quorum (CGCT L2121-17). A member
    carries one proxy at most, so proxies are no more than the members present nor the absent ones.
    Votes and abstentions are no more than the voters (present, plus proxies, minus the élus who do not
    take part and the proxies they carry, one each at most). Adopted by an absolute majority of the
    votes cast, abstentions aside; on a tie the president's vote decides, except in a secret ballot (CGCT L2121-20)."""
    en_exercice = seance.membres_en_exercice
    if presents > en_exercice:
        return [f"{presents} présents pour {en_exercice} conseillers en exercice."]
    erreurs = []
    if not seance.sans_quorum and presents * 2 <= en_exercice:
        erreurs.append(
            f"Quorum non atteint : {presents} présents pour {en_exercice} conseillers en exercice ; plus de la "
            "moitié doivent être présents, les pouvoirs ne comptent pas (CGCT L2121-17)."
        )
    if pouvoirs > min(presents, en_exercice - presents):
        erreurs.append(
            f"{pouvoirs} pouvoirs pour {presents} présents et {en_exercice - presents} absents : un conseiller ne "
            "porte qu'un pouvoir, donné par un absent (CGCT L2121-20)."
        )
    if pouvoirs_hors_vote > min(ne_prenant_pas_part, pouvoirs):
        erreurs.append(
            f"{pouvoirs_hors_vote} pouvoirs portés par les élus qui ne prennent pas part au vote, pour "
            f"{ne_prenant_pas_part} élus concernés et {pouvoirs} pouvoirs : chacun n'en porte qu'un (CGCT L2121-20)."
        )
    nombre = votants(presents, pouvoirs, ne_prenant_pas_part, pouvoirs_hors_vote)
    if pour + contre + abstentions > nombre:
        erreurs.append(
            f"{pour + contre + abstentions} voix et abstentions pour {nombre} votants (présents et pouvoirs, "
            "hors élus qui ne prennent pas part au vote et pouvoirs qu'ils portent)."
        )
    if erreurs:
        return erreurs
    if pour > contre or (pour == contre and not secret and president == VotePresident.POUR):
        return []
    return [
        "La délibération n'est pas adoptée (pour ≤ contre ; à égalité, la voix du président de séance l'emporte, "
        "sauf au scrutin secret) : rien n'est attribué."
    ]


def _avant_vote(deliberation, jour=None):
    """What the vote of a ready deliberation waits for: a session that may vote (DEL-1), the PDF of its
    current content, a rapporteur who is not on a beneficiary's board (SUB-13)."""
    erreurs = list(deliberation.seance.refus_de_vote())
    if not deliberation.versions.exists() or deliberation.contenu_modifie:
        erreurs.append("Générez le PDF de la délibération (à jour de son contenu) avant d'enregistrer le vote.")
    if deliberation.rapporteur_id and deliberation.rapporteur_id in elus_interesses(deliberation):
        erreurs.append(
            "Le rapporteur siège au conseil d'un bénéficiaire : un élu intéressé ne rapporte pas la délibération "
            f"({CGCT_L2131_11})."
        )
    return erreurs


def _avant_executoire(deliberation, jour=None):
    """DEL-4: the act as voted is transmitted, so its PDF must be ready."""
    if deliberation.versions.filter(votee=True).exists():
        return []
    return ["Le PDF de l'acte tel que voté est en cours de génération : transmettez-le une fois qu'il est prêt."]


# The steps of a deliberation as its page draws them, `principale` its one primary button. Each is taken
# through its own form and service (marquer_prete, voter, rendre_executoire); the table says who takes it
# and what it waits for, so that the page shows why a step may not be taken yet.
DST = Deliberation.Statut
TRANSITIONS = [
    Transition((DST.BROUILLON,), DST.PRETE, "Marquer prête pour la séance", RESPONSABLE_SEULE, principale=True),
    Transition((DST.PRETE,), DST.VOTEE, "Enregistrer le vote", EQUIPE, _avant_vote, principale=True),
    Transition((DST.VOTEE,), DST.EXECUTOIRE, "Rendre exécutoire", EQUIPE, _avant_executoire, principale=True),
]
CIRCUIT = Circuit(TRANSITIONS, Deliberation.Statut, qui=qui)


def etapes(deliberation, user, jour=None):
    """The deliberation's next step as its page shows it to `user` (roubaix_cs.workflow.Etapes)."""
    return CIRCUIT.etapes(deliberation, user, jour)


@transaction.atomic
def voter(
    *,
    deliberation,
    pour,
    contre,
    abstentions,
    ne_prennent_pas_part=(),
    par,
    presents=None,
    pouvoirs=None,
    pouvoirs_hors_vote=0,
    scrutin_secret=False,
    vote_president="",
    amendements=None,
    jour=None,
):
    """Record the vote (DEL-1 to DEL-3, SUB-13), queue the act as voted and have the grants, conventions
    and avenants record the council's decision through their own services, all in one transaction.

    `presents` and `pouvoirs`: the attendance when the item was voted (the session's by default);
    `pouvoirs_hors_vote`: the proxies carried by élus who do not take part, which are not used (SUB-13).
    `amendements`: {grant: amount} for the grants whose amount the council amended (SUB-15 applies)."""
    deliberation = Deliberation.objects.select_for_update().select_related("seance").get(pk=deliberation.pk)
    seance = deliberation.seance
    if deliberation.statut != Deliberation.Statut.PRETE:
        raise ValidationError("Seule une délibération prête peut être votée.")
    if refus := _avant_vote(deliberation):
        raise ValidationError(refus)
    interesses = elus_interesses(deliberation)
    presents = seance.presents if presents is None else presents
    pouvoirs = (seance.pouvoirs or 0) if pouvoirs is None else pouvoirs
    if presents is None:
        raise ValidationError("Indiquez le nombre de conseillers présents au moment du vote (CGCT L2121-17).")
    hors_vote = {*(u.pk for u in ne_prennent_pas_part), *interesses}
    if refus := refus_du_vote(
        seance=seance,
        presents=presents,
        pouvoirs=pouvoirs,
        pour=pour,
        contre=contre,
        abstentions=abstentions,
        ne_prenant_pas_part=len(hors_vote),
        pouvoirs_hors_vote=pouvoirs_hors_vote,
        secret=scrutin_secret,
        president=vote_president,
    ):
        raise ValidationError(refus)
    deliberation.vote_pour, deliberation.vote_contre, deliberation.vote_abstentions = pour, contre, abstentions
    deliberation.presents, deliberation.pouvoirs = presents, pouvoirs
    deliberation.pouvoirs_hors_vote = pouvoirs_hors_vote
    deliberation.scrutin_secret, deliberation.vote_president = scrutin_secret, vote_president
    deliberation.statut = Deliberation.Statut.VOTEE
    enregistrer(deliberation, par=par, motif=f"Vote : {pour} pour, {contre} contre, {abstentions} abstention(s)")
    deliberation.ne_prennent_pas_part.set(hors_vote)
    # The act as voted (attendance, vote figures, who did not take part) is rendered after commit and frozen.
    _mettre_en_file(deliberation, par=par, acte=True)
    amendements = {d.pk: m for d, m in (amendements or {}).items()}
    for demande in deliberation.demandes.all():
        subventions_services.enregistrer_vote(
            demande=demande,
            reference=deliberation.reference,
            date_vote=seance.date,
            montant_vote=amendements.get(demande.pk),
            par=par,
        )
    for objet in [*deliberation.conventions.all(), *deliberation.avenants.all()]:
        conventions_services.enregistrer_deliberation(objet=objet, reference=deliberation.reference, par=par)
    return deliberation


@transaction.atomic
def rendre_executoire(*, deliberation, date_transmission, ar_actes, date_publication, par):
    """DEL-4: exécutoire once transmitted to the préfet and published, on the later date; grants may
    then be paid (SUB-1) and conventions signed (DEL-6)."""
    deliberation = Deliberation.objects.select_for_update().select_related("seance").get(pk=deliberation.pk)
    if deliberation.statut != Deliberation.Statut.VOTEE:
        raise ValidationError("Seule une délibération votée devient exécutoire.")
    if refus := _avant_executoire(deliberation):
        raise ValidationError(refus)
    if not AR_ACTES_RE.match(ar_actes or ""):
        raise ValidationError(
            {"ar_actes": "Accusé de réception @CTES attendu sous la forme 059-215905128-20260210-2026_042-DE."}
        )
    seance = deliberation.seance.date
    avant = {
        champ: f"Une délibération est transmise et publiée après sa séance du {seance:%d/%m/%Y} (CGCT L2131-1)."
        for champ, date in (("date_transmission", date_transmission), ("date_publication", date_publication))
        if date < seance
    }
    if avant:
        raise ValidationError(avant)
    executoire = max(date_transmission, date_publication)
    deliberation.date_transmission, deliberation.ar_actes = date_transmission, ar_actes
    deliberation.date_publication, deliberation.date_executoire = date_publication, executoire
    deliberation.statut = Deliberation.Statut.EXECUTOIRE
    enregistrer(deliberation, par=par, motif=f"Exécutoire le {executoire:%d/%m/%Y}")
    reference = deliberation.reference
    for demande in deliberation.demandes.all():
        subventions_services.enregistrer_executoire(demande=demande, reference=reference, date=executoire, par=par)
    for objet in [*deliberation.conventions.all(), *deliberation.avenants.all()]:
        conventions_services.enregistrer_executoire(objet=objet, reference=reference, date=executoire, par=par)
    return deliberation
