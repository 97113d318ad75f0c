"""The forms of the régisseurs' rota (linne.views_planning): a shift, a shift of the template week, and the
copy of the template week into a week. The views save through linne.planning only."""

import datetime

from django import forms
from django.utils import timezone

from comptes.models import Role, User
from roubaix_cs.forms import ChoixModele, ErreursVisibles, ModelFormFr

from .forms import champ_date, champ_heure
from .models import CreneauType
from .planning import MESSAGE_FIN_APRES_DEBUT, moment


def _regisseurs(actuel=None):
    """The régisseurs in post, and the one a shift already has (so that the page says why it is refused)."""
    qs = User.objects.filter(role=Role.REGISSEUR, is_active=True)
    if actuel is not None:
        qs = qs | User.objects.filter(pk=actuel)
    return qs.order_by("last_name", "first_name", "pk")


class ChoixRegisseur(ChoixModele):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CreneauForm(ErreursVisibles, forms.Form):
    """A shift: a régisseur, a day and two hours (a shift never spans midnight; 00:00 as its end is
    midnight)."""

    regisseur = ChoixRegisseur(label="Régisseur", queryset=User.objects.none())
    date = champ_date("Jour")
    heure_debut = champ_heure("De")
    heure_fin = champ_heure("À", help_text="00:00 : jusqu'à minuit.")
    note = forms.CharField(
        label="Note", max_length=200, required=False, help_text="Facultatif : « ouverture », « soirée »…"
    )

    def __init__(self, *args, creneau=None, **kwargs):
        if creneau is not None:
            debut, fin = timezone.localtime(creneau.debut), timezone.localtime(creneau.fin)
            kwargs.setdefault(
                "initial",
                {
                    "regisseur": creneau.regisseur_id,
                    "date": debut.date(),
                    "heure_debut": debut.time(),
                    "heure_fin": fin.time(),
                    "note": creneau.note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["regisseur"].queryset = _regisseurs(creneau.regisseur_id if creneau else None)

    def clean(self):
        donnees = super().clean()
        jour, debut, fin = (donnees.get(n) for n in ("date", "heure_debut", "heure_fin"))
        if None not in (jour, debut, fin) and fin != datetime.time(0) and fin <= debut:
            self.add_error("heure_fin", MESSAGE_FIN_APRES_DEBUT)
        return donnees

    def champs(self):
        """The keywords of linne.planning's writers: régisseur, aware start and end, note."""
        d = self.cleaned_data
        fin_jour = d["date"] + datetime.timedelta(days=1) if d["heure_fin"] == datetime.time(0) else d["date"]
        return {
            "regisseur": d["regisseur"],
            "debut": moment(d["date"], d["heure_debut"]),
            "fin": moment(fin_jour, d["heure_fin"]),
            "note": d["note"],
        }


class CreneauTypeForm(ModelFormFr):
    """A shift of the template week: a régisseur, a weekday and two hours."""

    class Meta(ModelFormFr.Meta):
        model = CreneauType
        fields = ["regisseur", "jour_semaine", "heure_debut", "heure_fin"]
        field_classes = {"regisseur": ChoixRegisseur}
        widgets = {
            "heure_debut": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "heure_fin": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regisseur"].queryset = _regisseurs(self.instance.regisseur_id)


class CopieSemaineForm(ErreursVisibles, forms.Form):
    """Copy the template week into the week of a day (its Monday)."""

    semaine = champ_date("Semaine du", help_text="Un jour de la semaine : la copie commence au lundi.")
    remplacer = forms.BooleanField(
        label="Remplacer les créneaux déjà saisis cette semaine",
        required=False,
        help_text="Décochée : les créneaux de la semaine type qui chevauchent un créneau existant sont ignorés.",
    )
