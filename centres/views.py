from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, TOUS, access, can_see_internal_notes
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.locking import ConflitEdition, enregistrer_versionne

from .filters import CentreFilter
from .forms import AgrementForm, CentreForm, ContactForm
from .models import Agrement, Centre, CentrePartenaire, Contact
from .services import enregistrer_centre

PAR_PAGE = 25
ONGLETS = [
    ("identite", "Identité"),
    ("agrements", "Agréments CAF"),
    ("contacts", "Contacts"),
    ("historique", "Historique"),
]


def _get_centre_for_user(user, pk):
    """The centre if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(Centre.objects.visibles_par(user), pk=pk)


def _centres_filtres(request):
    queryset = (
        Centre.objects.visibles_par(request.user)
        .avec_fin_agrement()
        .select_related("referent")
        .prefetch_related(
            Prefetch(
                "contacts", queryset=Contact.objects.filter(qualite=Contact.Qualite.DIRECTEUR), to_attr="directeurs"
            )
        )
        .order_by(Lower("nom"))
    )
    return CentreFilter(request.GET, queryset=queryset)


@access(read=TOUS)
@require_GET
def centre_list(request):
    filtre = _centres_filtres(request)
    page = Paginator(filtre.qs, PAR_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "centres/centre_list.html",
        {"filtre": filtre, "page": page, "params": params.urlencode(), "today": timezone.localdate()},
    )


EXPORT_COLONNES = [
    ("Nom", lambda c: c.nom),
    ("Nom court", lambda c: c.nom_court),
    ("Statut", lambda c: c.get_statut_display()),
    ("Gestion", lambda c: c.get_gestion_display()),
    ("Quartier", lambda c: c.get_quartier_display()),
    ("Code QPV", lambda c: c.code_qpv),
    ("SIRET", lambda c: c.siret),
    ("RNA", lambda c: c.rna),
    ("Adresse", lambda c: f"{c.adresse}, {c.code_postal} {c.commune}"),
    ("Téléphone", lambda c: c.telephone),
    ("E-mail", lambda c: c.email),
    ("Direction", lambda c: ", ".join(str(d) for d in c.directeurs)),
    ("Fin de l'agrément AGC", lambda c: c.fin_agrement),
    ("Référent(e)", lambda c: c.referent or ""),
]


@access(read=TOUS)
@require_GET
def centre_export(request, fmt):
    return exporter(fmt, nom="centres-sociaux", colonnes=EXPORT_COLONNES, objets=_centres_filtres(request).qs)


@access(read=TOUS)
@require_GET
def centre_detail(request, pk):
    centre = _get_centre_for_user(request.user, pk)
    onglet = request.GET.get("onglet", "identite")
    if onglet not in dict(ONGLETS):
        onglet = "identite"
    today = timezone.localdate()
    context = {
        "centre": centre,
        "onglet": onglet,
        "onglets": ONGLETS,
        "today": today,
        "notes_visibles": can_see_internal_notes(request.user),
    }
    if onglet in ("identite", "contacts"):
        context["contacts"] = list(centre.contacts.all())
    if onglet in ("identite", "agrements"):
        context["agrements"] = [(a, a.etat(today)) for a in centre.agrements.all()]
    if onglet == "identite":
        context["partenaires"] = list(centre.partenaires.all())
    if onglet == "historique":
        context["evenements"] = _historique(centre, request.user)
    template = f"centres/includes/onglet_{onglet}.html" if request.htmx else "centres/centre_detail.html"
    return render(request, template, context)


def _historique(centre, user):
    masquer = frozenset() if can_see_internal_notes(user) else frozenset({"notes_internes"})
    return evenements(
        (centre.history.all(), lambda r: "Fiche du centre"),
        (Agrement.history.filter(centre_id=centre.pk), lambda r: f"Agrément {r.type} du {r.debut:%d/%m/%Y}"),
        (Contact.history.filter(centre_id=centre.pk), lambda r: f"Contact {r.prenom} {r.nom}"),
        (
            CentrePartenaire.history.filter(centre_id=centre.pk).select_related("organisation"),
            lambda r: f"Partenaire {r.organisation}",
        ),
        masquer=masquer,
    )


def _form_page(request, form, *, titre, centre=None, annuler=None):
    return render(
        request,
        "centres/form.html",
        {
            "form": form,
            "titre": titre,
            "centre": centre,
            "annuler": annuler or (centre.get_absolute_url() if centre else None),
        },
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def centre_create(request):
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        centre = enregistrer_centre(form=form)
        messages.success(request, f"Le centre « {centre} » a été créé.")
        return redirect(centre)
    return _form_page(request, form, titre="Nouveau centre social")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def centre_update(request, pk):
    centre = _get_centre_for_user(request.user, pk)
    form = CentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_centre(form=form)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        else:
            messages.success(request, "Les modifications du centre ont été enregistrées.")
            return redirect(centre)
    return _form_page(request, form, titre=f"Modifier « {centre} »", centre=centre)


def _enregistrer_enfant(request, form, *, centre, onglet, message):
    """Shared save path of the records shown in a tab of the centre page."""
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_versionne(form)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        else:
            messages.success(request, message)
            return redirect(f"{centre.get_absolute_url()}?onglet={onglet}")
    return None


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def agrement_create(request, pk):
    centre = _get_centre_for_user(request.user, pk)
    form = AgrementForm(request.POST or None, instance=Agrement(centre=centre))
    done = _enregistrer_enfant(request, form, centre=centre, onglet="agrements", message="L'agrément a été ajouté.")
    return done or _form_page(request, form, titre=f"Nouvel agrément — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def agrement_update(request, pk):
    agrement = get_object_or_404(Agrement.objects.select_related("centre"), pk=pk)
    centre = agrement.centre
    form = AgrementForm(request.POST or None, instance=agrement)
    done = _enregistrer_enfant(request, form, centre=centre, onglet="agrements", message="L'agrément a été modifié.")
    return done or _form_page(request, form, titre=f"Modifier l'agrément — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    centre = _get_centre_for_user(request.user, pk)
    form = ContactForm(request.POST or None, instance=Contact(centre=centre))
    done = _enregistrer_enfant(request, form, centre=centre, onglet="contacts", message="Le contact a été ajouté.")
    return done or _form_page(request, form, titre=f"Nouveau contact — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_update(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("centre"), pk=pk)
    centre = contact.centre
    form = ContactForm(request.POST or None, instance=contact)
    done = _enregistrer_enfant(request, form, centre=centre, onglet="contacts", message="Le contact a été modifié.")
    return done or _form_page(request, form, titre=f"Modifier le contact — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("centre"), pk=pk)
    centre = contact.centre
    if request.method == "POST":
        contact.delete()
        messages.success(request, f"Le contact « {contact} » a été supprimé.")
        return redirect(f"{centre.get_absolute_url()}?onglet=contacts")
    return render(request, "centres/contact_confirm_delete.html", {"contact": contact, "centre": centre})
