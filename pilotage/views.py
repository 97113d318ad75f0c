import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from centres.models import Centre
from comptes.models import Role
from comptes.permissions import EQUIPE, RESPONSABLE_SEULE, TOUS, access, is_responsable, public
from roubaix_cs import deadlines, todos
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS, AGREMENT_HORIZON_DEFAUT_MOIS

from . import donnees_personnelles


@access(read=TOUS)
def accueil(request):
    """Each role lands on its own work: the team on its to-dos, its files and the deadlines (its own
    centres' first, then the service's), the other roles on what they can read."""
    today = timezone.localdate()
    user = request.user
    centres = Centre.objects.visibles_par(user)
    context = {
        "today": today,
        "horizon_mois": AGREMENT_HORIZON_DEFAUT_MOIS,
        "vue_equipe": user.role in EQUIPE,
        "organisation": user.organisation if user.role == Role.PARTENAIRE else None,
        "par_statut": centres.order_by().values("statut").annotate(n=Count("id")).order_by("statut"),
    }
    if user.role in EQUIPE:
        mes_centres = list(centres.filter(referent=user).avec_fin_agrement().order_by("nom"))
        miens = {c.pk for c in mes_centres}
        limite = today + datetime.timedelta(days=ACCUEIL_ECHEANCES_JOURS)
        echeances = [d for d in deadlines.collect(today) if d.due <= limite]  # by date: the overdue first
        context |= {
            "a_faire": todos.collect(user),
            "mes_centres": mes_centres,
            "mes_echeances": [d for d in echeances if d.centre_id in miens],
            "echeances_service": [d for d in echeances if d.centre_id not in miens],
            "sans_referent": centres.filter(referent__isnull=True).exclude(statut=Centre.Statut.FERME),
        }
    else:
        horizon = today + relativedelta(months=AGREMENT_HORIZON_DEFAUT_MOIS)
        context["centres"] = centres.exclude(statut=Centre.Statut.FERME).avec_fin_agrement().order_by("nom")
        context["fin_proche"] = (
            centres.agrement_finissant_entre(today, horizon).avec_fin_agrement().order_by("fin_agrement", "nom")
        )
    return render(request, "accueil.html", context)


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
