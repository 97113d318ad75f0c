from django.urls import path, re_path

from .views import annexe, budget, demandes, donnees, suivi

app_name = "subventions"

EXPORT = r"export\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    # Demandes et instruction
    path("", demandes.demande_list, name="liste"),
    re_path(rf"^{EXPORT}", demandes.demande_export, name="export"),
    path("nouvelle/", demandes.demande_create, name="creer"),
    path("<int:pk>/", demandes.demande_detail, name="detail"),
    path("<int:pk>/modifier/", demandes.demande_update, name="modifier"),
    path("<int:pk>/instruction/", demandes.demande_instruction, name="instruction"),
    path("<int:pk>/statut/", demandes.demande_transition, name="transition"),
    path("<int:pk>/reconduire/", demandes.demande_renew, name="reconduire"),
    # Versements et comptes rendus financiers
    path("<int:pk>/versements/nouveau/", suivi.versement_create, name="versement_creer"),
    path("<int:pk>/compte-rendu/", suivi.crf_update, name="crf"),
    path("<int:pk>/compte-rendu/lignes/nouvelle/", suivi.crf_ligne_create, name="crf_ligne_creer"),
    # Données ouvertes
    path("donnees-ouvertes/", donnees.donnees_ouvertes, name="donnees_ouvertes"),
    re_path(r"^open-data/(?P<annee>\d{4})\.csv$", donnees.scdl_export, name="scdl"),
    # Annexe budgétaire : les concours attribués à des tiers
    path("annexe-budgetaire/", annexe.annexe_budgetaire, name="annexe"),
    re_path(r"^annexe-budgetaire/(?P<annee>\d{4})\.xlsx$", annexe.annexe_xlsx, name="annexe_xlsx"),
    re_path(r"^annexe-budgetaire/(?P<annee>\d{4})/pdf/$", annexe.annexe_pdf_generate, name="annexe_pdf_generer"),
    re_path(r"^annexe-budgetaire/(?P<annee>\d{4})/pdf/statut/$", annexe.annexe_pdf_status, name="annexe_pdf_statut"),
    path("annexe-budgetaire/pdf/<int:pk>/", annexe.annexe_pdf_download, name="annexe_pdf_telecharger"),
    # Budget et dispositifs
    path("budget/<int:annee>/", budget.budget_detail, name="budget"),
    path("budget/lignes/nouvelle/", budget.ligne_create, name="ligne_creer"),
    path("budget/lignes/<int:pk>/modifier/", budget.ligne_update, name="ligne_modifier"),
    path("dispositifs/", budget.dispositif_list, name="dispositifs"),
    path("dispositifs/nouveau/", budget.dispositif_create, name="dispositif_creer"),
    path("dispositifs/<int:pk>/modifier/", budget.dispositif_update, name="dispositif_modifier"),
]
