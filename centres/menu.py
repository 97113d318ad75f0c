"""The centres app's entries in the navigation bar."""

from comptes.permissions import LECTEURS_DOCUMENTS, LECTEURS_INDICATEURS, LECTEURS_LOCAUX, LECTEURS_VISITES, TOUS
from roubaix_cs.extensions import EntreeMenu

ENTREES = [
    EntreeMenu("Centres", "centres:liste", TOUS, 10),
    EntreeMenu("Assemblées", "centres:ag_liste", TOUS, 50),
    EntreeMenu("Indicateurs", "centres:indicateurs_liste", LECTEURS_INDICATEURS, 55),
    EntreeMenu("Visites", "centres:visite_liste", LECTEURS_VISITES, 60),
    EntreeMenu("Locaux", "centres:local_liste", LECTEURS_LOCAUX, 70),
    EntreeMenu("Travaux", "centres:travaux_liste", LECTEURS_LOCAUX, 80),
    EntreeMenu("Documents", "centres:document_liste", LECTEURS_DOCUMENTS, 90),
]
