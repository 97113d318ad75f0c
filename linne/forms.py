"""The forms of Espace Linné's management pages (linne.views_gestion): a room, its opening hours and
price list, a closure, a booking (create, edit, cancel, move) and a series (its rule, then its
cancellation or move). The views save bookings and series through linne.services only."""

import copy
import datetime

from django import forms
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from comptes.models import Organisation
from roubaix_cs import bornes
from roubaix_cs.forms import DATE_INPUT_FORMATS, ChoixModele, DateInput, ErreursVisibles, ModelFormFr
from roubaix_cs.locking import VersionForm

from . import services
from .models import (
    JOURS_SEMAINE,
    Categorie,
    Fermeture,
    HoraireOuverture,
    Reservation,
    Salle,
    Serie,
    Tarif,
)
from .services import Portee

HEURE = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
JOURS = dict(JOURS_SEMAINE)
MESSAGE_FIN_APRES_DEBUT = "La réservation doit finir après son début."
MESSAGE_CATEGORIE = "Vide : selon l'organisation (association, centre social, service municipal…)."


def champ_heure(label, **kwargs):
    return forms.TimeField(label=label, widget=HEURE, input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh"], **kwargs)


def champ_date(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        validators=bornes.DATE_ECHEANCE,
        **kwargs,
    )


def moment(jour, heure):
    """The aware datetime of `jour` at `heure`, Paris wall-clock time."""
    return timezone.make_aware(datetime.datetime.combine(jour, heure))


def ajouter_erreurs(form, erreur, champs=None):
    """Put a service's ValidationError on the form: next to the field it names when the form has it
    (`champs` renames the model's fields to the form's), at the top otherwise."""
    champs = champs or {}
    if hasattr(erreur, "error_dict"):
        for nom, liste in erreur.error_dict.items():
            nom = champs.get(nom, nom)
            form.add_error(nom if nom in form.fields else None, liste)
    else:
        form.add_error(None, erreur)


def _salles(actuelle=None):
    """The rooms open to bookings, and the one a record already has (closed since, it stays listed)."""
    return Salle.objects.filter(Q(active=True) | Q(pk=actuelle)).order_by("nom")


def _choix_categorie(champ):
    champ.required = False
    champ.choices = [("", "Selon l'organisation"), *Categorie.choices]
    champ.help_text = MESSAGE_CATEGORIE


# --- Rooms ------------------------------------------------------------------------------------------


class SalleForm(VersionForm):
    """A room: its capacity, equipment and access, the duration rules of its bookings and its buffers."""

    class Meta(VersionForm.Meta):
        model = Salle
        fields = [
            "nom",
            "description",
            "capacite",
            "surface_m2",
            "equipements",
            "accessible_pmr",
            "accessibilite",
            "duree_min_minutes",
            "duree_max_minutes",
            "battement_avant_minutes",
            "battement_apres_minutes",
            "active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "equipements": forms.Textarea(attrs={"rows": 3}),
            "accessibilite": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "battement_avant_minutes": "Le temps d'installation, bloqué avant chaque réservation.",
            "battement_apres_minutes": "Le temps de rangement et de ménage, bloqué après chaque réservation.",
            "active": "Décochée : la salle n'est plus proposée pour de nouvelles réservations.",
        }


class LignesDeLaSalle(ErreursVisibles, forms.Form):
    """A form of rows of a room (its opening hours, its price list), saved under the room's optimistic
    lock: the version of the room the user saw travels in a hidden field, and a save bumps it."""

    MESSAGE_CONFLIT = (
        "Cette salle a été modifiée par quelqu'un d'autre pendant que vous la modifiiez : vos modifications "
        "n'ont pas été enregistrées. Rechargez la page, puis enregistrez à nouveau."
    )

    def __init__(self, *args, salle, **kwargs):
        super().__init__(*args, **kwargs)
        self.salle = salle
        self.fields["version_vue"] = copy.deepcopy(VersionForm.base_fields["version_vue"])
        self.fields["version_vue"].required = True
        self.fields["version_vue"].initial = salle.version

    @transaction.atomic
    def enregistrer(self):
        """Write the rows (each with its history) unless the room changed since the form was shown; how
        many rows changed, or None on a conflict (the form then carries the error)."""
        actuelle = Salle.objects.select_for_update().only("version").get(pk=self.salle.pk).version
        if actuelle != self.cleaned_data["version_vue"]:
            self.add_error(None, self.MESSAGE_CONFLIT)
            return None
        n = self.ecrire()
        if n:
            Salle.objects.filter(pk=self.salle.pk).update(version=F("version") + 1)
        return n

    def ecrire(self):
        raise NotImplementedError


class HorairesForm(LignesDeLaSalle):
    """The opening hours of a room, one line per weekday: both hours empty, the room is closed that day."""

    def __init__(self, *args, salle, **kwargs):
        super().__init__(*args, salle=salle, **kwargs)
        self.existants = {h.jour_semaine: h for h in salle.horaires.all()}
        for jour, nom in JOURS_SEMAINE:
            horaire = self.existants.get(jour)
            self.fields[f"ouverture_{jour}"] = champ_heure(
                f"Ouverture le {nom}", required=False, initial=horaire.ouverture if horaire else None
            )
            self.fields[f"fermeture_{jour}"] = champ_heure(
                f"Fermeture le {nom}", required=False, initial=horaire.fermeture if horaire else None
            )

    def jours(self):
        """(weekday name, opening field, closing field) for the template's table."""
        return [(nom.capitalize(), self[f"ouverture_{jour}"], self[f"fermeture_{jour}"]) for jour, nom in JOURS_SEMAINE]

    def clean(self):
        cleaned_data = super().clean()
        for jour, nom in JOURS_SEMAINE:
            ouverture_, fermeture_ = f"ouverture_{jour}", f"fermeture_{jour}"
            if ouverture_ in self.errors or fermeture_ in self.errors:
                continue
            ouverture, fermeture = cleaned_data.get(ouverture_), cleaned_data.get(fermeture_)
            if ouverture is None and fermeture is not None:
                self.add_error(ouverture_, f"Indiquez l'heure d'ouverture du {nom}, ou videz les deux heures.")
            elif fermeture is None and ouverture is not None:
                self.add_error(fermeture_, f"Indiquez l'heure de fermeture du {nom}, ou videz les deux heures.")
            elif ouverture is not None and fermeture <= ouverture:
                self.add_error(fermeture_, "L'heure de fermeture doit suivre l'heure d'ouverture.")
        if not self.errors and all(cleaned_data.get(f"ouverture_{jour}") is None for jour, _ in JOURS_SEMAINE):
            raise forms.ValidationError(
                "Indiquez les horaires d'au moins un jour. Pour ne plus proposer la salle, décochez « ouverte "
                "aux réservations » sur sa fiche."
            )
        return cleaned_data

    def ecrire(self):
        """Create, change or delete each weekday's row (each with its history). How many changed."""
        n = 0
        for jour, _ in JOURS_SEMAINE:
            ouverture = self.cleaned_data[f"ouverture_{jour}"]
            fermeture = self.cleaned_data[f"fermeture_{jour}"]
            horaire = self.existants.get(jour)
            if ouverture is None:
                if horaire is not None:
                    horaire.delete()
                    n += 1
                continue
            if horaire is None:
                HoraireOuverture.objects.create(
                    salle=self.salle, jour_semaine=jour, ouverture=ouverture, fermeture=fermeture
                )
                n += 1
            elif (horaire.ouverture, horaire.fermeture) != (ouverture, fermeture):
                horaire.ouverture, horaire.fermeture = ouverture, fermeture
                horaire.save()
                n += 1
        return n


class TarifsForm(LignesDeLaSalle):
    """A room's price list: one hourly rate per kind of user; empty, the room is lent free to them."""

    def __init__(self, *args, salle, **kwargs):
        super().__init__(*args, salle=salle, **kwargs)
        self.existants = {t.categorie: t for t in salle.tarifs.all()}
        modele = Tarif._meta.get_field("tarif_horaire")
        for code, libelle in Categorie.choices:
            tarif = self.existants.get(code)
            self.fields[f"tarif_{code}"] = modele.formfield(
                required=False,
                validators=modele.validators,  # the model's bounds (a form field does not take them itself)
                label=f"{libelle} (€ de l'heure)",
                initial=tarif.tarif_horaire if tarif else None,
                help_text="Vide : pas de tarif (mise à disposition gratuite).",
            )

    def ecrire(self):
        n = 0
        for code, _ in Categorie.choices:
            prix = self.cleaned_data[f"tarif_{code}"]
            tarif = self.existants.get(code)
            if prix is None:
                if tarif is not None:
                    tarif.delete()
                    n += 1
            elif tarif is None:
                Tarif.objects.create(salle=self.salle, categorie=code, tarif_horaire=prix)
                n += 1
            elif tarif.tarif_horaire != prix:
                tarif.tarif_horaire = prix
                tarif.save()
                n += 1
        return n


# --- Closures ---------------------------------------------------------------------------------------


class FermetureForm(ModelFormFr):
    """A closed period of the whole site (no room) or of one room."""

    class Meta(ModelFormFr.Meta):
        model = Fermeture
        fields = ["salle", "debut", "fin", "motif", "libelle"]
        help_texts = {"libelle": "Facultatif : « Noël », « Réfection du parquet »…"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].empty_label = "Tout l'Espace Linné"
        self.fields["salle"].queryset = Salle.objects.order_by("nom")


# --- Bookings ---------------------------------------------------------------------------------------


class CreneauMixin:
    """A slot typed as a day and two hours (a booking never spans midnight): its aware start and end."""

    def creneau(self, cleaned_data):
        jour, debut, fin = (cleaned_data.get(n) for n in ("date", "heure_debut", "heure_fin"))
        if None in (jour, debut, fin):
            return None
        if fin <= debut:
            self.add_error("heure_fin", MESSAGE_FIN_APRES_DEBUT)
            return None
        return moment(jour, debut), moment(jour, fin)


class ReservationForm(CreneauMixin, VersionForm):
    """A booking: the room, the organisation (a search field), the day and hours, what for, who to call.
    On creation, confirmed at once unless unticked."""

    date = champ_date("Date")
    heure_debut = champ_heure("Heure de début")
    heure_fin = champ_heure("Heure de fin")
    confirmer = forms.BooleanField(
        label="Confirmer tout de suite",
        required=False,
        initial=True,
        help_text="Décochée : la réservation reste demandée, à confirmer depuis sa page.",
    )

    field_order = ["salle", "organisation", "date", "heure_debut", "heure_fin", "objet", "type_activite"]

    class Meta(VersionForm.Meta):
        model = Reservation
        fields = [
            "salle",
            "organisation",
            "objet",
            "type_activite",
            "effectif_prevu",
            "public",
            "gratuit",
            "categorie",
            "contact_nom",
            "contact_email",
            "contact_telephone",
            "notes_internes",
        ]
        widgets = {"notes_internes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"gratuit": "Rien n'est facturé ; la valeur au tarif reste comptée comme aide en nature."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = _salles(self.instance.salle_id)
        self.fields["organisation"].queryset = Organisation.objects.order_by("nom")
        _choix_categorie(self.fields["categorie"])
        if self.instance.pk:
            del self.fields["confirmer"]
            debut, fin = timezone.localtime(self.instance.debut), timezone.localtime(self.instance.fin)
            self.initial.setdefault("date", debut.date())
            self.initial.setdefault("heure_debut", debut.time())
            self.initial.setdefault("heure_fin", fin.time())

    def clean(self):
        cleaned_data = super().clean()
        creneau = self.creneau(cleaned_data)
        if creneau is not None:
            self.instance.debut, self.instance.fin = creneau
        organisation = cleaned_data.get("organisation")
        if not cleaned_data.get("categorie") and organisation is not None:
            cleaned_data["categorie"] = services.categorie_de(organisation)
        return cleaned_data

    def champs(self):
        """The booking's fields, for services.creer_reservation."""
        donnees = {nom: self.cleaned_data[nom] for nom in self._meta.fields}
        return donnees | {"debut": self.instance.debut, "fin": self.instance.fin}


# The model's fields the services name in their refusals, and the booking form's field for each.
CHAMPS_DU_CRENEAU = {"debut": "date", "fin": "heure_fin"}


def _portee(series_seules=False):
    choix = Portee.choices()
    if series_seules:
        choix = [(v, libelle) for v, libelle in choix if v != Portee.UNE]
    return forms.ChoiceField(label="Portée", choices=choix, initial=choix[0][0], widget=forms.RadioSelect)


def _motif(requis, aide):
    return forms.CharField(
        label="Motif",
        required=requis,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=aide,
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class AnnulationForm(forms.Form):
    """Cancel a booking; one of a series: it alone, it and the following ones, or the whole series."""

    portee = _portee()
    motif = _motif(True, "Gardé dans l'historique de la réservation.")

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        if not reservation.serie_id:
            del self.fields["portee"]

    def clean_motif(self):
        motif = self.cleaned_data["motif"].strip()
        if not motif:
            raise forms.ValidationError("Indiquez le motif de l'annulation.")
        return motif


class DeplacementForm(CreneauMixin, forms.Form):
    """Move a booking to another day, hours or room; one of a series: it alone, it and the following
    ones, or the whole series (each occurrence shifted as much)."""

    portee = _portee()
    salle = ChoixModele(queryset=Salle.objects.none(), label="Salle", empty_label=None)
    date = champ_date("Nouvelle date")
    heure_debut = champ_heure("Heure de début")
    heure_fin = champ_heure("Heure de fin")
    motif = _motif(False, "Facultatif ; gardé dans l'historique.")

    def __init__(self, *args, reservation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = _salles(reservation.salle_id)
        if not reservation.serie_id:
            del self.fields["portee"]
        else:
            self.fields["date"].help_text = (
                "Les autres réservations concernées de la série sont décalées d'autant (même jour de la semaine "
                "décalé, mêmes horaires)."
            )
        debut, fin = timezone.localtime(reservation.debut), timezone.localtime(reservation.fin)
        self.initial = {
            "salle": reservation.salle_id,
            "date": debut.date(),
            "heure_debut": debut.time(),
            "heure_fin": fin.time(),
            **self.initial,
        }

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["creneau"] = self.creneau(cleaned_data)
        return cleaned_data


# --- Series -----------------------------------------------------------------------------------------


class SerieForm(ModelFormFr):
    """The rule of a series: room, organisation, weekdays, every N weeks, from and until, hours. The page
    shows its dates before saving (« Aperçu »); the dates that cannot be booked are refused unless the
    user ticks « Écarter les dates impossibles »."""

    jours = forms.TypedMultipleChoiceField(
        label="Jours de la semaine",
        choices=[(j, nom.capitalize()) for j, nom in JOURS_SEMAINE],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un jour de la semaine."},
    )
    ecarter_impossibles = forms.BooleanField(
        label="Écarter les dates impossibles",
        required=False,
        help_text="Les dates qui ne peuvent pas être réservées sont gardées, avec leur raison, sur la page de "
        "la série.",
    )

    class Meta(ModelFormFr.Meta):
        model = Serie
        fields = [
            "salle",
            "organisation",
            "objet",
            "type_activite",
            "effectif_prevu",
            "public",
            "gratuit",
            "categorie",
            "jours",
            "intervalle_semaines",
            "date_debut",
            "date_fin",
            "heure_debut",
            "heure_fin",
            "contact_nom",
            "contact_email",
            "contact_telephone",
        ]
        labels = {
            "intervalle_semaines": "Toutes les (semaines)",
            "date_debut": "À partir du",
            "date_fin": "Jusqu'au (inclus)",
            "heure_debut": "Heure de début",
            "heure_fin": "Heure de fin",
        }
        help_texts = {"intervalle_semaines": "1 : chaque semaine ; 2 : une semaine sur deux…"}
        widgets = {"heure_debut": HEURE, "heure_fin": HEURE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = Salle.objects.actives().order_by("nom")
        self.fields["organisation"].queryset = Organisation.objects.order_by("nom")
        _choix_categorie(self.fields["categorie"])

    def clean_jours(self):
        return ",".join(str(j) for j in sorted(set(self.cleaned_data["jours"])))

    def clean(self):
        cleaned_data = super().clean()
        debut, fin = cleaned_data.get("heure_debut"), cleaned_data.get("heure_fin")
        if debut is not None and fin is not None and fin <= debut:
            self.add_error("heure_fin", MESSAGE_FIN_APRES_DEBUT)
        organisation = cleaned_data.get("organisation")
        if not cleaned_data.get("categorie") and organisation is not None:
            cleaned_data["categorie"] = services.categorie_de(organisation)
        return cleaned_data

    def regle(self):
        """The keyword arguments of services.apercu_serie."""
        donnees = self.cleaned_data
        return {
            "salle": donnees["salle"],
            "jours": self.instance.liste_jours,
            "intervalle_semaines": donnees["intervalle_semaines"],
            "date_debut": donnees["date_debut"],
            "date_fin": donnees["date_fin"],
            "heure_debut": donnees["heure_debut"],
            "heure_fin": donnees["heure_fin"],
            "effectif": donnees["effectif_prevu"],
        }

    def champs(self):
        """The series' fields, for services.creer_serie."""
        return {nom: self.cleaned_data[nom] for nom in self._meta.fields}


class ChoixOccurrence(ChoixModele):
    def label_from_instance(self, obj):
        debut, fin = timezone.localtime(obj.debut), timezone.localtime(obj.fin)
        return f"{JOURS[debut.weekday()].capitalize()} {debut:%d/%m/%Y}, {debut:%H:%M}–{fin:%H:%M}"


def _occurrences(serie):
    return serie.reservations.actives().order_by("debut", "pk")


class SerieAnnulationForm(forms.Form):
    """Cancel the whole series, or its bookings from a date on."""

    portee = _portee(series_seules=True)
    a_partir_de = ChoixOccurrence(
        queryset=Reservation.objects.none(),
        label="À partir de la réservation du",
        required=False,
        empty_label="— la première —",
        help_text="Pour « Celle-ci et les suivantes » : la première réservation annulée.",
    )
    motif = _motif(True, "Gardé dans l'historique de chaque réservation annulée.")

    def __init__(self, *args, serie, **kwargs):
        super().__init__(*args, **kwargs)
        self.serie = serie
        self.fields["a_partir_de"].queryset = _occurrences(serie)

    def clean_motif(self):
        motif = self.cleaned_data["motif"].strip()
        if not motif:
            raise forms.ValidationError("Indiquez le motif de l'annulation.")
        return motif

    def clean(self):
        cleaned_data = super().clean()
        if "a_partir_de" not in self.errors and not cleaned_data.get("a_partir_de"):
            premiere = _occurrences(self.serie).first()
            if premiere is None:
                raise forms.ValidationError("Cette série n'a plus de réservation à annuler.")
            cleaned_data["a_partir_de"] = premiere
        return cleaned_data


class SerieDeplacementForm(CreneauMixin, forms.Form):
    """Move the whole series, or its bookings from a date on: the chosen booking takes the new day and
    hours, the others are shifted as much."""

    portee = _portee(series_seules=True)
    a_partir_de = ChoixOccurrence(
        queryset=Reservation.objects.none(),
        label="Réservation de référence",
        empty_label=None,
        help_text="Elle prend la nouvelle date et les nouveaux horaires ; les autres sont décalées d'autant. "
        "Pour « Celle-ci et les suivantes », c'est la première déplacée.",
    )
    salle = ChoixModele(queryset=Salle.objects.none(), label="Salle", empty_label=None)
    date = champ_date("Nouvelle date de la réservation de référence")
    heure_debut = champ_heure("Heure de début")
    heure_fin = champ_heure("Heure de fin")
    motif = _motif(False, "Facultatif ; gardé dans l'historique.")

    def __init__(self, *args, serie, **kwargs):
        super().__init__(*args, **kwargs)
        occurrences = _occurrences(serie)
        self.fields["a_partir_de"].queryset = occurrences
        self.fields["salle"].queryset = _salles(serie.salle_id)
        premiere = occurrences.first()
        self.initial = {
            "salle": serie.salle_id,
            "heure_debut": serie.heure_debut,
            "heure_fin": serie.heure_fin,
            **({"a_partir_de": premiere.pk, "date": timezone.localtime(premiere.debut).date()} if premiere else {}),
            **self.initial,
        }

    def clean(self):
        cleaned_data = super().clean()
        cleaned_data["creneau"] = self.creneau(cleaned_data)
        return cleaned_data
