"""Demo data of the Espace Linné's yearly evaluation for seed_demo: the responsable's draft of the
current year (its review and outlook), written through `linne.evaluation`. Idempotent: a year that has
its evaluation is left as it is."""

from . import evaluation
from .models import Evaluation

BILAN = (
    "L'Espace Linné a accueilli cette année les activités régulières des centres sociaux, prêtées "
    "gratuitement, et les répétitions des associations du quartier. Les événements publics (concerts de la "
    "chorale, bourse aux plantes) ont attiré un public nombreux.\n\n"
    "Brouillon à compléter avec les chiffres de fréquentation de décembre."
)
PERSPECTIVES = (
    "Ouvrir davantage les samedis après-midi aux associations des quartiers prioritaires et mieux suivre "
    "la fréquentation réelle des activités."
)


def charger(contexte):
    annee = contexte["today"].year
    if Evaluation.objects.filter(annee=annee).exists():
        return
    evaluation.enregistrer_texte(
        annee=annee, bilan=BILAN, perspectives=PERSPECTIVES, version=None, par=contexte["users"]["responsable"]
    )
