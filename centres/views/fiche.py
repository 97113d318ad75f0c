from decimal import Decimal

from django.contrib import messages
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from comptes.models import User
from comptes.permissions import (
    EQUIPE,
    TOUS,
    access,
    can_see_documents,
    can_see_indicateurs,
    can_see_locaux,
    can_see_visites,
    is_equipe,
)
from roubaix_cs.autocompletion import suggestions
from roubaix_cs.exports import exporter, libelles
from roubaix_cs.extensions import onglets_centre
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.locking import ConflitEdition
from roubaix_cs.seuils import SEUIL_CONVENTION

from ..filters import CentreFilter
from ..forms import AgrementForm, CentreForm, ContactForm
from ..models import (
    ActionSuivi,
    Agrement,
    AssembleeGenerale,
    Centre,
    CentrePartenaire,
    Contact,
    Direction,
    Document,
    IndicateursAnnuels,
    Local,
    Travaux,
    Visite,
    exercices_sans_ag,
)
from ..services import PIECES_DU_DOSSIER, enregistrer_centre, gouvernance_du_centre, pieces_du_centre
from ._commun import enregistrer_et_rediriger, form_page, get_centre_for_user
from ._commun import onglet as _onglet


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
    return CentreFilter(request.GET, queryset=queryset, user=request.user)


@access(read=TOUS)
@require_GET
def centre_list(request):
    context = page_de_liste(request, _centres_filtres(request))
    return render(request, "centres/centre_list.html", {**context, "today": timezone.localdate()})


@access(read=TOUS)
@require_GET
def centre_autocompletion(request):
    """The centres of a search field, scoped like the list."""
    return suggestions(request, Centre.objects.visibles_par(request.user).order_by(Lower("nom"), "pk"))


STATUTS = dict(Centre.Statut.choices)
GESTIONS = dict(Centre.Gestion.choices)
QUARTIERS = dict(Centre._meta.get_field("quartier").choices)
# The export reads rows (values_list), not model instances: these are its fields.
EXPORT_CHAMPS = [
    "pk",
    "nom",
    "nom_court",
    "statut",
    "gestion",
    "quartier",
    "code_qpv",
    "siret",
    "rna",
    "adresse",
    "code_postal",
    "commune",
    "telephone",
    "email",
    "fin_agrement",
    "referent_id",
]


def _colonnes_export(centres):
    """The columns of the export; the directors and referents named in one query each, not per row."""
    referents = libelles(User.objects.filter(pk__in=centres.values("referent")))
    directeurs = {}
    contacts = Contact.objects.filter(qualite=Contact.Qualite.DIRECTEUR, centre__in=centres.values("pk"))
    for centre, prenom, nom in contacts.values_list("centre_id", "prenom", "nom"):  # Contact's order and __str__
        directeurs.setdefault(centre, []).append(f"{prenom} {nom}")
    return [
        ("Nom", lambda c: c.nom),
        ("Nom court", lambda c: c.nom_court),
        ("Statut", lambda c: STATUTS.get(c.statut, c.statut)),
        ("Gestion", lambda c: GESTIONS.get(c.gestion, c.gestion)),
        ("Quartier", lambda c: QUARTIERS.get(c.quartier, c.quartier)),
        ("Code QPV", lambda c: c.code_qpv),
        ("SIRET", lambda c: c.siret),
        ("RNA", lambda c: c.rna),
        ("Adresse", lambda c: f"{c.adresse}, {c.code_postal} {c.commune}"),
        ("Téléphone", lambda c: c.telephone),
        ("E-mail", lambda c: c.email),
        ("Direction", lambda c: ", ".join(directeurs.get(c.pk, ()))),
        ("Fin de l'agrément AGC", lambda c: c.fin_agrement),
        ("Référent(e)", lambda c: referents.get(c.referent_id, "")),
    ]


@access(read=TOUS)
@require_GET
def centre_export(request, fmt):
    centres = _centres_filtres(request).qs.prefetch_related(None)  # rows, not instances: no prefetch
    lignes = centres.values_list(*EXPORT_CHAMPS, named=True)
    return exporter(fmt, nom="centres-sociaux", colonnes=_colonnes_export(centres), objets=lignes)


def _onglets(user):
    """The tabs of the centre page this user may open, in order."""
    onglets = [
        ("identite", "Identité"),
        ("agrements", "Agréments CAF"),
        ("contacts", "Contacts"),
        ("gouvernance", "Gouvernance"),
        ("assemblees", "Assemblées générales"),
    ]
    if can_see_visites(user):
        onglets.append(("visites", "Visites ACM / LALP"))
    if can_see_indicateurs(user):
        onglets.append(("indicateurs", "Indicateurs annuels"))
    if can_see_locaux(user):
        onglets.append(("locaux", "Locaux et travaux"))
    if can_see_documents(user):
        onglets.append(("documents", "Documents"))
    onglets += [(o.code, o.libelle) for o in onglets_centre() if o.visible(user)]
    onglets.append(("historique", "Historique"))
    return onglets


@access(read=TOUS)
@require_GET
def centre_detail(request, pk):
    user = request.user
    centre = get_centre_for_user(user, pk)
    onglets = _onglets(user)
    onglet = request.GET.get("onglet", "identite")
    if onglet not in dict(onglets):
        onglet = "identite"
    today = timezone.localdate()
    context = {
        "centre": centre,
        "onglet": onglet,
        "onglets": onglets,
        "today": today,
    }
    if onglet in ("identite", "contacts"):
        context["contacts"] = list(centre.contacts.all())
    if onglet in ("identite", "agrements"):
        context["agrements"] = [(a, a.etat(today)) for a in centre.agrements.all()]
    if onglet == "identite":
        context["partenaires"] = list(centre.partenaires.all())
    if onglet == "identite":
        context["directions_en_poste"] = list(centre.directions.en_poste(today).order_by("-debut", "pk"))
    if onglet == "gouvernance":
        context["gouvernance"] = gouvernance_du_centre(centre, jour=today, avec_indicateurs=can_see_indicateurs(user))
    if onglet in ("identite", "assemblees"):
        context["ag_manquante"] = exercices_sans_ag(Centre.objects.filter(pk=centre.pk), today).get(centre.pk)
    if onglet == "assemblees":
        context["assemblees"] = centre.assemblees.prefetch_related(
            "participants_service", Prefetch("documents", queryset=Document.objects.visibles_par(user))
        )
    if onglet == "visites":
        context["visites"] = centre.visites.prefetch_related("actions", "visiteurs")
    if onglet == "indicateurs":
        context["indicateurs"] = _indicateurs_et_avertissements(centre)
    if onglet == "locaux":
        locaux = list(centre.locaux.prefetch_related("travaux"))
        context["locaux"] = locaux
        context["avantage_total"] = sum((local.avantage_en_nature for local in locaux), Decimal("0"))
        context["seuil_convention"] = SEUIL_CONVENTION
    if onglet == "documents":
        documents = list(Document.objects.visibles_par(user).filter(centre=centre).select_related("depose_par"))
        types = [t for t in PIECES_DU_DOSSIER if is_equipe(user) or t in Document.TYPES_PUBLICS]
        context["documents"] = documents
        context["pieces"] = pieces_du_centre(centre=centre, jour=today, documents=documents, types=types)
    if onglet == "historique":
        context["evenements"] = _historique(centre, user)
    context["onglet_template"] = f"centres/includes/onglet_{onglet}.html"
    for extension in onglets_centre():
        if extension.code == onglet:
            context.update(extension.contexte(centre, user), onglet_template=extension.template)
    # With htmx, the tab's content and the tab bar out of band, so that its current tab follows the click.
    return render(
        request, "centres/includes/onglet_htmx.html" if request.htmx else "centres/centre_detail.html", context
    )


def _indicateurs_et_avertissements(centre):
    """[(indicators, their warnings)], latest year first; each year compared with the one before."""
    annees = list(IndicateursAnnuels.objects.filter(centre=centre).order_by("annee"))
    par_annee = {i.annee: i for i in annees}
    return [(i, [m for _, m in i.avertissements(par_annee.get(i.annee - 1))]) for i in reversed(annees)]


def _historique(centre, user):
    """The centre's timeline, limited to what this user may read: each model's rule
    (`centres.permissions.CHAMPS_CACHES`) drops the models and fields hidden from this reader."""
    visibles = Document.objects.visibles_par(user).filter(centre=centre).values("pk")
    return evenements(
        (centre.history.all(), lambda r: "Fiche du centre"),
        (Agrement.history.filter(centre_id=centre.pk), lambda r: f"Agrément {r.type} du {r.debut:%d/%m/%Y}"),
        (Contact.history.filter(centre_id=centre.pk), lambda r: f"Contact {r.prenom} {r.nom}"),
        (Direction.history.filter(centre_id=centre.pk), lambda r: f"Direction {r.prenom} {r.nom}"),
        (
            CentrePartenaire.history.filter(centre_id=centre.pk).select_related("organisation"),
            lambda r: f"Partenaire {r.organisation}",
        ),
        (AssembleeGenerale.history.filter(centre_id=centre.pk), lambda r: f"AG du {r.date:%d/%m/%Y}"),
        (Visite.history.filter(centre_id=centre.pk), lambda r: f"Visite {r.type.upper()} du {r.date:%d/%m/%Y}"),
        (ActionSuivi.history.filter(visite__centre_id=centre.pk), lambda r: f"Action de suivi « {r.libelle} »"),
        (IndicateursAnnuels.history.filter(centre_id=centre.pk), lambda r: f"Indicateurs {r.annee}"),
        (Local.history.filter(centre_id=centre.pk), lambda r: f"Local « {r.nom} »"),
        (Travaux.history.filter(local__centre_id=centre.pk), lambda r: f"Travaux « {r.objet} »"),
        (Document.history.filter(centre_id=centre.pk, id__in=visibles), lambda r: f"Document « {r.titre} »"),
        lecteur=user,
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def centre_create(request):
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        centre = enregistrer_centre(form=form)
        messages.success(request, f"Le centre « {centre} » a été créé.")
        return redirect(centre)
    return form_page(request, form, titre="Nouveau centre social")


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def centre_update(request, pk):
    centre = get_centre_for_user(request.user, pk)
    form = CentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_centre(form=form)
        except ConflitEdition as conflit:
            form.signaler_conflit(conflit)
        else:
            messages.success(request, "Les modifications du centre ont été enregistrées.")
            return redirect(centre)
    return form_page(request, form, titre=f"Modifier « {centre} »", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def agrement_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    form = AgrementForm(request.POST or None, instance=Agrement(centre=centre))
    done = enregistrer_et_rediriger(
        request, form, vers=_onglet(centre, "agrements"), message="L'agrément a été ajouté."
    )
    return done or form_page(request, form, titre=f"Nouvel agrément — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def agrement_update(request, pk):
    agrement = get_object_or_404(Agrement.objects.select_related("centre"), pk=pk)
    centre = agrement.centre
    form = AgrementForm(request.POST or None, instance=agrement)
    done = enregistrer_et_rediriger(
        request, form, vers=_onglet(centre, "agrements"), message="L'agrément a été modifié."
    )
    return done or form_page(request, form, titre=f"Modifier l'agrément — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    form = ContactForm(request.POST or None, instance=Contact(centre=centre))
    done = enregistrer_et_rediriger(request, form, vers=_onglet(centre, "contacts"), message="Le contact a été ajouté.")
    return done or form_page(request, form, titre=f"Nouveau contact — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_update(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("centre"), pk=pk)
    centre = contact.centre
    form = ContactForm(request.POST or None, instance=contact)
    done = enregistrer_et_rediriger(
        request, form, vers=_onglet(centre, "contacts"), message="Le contact a été modifié."
    )
    return done or form_page(request, form, titre=f"Modifier le contact — {centre}", centre=centre)


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact = get_object_or_404(Contact.objects.select_related("centre"), pk=pk)
    centre = contact.centre
    if request.method == "POST":
        contact.delete()
        messages.success(request, f"Le contact « {contact} » a été supprimé.")
        return redirect(_onglet(centre, "contacts"))
    return render(request, "centres/contact_confirm_delete.html", {"contact": contact, "centre": centre})
