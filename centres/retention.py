"""Retention of the centres' contacts (RGPD art. 5-1-e), run by `roubaix_cs.retention.purger`.

- The contacts of a centre closed for `RETENTION_CONTACTS_CENTRE_FERME_ANS` years are anonymised:
  the row stays, with its quality (the centre had a director, a president…), so counts stay right;
  the name, e-mail and phone go, and so do the history rows that held them.
- The history rows of a contact deleted `RETENTION_CONTACTS_SUPPRIMES_ANS` years ago are removed.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from roubaix_cs.retention import MOTIF_ANONYMISATION, Purge, depuis, effacer_historique

from .models import Centre, Contact

ANONYME = "(anonymisé)"


def anonymiser_contact(contact):
    """Remove what names the person; the quality and the centre stay. Its history goes, but for one
    row that records the anonymisation."""
    effacer_historique(Contact, [contact.pk])
    contact.prenom, contact.nom, contact.fonction, contact.email, contact.telephone = "", ANONYME, "", "", ""
    contact.version += 1
    contact._change_reason = MOTIF_ANONYMISATION
    contact.save()


def contacts_a_anonymiser(today: datetime.date):
    """The contacts, not yet anonymised, of the centres closed for the retention period or more."""
    limite = today - relativedelta(years=settings.RETENTION_CONTACTS_CENTRE_FERME_ANS)
    fermes = [
        c.pk
        for c in Centre.objects.filter(statut=Centre.Statut.FERME)
        if (fermeture := depuis(c, "statut")) is not None and fermeture <= limite
    ]
    return Contact.objects.filter(centre__in=fermes).exclude(prenom="", nom=ANONYME).select_related("centre")


def contacts_supprimes_echus(today: datetime.date) -> list[int]:
    """The ids of the contacts deleted at least the retention period ago, whose history remains."""
    limite = today - relativedelta(years=settings.RETENTION_CONTACTS_SUPPRIMES_ANS)
    historique = Contact.history.model.objects
    supprimes = historique.filter(history_type="-", history_date__date__lte=limite).values_list("id", flat=True)
    return sorted(set(supprimes) - set(Contact.objects.filter(pk__in=supprimes).values_list("pk", flat=True)))


def purger(today: datetime.date, *, simuler: bool = False) -> list[Purge]:
    ans_fermes = settings.RETENTION_CONTACTS_CENTRE_FERME_ANS
    anonymises = Purge(f"Contacts de centres fermés depuis {ans_fermes} an(s) ou plus, anonymisés")
    for contact in contacts_a_anonymiser(today):
        anonymises.objets.append(f"{contact.get_qualite_display()} de {contact.centre} : {contact}")
        anonymises.historique += Contact.history.filter(id=contact.pk).count()
        if not simuler:
            anonymiser_contact(contact)

    ans_supprimes = settings.RETENTION_CONTACTS_SUPPRIMES_ANS
    effaces = Purge(f"Historique des contacts supprimés depuis {ans_supprimes} an(s) ou plus, effacé")
    ids = contacts_supprimes_echus(today)
    for record in Contact.history.filter(id__in=ids, history_type="-"):
        jour = timezone.localdate(record.history_date)
        effaces.objets.append(f"Contact supprimé le {jour:%d/%m/%Y} : {record.prenom} {record.nom}")
    effaces.historique = Contact.history.filter(id__in=ids).count() if simuler else effacer_historique(Contact, ids)
    return [anonymises, effaces]
