"""What each reader may read of Espace Linné's records (`roubaix_cs.lecture`): the service reads all of
them; the élus read the rooms and bookings, never the contacts' personal data nor the internal notes."""

from comptes.permissions import can_manage_linne
from roubaix_cs.lecture import caches_sauf_pour

from .models import DemandeReservation, Reservation, Serie

_CONTACT = ("contact_nom", "contact_email", "contact_telephone")

CHAMPS_CACHES = {
    Reservation: caches_sauf_pour(can_manage_linne, *_CONTACT, "notes_internes"),
    Serie: caches_sauf_pour(can_manage_linne, *_CONTACT),
    DemandeReservation: caches_sauf_pour(can_manage_linne, *_CONTACT, "message", "motif_refus"),
}
