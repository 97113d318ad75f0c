from django.urls import path, re_path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="liste"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.centre_export, name="export"),
    path("nouveau/", views.centre_create, name="creer"),
    path("<int:pk>/", views.centre_detail, name="detail"),
    path("<int:pk>/modifier/", views.centre_update, name="modifier"),
    path("<int:pk>/agrements/nouveau/", views.agrement_create, name="agrement_creer"),
    path("agrements/<int:pk>/modifier/", views.agrement_update, name="agrement_modifier"),
    path("<int:pk>/contacts/nouveau/", views.contact_create, name="contact_creer"),
    path("contacts/<int:pk>/modifier/", views.contact_update, name="contact_modifier"),
    path("contacts/<int:pk>/supprimer/", views.contact_delete, name="contact_supprimer"),
]
