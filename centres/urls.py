from django.urls import path, re_path

from .views import assemblees, documents, fiche, gouvernance, indicateurs, locaux, visites

app_name = "centres"

EXPORT = r"export\.(?P<fmt>csv|xlsx)$"

urlpatterns = [
    # Centres, agréments, contacts
    path("", fiche.centre_list, name="liste"),
    path("autocompletion/", fiche.centre_autocompletion, name="autocompletion"),
    re_path(rf"^{EXPORT}", fiche.centre_export, name="export"),
    path("nouveau/", fiche.centre_create, name="creer"),
    path("<int:pk>/", fiche.centre_detail, name="detail"),
    path("<int:pk>/modifier/", fiche.centre_update, name="modifier"),
    path("<int:pk>/agrements/nouveau/", fiche.agrement_create, name="agrement_creer"),
    path("agrements/<int:pk>/modifier/", fiche.agrement_update, name="agrement_modifier"),
    path("<int:pk>/contacts/nouveau/", fiche.contact_create, name="contact_creer"),
    path("contacts/<int:pk>/modifier/", fiche.contact_update, name="contact_modifier"),
    path("contacts/<int:pk>/supprimer/", fiche.contact_delete, name="contact_supprimer"),
    # Gouvernance : les directions successives
    path("<int:pk>/directions/nouvelle/", gouvernance.direction_create, name="direction_creer"),
    path("directions/<int:pk>/modifier/", gouvernance.direction_update, name="direction_modifier"),
    path("directions/<int:pk>/depart/", gouvernance.direction_terminer, name="direction_terminer"),
    # Assemblées générales
    path("assemblees/", assemblees.ag_list, name="ag_liste"),
    re_path(rf"^assemblees/{EXPORT}", assemblees.ag_export, name="ag_export"),
    path("assemblees/calendrier.ics", assemblees.ag_ics, name="ag_ics"),
    path("<int:pk>/assemblees/nouvelle/", assemblees.ag_create, name="ag_creer"),
    path("assemblees/<int:pk>/modifier/", assemblees.ag_update, name="ag_modifier"),
    # Indicateurs annuels et leur import
    path("indicateurs/", indicateurs.indicateurs_list, name="indicateurs_liste"),
    re_path(rf"^indicateurs/{EXPORT}", indicateurs.indicateurs_export, name="indicateurs_export"),
    path("<int:pk>/indicateurs/nouveaux/", indicateurs.indicateurs_create, name="indicateurs_creer"),
    path("indicateurs/<int:pk>/modifier/", indicateurs.indicateurs_update, name="indicateurs_modifier"),
    re_path(r"^indicateurs/modele\.(?P<fmt>csv|xlsx)$", indicateurs.indicateurs_modele, name="indicateurs_modele"),
    path("indicateurs/import/", indicateurs.indicateurs_import_create, name="indicateurs_importer"),
    path("indicateurs/import/<int:pk>/", indicateurs.indicateurs_import_detail, name="indicateurs_import"),
    path(
        "indicateurs/import/<int:pk>/confirmer/",
        indicateurs.indicateurs_import_confirm,
        name="indicateurs_import_confirmer",
    ),
    path(
        "indicateurs/import/<int:pk>/statut/", indicateurs.indicateurs_import_status, name="indicateurs_import_statut"
    ),
    # Visites ACM / LALP et actions de suivi
    path("visites/", visites.visite_list, name="visite_liste"),
    re_path(rf"^visites/{EXPORT}", visites.visite_export, name="visite_export"),
    path("<int:pk>/visites/nouvelle/", visites.visite_create, name="visite_creer"),
    path("visites/<int:pk>/", visites.visite_detail, name="visite_detail"),
    path("visites/<int:pk>/modifier/", visites.visite_update, name="visite_modifier"),
    path("visites/<int:pk>/rapport.pdf", visites.visite_pdf, name="visite_pdf"),
    path("visites/<int:pk>/actions/nouvelle/", visites.action_create, name="action_creer"),
    path("visites/<int:pk>/rapport/", visites.visite_rapport_generate, name="visite_rapport_generer"),
    path("visites/<int:pk>/rapport/statut/", visites.visite_rapport_status, name="visite_rapport_statut"),
    path("visites/rapports/<int:pk>/", visites.visite_rapport_download, name="visite_rapport_telecharger"),
    path("actions/<int:pk>/modifier/", visites.action_update, name="action_modifier"),
    # Locaux et travaux
    path("locaux/", locaux.local_list, name="local_liste"),
    path("locaux/autocompletion/", locaux.local_autocompletion, name="local_autocompletion"),
    re_path(rf"^locaux/{EXPORT}", locaux.local_export, name="local_export"),
    path("locaux/nouveau/", locaux.local_create, name="local_creer"),
    path("locaux/<int:pk>/", locaux.local_detail, name="local_detail"),
    path("locaux/<int:pk>/modifier/", locaux.local_update, name="local_modifier"),
    path("travaux/", locaux.travaux_list, name="travaux_liste"),
    re_path(rf"^travaux/{EXPORT}", locaux.travaux_export, name="travaux_export"),
    path("locaux/<int:pk>/travaux/nouveaux/", locaux.travaux_create, name="travaux_creer"),
    path("travaux/<int:pk>/modifier/", locaux.travaux_update, name="travaux_modifier"),
    # Coffre-fort de documents
    path("documents/", documents.document_list, name="document_liste"),
    re_path(rf"^documents/{EXPORT}", documents.document_export, name="document_export"),
    path("<int:pk>/documents/deposer/", documents.document_create, name="document_deposer"),
    path("documents/<int:pk>/telecharger/", documents.document_download, name="document_telecharger"),
    path("documents/<int:pk>/modifier/", documents.document_update, name="document_modifier"),
]
