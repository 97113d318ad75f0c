"""ACM / LALP visits: list, report page and its PDF (rendered by a Celery task), the visit form, and the
follow-up actions."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptes.permissions import EQUIPE, LECTEURS_VISITES, access, is_equipe
from roubaix_cs import generations
from roubaix_cs.exports import exporter
from roubaix_cs.formats import valeur
from roubaix_cs.listes import page_de_liste
from roubaix_cs.telechargements import fichier_prive

from .. import services
from ..filters import VisiteFilter
from ..forms import ActionSuiviForm, VisiteForm
from ..models import ActionSuivi, Centre, Document, VersionRapport, Visite
from ._commun import enregistrer_et_rediriger, form_page, get_centre_for_user, onglet

OUVERTES = Q(actions__statut__in=[ActionSuivi.Statut.A_FAIRE, ActionSuivi.Statut.EN_COURS])


def _visites(user):
    return Visite.objects.filter(centre__in=Centre.objects.visibles_par(user))


def _get_visite_for_user(user, pk):
    """The visit if the user may see its centre; 404 otherwise."""
    return get_object_or_404(_visites(user).select_related("centre").prefetch_related("visiteurs"), pk=pk)


def _visites_filtrees(request):
    today = timezone.localdate()
    queryset = (
        _visites(request.user)
        .select_related("centre")
        .prefetch_related("visiteurs")
        .annotate(
            nb_actions_ouvertes=Count("actions", filter=OUVERTES),
            nb_actions_en_retard=Count("actions", filter=OUVERTES & Q(actions__echeance__lt=today)),
        )
        .order_by("-date", "-pk")  # Meta.ordering does not apply to an aggregated query
    )
    return VisiteFilter(request.GET, queryset=queryset, request=request)


@access(read=LECTEURS_VISITES)
@require_GET
def visite_list(request):
    context = page_de_liste(request, _visites_filtrees(request))
    return render(request, "centres/visites/visite_list.html", context)


def _avec_controle(visites):
    """Compute each visit's staffing check once for the export's columns."""
    for visite in visites:
        visite.controle = visite.controle_encadrement()
        yield visite


def _si_acm(attribut):
    return lambda v: getattr(v.controle, attribut) if v.controle else None


EXPORT_COLONNES = [
    ("Date", lambda v: v.date),
    ("Centre", lambda v: v.centre.nom),
    ("Type", lambda v: v.get_type_display()),
    ("Type d'accueil", lambda v: v.get_accueil_display() if v.type == Visite.Type.ACM else ""),
    ("Récépissé", lambda v: v.recepisse),
    ("Mineurs de moins de 6 ans", lambda v: v.effectif_moins_6),
    ("Mineurs de 6 ans et plus", lambda v: v.effectif_6_plus),
    ("Animateurs qualifiés", lambda v: v.animateurs_qualifies),
    ("Animateurs stagiaires", lambda v: v.animateurs_stagiaires),
    ("Animateurs sans qualification", lambda v: v.animateurs_non_qualifies),
    ("Directeur présent", lambda v: valeur(v.directeur_present)),
    ("Encadrement requis", _si_acm("requis")),
    ("Encadrement présent", _si_acm("present")),
    ("Encadrement conforme", lambda v: valeur(v.controle.conforme) if v.controle else "Sans objet"),
    ("Motifs", lambda v: " ".join(v.controle.motifs) if v.controle else ""),
    ("Points de contrôle non conformes", lambda v: ", ".join(v.points_non_conformes())),
    ("Actions ouvertes", lambda v: v.nb_actions_ouvertes),
    ("Actions en retard", lambda v: v.nb_actions_en_retard),
    ("Visiteurs", lambda v: ", ".join(str(u) for u in v.visiteurs.all())),
]


@access(read=LECTEURS_VISITES)
@require_GET
def visite_export(request, fmt):
    objets = _avec_controle(_visites_filtrees(request).qs)
    return exporter(fmt, nom="visites-acm-lalp", colonnes=EXPORT_COLONNES, objets=objets)


PANNEAU_RAPPORT = "centres/visites/includes/rapport.html"


def _panneau(visite, user, *, refus=""):
    """The report panel: latest generation, versions and the button for the team."""
    return {
        "visite": visite,
        "panneau_id": "rapport-visite",
        "titre": "Rapport PDF de la visite",
        "url_statut": reverse("centres:visite_rapport_statut", args=[visite.pk]),
        "url_generer": reverse("centres:visite_rapport_generer", args=[visite.pk]),
        "url_page": visite.get_absolute_url(),
        "url_version": "centres:visite_rapport_telecharger",
        **generations.contexte_panneau(visite.generations, visite.rapports, peut_generer=is_equipe(user), refus=refus),
    }


@access(read=LECTEURS_VISITES)
@require_GET
def visite_detail(request, pk):
    visite = _get_visite_for_user(request.user, pk)
    context = services.contexte_rapport(visite)
    context["documents"] = Document.objects.visibles_par(request.user).filter(visite=visite)
    context.update(_panneau(visite, request.user))
    return render(request, "centres/visites/visite_detail.html", context)


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def visite_rapport_generate(request, pk):
    """Queue the report's generation: the worker renders it, the panel polls until it ends."""
    visite = _get_visite_for_user(request.user, pk)
    services.demander_rapport(visite=visite, par=request.user)
    if request.htmx:
        return render(request, PANNEAU_RAPPORT, _panneau(visite, request.user))
    messages.success(request, "Génération du rapport PDF demandée : il apparaît ci-dessous dès qu'il est prêt.")
    return redirect(visite)


@access(read=LECTEURS_VISITES)
@require_GET
def visite_rapport_status(request, pk):
    """The report panel alone (htmx polls it while a generation is pending or running)."""
    visite = _get_visite_for_user(request.user, pk)
    return render(request, PANNEAU_RAPPORT, _panneau(visite, request.user))


def _telecharger(version):
    visite = version.visite
    nom = f"visite-{slugify(visite.centre.libelle_court)}-{visite.date:%Y-%m-%d}-v{version.numero}.pdf"
    return fichier_prive(version.fichier, nom=nom, type_mime="application/pdf")


@access(read=LECTEURS_VISITES)
@require_GET
def visite_rapport_download(request, pk):
    versions = VersionRapport.objects.filter(visite__in=_visites(request.user)).select_related("visite__centre")
    return _telecharger(get_object_or_404(versions, pk=pk))


@access(read=LECTEURS_VISITES)
@require_GET
def visite_pdf(request, pk):
    """The report's former address: its latest version, or the visit page while none exists."""
    visite = _get_visite_for_user(request.user, pk)
    version = visite.rapports.first()
    if version is None:
        messages.info(request, "Aucun rapport PDF n'a encore été généré pour cette visite.")
        return redirect(visite)
    return _telecharger(version)


def _avertir_si_non_conforme(request, visite):
    controle = visite.controle_encadrement()
    if controle and not controle.conforme:
        messages.warning(request, "Encadrement non conforme : " + " ".join(controle.motifs))


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def visite_create(request, pk):
    centre = get_centre_for_user(request.user, pk)
    nouvelle = Visite(centre=centre, date=timezone.localdate())
    form = VisiteForm(request.POST or None, instance=nouvelle, initial={"visiteurs": [request.user.pk]})
    done = enregistrer_et_rediriger(request, form, vers=Visite.get_absolute_url, message="La visite a été enregistrée.")
    if done:
        _avertir_si_non_conforme(request, form.instance)
        return done
    return form_page(
        request, form, titre=f"Nouvelle visite — {centre}", centre=centre, annuler=onglet(centre, "visites")
    )


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def visite_update(request, pk):
    visite = _get_visite_for_user(request.user, pk)
    form = VisiteForm(request.POST or None, instance=visite)
    done = enregistrer_et_rediriger(request, form, vers=Visite.get_absolute_url, message="La visite a été modifiée.")
    if done:
        _avertir_si_non_conforme(request, form.instance)
        return done
    titre = f"Modifier la visite du {visite.date:%d/%m/%Y} — {visite.centre}"
    return form_page(request, form, titre=titre, centre=visite.centre, annuler=visite.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    visite = _get_visite_for_user(request.user, pk)
    initial = {"responsable": request.user.pk}
    form = ActionSuiviForm(request.POST or None, instance=ActionSuivi(visite=visite), initial=initial)
    done = enregistrer_et_rediriger(
        request, form, vers=visite.get_absolute_url(), message="L'action de suivi a été ajoutée."
    )
    titre = f"Nouvelle action de suivi — visite du {visite.date:%d/%m/%Y} — {visite.centre}"
    return done or form_page(request, form, titre=titre, centre=visite.centre, annuler=visite.get_absolute_url())


@access(read=EQUIPE, write=EQUIPE)
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    visibles = ActionSuivi.objects.filter(visite__in=_visites(request.user))
    action = get_object_or_404(visibles.select_related("visite__centre"), pk=pk)
    visite = action.visite
    form = ActionSuiviForm(request.POST or None, instance=action)
    done = enregistrer_et_rediriger(
        request, form, vers=visite.get_absolute_url(), message="L'action de suivi a été modifiée."
    )
    titre = f"Modifier l'action « {action} » — {visite.centre}"
    return done or form_page(request, form, titre=titre, centre=visite.centre, annuler=visite.get_absolute_url())
