from django import forms

from comptes.models import Organisation
from roubaix_cs.forms import dates_natives
from roubaix_cs.locking import VersionForm
from roubaix_cs.seuils import DOCUMENT_TAILLE_MAX_OCTETS
from roubaix_cs.uploads import EXTENSIONS_ACCEPTEES, verifier_fichier

from .models import ActionSuivi, Agrement, AssembleeGenerale, Centre, Contact, Document, Local, Travaux, Visite


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


class AssembleeGeneraleForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = AssembleeGenerale
        fields = ["nature", "exercice", "date", "lieu", "participants_service", "comptes_approuves", "compte_rendu"]
        widgets = {
            "participants_service": forms.CheckboxSelectMultiple,
            "comptes_approuves": forms.NullBooleanSelect,
            "compte_rendu": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class VisiteForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Visite
        fields = [
            "type",
            "date",
            "visiteurs",
            "recepisse",
            "accueil",
            "effectif_moins_6",
            "effectif_6_plus",
            "animateurs_qualifies",
            "animateurs_stagiaires",
            "animateurs_non_qualifies",
            "directeur_present",
            "directeur_qualifie",
            *Visite.CHECKLIST,
            "observations",
        ]
        widgets = {
            "visiteurs": forms.CheckboxSelectMultiple,
            "observations": forms.Textarea(attrs={"rows": 5}),
            **dict.fromkeys(Visite.CHECKLIST, forms.NullBooleanSelect),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class ActionSuiviForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = ActionSuivi
        fields = ["libelle", "porteur", "responsable", "echeance", "statut", "date_cloture", "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class LocalForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Local
        fields = [
            "nom",
            "adresse",
            "centre",
            "autre_occupant",
            "proprietaire",
            "titre",
            "debut",
            "fin",
            "surface_m2",
            "valeur_locative",
            "methode_valeur",
            "loyer_facture",
            "charges_ville",
            "erp_type",
            "erp_categorie",
            "commission_derniere",
            "commission_prochaine",
            "commission_avis",
            "observations",
        ]
        widgets = {"observations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class TravauxForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Travaux
        fields = [
            "objet",
            "nature",
            "budget",
            "phase",
            "debut_prevu",
            "fin_prevue",
            "debut_reel",
            "fin_reelle",
            "entreprise",
            "observations",
        ]
        widgets = {"observations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)


class DocumentForm(forms.ModelForm):
    """Upload: the file is checked by content (roubaix_cs.uploads), the view records who and what."""

    class Meta:
        model = Document
        fields = ["type", "titre", "annee", "valide_du", "valide_au", "fichier"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
        self.fields["fichier"].help_text = (
            f"PDF, image ou document bureautique ({', '.join(EXTENSIONS_ACCEPTEES)}), "
            f"{DOCUMENT_TAILLE_MAX_OCTETS // (1024 * 1024)} Mo au plus."
        )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        genre, nom, sha256 = verifier_fichier(fichier)
        self.instance.nom_original = nom
        self.instance.type_mime = genre.mime
        self.instance.taille = fichier.size
        self.instance.sha256 = sha256
        return fichier


class DocumentMetaForm(forms.ModelForm):
    """Edit a document's description; the file itself is never replaced (upload a new one)."""

    class Meta:
        model = Document
        fields = ["type", "titre", "annee", "valide_du", "valide_au"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
