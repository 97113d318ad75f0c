from django import forms

from centres.models import Document, Local
from comptes.models import Organisation
from roubaix_cs.autocompletion import CasesRecherche
from roubaix_cs.forms import ModelFormFr
from roubaix_cs.locking import VersionForm
from roubaix_cs.sources_legales import CIRCULAIRE_CPO
from roubaix_cs.uploads import EXTENSIONS_ACCEPTEES, verifier_fichier

from .models import Avenant, AvenantMontant, Convention, EngagementAnnuel, Evaluation, Objectif, Partie, ValeurObjectif
from .services import fin_consolidee

# Fields that only an avenant may change once the convention is approved (CPO-5).
CONTRACTUELS = ["type", "centre", "objet", "debut", "fin", "locaux", *Convention.CLAUSES, "autorise_reversement"]


class ConventionForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Convention
        fields = [
            *CONTRACTUELS,
            "referent",
            "juridique_envoi",
            "juridique_visa",
            "juridique_remarques",
            "modele_version",
            "notes_internes",
        ]
        widgets = {
            "locaux": CasesRecherche,
            "juridique_remarques": forms.Textarea(attrs={"rows": 3}),
            "notes_internes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locaux"].queryset = Local.objects.filter(centre__isnull=False).select_related("centre")
        if self.instance.pk and not self.instance.modifiable:
            for name in CONTRACTUELS:
                self.fields[name].disabled = True
                self.fields[name].help_text = f"Modifiable par avenant seulement ({CIRCULAIRE_CPO})."

    def clean(self):
        cleaned = super().clean()
        centre, locaux = cleaned.get("centre"), cleaned.get("locaux")
        if centre and locaux and any(local.centre_id != centre.pk for local in locaux):
            self.add_error("locaux", "Choisissez des locaux occupés par le centre de la convention.")
        return cleaned


class PartieForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = Partie
        fields = ["organisation", "signataire", "date_signature"]

    champs_du_parent = ("convention",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["organisation"].disabled = True


class EngagementForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = EngagementAnnuel
        fields = ["annee", "financeur", "montant", "avance", "valeur_nature"]

    champs_du_parent = ("convention",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = Organisation.objects.exclude(nature=Organisation.Nature.ASSOCIATION)

    def clean_annee(self):
        annee = self.cleaned_data["annee"]
        convention = self.instance.convention
        if annee not in convention.annees():
            raise forms.ValidationError(
                f"L'année doit être comprise dans la convention ({convention.debut.year}–{convention.fin.year})."
            )
        return annee


class ObjectifForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = Objectif
        fields = ["intitule", "indicateur", "unite"]


class ValeurObjectifForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = ValeurObjectif
        fields = ["annee", "cible", "realise"]

    champs_du_parent = ("objectif",)


class EvaluationForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = Evaluation
        fields = ["annee", "date", "synthese", "finale"]
        widgets = {"synthese": forms.Textarea(attrs={"rows": 5})}


class AvenantForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Avenant
        fields = [
            "date",
            "objet",
            "nouvelle_fin",
            "nouvel_objet",
            "date_signature",
        ]

    def clean_nouvelle_fin(self):
        fin = self.cleaned_data.get("nouvelle_fin")
        convention = self.instance.convention
        if fin and fin <= convention.debut:
            raise forms.ValidationError("La nouvelle fin doit suivre le début de la convention.")
        if fin and convention.type == Convention.Type.CPOM:
            essai = Convention(type=convention.type, debut=convention.debut, fin=fin)
            try:
                essai.clean()
            except forms.ValidationError as erreur:
                raise forms.ValidationError(erreur.message_dict["fin"]) from erreur
        return fin


class AvenantMontantForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = AvenantMontant
        fields = ["annee", "financeur", "montant", "valeur_nature"]

    champs_du_parent = ("avenant",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financeur"].queryset = Organisation.objects.exclude(nature=Organisation.Nature.ASSOCIATION)

    def clean_annee(self):
        annee = self.cleaned_data["annee"]
        avenant = self.instance.avenant
        convention = avenant.convention
        fin = max(fin_consolidee(convention), avenant.nouvelle_fin or convention.fin)
        if not convention.debut.year <= annee <= fin.year:
            raise forms.ValidationError(
                f"L'année doit être comprise dans la convention ({convention.debut.year}–{fin.year})."
            )
        return annee


class VersionTexteForm(forms.Form):
    nature = forms.ChoiceField(label="Nature", choices=[("projet", "Projet"), ("signee", "Version signée")])
    titre = forms.CharField(label="Titre", max_length=200)
    fichier = forms.FileField(
        label="Fichier", help_text=f"PDF ou document bureautique ({', '.join(EXTENSIONS_ACCEPTEES)})."
    )
    conflit = None

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        self.verification = verifier_fichier(fichier)
        return fichier

    def document(self, *, convention, par):
        """The vault document holding this version (the foundation's storage and download view)."""
        genre, nom, sha256 = self.verification
        fichier = self.cleaned_data["fichier"]
        nature = self.cleaned_data["nature"]
        document = Document(
            centre=convention.centre,
            type=Document.Type.CONVENTION_SIGNEE if nature == "signee" else Document.Type.CONVENTION_PROJET,
            titre=self.cleaned_data["titre"],
            annee=convention.debut.year,
            nom_original=nom,
            type_mime=genre.mime,
            taille=fichier.size,
            sha256=sha256,
            depose_par=par,
        )
        document.fichier.save(nom, fichier, save=False)
        document.save()
        return document
