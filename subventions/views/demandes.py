"""Grant requests: the list, the request form, the instruction page and its workflow."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.models import Agrement, Centre, Document
from centres.services import PIECES_DU_DOSSIER, pieces_du_centre
from comptes.models import User
from comptes.permissions import (
    EQUIPE,
    LECTEURS_SUBVENTIONS,
    access,
    is_equipe,
    is_responsable,
)
from conventions.services import aide_annuelle
from roubaix_cs.exports import exporter, libelles
from roubaix_cs.history import evenements
from roubaix_cs.lecture import lisible
from roubaix_cs.listes import page_de_liste
from roubaix_cs.vues import appliquer_etape, enregistrer_et_rediriger, form_page

from .. import services
from ..filters import DemandeFilter
from ..forms import DemandeForm, InstructionForm
from ..models import (
    ZERO,
    CompteRenduFinancier,
    DemandeSubvention,
    Dispositif,
    LigneBudgetaire,
    LigneCRF,
    Versement,
    echeance_crf,
)
from ..permissions import can_edit_demande, can_put_demande_on_deliberation

S = DemandeSubvention.Statut
CENTIME = Decimal("0.01")


def _get_demande(user, pk):
    """The request if the user may see it; 404 otherwise."""
    return get_object_or_404(DemandeSubvention.objects.visibles_par(user).select_related("centre"), pk=pk)


def _demandes_filtrees(request):
    queryset = (
        DemandeSubvention.objects.visibles_par(request.user)
        .select_related("centre", "dispositif", "referent", "ligne_budgetaire")
        .avec_verse()
    )
    return DemandeFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_list(request):
    filtre = _demandes_filtrees(request)
    context = page_de_liste(request, filtre)
    annee = filtre.form.cleaned_data.get("annee") if filtre.is_valid() else None
    return render(
        request,
        "subventions/demande_list.html",
        {**context, "totaux": filtre.qs.totaux(), "annee_budget": annee or timezone.localdate().year},
    )


NATURES = dict(DemandeSubvention.Nature.choices)
STATUTS = dict(DemandeSubvention.Statut.choices)
# The export reads rows (values_list), not model instances: these are its fields.
EXPORT_CHAMPS = [
    "centre__nom",
    "annee",
    "nature",
    "dispositif_id",
    "objet",
    "date_reception",
    "statut",
    "montant_demande",
    "montant_propose",
    "ligne_budgetaire_id",
    "montant_vote",
    "deliberation_numero",
    "date_vote",
    "date_executoire",
    "total_verse",
    "referent_id",
    "note_analyse",
]


def _colonnes_export(demandes, note):
    """The columns of the export; the related objects named once each (users, schemes, budget lines)."""
    dispositifs = libelles(Dispositif.objects.filter(pk__in=demandes.values("dispositif")))
    lignes = libelles(LigneBudgetaire.objects.filter(pk__in=demandes.values("ligne_budgetaire")))
    referents = libelles(User.objects.filter(pk__in=demandes.values("referent")))
    colonnes = [
        ("Centre", lambda d: d.centre__nom),
        ("Exercice", lambda d: d.annee),
        ("Nature", lambda d: NATURES[d.nature]),
        ("Dispositif", lambda d: dispositifs.get(d.dispositif_id, "")),
        ("Objet", lambda d: d.objet),
        ("Reçue le", lambda d: d.date_reception),
        ("Statut", lambda d: STATUTS[d.statut]),
        ("Montant demandé", lambda d: d.montant_demande),
        ("Montant proposé", lambda d: d.montant_propose),
        ("Imputation", lambda d: lignes.get(d.ligne_budgetaire_id, "")),
        ("Montant voté", lambda d: d.montant_vote),
        ("Délibération", lambda d: d.deliberation_numero),
        ("Votée le", lambda d: d.date_vote),
        ("Exécutoire le", lambda d: d.date_executoire),
        # A sum computed by the database: SQLite returns it unrounded.
        ("Versé", lambda d: d.total_verse.quantize(CENTIME)),
        ("Instruite par", lambda d: referents.get(d.referent_id, "")),
    ]
    return colonnes + ([("Note d'analyse (interne)", lambda d: d.note_analyse)] if note else [])


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_export(request, fmt):
    note = lisible(request.user, DemandeSubvention, "note_analyse")  # the rule of the page and its history
    demandes = _demandes_filtrees(request).qs
    lignes = demandes.values_list(*EXPORT_CHAMPS, named=True)
    return exporter(fmt, nom="demandes-de-subvention", colonnes=_colonnes_export(demandes, note), objets=lignes)


def _annee_par_defaut(jour):
    """Requests arrive in the autumn for the next financial year."""
    return jour.year + 1 if jour.month >= 9 else jour.year


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_create(request):
    today = timezone.localdate()
    initial = {"annee": _annee_par_defaut(today), "date_reception": today, "referent": request.user}
    if centre_pk := request.GET.get("centre"):
        initial["centre"] = get_object_or_404(Centre, pk=centre_pk)
    form = DemandeForm(request.POST or None, initial=initial)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda d: d.get_absolute_url(), message="La demande de subvention a été enregistrée."
    )
    return done or form_page(
        request, form, titre="Nouvelle demande de subvention", annuler=reverse("subventions:liste")
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_update(request, pk):
    demande = _get_demande(request.user, pk)
    form = DemandeForm(request.POST or None, instance=demande)
    done = enregistrer_et_rediriger(request, form, vers=demande.get_absolute_url(), message="Demande enregistrée.")
    return done or form_page(request, form, titre=f"Modifier « {demande} »", annuler=demande.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def demande_instruction(request, pk):
    demande = _get_demande(request.user, pk)
    if not can_edit_demande(request.user, demande):
        messages.error(request, "La proposition est validée : elle ne se modifie plus.")
        return redirect(demande)
    form = InstructionForm(request.POST or None, instance=demande, user=request.user)
    done = enregistrer_et_rediriger(request, form, vers=demande.get_absolute_url(), message="Instruction enregistrée.")
    return done or form_page(request, form, titre=f"Instruction — {demande}", annuler=demande.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def demande_transition(request, pk):
    demande = _get_demande(request.user, pk)
    return appliquer_etape(
        request,
        demande,
        partial(services.changer_statut, demande=demande, par=request.user),
        message=lambda d: f"Demande {d.get_statut_display().lower()}.",
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def demande_renew(request, pk):
    demande = _get_demande(request.user, pk)
    try:
        suivante = services.reconduire(demande=demande, par=request.user)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
        return redirect(demande)
    messages.success(request, f"La demande est reconduite pour {suivante.annee} : vérifiez-la avant de l'instruire.")
    return redirect(suivante)


# --- The instruction page ------------------------------------------------------------------------


@dataclass(frozen=True)
class EtatCRF:
    """Where a voted grant's financial report stands (SUB-4)."""

    code: str  # "recu", "attendu" or "en_retard"
    libelle: str


def etat_crf(demande, jour):
    """None for a grant not voted. Needs `crf` selected (select_related) to cost no query."""
    if not demande.votee:
        return None
    crf = getattr(demande, "crf", None)
    if crf is not None and crf.date_reception:
        return EtatCRF("recu", f"Reçu le {crf.date_reception:%d/%m/%Y}")
    echeance = echeance_crf(demande.annee)
    if echeance < jour:
        return EtatCRF("en_retard", f"En retard : dû le {echeance:%d/%m/%Y}")
    return EtatCRF("attendu", f"Dû le {echeance:%d/%m/%Y}")


def _jour_de_l_exercice(jour, annee):
    """The day the documents must be valid for the financed year: today, within that year."""
    return min(max(jour, datetime.date(annee, 1, 1)), datetime.date(annee, 12, 31))


def _historique(demande, user):
    """The request's timeline as this user may read it (`subventions.permissions.CHAMPS_CACHES`)."""
    pk = demande.pk
    return evenements(
        (demande.history.all(), lambda r: "Demande"),
        (Versement.history.filter(demande_id=pk), lambda r: f"{r.get_type_display()} du {r.date:%d/%m/%Y}"),
        (CompteRenduFinancier.history.filter(demande_id=pk), lambda r: "Compte rendu financier"),
        (LigneCRF.history.filter(crf__demande_id=pk), lambda r: f"Ligne du compte rendu « {r.libelle} »"),
        lecteur=user,
    )


@access(read=LECTEURS_SUBVENTIONS)
@require_GET
def demande_detail(request, pk):
    user = request.user
    today = timezone.localdate()
    demande = get_object_or_404(
        DemandeSubvention.objects.visibles_par(user)
        .select_related(
            "centre",
            "dispositif",
            "referent",
            "ligne_budgetaire",
            "convention__centre",
            "precedente__centre",
            "derogation_crf_par",
            "crf",
        )
        .avec_verse(),
        pk=pk,
    )
    centre, annee = demande.centre, demande.annee
    equipe = is_equipe(user)

    jour_pieces = _jour_de_l_exercice(today, annee)
    types = [t for t in PIECES_DU_DOSSIER if equipe or t in Document.TYPES_PUBLICS]
    documents = Document.objects.visibles_par(user).filter(centre=centre, type__in=types)
    pieces = pieces_du_centre(centre=centre, jour=jour_pieces, documents=list(documents), types=types)

    anterieures = (
        DemandeSubvention.objects.filter(centre=centre, annee__in=[annee - 1, annee - 2])
        .select_related("dispositif", "crf")
        .avec_verse()
        .order_by("-annee", "nature", "pk")
    )
    crf_a_recevoir = (
        DemandeSubvention.objects.votees()
        .filter(centre=centre, annee__lt=annee)
        .exclude(crf__date_reception__isnull=False)
        .select_related("centre", "dispositif", "crf")
        .order_by("annee", "pk")
    )
    ligne = demande.ligne_budgetaire
    credits = None
    if ligne is not None:
        disponible = services.disponible(ligne, sauf=demande)
        engage = demande.votee or demande.statut in DemandeSubvention.STATUTS_ENGAGES
        retenu = demande.montant_engage if engage else (demande.montant_propose or ZERO)
        credits = {"disponible": disponible, "retenu": retenu, "apres": disponible - retenu}
    versements = list(demande.versements.select_related("cree_par"))
    context = {
        "demande": demande,
        "today": today,
        "est_responsable": is_responsable(user),
        "jour_pieces": jour_pieces,
        "pieces": pieces,
        "anterieures": [(d, etat_crf(d, today)) for d in anterieures],
        "crf_a_recevoir": [(d, etat_crf(d, today)) for d in crf_a_recevoir],
        "crf_bloquants": services.crf_en_retard(demande, today),
        "conventions": list(centre.conventions.select_related("centre")),
        "agrements": list(Agrement.objects.en_cours(today).filter(centre=centre)),
        "aide": aide_annuelle(centre=centre, annee=annee, numeraire=services.numeraire_prevu(demande)),
        "signaux": services.signaux(demande),
        "credits": credits,
        "versements": versements,
        "total_verse": demande.total_verse,
        "reste_a_verser": (demande.montant_vote - demande.total_verse) if demande.montant_vote is not None else None,
        "crf": getattr(demande, "crf", None),
        "etat_crf": etat_crf(demande, today),
        # The next steps, for the team: the expected one, the other decisions, why a step may not be taken.
        "etapes": services.etapes(demande, user, today) if equipe else None,
        "inscriptible": can_put_demande_on_deliberation(user, demande),
        # The instruction (amount, imputation, analysis note) is what « Proposer » and « Valider » need.
        "saisir_instruction": can_edit_demande(user, demande) and demande.statut in (S.INSTRUCTION, S.PROPOSEE),
        "suivante": demande.suivantes.select_related("centre").first(),
        "evenements": _historique(demande, user),
    }
    return render(request, "subventions/demande_detail.html", context)
