from django.urls import path

from . import views

app_name = "comptes"

urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe/", views.password_change, name="password_change"),
    # Accounts managed by the service
    path("", views.compte_list, name="liste"),
    path("export/<str:fmt>/", views.compte_export, name="export"),
    path("nouveau/", views.compte_create, name="creer"),
    path("<int:pk>/", views.compte_detail, name="detail"),
    path("<int:pk>/modifier/", views.compte_update, name="modifier"),
    path("<int:pk>/inviter/", views.compte_inviter, name="inviter"),
    path("<int:pk>/desactiver/", views.compte_desactiver, name="desactiver"),
    path("<int:pk>/reactiver/", views.compte_reactiver, name="reactiver"),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
]
