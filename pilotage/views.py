import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from centres.models import Centre
from comptes.models import Role
from comptes.permissions import EQUIPE, TOUS, access
from roubaix_cs.deadlines import collect
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS, AGREMENT_HORIZON_DEFAUT_MOIS


@access(read=TOUS)
def accueil(request):
    """Each role lands on what it needs: the team on what needs doing, readers on what they can read."""
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
    horizon = today + relativedelta(months=AGREMENT_HORIZON_DEFAUT_MOIS)
    if user.role in EQUIPE:
        # The team sees every centre, so every app's deadlines of the coming months.
        limite = today + datetime.timedelta(days=ACCUEIL_ECHEANCES_JOURS)
        context["echeances"] = [d for d in collect(today) if d.due <= limite]
        context["mes_centres"] = centres.filter(referent=user).avec_fin_agrement().order_by("nom")
        context["sans_referent"] = centres.filter(referent__isnull=True).exclude(statut=Centre.Statut.FERME)
    else:
        context["centres"] = centres.exclude(statut=Centre.Statut.FERME).avec_fin_agrement().order_by("nom")
        context["fin_proche"] = centres.agrement_finissant_entre(today, horizon).avec_fin_agrement().order_by("nom")
    return render(request, "accueil.html", context)
