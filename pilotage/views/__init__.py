from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from centres.models import Centre
from comptes import flux_calendrier as calendrier
from comptes.models import Role
from comptes.permissions import (
    EQUIPE,
    LECTEURS_FINANCEURS,
    LECTEURS_INDICATEURS,
    LECTEURS_TABLEAU_DE_BORD,
    RESPONSABLE_SEULE,
    SERVICE,
    TOUS,
    access,
    is_equipe,
    is_responsable,
    public,
)
from roubaix_cs import bornes, deadlines, extensions, generations, ics, todos, xlsx
from roubaix_cs.exports import FORMATS, exporter
from roubaix_cs.listes import PAR_PAGE, apercu, page_de_liste
from roubaix_cs.seuils import AGREMENT_HORIZON_DEFAUT_MOIS, VAR_MAX
from roubaix_cs.telechargements import disposition_piece_jointe, fichier_prive
from roubaix_cs.todos import lien

from .. import alertes, comparaisons, donnees_personnelles, echeances, financeurs, resumes, services, tableau
from .. import mon_calendrier as calendrier_personnel
from ..chiffres import alertes_du_lecteur, chiffres_de_l_annee
from ..filters import AlerteFilter, AnneeTableauForm, ComparaisonFiltre, EcheanceFiltre
from ..forms import PreferencesForm
from ..models import Alerte, GenerationRapportAnnuel, VersionRapportAnnuel


@access(read=TOUS)
def accueil(request):
    """Each role lands on its own work: the team on its to-dos, its files and the deadlines (its own
    centres' first, then the service's), the élus on their dashboard of the year, the other roles on
    what they can read."""
    today = timezone.localdate()
    user = request.user
    if user.role == Role.ELU:  # the élus land on their dashboard of the year
        return _tableau_de_bord(request, today.year, accueil=True)
    centres = Centre.objects.visibles_par(user)
    context = {
        "today": today,
        "horizon_mois": AGREMENT_HORIZON_DEFAUT_MOIS,
        "vue_equipe": user.role in EQUIPE,
        "organisation": user.organisation if user.role == Role.PARTENAIRE else None,
        "par_statut": centres.order_by().values("statut").annotate(n=Count("id")).order_by("statut"),
        # What the apps add for this user (a régisseur's day at Espace Linné): roubaix_cs.extensions.
        "blocs": extensions.blocs_accueil(user, today),
    }
    if user.role in EQUIPE:
        alertes.synchroniser_sans_planificateur(today, une_fois_par_jour=True)
        mes_alertes = Alerte.objects.ouvertes().non_lues().filter(user=user)
        context |= {
            "a_faire": todos.collect(user),
            "mes_alertes": apercu(mes_alertes.order_by("due", "label", "pk"), lien("pilotage:alertes", lue="non")),
            "mes_alertes_par_type": alertes.par_type(mes_alertes, lue="non"),
            "alertes_mises_a_jour": alertes.derniere_execution(),
            "mes_centres": apercu(
                centres.filter(referent=user).avec_fin_agrement().order_by("nom"),
                lien("centres:liste", referent=user.pk),
            ),
            "sans_referent": apercu(
                centres.filter(referent__isnull=True).exclude(statut=Centre.Statut.FERME).order_by("nom"),
                lien("centres:liste", referent="null", statut="ouverts"),
            ),
        }
    else:
        # The régisseurs' own to-dos (Espace Linné's requests waiting for an answer); the other roles have none.
        context["a_faire"] = todos.collect(user) if user.role == Role.REGISSEUR else []
        horizon = today + relativedelta(months=AGREMENT_HORIZON_DEFAUT_MOIS)
        context["centres"] = apercu(
            centres.exclude(statut=Centre.Statut.FERME).avec_fin_agrement().order_by("nom"),
            lien("centres:liste", statut="ouverts"),
        )
        context["fin_proche"] = apercu(
            centres.agrement_finissant_entre(today, horizon).avec_fin_agrement().order_by("fin_agrement", "nom"),
            lien("centres:liste", agrement_fin_mois=AGREMENT_HORIZON_DEFAUT_MOIS, tri="fin_agrement"),
        )
    return render(request, "accueil.html", context)


def _tableau_de_bord(request, annee, *, accueil=False, status=200, form=None):
    """The dashboard of `annee` (None: the year asked for was not valid, only the form is shown)."""
    today = timezone.localdate()
    context = {
        "accueil": accueil,
        "form": form or AnneeTableauForm(initial={"annee": annee}),
        "chiffres": chiffres_de_l_annee(annee, user=request.user, jour=today) if annee else None,
        "alertes": alertes_du_lecteur(request.user, today) if annee else None,
        "annees": range(today.year - 4, today.year + 2),
        "var_max": VAR_MAX,
    }
    return render(request, "pilotage/tableau_de_bord.html", context, status=status)


@access(read=LECTEURS_TABLEAU_DE_BORD)
@require_safe
def tableau_de_bord(request):
    """The élus' dashboard of a year (?annee=, this year by default): grants by centre and beneficiary,
    budget lines, conventions, the centres' key figures, the coming council session; each figure a
    link to the list it sums. A year out of the service's years answers 400 with the reason."""
    form = AnneeTableauForm(request.GET)
    annee = form.annee_choisie(timezone.localdate())
    if annee is None:
        return _tableau_de_bord(request, None, status=400, form=form)
    return _tableau_de_bord(request, annee, form=form)


@access(read=LECTEURS_TABLEAU_DE_BORD)
@require_safe
def tableau_de_bord_export(request, fmt):
    """The dashboard's tables in one XLSX file, a sheet each."""
    form = AnneeTableauForm(request.GET)
    annee = form.annee_choisie(timezone.localdate())
    if annee is None:
        return HttpResponseBadRequest(" ".join(form.errors["annee"]), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type=FORMATS[fmt])
    response["Content-Disposition"] = disposition_piece_jointe(f"tableau-de-bord-{annee}.xlsx")
    xlsx.ecrire(response, tableau.feuilles(chiffres_de_l_annee(annee, user=request.user)))
    return response


def _echeances_filtrees(request):
    filtre = EcheanceFiltre(request.GET)
    miens = echeances.centres_suivis(request.user)
    return filtre, echeances.selection(timezone.localdate(), miens=miens, **filtre.criteres())


@access(read=EQUIPE)
@require_safe
def echeances_liste(request):
    """« Toutes les échéances »: what the home page shows the first of, paginated and filtered by kind
    and by centres (those the user follows, the others)."""
    filtre, selection = _echeances_filtrees(request)
    types = deadlines.types()
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filtre": filtre,
        "page": Paginator([(d, types[d.kind]) for d in selection], PAR_PAGE).get_page(request.GET.get("page")),
        "params": params.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "pilotage/echeances.html", context)


@access(read=EQUIPE)
@require_safe
def echeances_export(request, fmt):
    _, selection = _echeances_filtrees(request)
    types = deadlines.types()
    today = timezone.localdate()
    colonnes = [
        ("Échéance", lambda d: d.due),
        ("Type", lambda d: types[d.kind]),
        ("Libellé", lambda d: d.label),
        ("En retard", lambda d: "oui" if d.due < today else "non"),
        ("Lien", lambda d: request.build_absolute_uri(d.url)),
    ]
    return exporter(fmt, nom="echeances", colonnes=colonnes, objets=selection)


@public
@require_safe
def donnees_personnelles_page(request):
    """The privacy notice (RGPD art. 13-14): open to everyone, signed in or not."""
    context = {
        "conservations": donnees_personnelles.conservations(),
        "dpo_contact": settings.DPO_CONTACT,
        "dpo_email": settings.DPO_EMAIL,
        "ville": settings.VILLE_NOM,
        "peut_exporter": is_responsable(request.user),
    }
    return render(request, "pilotage/donnees_personnelles.html", context)


@access(read=RESPONSABLE_SEULE)
def donnees_personnelles_export(request):
    """A person's data on request (RGPD art. 15 and 20): the responsable searches by e-mail or name,
    sees what was found and downloads it as JSON or XLSX."""
    recherche = request.GET.get("q", "")[:254]
    dossier = donnees_personnelles.dossier(recherche)
    fmt = request.GET.get("format", "")
    if fmt and not dossier.vide:
        if fmt == "json":
            return donnees_personnelles.en_json(dossier)
        if fmt == "xlsx":
            return donnees_personnelles.en_xlsx(dossier)
        raise Http404("Format d'export inconnu.")
    return render(request, "pilotage/donnees_personnelles_export.html", {"dossier": dossier})


@public
@require_safe
def calendrier_ics(request, jeton):
    """A user's personal calendar feed, read by calendar applications at its secret address (they
    cannot log in): an unknown or revoked address, or a closed account, answers 404."""
    user = calendrier.titulaire(jeton)
    if user is None or not user.role:
        raise Http404("Adresse de calendrier inconnue ou révoquée.")
    trouves = calendrier_personnel.evenements(user, timezone.localdate(), absolue=request.build_absolute_uri)
    contenu = ics.calendrier(calendrier_personnel.NOM, calendrier.numeroter(trouves))
    return ics.reponse("mon-calendrier.ics", contenu)


# Who reads their alerts and chooses how they are e-mailed; élus only the weekly summary.
LECTEURS_ALERTES = SERVICE
LECTEURS_PREFERENCES = SERVICE | {Role.ELU}
PK_MAX = 2**63 - 1  # an id past a bigint is no alert of anyone's


def _mes_alertes(request):
    """The user's open alerts, filtered: never anyone else's."""
    queryset = Alerte.objects.ouvertes().filter(user=request.user).select_related("centre")
    return AlerteFilter(request.GET, queryset=queryset)


@access(read=LECTEURS_ALERTES, write=LECTEURS_ALERTES)
@require_http_methods(["GET", "HEAD", "POST"])
def alertes_liste(request):
    """« Mes alertes »: the user's open alerts, filtered and paginated; ticked ones are marked read (a
    POST; with htmx only the list is redrawn). Without a broker the page brings the alerts up to date."""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("alertes") if v.isdigit() and int(v) <= PK_MAX]
        with transaction.atomic():
            n = Alerte.objects.ouvertes().filter(user=request.user, pk__in=ids).acquitter(timezone.now())
        if n:
            messages.success(
                request,
                f"{n} alerte{'s' if n > 1 else ''} marquée{'s' if n > 1 else ''} comme lue{'s' if n > 1 else ''}.",
            )
        else:
            messages.warning(request, "Aucune alerte non lue n'était cochée.")
        if not request.htmx:
            return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    else:
        alertes.synchroniser_sans_planificateur(timezone.localdate())
    context = page_de_liste(request, _mes_alertes(request)) | {
        "today": timezone.localdate(),
        "alertes_mises_a_jour": alertes.derniere_execution(),
    }
    types = deadlines.types()
    for alerte in context["page"]:
        alerte.type_nom = types.get(alerte.kind, "")
    if request.htmx:
        return render(request, "pilotage/includes/alertes_liste.html", context)
    return render(request, "pilotage/alertes.html", context)


@access(read=LECTEURS_ALERTES)
@require_safe
def alertes_export(request, fmt):
    types = deadlines.types()
    today = timezone.localdate()
    colonnes = [
        ("Échéance", lambda a: a.due),
        ("Type", lambda a: types.get(a.kind, "")),
        ("Centre", lambda a: a.centre.nom if a.centre else ""),
        ("Libellé", lambda a: a.label),
        ("En retard", lambda a: "oui" if a.due < today else "non"),
        ("Lue le", lambda a: a.acknowledged_at),
        ("Lien", lambda a: request.build_absolute_uri(a.url)),
    ]
    return exporter(fmt, nom="alertes", colonnes=colonnes, objets=_mes_alertes(request).qs)


@access(read=LECTEURS_PREFERENCES, write=LECTEURS_PREFERENCES)
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """« Mes préférences »: how often each kind of alert is e-mailed; for an élu, the weekly summary."""
    user = request.user
    actuelles = resumes.preferences_de(user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=user, **actuelles)
    if request.method == "POST" and form.is_valid():
        resumes.enregistrer_preferences(
            user=user, frequences=form.frequences(), resume_elu=form.cleaned_data.get("resume_elu")
        )
        messages.success(request, "Vos préférences sont enregistrées.")
        return redirect("pilotage:preferences")
    return render(request, "pilotage/preferences.html", {"form": form})


# --- The yearly report to the political steering committee (pilotage.rapport) ---------------------

PANNEAU_RAPPORT = "pilotage/includes/rapport_pdf.html"


def _url_rapport(annee):
    return f"{reverse('pilotage:rapport')}?annee={annee}"


def _panneau_rapport(annee, user, *, refus=""):
    """The report's panel: latest generation, versions, and the button for the team."""
    return {
        "panneau_id": "rapport-pdf",
        "titre": f"Rapport {annee} en PDF",
        "url_statut": reverse("pilotage:rapport_statut", args=[annee]),
        "url_generer": reverse("pilotage:rapport_generer", args=[annee]),
        "url_page": _url_rapport(annee),
        "url_version": "pilotage:rapport_telecharger",
        **generations.contexte_panneau(
            GenerationRapportAnnuel.objects.filter(annee=annee),
            VersionRapportAnnuel.objects.filter(annee=annee),
            peut_generer=is_equipe(user),
            refus=refus,
        ),
    }


@access(read=LECTEURS_TABLEAU_DE_BORD)
@require_safe
def rapport(request):
    """The year's report to the copil politique: its versions, and the button to generate a new one."""
    jour = timezone.localdate()
    annee = AnneeTableauForm(request.GET).annee_choisie(jour) or jour.year  # a year not handled: this one
    premier, dernier = bornes.ExerciceDansLaFenetre().bornes()
    context = {"annee": annee, "annees": sorted(set(range(premier, jour.year + 1)) | {annee}, reverse=True)}
    return render(request, "pilotage/rapport.html", context | _panneau_rapport(annee, request.user))


@access(read=EQUIPE, write=EQUIPE)
@require_POST
def rapport_generer(request, annee):
    """Queue the year's report: the worker renders it, the panel polls until it ends."""
    annee = int(annee)
    return generations.repondre_a_la_demande(
        request,
        lambda: services.demander_rapport_annuel(annee=annee, par=request.user),
        panneau=PANNEAU_RAPPORT,
        contexte=lambda refus: _panneau_rapport(annee, request.user, refus=refus),
        page=_url_rapport(annee),
        succes="Génération du rapport demandée : il apparaît ci-dessous dès qu'il est prêt.",
    )


@access(read=LECTEURS_TABLEAU_DE_BORD)
@require_safe
def rapport_statut(request, annee):
    """The report's panel alone (htmx polls it while a generation is pending or running)."""
    return render(request, PANNEAU_RAPPORT, _panneau_rapport(int(annee), request.user))


@access(read=LECTEURS_TABLEAU_DE_BORD)
@require_safe
def rapport_telecharger(request, pk):
    version = get_object_or_404(VersionRapportAnnuel, pk=pk)
    nom = f"rapport-annuel-{version.annee}-v{version.numero}.pdf"
    return fichier_prive(version.fichier, nom=nom, type_mime="application/pdf")


def _comparaison(request):
    """The comparison the GET parameters ask for, among the figures the user reads."""
    donnees = comparaisons.charger(request.user)
    filtre = ComparaisonFiltre(request.GET, user=request.user, annees=donnees.annees)
    return filtre, comparaisons.comparer(donnees, **filtre.criteres())


@access(read=LECTEURS_INDICATEURS)
@require_safe
def comparaisons_page(request):
    """« Comparer les centres »: an indicator across the centres for a year (bars), across the years
    (lines), and a centre's evolution; each chart drawn from the data of the table beside it."""
    filtre, comparaison = _comparaison(request)
    context = {
        "filtre": filtre,
        "comparaison": comparaison,
        "graphiques": comparaison.graphiques(),
        "params": filtre.data.urlencode(),
        "perimetre": request.user.organisation if request.user.role == Role.PARTENAIRE else None,
    }
    return render(request, "pilotage/comparaisons.html", context)


@access(read=LECTEURS_INDICATEURS)
@require_safe
def comparaisons_export(request, tableau, fmt):
    """One of the page's three tables, as CSV or XLSX, with the same rows."""
    _, comparaison = _comparaison(request)
    colonnes, lignes = comparaisons.export(comparaison, tableau, fmt)
    return exporter(fmt, nom=f"comparaison-{tableau}", colonnes=colonnes, objets=lignes)


@access(read=LECTEURS_FINANCEURS)
@require_safe
def financeurs_export(request, pk, fmt):
    """The table of the centre's « Financeurs » tab, row for row; 404 outside a partner's scope."""
    centre = get_object_or_404(Centre.objects.visibles_par(request.user), pk=pk)
    annees = financeurs.financeurs_du_centre(centre, request.user)
    return exporter(
        fmt,
        nom=f"financeurs-{slugify(centre.libelle_court)}",
        colonnes=financeurs.colonnes_export(request.user),
        objets=financeurs.lignes(annees),
    )
