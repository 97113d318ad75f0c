from django.urls import path

from . import views, views_securite

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe/", views.password_change, name="password_change"),
    # Login protection (comptes.views_securite): password reset by e-mail, locked logins.
    path("mot-de-passe/oublie/", views_securite.password_reset, name="password_reset"),
    path("mot-de-passe/oublie/envoye/", views_securite.password_reset_done, name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views_securite.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mot-de-passe/nouveau/fait/", views_securite.password_reset_complete, name="password_reset_complete"),
    path("connexions-bloquees/", views_securite.blocages, name="blocages"),
    path("connexions-bloquees/debloquer/", views_securite.debloquer, name="debloquer"),
    # One's personal calendar feed: its secret address
    path("calendrier/", views.calendrier_page, name="calendrier"),
    path("calendrier/regenerer/", views.calendrier_regenerer, name="calendrier_regenerer"),
    path("calendrier/revoquer/", views.calendrier_revoquer, name="calendrier_revoquer"),
    # Accounts managed by the service
    path("", views.compte_list, name="liste"),
    path("organisations/autocompletion/", views.organisation_autocompletion, name="organisation_autocompletion"),
    path("export/<str:fmt>/", views.compte_export, name="export"),
    path("nouveau/", views.compte_create, name="creer"),
    path("<int:pk>/", views.compte_detail, name="detail"),
    path("<int:pk>/modifier/", views.compte_update, name="modifier"),
    path("<int:pk>/inviter/", views.compte_inviter, name="inviter"),
    path("<int:pk>/desactiver/", views.compte_desactiver, name="desactiver"),
    path("<int:pk>/reactiver/", views.compte_reactiver, name="reactiver"),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
]
