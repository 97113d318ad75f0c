from django import forms

from comptes.models import Organisation
from roubaix_cs.forms import dates_natives
from roubaix_cs.locking import VersionForm

from .models import Agrement, Centre, Contact


class CentreForm(VersionForm):
    partenaires = forms.ModelMultipleChoiceField(
        label="Partenaires ayant accès à la fiche",
        queryset=Organisation.objects.exclude(nature=Organisation.Nature.ASSOCIATION),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les comptes partenaires de ces organisations pourront consulter les données publiques du centre.",
    )

    class Meta(VersionForm.Meta):
        model = Centre
        fields = [
            "nom",
            "nom_court",
            "statut",
            "forme_juridique",
            "gestion",
            "siret",
            "rna",
            "adresse",
            "code_postal",
            "commune",
            "quartier",
            "code_qpv",
            "telephone",
            "email",
            "site_web",
            "organisation",
            "referent",
            "notes_internes",
        ]
        widgets = {"notes_internes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(nature=Organisation.Nature.ASSOCIATION)
        if self.instance.pk:
            self.fields["partenaires"].initial = list(self.instance.partenaires.values_list("pk", flat=True))


class AgrementForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Agrement
        fields = ["type", "regime", "statut", "debut", "fin", "date_decision_caf", "observations"]
        widgets = {"observations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class ContactForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Contact
        fields = ["qualite", "prenom", "nom", "fonction", "email", "telephone"]
