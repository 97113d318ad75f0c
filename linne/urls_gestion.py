"""The management pages of Espace Linné: rooms, closures, bookings and series (linne.views_gestion)."""

from django.urls import path

from . import views_gestion as vues

urlpatterns = [
    # Rooms, their opening hours and price list
    path("salles/", vues.salle_list, name="salle_liste"),
    path("salles/export/<str:fmt>/", vues.salle_export, name="salle_export"),
    path("salles/nouvelle/", vues.salle_create, name="salle_creer"),
    path("salles/<int:pk>/", vues.salle_detail, name="salle_detail"),
    path("salles/<int:pk>/modifier/", vues.salle_update, name="salle_modifier"),
    path("salles/<int:pk>/horaires/", vues.salle_horaires, name="salle_horaires"),
    path("salles/<int:pk>/tarifs/", vues.salle_tarifs, name="salle_tarifs"),
    # Closures
    path("fermetures/", vues.fermeture_list, name="fermeture_liste"),
    path("fermetures/export/<str:fmt>/", vues.fermeture_export, name="fermeture_export"),
    path("fermetures/nouvelle/", vues.fermeture_create, name="fermeture_creer"),
    path("fermetures/<int:pk>/modifier/", vues.fermeture_update, name="fermeture_modifier"),
    path("fermetures/<int:pk>/supprimer/", vues.fermeture_delete, name="fermeture_supprimer"),
    # Bookings
    path("reservations/", vues.reservation_list, name="reservation_liste"),
    path("reservations/export/<str:fmt>/", vues.reservation_export, name="reservation_export"),
    path("reservations/nouvelle/", vues.reservation_create, name="reservation_creer"),
    path("reservations/<int:pk>/", vues.reservation_detail, name="reservation_detail"),
    path("reservations/<int:pk>/modifier/", vues.reservation_update, name="reservation_modifier"),
    path("reservations/<int:pk>/etape/", vues.reservation_transition, name="reservation_transition"),
    path("reservations/<int:pk>/annuler/", vues.reservation_annuler, name="reservation_annuler"),
    path("reservations/<int:pk>/deplacer/", vues.reservation_deplacer, name="reservation_deplacer"),
    # Series
    path("series/nouvelle/", vues.serie_create, name="serie_creer"),
    path("series/<int:pk>/", vues.serie_detail, name="serie_detail"),
    path("series/<int:pk>/annuler/", vues.serie_annuler, name="serie_annuler"),
    path("series/<int:pk>/deplacer/", vues.serie_deplacer, name="serie_deplacer"),
]
