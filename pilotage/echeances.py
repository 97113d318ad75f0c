"""The deadlines of the team, all of them, read by « Toutes les échéances » (paginated, filtered and
exported) and the calendar feeds; the home page shows the stored alerts, those that reached their
threshold (pilotage.alertes)."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from centres.models import Centre
from roubaix_cs import deadlines
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS

MES_CENTRES, SERVICE = "mes_centres", "service"
PORTEES = [(MES_CENTRES, "Les centres que je suis"), (SERVICE, "Les autres centres du service")]


@dataclass(frozen=True)
class Type:
    """One kind of deadline or alert in a selection: its name, how many, the full list of those."""

    kind: str
    nom: str
    total: int
    url: str


def lien(**filtres):
    """The URL of « Toutes les échéances » filtered on `filtres` (empty ones left out)."""
    filtres = {cle: valeur for cle, valeur in filtres.items() if valeur not in ("", None)}
    return f"{reverse('pilotage:echeances')}?{urlencode(filtres)}" if filtres else reverse("pilotage:echeances")


def centres_suivis(user):
    """The ids of the centres `user` is the referent of (one query)."""
    return set(Centre.objects.filter(referent=user).values_list("pk", flat=True))


def selection(today, *, miens, portee="", kind="", jours=ACCUEIL_ECHEANCES_JOURS):
    """The deadlines due within `jours` days (the overdue ones included), soonest first, of the centres
    the user follows (`miens`), of the others, or of all; of one kind or all."""
    limite = today + datetime.timedelta(days=jours)
    echeances = [d for d in deadlines.collect(today) if d.due <= limite]
    if portee == MES_CENTRES:
        echeances = [d for d in echeances if d.centre_id in miens]
    elif portee == SERVICE:
        echeances = [d for d in echeances if d.centre_id not in miens]
    if kind:
        echeances = [d for d in echeances if d.kind == kind]
    return echeances


def types_comptes(comptes, url):
    """`Type`s from {kind: how many}, most frequent first, each linked to `url(kind)`."""
    noms = deadlines.types()
    return [
        Type(kind=kind, nom=noms.get(kind, kind), total=n, url=url(kind))
        for kind, n in sorted(comptes.items(), key=lambda item: (-item[1], noms.get(item[0], item[0])))
    ]
