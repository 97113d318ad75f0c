import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from roubaix_cs import generations
from roubaix_cs.locking import enregistrer_versionne
from roubaix_cs.pdf import render_pdf
from roubaix_cs.validators import valider_rna, valider_siret

from .models import (
    CentrePartenaire,
    Contact,
    Direction,
    Document,
    GenerationRapport,
    IndicateursAnnuels,
    VersionRapport,
    Visite,
)


def cer_signe(centre, jour):
    """SUB-11: a signed contrat d'engagement républicain, valid on `jour`, is in the centre's vault.
    No aid, cash or in kind, without it (loi 2000-321 art. 10-1)."""
    return Document.objects.filter(centre=centre, type=Document.Type.CER).valides_le(jour).exists()


def identifiant_valide(centre):
    """The beneficiary can be identified: a valid SIRET, else a valid RNA number (OD-*, SUB-10)."""
    for valeur, valider in ((centre.siret_beneficiaire, valider_siret), (centre.rna, valider_rna)):
        try:
            valider(valeur)
        except ValidationError:
            continue
        return True
    return False


def siret_valide(centre):
    """A cash grant is paid to a SIRET (CERFA 12156, SUB-10): the beneficiary's, checked."""
    try:
        valider_siret(centre.siret_beneficiaire)
    except ValidationError:
        return False
    return True


@transaction.atomic
def enregistrer_centre(*, form):
    """Save a CentreForm and its partner organisations together (optimistic locking applies)."""
    centre = enregistrer_versionne(form)
    definir_partenaires(centre=centre, organisations=form.cleaned_data["partenaires"])
    return centre


@transaction.atomic
def noter_commission_securite(local, *, derniere, prochaine, motif):
    """The safety commission's last and next visit of the premises `local`, as the register of the building
    that records the visits has them (Espace Linné's, linne.securite): one date, in one place, alerting once
    (centres.deadlines)."""
    if (local.commission_derniere, local.commission_prochaine) == (derniere, prochaine):
        return local
    local.commission_derniere = derniere
    local.commission_prochaine = prochaine
    local._change_reason = motif
    local.save(update_fields=["commission_derniere", "commission_prochaine"])
    return local


def enregistrer_direction(*, form):
    """Save a DirectionForm (optimistic locking applies). A new director who replaces the one(s) in post
    (`remplace`) ends their time in post the day before arriving, in the same transaction; one already
    ended meanwhile by someone else is left as it is."""
    with transaction.atomic():
        direction = enregistrer_versionne(form)
        if form.cleaned_data.get("remplace"):
            veille = direction.debut - datetime.timedelta(days=1)
            precedentes = Direction.objects.select_for_update().filter(
                pk__in=[d.pk for d in form.en_poste], fin__isnull=True, debut__lte=veille
            )
            for precedente in precedentes:
                precedente.fin = veille
                precedente.version += 1
                precedente.save()
    return direction


@dataclass
class Gouvernance:
    """What the centre page's « Gouvernance » tab shows: the directors, the presidency, the board and the
    auditor's reports of the latest years."""

    en_poste: list  # Direction, the latest arrival first
    passees: list  # Direction, the latest departure first
    a_venir: list  # Direction arriving after `jour`
    vacante_depuis: datetime.date | None  # the day the last director left, when nobody is in post
    presidents: list  # Contact
    annees: list  # IndicateursAnnuels of the latest years (board size, auditor), [] for who may not read them


# The years of indicators the tab shows: the Cellule de veille reads three financial years (CV-4).
GOUVERNANCE_ANNEES = 3


def gouvernance_du_centre(centre, *, jour, avec_indicateurs):
    """The centre's governance on `jour`, in three queries at most."""
    directions = list(centre.directions.order_by("-debut", "-pk"))
    en_poste = [d for d in directions if d.en_poste_le(jour)]
    passees = sorted((d for d in directions if d.fin and d.fin < jour), key=lambda d: d.fin, reverse=True)
    arrivees = [d for d in directions if d.debut <= jour]
    vacante_depuis = passees[0].fin if arrivees and not en_poste and passees else None
    annees = []
    if avec_indicateurs:
        annees = list(
            IndicateursAnnuels.objects.filter(centre=centre)
            .order_by("-annee")
            .only("pk", "centre", "annee", "administrateurs", "avis_commissaire", "procedure_alerte")[
                :GOUVERNANCE_ANNEES
            ]
        )
    return Gouvernance(
        en_poste=en_poste,
        passees=passees,
        a_venir=[d for d in directions if d.debut > jour],
        vacante_depuis=vacante_depuis,
        presidents=list(centre.contacts.filter(qualite=Contact.Qualite.PRESIDENT)),
        annees=annees,
    )


def definir_partenaires(*, centre, organisations):
    """Make the centre's partners exactly `organisations`, one row at a time so history keeps each change."""
    voulues = {org.pk for org in organisations}
    for lien in centre.liens_partenaires.all():
        if lien.organisation_id not in voulues:
            lien.delete()
        voulues.discard(lien.organisation_id)
    for organisation_id in sorted(voulues):
        CentrePartenaire.objects.create(centre=centre, organisation_id=organisation_id)


def deposer_document(*, form):
    """Save a valid DocumentForm (centre and depositor already set by the view): the row and
    its file together, or neither — a failed insert removes the file it had just written."""
    try:
        with transaction.atomic():
            return form.save()
    except Exception:
        fichier = form.instance.fichier
        if fichier._committed and fichier.name:
            fichier.storage.delete(fichier.name)
        raise


# The file of a centre (CERFA 12156 attachments, SUB-10/SUB-11, and the agrément's projet social):
# what the team checks before instructing a grant.
PIECES_DU_DOSSIER = (
    Document.Type.STATUTS,
    Document.Type.RIB,
    Document.Type.COMPTES,
    Document.Type.RAPPORT_ACTIVITE,
    Document.Type.CER,
    Document.Type.ASSURANCE,
    Document.Type.PROJET_SOCIAL,
)


@dataclass(frozen=True)
class Piece:
    type: str
    libelle: str
    etat: str  # "valide", "a_venir", "expire" or "manquant"
    document: Document | None = None

    ETATS = {
        "valide": "Valide",
        "a_venir": "Pas encore en vigueur",
        "expire": "Expirée",
        "manquant": "Manquante",
    }

    @property
    def libelle_etat(self):
        return self.ETATS[self.etat]


def _recence(document):
    return (document.valide_au or datetime.date.max, document.depose_le)


def pieces_du_centre(*, centre, jour, documents, types=PIECES_DU_DOSSIER):
    """For each type of `types`, whether the centre has a document valid on `jour`.

    `documents` are already loaded (no query here): the best one per type is shown, the valid
    one lasting longest, else the most recent.
    """
    par_type = defaultdict(list)
    for document in documents:
        if document.centre_id == centre.pk:
            par_type[document.type].append(document)
    pieces = []
    for code in types:
        candidats = par_type[code]
        valides = [d for d in candidats if d.valide_le(jour)]
        futurs = [d for d in candidats if d.valide_du is not None and d.valide_du > jour]
        if valides:
            etat, document = "valide", max(valides, key=_recence)
        elif futurs:
            etat, document = "a_venir", max(futurs, key=_recence)
        elif candidats:
            etat, document = "expire", max(candidats, key=_recence)
        else:
            etat, document = "manquant", None
        pieces.append(Piece(type=code, libelle=Document.Type(code).label, etat=etat, document=document))
    return pieces


# --- Visit report PDF -------------------------------------------------------------------------


def contexte_rapport(visite):
    """What the visit page and its report PDF show."""
    return {
        "visite": visite,
        "centre": visite.centre,
        "controle": visite.controle_encadrement(),
        "checklist": [(visite._meta.get_field(nom).verbose_name, getattr(visite, nom)) for nom in Visite.CHECKLIST],
        "actions": visite.actions.select_related("responsable"),
        "today": timezone.localdate(),
    }


@transaction.atomic
def demander_rapport(*, visite, par):
    """Queue the report's generation (after commit): the web request renders nothing."""
    generation = GenerationRapport.objects.create(visite=visite, demandee_par=par)
    from .tasks import generer_rapport  # the task module imports this one

    transaction.on_commit(lambda: generer_rapport.delay(generation.pk))
    return generation


def generer_rapport(generation_id):
    """Render and store a new report version. Idempotent: a finished generation is not redone."""
    generation = generations.commencer(GenerationRapport, generation_id)
    if generation is None:
        return GenerationRapport.objects.get(pk=generation_id)
    visite = Visite.objects.select_related("centre").prefetch_related("visiteurs").get(pk=generation.visite_id)
    pdf = render_pdf("pdf/visite.html", {**contexte_rapport(visite), "imprime_le": timezone.localtime()})
    with transaction.atomic():
        generation = GenerationRapport.objects.select_for_update().get(pk=generation_id)
        if generation.statut == GenerationRapport.Statut.TERMINEE:  # a redelivered duplicate finished first
            return generation
        version = generations.enregistrer_version(
            VersionRapport(visite=visite, generee_par=generation.demandee_par), visite.rapports, pdf
        )
        return generations.terminer(generation, version)
