"""Council deliberations: drafting, text, vote, exécutoire date and the PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_DELIBERATIONS, access, is_equipe
from conventions.models import Avenant, Convention
from deliberations import permissions, services
from deliberations.filters import DeliberationFilter
from deliberations.forms import DeliberationCreateForm, DeliberationTexteForm, ExecutoireForm, InscriptionForm, VoteForm
from deliberations.models import Deliberation, Mandat, Seance, VersionPdf
from deliberations.templatetags.pdf_deliberation import contexte_panneau
from roubaix_cs import generations
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.telechargements import fichier_prive
from roubaix_cs.vues import enregistrer_et_rediriger, form_page
from subventions.models import DemandeSubvention

PANNEAU_PDF = "deliberations/includes/pdf.html"


def _filtrees(request):
    queryset = Deliberation.objects.select_related("seance", "rapporteur").avec_totaux().order_by("-annee", "-numero")
    return DeliberationFilter(request.GET, queryset=queryset)


EXPORT_COLONNES = [
    ("Numéro", lambda d: d.reference),
    ("Séance", lambda d: d.seance.date),
    ("Objet", lambda d: d.objet),
    ("Nature", lambda d: d.get_nature_display()),
    ("Statut", lambda d: d.get_statut_display()),
    ("Rapporteur", lambda d: d.rapporteur or ""),
    ("Subventions", lambda d: d.nb_demandes),
    ("Montant total proposé", lambda d: d.total),
    ("Pour", lambda d: d.vote_pour),
    ("Contre", lambda d: d.vote_contre),
    ("Abstentions", lambda d: d.vote_abstentions),
    ("Transmise le", lambda d: d.date_transmission),
    ("AR @CTES", lambda d: d.ar_actes),
    ("Publiée le", lambda d: d.date_publication),
    ("Exécutoire le", lambda d: d.date_executoire),
]


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_list(request):
    return render(request, "deliberations/deliberation_list.html", page_de_liste(request, _filtrees(request)))


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_export(request, fmt):
    return exporter(fmt, nom="deliberations", colonnes=EXPORT_COLONNES, objets=_filtrees(request).qs)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_create(request):
    initial = {}
    if seance_pk := request.GET.get("seance"):
        initial["seance"] = get_object_or_404(Seance, pk=seance_pk)
    if demande_pk := request.GET.get("demande", ""):
        initial["demandes"] = DemandeSubvention.objects.filter(pk=demande_pk if demande_pk.isdigit() else None)
    form = DeliberationCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            deliberation = services.rediger(par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"La délibération n° {deliberation.reference} a été rédigée (projet).")
            return redirect(deliberation)
    return form_page(request, form, titre="Nouvelle délibération", annuler=reverse("deliberations:liste"))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_inscrire(request, pk):
    """« Inscrire à une délibération » from a validated grant's page: a draft deliberation, or a new one."""
    demande = get_object_or_404(DemandeSubvention.objects.select_related("centre"), pk=pk)
    form = InscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deliberation = form.cleaned_data["deliberation"]
        try:
            services.inscrire_demande(deliberation=deliberation, demande=demande, par=request.user)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"{demande} est inscrite à la délibération n° {deliberation.reference}.")
            return redirect(deliberation)
    nouvelle = f"{reverse('deliberations:creer')}?demande={demande.pk}"
    return form_page(
        request,
        form,
        titre=f"Inscrire « {demande} » à une délibération",
        annuler=demande.get_absolute_url(),
        contexte={"autre_choix": {"texte": "Ou :", "url": nouvelle, "lien": "rédiger une nouvelle délibération"}},
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def deliberation_oter(request, pk, demande_pk):
    """Take a grant off a draft deliberation."""
    deliberation = get_object_or_404(Deliberation, pk=pk)
    demande = get_object_or_404(deliberation.demandes.all(), pk=demande_pk)
    try:
        services.oter_demande(deliberation=deliberation, demande=demande, par=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, f"{demande} est retirée de la délibération : elle attend une autre délibération.")
    return redirect(deliberation)


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_detail(request, pk):
    deliberation = get_object_or_404(
        Deliberation.objects.select_related("seance", "rapporteur").prefetch_related(
            Prefetch(
                "demandes",
                queryset=DemandeSubvention.objects.select_related("centre__organisation", "ligne_budgetaire"),
            ),
            Prefetch("conventions", queryset=Convention.objects.select_related("centre")),
            Prefetch("avenants", queryset=Avenant.objects.select_related("convention__centre")),
            "ne_prennent_pas_part",
        ),
        pk=pk,
    )
    demandes = deliberation.demandes.all()
    organisations = services._organisations_beneficiaires(
        demandes, deliberation.conventions.all(), deliberation.avenants.all()
    )
    return render(
        request,
        "deliberations/deliberation_detail.html",
        {
            "deliberation": deliberation,
            "demandes": demandes,
            "total": sum((d.montant_propose or 0 for d in demandes), 0),
            "interesses": Mandat.objects.filter(organisation__in=organisations).select_related("elu", "organisation"),
            # The next step, for the team: its button, or why it may not be taken yet.
            "etapes": services.etapes(deliberation, request.user) if is_equipe(request.user) else None,
            "peut_modifier": permissions.can_edit_deliberation(request.user, deliberation),
            # The annex lists the grants, conventions and avenants; naming them in the timeline would cost
            # a query each (their names read the centre).
            "evenements": evenements(
                (deliberation.history.all(), lambda r: "Délibération"),
                lecteur=request.user,
                masquer=frozenset({"demandes", "conventions", "avenants"}),
            ),
        },
    )


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def deliberation_preview(request, pk):
    """The browser preview: the same template and context as the PDF."""
    deliberation = get_object_or_404(Deliberation.objects.select_related("seance", "rapporteur"), pk=pk)
    return render(request, "pdf/deliberation.html", services.contexte_pdf(deliberation))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_update(request, pk):
    deliberation = get_object_or_404(Deliberation.objects.select_related("seance"), pk=pk)
    if not deliberation.modifiable:
        messages.error(request, "Délibération marquée prête : son texte ne se modifie plus.")
        return redirect(deliberation)
    form = DeliberationTexteForm(request.POST or None, instance=deliberation)
    done = enregistrer_et_rediriger(
        request, form, vers=deliberation.get_absolute_url(), message="Texte de la délibération enregistré."
    )
    return done or form_page(
        request,
        form,
        titre=f"Modifier la délibération n° {deliberation.reference}",
        annuler=deliberation.get_absolute_url(),
    )


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def deliberation_ready(request, pk):
    deliberation = get_object_or_404(Deliberation, pk=pk)
    try:
        services.marquer_prete(deliberation=deliberation, par=request.user)
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Délibération prête pour la séance : son texte est figé.")
    return redirect(deliberation)


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def pdf_generate(request, pk):
    """Queue a PDF generation; refused once voted (the voted PDF is frozen)."""
    deliberation = get_object_or_404(Deliberation, pk=pk)
    return generations.repondre_a_la_demande(
        request,
        lambda: services.demander_pdf(deliberation=deliberation, par=request.user),
        panneau=PANNEAU_PDF,
        contexte=lambda refus: contexte_panneau(deliberation, request.user, refus=refus),
        page=deliberation,
        succes="Génération du PDF demandée : elle apparaît ci-dessous dès qu'elle est prête.",
    )


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def pdf_status(request, pk):
    """The PDF panel alone (htmx polls it while a generation is pending or running)."""
    deliberation = get_object_or_404(Deliberation, pk=pk)
    return render(request, PANNEAU_PDF, contexte_panneau(deliberation, request.user))


@access(read=LECTEURS_DELIBERATIONS)
@require_GET
def pdf_download(request, pk):
    version = get_object_or_404(VersionPdf.objects.select_related("deliberation"), pk=pk)
    deliberation = version.deliberation
    nom = f"deliberation-{deliberation.annee}-{deliberation.numero:03d}-v{version.numero}.pdf"
    return fichier_prive(version.fichier, nom=nom, type_mime="application/pdf")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_vote(request, pk):
    deliberation = get_object_or_404(Deliberation.objects.select_related("seance"), pk=pk)
    interesses = services.elus_interesses(deliberation)
    form = VoteForm(
        request.POST or None,
        initial={
            "ne_prennent_pas_part": list(interesses),
            "presents": deliberation.seance.presents,
            "pouvoirs": deliberation.seance.pouvoirs or 0,
        },
        demandes=deliberation.demandes.select_related("centre"),
        seance=deliberation.seance,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.voter(deliberation=deliberation, par=request.user, **form.vote())
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(request, f"Vote de la délibération n° {deliberation.reference} enregistré.")
            return redirect(deliberation)
    return form_page(
        request,
        form,
        titre=f"Vote de la délibération n° {deliberation.reference}",
        annuler=deliberation.get_absolute_url(),
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def deliberation_enforce(request, pk):
    deliberation = get_object_or_404(Deliberation, pk=pk)
    form = ExecutoireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            deliberation = services.rendre_executoire(deliberation=deliberation, par=request.user, **form.cleaned_data)
        except ValidationError as erreur:
            form.add_error(None, erreur)
        else:
            messages.success(
                request,
                f"Délibération n° {deliberation.reference} exécutoire le {deliberation.date_executoire:%d/%m/%Y}.",
            )
            return redirect(deliberation)
    return form_page(
        request,
        form,
        titre=f"Caractère exécutoire de la délibération n° {deliberation.reference}",
        annuler=deliberation.get_absolute_url(),
    )
