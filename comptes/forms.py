"""The forms of the accounts the responsable manages: open, edit, deactivate, reactivate."""

from django import forms

from roubaix_cs.forms import ModelFormFr

from .models import Organisation, Role, User
from .services import refus_garde_responsable

MOTIF_MAX = 300
MOTIF_AIDE = "Pourquoi ce changement : il est inscrit dans l'historique du compte."


def _motif(requis=True, aide=MOTIF_AIDE):
    return forms.CharField(label="Motif", max_length=MOTIF_MAX, required=requis, help_text=aide)


class CompteForm(ModelFormFr):
    """Names, e-mail, role and organisation; the e-mail is where the invitation goes."""

    motif = _motif()

    class Meta(ModelFormFr.Meta):
        model = User
        fields = ["first_name", "last_name", "email", "role", "organisation"]
        help_texts = {
            "email": "L'invitation à choisir son mot de passe est envoyée à cette adresse.",
            "role": "Ce que le compte peut lire et modifier.",
            "organisation": "Obligatoire pour un partenaire : il ne voit que ce à quoi son organisation prend part.",
        }

    def __init__(self, *args, par=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.par = par
        for nom in ("first_name", "last_name", "email", "role"):
            self.fields[nom].required = True
        self.fields["role"].choices = Role.choices  # no blank role: technical accounts stay in the admin
        self.fields["organisation"].queryset = Organisation.objects.order_by("nom")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        autres = User.objects.filter(email__iexact=email, is_active=True).exclude(pk=self.instance.pk)
        if email and autres.exists():
            raise forms.ValidationError("Un compte actif utilise déjà cette adresse e-mail.")
        return email

    def clean(self):
        cleaned = super().clean()
        role, organisation = cleaned.get("role"), cleaned.get("organisation")
        if role == Role.PARTENAIRE and organisation is None and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                "Un compte partenaire doit être rattaché à une organisation : c'est ce qu'il peut consulter.",
            )
        if role and self.instance.pk and (refus := refus_garde_responsable(self.instance, role=role)):
            self.add_error("role", refus)
        return cleaned


class CompteCreationForm(CompteForm):
    """Opening an account: its login too; no password, the person chooses it from the invitation."""

    motif = _motif(requis=False, aide="Facultatif : « Arrivée au service », « Nouveau contact CAF »…")

    class Meta(CompteForm.Meta):
        fields = ["first_name", "last_name", "username", "email", "role", "organisation"]
        help_texts = {
            **CompteForm.Meta.help_texts,
            "username": "L'identifiant de connexion, par exemple prenom.nom (lettres, chiffres et @ . + - _).",
        }


class MotifForm(forms.Form):
    """Deactivating or reactivating an account: the reason, for the history."""

    motif = _motif()
