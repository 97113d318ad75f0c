"""What the deliberations app does when a lower app's record changes (roubaix_cs.extensions.reagir)."""

from . import services


def demande_quitte_deliberation(*, demande, par):
    """A grant adjourned while on a draft deliberation leaves it."""
    services.retirer_demande(demande=demande, par=par)
