import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from centres.models import Centre
from comptes.models import Role
from comptes.permissions import EQUIPE, TOUS, access
from roubaix_cs import deadlines, todos
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS, AGREMENT_HORIZON_DEFAUT_MOIS


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
