"""The ceiling of queries of every guarded page, at any data size (tests/requetes.py).

One row a page and a reader: `"<url name>[?query] <persona>"`. A ceiling that moves shows here in review.
Counts include the session, the user, and the savepoint pair of ATOMIC_REQUESTS.
"""

PLAFONDS = {
    # Comptes
    "comptes:liste responsable": 7,  # + the organisation filter's choices
    "comptes:liste agent": 7,
    "comptes:export xlsx agent": 5,
    "comptes:detail responsable": 8,  # + its locked logins, the history, its authors, the organisations it names
    "comptes:detail agent": 8,
    # Centres
    "accueil agent": 24,  # + the to-dos of each app (one count each, roubaix_cs/todos.py); each section: count + first rows
    "accueil elu": 15,
    "accueil partenaire_caf": 15,
    "pilotage:echeances agent": 13,  # every app's deadlines (roubaix_cs/deadlines.py) and the centres followed
    "centres:liste agent": 8,  # + the « suivi par » filter choices
    "centres:liste partenaire_caf": 8,
    "centres:export xlsx agent": 8,
    "centres:detail?onglet=identite agent": 9,
    "centres:detail?onglet=identite elu": 9,
    "centres:detail?onglet=agrements agent": 6,
    "centres:detail?onglet=agrements elu": 6,
    "centres:detail?onglet=contacts agent": 6,
    "centres:detail?onglet=contacts elu": 6,
    "centres:detail?onglet=assemblees agent": 9,
    "centres:detail?onglet=assemblees elu": 9,
    "centres:detail?onglet=visites agent": 8,
    "centres:detail?onglet=visites elu": 8,
    "centres:detail?onglet=locaux agent": 7,
    "centres:detail?onglet=locaux elu": 7,
    "centres:detail?onglet=documents agent": 6,
    "centres:detail?onglet=documents elu": 6,
    "centres:detail?onglet=historique agent": 23,
    "centres:detail?onglet=historique elu": 23,
    # Assemblées générales and visits
    "centres:ag_liste agent": 11,
    "centres:ag_liste partenaire_caf": 11,
    "centres:ag_liste?periode=toutes&comptes_approuves=oui agent": 11,
    "centres:ag_liste?periode=toutes&comptes_approuves=oui partenaire_caf": 11,
    "centres:ag_export xlsx agent": 6,
    "centres:ag_export xlsx partenaire_caf": 6,
    "centres:ag_export csv agent": 6,
    "centres:ag_export csv partenaire_caf": 6,
    "centres:ag_ics agent": 5,
    "centres:ag_ics partenaire_caf": 5,
    "centres:visite_liste agent": 8,
    "centres:visite_liste elu": 8,
    "centres:visite_liste?actions=en_retard&tri=centre agent": 8,
    "centres:visite_liste?actions=en_retard&tri=centre elu": 8,
    "centres:visite_export xlsx agent": 6,
    "centres:visite_export xlsx elu": 6,
    "centres:visite_export csv agent": 6,
    "centres:visite_export csv elu": 6,
    "centres:visite_detail agent": 10,
    "centres:visite_detail elu": 10,
    "centres:visite_rapport_statut agent": 8,
    "centres:visite_rapport_statut elu": 8,
    # Premises, works, documents
    "centres:local_liste agent": 8,
    "centres:local_liste regisseur": 8,
    "centres:local_liste elu": 8,
    "centres:local_liste?occupant=centre&commission_jours=90&tri=-avantage agent": 8,
    "centres:local_liste?occupant=centre&commission_jours=90&tri=-avantage regisseur": 8,
    "centres:local_liste?occupant=centre&commission_jours=90&tri=-avantage elu": 8,
    "centres:travaux_liste agent": 8,
    "centres:travaux_liste regisseur": 8,
    "centres:travaux_liste elu": 8,
    "centres:travaux_liste?etat=en_cours&annee=2026 agent": 8,
    "centres:travaux_liste?etat=en_cours&annee=2026 regisseur": 8,
    "centres:travaux_liste?etat=en_cours&annee=2026 elu": 8,
    "centres:document_liste agent": 7,
    "centres:document_liste partenaire_caf": 8,
    "centres:document_liste elu": 7,
    "centres:local_export csv agent": 5,
    "centres:local_export xlsx agent": 5,
    "centres:travaux_export csv agent": 5,
    "centres:travaux_export xlsx agent": 5,
    "centres:document_export csv agent": 6,
    "centres:document_export xlsx agent": 6,
    "centres:document_telecharger agent": 5,
    "centres:local_detail agent": 11,
    "centres:local_detail regisseur": 10,
    "centres:local_detail elu": 11,
    # Conventions
    "conventions:liste agent": 11,  # + the « suivie par » choices, the amounts (engagements, premises, avenants)
    "conventions:liste partenaire_caf": 11,
    "conventions:export csv agent": 6,
    "conventions:export csv partenaire_caf": 6,
    "conventions:export xlsx agent": 6,
    "conventions:export xlsx partenaire_caf": 6,
    "conventions:detail agent": 44,
    "conventions:detail partenaire_caf": 35,
    "centres:detail?onglet=conventions agent": 16,
    "centres:detail?onglet=conventions partenaire_caf": 7,
    "conventions.services.aides_annuelles": 10,  # a service several pages call, not a page
    # Subventions
    "subventions:liste agent": 10,  # + the « instruite par » filter choices
    "subventions:liste elu": 10,
    "subventions:export csv agent": 8,
    "subventions:export xlsx agent": 8,
    "subventions:detail agent": 31,
    "subventions:detail responsable": 31,
    "subventions:detail elu": 31,
    "subventions:instruction responsable": 6,
    "subventions:budget agent": 6,
    "subventions:budget elu": 6,
    "subventions:dispositifs elu": 5,
    "centres:detail?onglet=financements agent": 14,  # + the beneficiary's voted cash per year (SUB-3)
    "centres:detail?onglet=financements elu": 14,
    "subventions:versement_creer agent": 13,
    "subventions:crf agent": 8,
    # The open-data file: a fixed number of queries, whatever the beneficiaries, grants or payments
    # (their yearly aid at once, conventions.services.aides_annuelles_de); was 8 per beneficiary.
    "subventions:scdl agent": 10,
    "subventions:donnees_ouvertes?annee agent": 24,  # the file, then its conventions and publications
    "subventions:scdl?beneficiaires agent": 16,  # conventions and premises of 3 or 30 beneficiaries
    "subventions:donnees_ouvertes?beneficiaires agent": 24,
    # Délibérations
    "deliberations:liste agent": 8,
    "deliberations:liste elu": 8,
    "deliberations:seance_liste agent": 8,
    "deliberations:seance_liste elu": 8,
    "deliberations:detail agent": 30,
    "deliberations:detail elu": 30,
    "deliberations:seance_detail agent": 8,
    "deliberations:apercu agent": 12,
    # Comptes
    "comptes:blocages responsable": 5,
}
