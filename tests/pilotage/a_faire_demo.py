"""What the demo scenario leaves waiting on its pinned day, read by the home page tests (unit and browser)."""

import datetime

JOUR = datetime.datetime(2026, 12, 1, 9, 0)

# What the demo scenario leaves waiting on 1 December 2026 (subventions/demo.py, conventions/demo.py,
# deliberations/demo.py, centres/demo.py, linne/demo_demandes.py): label → count. The room requests waiting
# (one per centre whose scenario leaves it so: 7 of 11) are the whole service's, the régisseurs' included.
A_FAIRE = {
    "responsable": {
        "Conventions délibérées à faire signer": 1,
        "Demandes à instruire": 1,
        "Propositions à valider": 2,
        "Conventions à approuver pour signature": 1,
        "Délibérations à marquer prêtes pour la séance": 1,
        "Délibérations votées à transmettre et publier": 1,
        "Visites dont une action de suivi est en retard": 1,
        "Demandes de salle à traiter": 7,
    },
    "agent": {
        "Demandes reçues à mettre en instruction": 3,
        "Demandes à instruire": 2,
        "Subventions validées à inscrire à une délibération": 1,
        "Subventions votées à notifier au centre": 1,
        "Comptes rendus financiers reçus à analyser": 1,
        "Délibérations votées à transmettre et publier": 1,
        "Visites dont une action de suivi est en retard": 1,
        "Demandes de salle à traiter": 7,
    },
    "regisseur": {"Demandes de salle à traiter": 7},
}
