from django import forms

from comptes.models import Role
from comptes.permissions import SERVICE
from roubaix_cs import deadlines

from .models import PreferenceAlerte


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
