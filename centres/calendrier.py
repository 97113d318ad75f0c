"""The centres' events of the personal calendar feeds (extension point `calendrier`): the general
assemblies to come, of the centres the user follows (the responsable: all those she sees)."""

from comptes.models import Role
from roubaix_cs import ics
from roubaix_cs.liens import chemins

from .models import AssembleeGenerale, Centre


def centres_du_calendrier(user):
    """The agents follow the centres they are the referent of; the others, all those they see."""
    centres = Centre.objects.visibles_par(user)
    return centres.filter(referent=user) if user.role == Role.AGENT else centres


def evenement_ag(ag, url):
    return ics.EvenementIcs(
        uid=ics.uid("ag", ag.pk),
        debut=ag.date,
        resume=f"AG — {ag.centre.nom}",
        lieu=ag.lieu,
        description=f"Assemblée générale {ag.get_nature_display().lower()}, exercice {ag.exercice}.",
        url=url,
    )


def assemblees(centres, today):
    """The AGs to come of `centres`, soonest first, as events (their URL a path)."""
    onglet = chemins("centres:detail", "?onglet=assemblees")  # AssembleeGenerale.get_absolute_url
    ags = AssembleeGenerale.objects.filter(centre__in=centres).a_venir(today).select_related("centre")
    return [evenement_ag(ag, onglet(ag.centre_id)) for ag in ags.order_by("date", "pk")]


def evenements(user, today):
    return assemblees(centres_du_calendrier(user), today)
