"""ACM / LALP visits: list, report page and PDF, the visit form, and the follow-up actions."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from comptes.permissions import EQUIPE, LECTEURS_VISITES, access
from roubaix_cs.exports import exporter
from roubaix_cs.formats import valeur
from roubaix_cs.listes import page_de_liste
from roubaix_cs.pdf import render_pdf

from ..filters import VisiteFilter
from ..forms import ActionSuiviForm, VisiteForm
from ..models import ActionSuivi, Centre, Document, Visite
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


def _rapport(visite):
    """What the visit page and its PDF show."""
    return {
        "visite": visite,
        "centre": visite.centre,
        "controle": visite.controle_encadrement(),
        "checklist": [(visite._meta.get_field(nom).verbose_name, getattr(visite, nom)) for nom in Visite.CHECKLIST],
        "actions": visite.actions.select_related("responsable"),
        "today": timezone.localdate(),
    }


@access(read=LECTEURS_VISITES)
@require_GET
def visite_detail(request, pk):
    visite = _get_visite_for_user(request.user, pk)
    context = _rapport(visite)
    context["documents"] = Document.objects.visibles_par(request.user).filter(visite=visite)
    return render(request, "centres/visites/visite_detail.html", context)


@access(read=LECTEURS_VISITES)
@require_GET
def visite_pdf(request, pk):
    visite = _get_visite_for_user(request.user, pk)
    pdf = render_pdf("pdf/visite.html", {**_rapport(visite), "imprime_le": timezone.localtime()})
    nom = f"visite-{slugify(visite.centre.libelle_court)}-{visite.date:%Y-%m-%d}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{nom}"'
    return response


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
