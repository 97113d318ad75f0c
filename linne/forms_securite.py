"""The forms of Espace Linné's safety register (linne.views_securite): a kind of check, a check done, a
visit of the safety commission, an incident and its follow-up actions. They validate; linne.securite
writes."""

import datetime

from django import forms
from django.utils import timezone

from comptes.models import User
from comptes.permissions import GESTION_LINNE
from roubaix_cs import bornes
from roubaix_cs.forms import DATE_INPUT_FORMATS, DateInput, ErreursVisibles, ModelFormFr
from roubaix_cs.locking import VersionForm

from .forms import champ_heure, moment
from .models import ActionIncident, Controle, Incident, Salle, TypeControle, VisiteCommission

MESSAGE_FUTUR = "Cette date n'est pas encore passée : on enregistre ce qui a été fait."


def champ_jour_passe(label, **kwargs):
    """A day something happened (an incident, an action done): the bounds of a past activity."""
    return forms.DateField(
        label=label, widget=DateInput, input_formats=DATE_INPUT_FORMATS, validators=bornes.DATE_ACTIVITE, **kwargs
    )


def _pas_dans_le_futur(jour):
    if jour is not None and jour > timezone.localdate():
        raise forms.ValidationError(MESSAGE_FUTUR)
    return jour


class TypeControleForm(ModelFormFr):
    """A periodic check the register follows: its periodicity, the article that asks for it, who does it."""

    class Meta(ModelFormFr.Meta):
        model = TypeControle
        fields = ["nom", "periodicite_mois", "reference", "intervenant", "actif", "ordre"]
        help_texts = {
            "periodicite_mois": "12 pour un contrôle annuel ; la prochaine échéance en découle.",
            "reference": "L'article du règlement de sécurité qui le demande, par exemple « article MS 38 ».",
            "actif": "Décoché : le contrôle n'est plus suivi (ni échéance ni alerte), son historique reste.",
            "ordre": "Sa place dans le registre.",
        }


class ControleForm(ModelFormFr):
    """A check done: when, by whom, its result and what was noted."""

    class Meta(ModelFormFr.Meta):
        model = Controle
        fields = ["type_controle", "date", "intervenant", "resultat", "observations"]
        widgets = {"observations": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "intervenant": "L'entreprise ou l'organisme, et le technicien.",
            "observations": "Obligatoires si le contrôle relève des observations ou des non-conformités.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_controle"].queryset = TypeControle.objects.filter(actif=True).order_by("ordre", "nom")

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data.get("date"))


class VisiteCommissionForm(ModelFormFr):
    """A visit of the safety commission, its opinion and prescriptions, and the next visit it set."""

    class Meta(ModelFormFr.Meta):
        model = VisiteCommission
        fields = ["date", "nature", "avis", "prescriptions", "prochaine_visite"]
        widgets = {"prescriptions": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "prescriptions": "Les prescriptions du procès-verbal, une par ligne.",
            "prochaine_visite": "La date annoncée par le procès-verbal : elle devient une échéance.",
        }

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data.get("date"))


class IncidentForm(VersionForm):
    """An incident: when, where, what happened (without naming anyone), what was done on the spot. The
    booking under way in the room at that moment is found by linne.securite."""

    date = champ_jour_passe("Date")
    heure = champ_heure("Heure")

    field_order = ["date", "heure", "salle", "nature", "description", "mesures_immediates", "secours_appeles"]

    class Meta(VersionForm.Meta):
        model = Incident
        fields = ["salle", "nature", "description", "mesures_immediates", "secours_appeles"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "mesures_immediates": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salle"].queryset = Salle.objects.order_by("nom")
        self.fields["salle"].empty_label = "Hors des salles (accueil, escaliers, abords…)"
        if self.instance.pk:
            survenu = timezone.localtime(self.instance.survenu_le)
            self.initial.setdefault("date", survenu.date())
            self.initial.setdefault("heure", survenu.time())

    def clean(self):
        cleaned_data = super().clean()
        jour, heure = cleaned_data.get("date"), cleaned_data.get("heure")
        if jour is not None and heure is not None:
            survenu_le = moment(jour, heure)
            if survenu_le > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("date", "Un incident se déclare une fois survenu : cette date est à venir.")
            else:
                self.instance.survenu_le = survenu_le
        return cleaned_data

    def champs(self):
        """The incident's fields, for linne.securite.declarer_incident."""
        return {nom: self.cleaned_data[nom] for nom in self._meta.fields} | {"survenu_le": self.instance.survenu_le}


def _equipe_linne():
    return User.objects.filter(is_active=True, role__in=GESTION_LINNE).order_by("last_name", "first_name", "pk")


class ActionIncidentForm(ModelFormFr):
    """A follow-up action: what, who takes it on (someone of the service, or nobody named: the
    régisseurs), by when."""

    class Meta(ModelFormFr.Meta):
        model = ActionIncident
        fields = ["libelle", "responsable", "echeance"]
        help_texts = {"responsable": "Vide : les régisseurs en sont tous alertés."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsable"].queryset = _equipe_linne()
        self.fields["responsable"].empty_label = "Les régisseurs"


class ActionFaiteForm(ErreursVisibles, forms.Form):
    """The day an action was done."""

    faite_le = champ_jour_passe("Faite le", initial=timezone.localdate)

    def clean_faite_le(self):
        return _pas_dans_le_futur(self.cleaned_data.get("faite_le"))
