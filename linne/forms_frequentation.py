"""The attendance of one past booking, as the régisseurs record it on the day's list (linne.frequentation
writes it): the number of people present, or that the organisation did not come."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from roubaix_cs.forms import ErreursVisibles

from .models import CAPACITE_SALLE_MAX

MESSAGE_SANS_EFFECTIF = "Indiquez le nombre de personnes présentes, ou cochez « Absente »."
MESSAGE_ABSENTE_AVEC_EFFECTIF = (
    "Une organisation absente n'a personne de présent : videz le nombre ou décochez « Absente »."
)


class FrequentationForm(ErreursVisibles, forms.Form):
    """One row of the day's list; its prefix (`r<booking pk>`) keeps the rows of a page apart."""

    effectif_reel = forms.IntegerField(
        label="Personnes présentes",
        required=False,
        validators=[MinValueValidator(0), MaxValueValidator(CAPACITE_SALLE_MAX)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": CAPACITE_SALLE_MAX}),
    )
    absence = forms.BooleanField(label="Absente", required=False, help_text="L'organisation n'est pas venue.")

    def __init__(self, *args, reservation, **kwargs):
        kwargs.setdefault("prefix", f"r{reservation.pk}")
        super().__init__(*args, **kwargs)
        self.reservation = reservation

    def clean(self):
        donnees = super().clean()
        effectif, absence = donnees.get("effectif_reel"), donnees.get("absence")
        if "effectif_reel" in self.errors:
            return donnees
        if absence and effectif:
            self.add_error("effectif_reel", MESSAGE_ABSENTE_AVEC_EFFECTIF)
        elif not absence and effectif is None:
            self.add_error("effectif_reel", MESSAGE_SANS_EFFECTIF)
        return donnees


def initial(frequentation):
    """The row's values as recorded, for its form."""
    if frequentation is None:
        return {}
    return {"effectif_reel": frequentation.effectif_reel, "absence": frequentation.absence}
