from django import forms

from comptes.models import Role
from comptes.permissions import SERVICE
from roubaix_cs import deadlines
from roubaix_cs.seuils import ACCUEIL_ECHEANCES_JOURS

from .echeances import PORTEES
from .models import PreferenceAlerte


class EcheanceFiltre(forms.Form):
    """The filters of « Toutes les échéances »; empty, the home page's selection (every centre)."""

    portee = forms.ChoiceField(label="Centres", required=False, choices=[("", "Tous les centres"), *PORTEES])
    type = forms.ChoiceField(label="Type", required=False)
    jours = forms.IntegerField(
        label="Dues d'ici (jours)",
        required=False,
        min_value=0,
        max_value=3650,
        help_text=f"{ACCUEIL_ECHEANCES_JOURS} jours si vide ; les échéances dépassées sont toujours comprises.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous les types"), *sorted(deadlines.types().items(), key=lambda t: t[1])]

    def criteres(self):
        """The keyword arguments of `echeances.selection`; an invalid filter is left out (and shown)."""
        self.is_valid()
        donnees = self.cleaned_data
        return {
            "portee": donnees.get("portee", ""),
            "kind": donnees.get("type", ""),
            "jours": ACCUEIL_ECHEANCES_JOURS if donnees.get("jours") is None else donnees["jours"],
        }


class PreferencesForm(forms.Form):
    """« Mes préférences »: for each kind of alert the person receives, how often it is e-mailed; for an
    élu, whether they want the weekly summary of what concerns them."""

    def __init__(self, *args, user, frequences, resume_elu, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role in SERVICE:
            for kind, nom in sorted(deadlines.types().items(), key=lambda t: t[1]):
                self.fields[f"kind_{kind}"] = forms.ChoiceField(
                    label=nom,
                    choices=PreferenceAlerte.Frequence.choices,
                    initial=frequences.get(kind, PreferenceAlerte.Frequence.QUOTIDIENNE),
                )
        if user.role == Role.ELU:
            self.fields["resume_elu"] = forms.BooleanField(
                label="Recevoir chaque lundi un résumé : conventions arrivant à leur fin, versements bloqués "
                "faute de compte rendu financier",
                required=False,
                initial=resume_elu,
            )

    def frequences(self):
        """{kind: frequency} chosen."""
        return {nom.removeprefix("kind_"): v for nom, v in self.cleaned_data.items() if nom.startswith("kind_")}
