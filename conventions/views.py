from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.models import Centre, Document, duree_en_mois
from comptes.models import Organisation, User
from comptes.permissions import (
    EQUIPE,
    LECTEURS_CONVENTIONS,
    access,
    is_equipe,
    is_partenaire,
)
from roubaix_cs.exports import exporter, libelles
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.sources_legales import CIRCULAIRE_CPO
from roubaix_cs.vues import appliquer_etape, enregistrer_et_rediriger, form_page

from . import services
from .filters import ConventionFilter
from .forms import (
    AvenantForm,
    AvenantMontantForm,
    ConventionForm,
    EngagementForm,
    EvaluationForm,
    ObjectifForm,
    PartieForm,
    ValeurObjectifForm,
    VersionTexteForm,
)
from .models import (
    Avenant,
    AvenantMontant,
    Convention,
    EngagementAnnuel,
    Evaluation,
    Objectif,
    Partie,
    ValeurObjectif,
    VersionTexte,
)
from .permissions import can_edit_avenant, historique_lisible_depuis


def _get_convention(user, pk):
    """The convention if the user may see it; 404 otherwise (a partner outside its conventions)."""
    return get_object_or_404(Convention.objects.visibles_par(user).select_related("centre"), pk=pk)


def _refus_si_figee(request, convention):
    """CPO-5: once approved, amounts, object and duration change only through an avenant."""
    if convention.modifiable:
        return None
    messages.error(request, f"Convention approuvée : ses montants ne changent plus que par avenant ({CIRCULAIRE_CPO}).")
    return redirect(convention)


def _conventions_filtrees(request):
    queryset = (
        Convention.objects.visibles_par(request.user)
        .select_related("centre", "referent")
        .avec_fin_consolidee()
        .order_by("-debut")
    )
    return ConventionFilter(request.GET, queryset=queryset, user=request.user)


@access(read=LECTEURS_CONVENTIONS)
@require_GET
def convention_list(request):
    context = page_de_liste(request, _conventions_filtrees(request))
    conventions = list(context["page"])
    prefetch_related_objects(conventions, "engagements__financeur", "locaux", "avenants__montants__financeur")
    for convention in conventions:  # the current object and amounts, signed avenants applied
        etat = services.consolider(convention)
        convention.objet_actuel = etat.objet
        convention.numeraire_ville = etat.numeraire(nature=Organisation.Nature.VILLE)
        convention.numeraire_total = etat.numeraire()
    return render(request, "conventions/convention_list.html", {**context, "today": timezone.localdate()})


TYPES = dict(Convention.Type.choices)
STATUTS = dict(Convention.Statut.choices)
# The export reads rows (values_list), not model instances: these are its fields.
EXPORT_CHAMPS = [
    "centre__nom",
    "type",
    "objet",
    "debut",
    "fin",
    "fin_consolidee",
    "statut",
    "deliberation_numero",
    "referent_id",
]


def _colonnes_export(conventions):
    """The columns of the export; the referents named in one query, not once per row."""
    referents = libelles(User.objects.filter(pk__in=conventions.values("referent")))
    return [
        ("Centre", lambda c: c.centre__nom),
        ("Type", lambda c: TYPES.get(c.type, c.type)),
        ("Objet", lambda c: c.objet),
        ("Début", lambda c: c.debut),
        ("Fin", lambda c: c.fin),
        ("Fin avenants compris", lambda c: c.fin_consolidee),  # moved by the signed avenants (CPO-5)
        ("Durée (mois)", lambda c: duree_en_mois(c.debut, c.fin)),  # Convention.duree_mois
        ("Statut", lambda c: STATUTS.get(c.statut, c.statut)),
        ("Délibération", lambda c: c.deliberation_numero),
        ("Référent(e)", lambda c: referents.get(c.referent_id, "")),
    ]


@access(read=LECTEURS_CONVENTIONS)
@require_GET
def convention_export(request, fmt):
    conventions = _conventions_filtrees(request).qs
    lignes = conventions.values_list(*EXPORT_CHAMPS, named=True)
    return exporter(fmt, nom="conventions", colonnes=_colonnes_export(conventions), objets=lignes)


@access(read=LECTEURS_CONVENTIONS)
@require_GET
def convention_detail(request, pk):
    user = request.user
    convention = get_object_or_404(
        Convention.objects.visibles_par(user)
        .select_related("centre", "referent")
        .prefetch_related(
            "engagements__financeur",
            "locaux",
            "avenants__montants__financeur",
            "parties__organisation",
            Prefetch("objectifs", queryset=Objectif.objects.prefetch_related("valeurs")),
            "evaluations",
        ),
        pk=pk,
    )
    etat = services.consolider(convention)
    documents_visibles = Document.objects.visibles_par(user)
    annees = list(range(convention.debut.year, etat.fin.year + 1))  # an avenant may extend the convention
    objectifs = [
        (objectif, [(annee, {v.annee: v for v in objectif.valeurs.all()}.get(annee)) for annee in annees])
        for objectif in convention.objectifs.all()
    ]
    return render(
        request,
        "conventions/convention_detail.html",
        {
            "convention": convention,
            "etat": etat,
            "avertissements": services.avertissements_avance(etat.lignes),
            "annees": annees,
            "objectifs": objectifs,
            # The city's whole aid to the centre names conventions a partner may not be party to.
            "aides": None
            if is_partenaire(user)
            else services.aides_annuelles(centre=convention.centre, annees=annees).values(),
            "clauses": [(label, getattr(convention, name)) for name, label in Convention.CLAUSES.items()],
            # The next steps, for the team: the expected one, the other decisions, why one may not be taken.
            "etapes": services.etapes(convention, user) if is_equipe(user) else None,
            "renouvelable": services.peut_etre_renouvelee(convention, fin=etat.fin),
            "limite_evaluation": convention.date_limite_evaluation(etat.fin),
            "versions": VersionTexte.objects.filter(convention=convention, document__in=documents_visibles)
            .select_related("document", "avenant")
            .order_by("-document__depose_le"),
            "evenements": _historique(convention, user),
        },
    )


def _historique(convention, user):
    """The convention's timeline as this user may read it: the fields each model's rule hides
    (`conventions.permissions.CHAMPS_CACHES`, the premises with `centres.permissions`) are not listed,
    and a partner's starts when the convention left the works."""
    pk = convention.pk
    return evenements(
        (convention.history.all(), lambda r: "Convention"),
        (Partie.history.filter(convention_id=pk).select_related("organisation"), lambda r: f"Partie {r.organisation}"),
        (EngagementAnnuel.history.filter(convention_id=pk), lambda r: f"Engagement {r.annee}"),
        (Objectif.history.filter(convention_id=pk), lambda r: f"Objectif « {r.intitule} »"),
        (ValeurObjectif.history.filter(objectif__convention_id=pk), lambda r: f"Valeurs {r.annee} d'un objectif"),
        (Evaluation.history.filter(convention_id=pk), lambda r: f"Évaluation {r.annee}"),
        (Avenant.history.filter(convention_id=pk), lambda r: f"Avenant n° {r.numero}"),
        (AvenantMontant.history.filter(avenant__convention_id=pk), lambda r: f"Montant {r.annee} d'un avenant"),
        lecteur=user,
        depuis=historique_lisible_depuis(user, convention),
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def convention_create(request):
    initial = {}
    if centre_pk := request.GET.get("centre"):
        initial["centre"] = get_object_or_404(Centre, pk=centre_pk)
    form = ConventionForm(request.POST or None, initial=initial)
    done = enregistrer_et_rediriger(
        request, form, vers=lambda c: c.get_absolute_url(), message="La convention a été créée (projet)."
    )
    return done or form_page(request, form, titre="Nouvelle convention", annuler=reverse("conventions:liste"))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def convention_update(request, pk):
    convention = _get_convention(request.user, pk)
    form = ConventionForm(request.POST or None, instance=convention)
    done = enregistrer_et_rediriger(
        request, form, vers=convention.get_absolute_url(), message="Convention enregistrée."
    )
    return done or form_page(request, form, titre=f"Modifier « {convention} »", annuler=convention.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def convention_transition(request, pk):
    convention = _get_convention(request.user, pk)
    return appliquer_etape(
        request,
        convention,
        partial(services.changer_statut, convention=convention, par=request.user),
        message=lambda c: f"Convention : {c.get_statut_display().lower()}.",
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def convention_renew(request, pk):
    convention = _get_convention(request.user, pk)
    try:
        suivante = services.renouveler(convention=convention, par=request.user)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
        return redirect(convention)
    messages.success(request, "Le projet de convention suivante a été créé.")
    return redirect(suivante)


def _enfant(request, form, convention, titre, message):
    done = enregistrer_et_rediriger(request, form, vers=convention.get_absolute_url(), message=message)
    return done or form_page(request, form, titre=f"{titre} — {convention}", annuler=convention.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def partie_create(request, pk):
    convention = _get_convention(request.user, pk)
    if refus := _refus_si_figee(request, convention):
        return refus
    form = PartieForm(request.POST or None, instance=Partie(convention=convention))
    return _enfant(request, form, convention, "Nouvelle partie", "Partie ajoutée.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def partie_update(request, pk):
    partie = get_object_or_404(Partie.objects.select_related("convention__centre"), pk=pk)
    form = PartieForm(request.POST or None, instance=partie)
    return _enfant(request, form, partie.convention, f"Partie {partie.organisation}", "Partie enregistrée.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def engagement_create(request, pk):
    convention = _get_convention(request.user, pk)
    if refus := _refus_si_figee(request, convention):
        return refus
    form = EngagementForm(request.POST or None, instance=EngagementAnnuel(convention=convention))
    return _enfant(request, form, convention, "Nouvel engagement annuel", "Engagement ajouté.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def engagement_update(request, pk):
    engagement = get_object_or_404(EngagementAnnuel.objects.select_related("convention__centre"), pk=pk)
    if refus := _refus_si_figee(request, engagement.convention):
        return refus
    form = EngagementForm(request.POST or None, instance=engagement)
    return _enfant(request, form, engagement.convention, f"Engagement {engagement}", "Engagement enregistré.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def objectif_create(request, pk):
    convention = _get_convention(request.user, pk)
    if refus := _refus_si_figee(request, convention):
        return refus
    form = ObjectifForm(request.POST or None, instance=Objectif(convention=convention))
    return _enfant(request, form, convention, "Nouvel objectif", "Objectif ajouté.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def objectif_update(request, pk):
    objectif = get_object_or_404(Objectif.objects.select_related("convention__centre"), pk=pk)
    if refus := _refus_si_figee(request, objectif.convention):
        return refus
    form = ObjectifForm(request.POST or None, instance=objectif)
    return _enfant(request, form, objectif.convention, "Objectif", "Objectif enregistré.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def valeur_saisir(request, pk):
    """Targets may be set while the convention is drafted; achieved values every year (evaluation)."""
    objectif = get_object_or_404(Objectif.objects.select_related("convention__centre"), pk=pk)
    annee = request.POST.get("annee") or request.GET.get("annee") or ""
    valeur = ValeurObjectif.objects.filter(objectif=objectif, annee=annee).first() if annee.isdigit() else None
    form = ValeurObjectifForm(request.POST or None, instance=valeur or ValeurObjectif(objectif=objectif))
    titre = f"Cible et réalisé — {objectif}"
    return _enfant(request, form, objectif.convention, titre, "Valeurs de l'objectif enregistrées.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def evaluation_create(request, pk):
    convention = _get_convention(request.user, pk)
    form = EvaluationForm(request.POST or None, instance=Evaluation(convention=convention))
    return _enfant(request, form, convention, "Nouvelle évaluation", "Évaluation enregistrée.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def avenant_create(request, pk):
    convention = _get_convention(request.user, pk)
    if not convention.signee:
        messages.error(request, "Un avenant ne modifie qu'une convention signée.")
        return redirect(convention)
    with transaction.atomic():
        # The convention row is locked so two avenants created at once cannot take the same number.
        Convention.objects.select_for_update().filter(pk=convention.pk).exists()
        numero = (convention.avenants.aggregate(n=Max("numero"))["n"] or 0) + 1
        avenant = Avenant(convention=convention, numero=numero, date=timezone.localdate())
        form = AvenantForm(request.POST or None, instance=avenant)
        done = enregistrer_et_rediriger(request, form, vers=convention.get_absolute_url(), message="Avenant créé.")
    return done or form_page(
        request, form, titre=f"Avenant n° {numero} — {convention}", annuler=convention.get_absolute_url()
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def avenant_update(request, pk):
    avenant = get_object_or_404(Avenant.objects.select_related("convention__centre"), pk=pk)
    if not can_edit_avenant(request.user, avenant):
        messages.error(
            request, "Un avenant délibéré ou signé ne se modifie plus : le conseil municipal a voté son texte."
        )
        return redirect(avenant.convention)
    form = AvenantForm(request.POST or None, instance=avenant)
    return _enfant(request, form, avenant.convention, f"Avenant n° {avenant.numero}", "Avenant enregistré.")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def avenant_montant_create(request, pk):
    avenant = get_object_or_404(Avenant.objects.select_related("convention__centre"), pk=pk)
    if not can_edit_avenant(request.user, avenant):
        messages.error(
            request, "Un avenant délibéré ou signé ne se modifie plus : le conseil municipal a voté son texte."
        )
        return redirect(avenant.convention)
    form = AvenantMontantForm(request.POST or None, instance=AvenantMontant(avenant=avenant))
    return _enfant(
        request, form, avenant.convention, f"Nouveau montant — avenant n° {avenant.numero}", "Montant enregistré."
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def avenant_sign(request, pk):
    avenant = get_object_or_404(Avenant.objects.select_related("convention"), pk=pk)
    try:
        services.signer_avenant(avenant=avenant, par=request.user)
    except ValidationError as erreur:
        messages.error(request, erreur.messages[0])
    else:
        messages.success(request, f"Avenant n° {avenant.numero} signé : il s'applique à la convention.")
    return redirect(avenant.convention)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def version_create(request, pk):
    convention = _get_convention(request.user, pk)
    form = VersionTexteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            document = form.document(convention=convention, par=request.user)
            VersionTexte.objects.create(convention=convention, nature=form.cleaned_data["nature"], document=document)
        messages.success(request, "Le texte a été déposé.")
        return redirect(convention)
    return form_page(request, form, titre=f"Déposer le texte — {convention}", annuler=convention.get_absolute_url())
