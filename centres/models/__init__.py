from .centres import Agrement, Centre, CentrePartenaire, Contact, Direction, Quartier, duree_en_mois
from .documents import Document
from .indicateurs import AvisCommissaire, ImportIndicateurs, IndicateursAnnuels, variation_excessive
from .locaux import Local, Travaux
from .suivi import (
    ActionSuivi,
    AssembleeGenerale,
    ControleEncadrement,
    GenerationRapport,
    VersionRapport,
    Visite,
    date_limite_ag,
    dernier_exercice_ag_echu,
    exercices_sans_ag,
)

__all__ = [
    "ActionSuivi",
    "Agrement",
    "AvisCommissaire",
    "AssembleeGenerale",
    "Centre",
    "CentrePartenaire",
    "Contact",
    "Direction",
    "ControleEncadrement",
    "Document",
    "GenerationRapport",
    "ImportIndicateurs",
    "IndicateursAnnuels",
    "Local",
    "Quartier",
    "Travaux",
    "VersionRapport",
    "Visite",
    "date_limite_ag",
    "dernier_exercice_ag_echu",
    "exercices_sans_ag",
    "duree_en_mois",
    "variation_excessive",
]
