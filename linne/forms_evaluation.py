"""The form of the Espace Linné's yearly evaluation: the responsable's texts (the year shown is chosen
in linne/filters_evaluation.py)."""

from django import forms

from roubaix_cs.locking import VersionForm

from .models import Evaluation


class EvaluationForm(VersionForm):
    """The responsable's review of the year and the outlook, saved under optimistic locking."""

    class Meta(VersionForm.Meta):
        model = Evaluation
        fields = ["bilan", "perspectives"]
        widgets = {
            "bilan": forms.Textarea(attrs={"rows": 8}),
            "perspectives": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "bilan": "Ce que l'équipement a permis cette année : publics, partenariats, événements, difficultés.",
            "perspectives": "Les orientations du projet de l'équipement pour l'année suivante.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An evaluation says at least what the year was; the outlook may come later.
        self.fields["bilan"].required = True
        self.fields["bilan"].error_messages["required"] = "Écrivez le bilan de l'année."
