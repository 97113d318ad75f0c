"""LOC-2 at the Espace Linné: a room lent free or below its price list is in-kind aid (an extension point
read through roubaix_cs.extensions.aides_en_nature, so that the yearly aid of a beneficiary counts it
without the conventions app importing this one)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Sum
from django.db.models.functions import ExtractYear

from .models import Reservation

PARIS = ZoneInfo("Europe/Paris")


def par_organisation(organisation_ids, annees):
    """LOC-2's in-kind aid of the Espace Linné: {organisation pk: {year: amount}}, the sum of the value
    at the price list less what was charged of the confirmed bookings of `organisation_ids` whose
    value exceeds the charge (lent free or below the price), by calendar year of the booking's start
    in Paris. Years without any are left out. One query (`organisation_ids` may be a queryset of pks:
    a subquery)."""
    annees = list(annees)
    if not annees:
        return {}
    lignes = (
        Reservation.objects.filter(
            organisation__in=organisation_ids,
            statut__in=[Reservation.Statut.CONFIRMEE],
            valeur__gt=F("montant"),
        )
        .annotate(annee=ExtractYear("debut", tzinfo=PARIS))
        .filter(annee__in=annees)
        .values("organisation", "annee")
        .annotate(aide=Sum(F("valeur") - F("montant")))
        .order_by()
    )
    resultat = {}
    for ligne in lignes:
        resultat.setdefault(ligne["organisation"], {})[ligne["annee"]] = Decimal(ligne["aide"])
    return resultat
