from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone

from comptes.models import Organisation
from roubaix_cs.autocompletion import CasesRecherche
from roubaix_cs.forms import ChoixModeles, dates_natives
from roubaix_cs.locking import VersionForm
from roubaix_cs.seuils import DOCUMENT_TAILLE_MAX_OCTETS
from roubaix_cs.uploads import EXTENSIONS_ACCEPTEES, XLSX, detecter_genre, nom_sur, verifier_fichier

from .models import (
    ActionSuivi,
    Agrement,
    AssembleeGenerale,
    Centre,
    Contact,
    Direction,
    Document,
    IndicateursAnnuels,
    Local,
    Travaux,
    Visite,
)


class CentreForm(VersionForm):
    partenaires = ChoixModeles(
        label="Partenaires ayant accès à la fiche",
        queryset=Organisation.objects.exclude(nature=Organisation.Nature.ASSOCIATION),
        required=False,
        widget=CasesRecherche,
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
            "ca_minimum_statutaire",
            "presidence_vacante_depuis",
            "notes_internes",
        ]
        widgets = {"notes_internes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
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


class DirectionForm(VersionForm):
    """A director and their time in post. A new one may end the post of the director(s) in post the day
    before they arrive (`centres.services.enregistrer_direction`)."""

    remplace = forms.BooleanField(
        label="Met fin à la direction en poste la veille de cette prise de poste",
        required=False,
        initial=True,
    )

    class Meta(VersionForm.Meta):
        model = Direction
        fields = ["prenom", "nom", "debut", "fin", "interim"]
        help_texts = {"fin": "Laissez vide tant que la personne est en poste."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
        self.en_poste = []
        if self.instance.pk is None and self.instance.centre_id:
            self.en_poste = list(
                Direction.objects.filter(centre_id=self.instance.centre_id, fin__isnull=True).order_by("debut", "pk")
            )
        if self.en_poste:
            noms = ", ".join(f"{d} (depuis le {d.debut:%d/%m/%Y})" for d in self.en_poste)
            self.fields["remplace"].help_text = f"En poste aujourd'hui : {noms}."
        else:
            del self.fields["remplace"]

    def clean(self):
        cleaned = super().clean()
        debut = cleaned.get("debut")
        if cleaned.get("remplace") and debut:
            for precedente in self.en_poste:
                if precedente.debut >= debut:
                    self.add_error(
                        "debut",
                        f"{precedente} est en poste depuis le {precedente.debut:%d/%m/%Y} : une direction qui lui "
                        "succède arrive après. Corrigez la date, ou décochez la fin de la direction en poste.",
                    )
        return cleaned


class FinDirectionForm(VersionForm):
    """The end of a director's time in post: the day they left."""

    class Meta(VersionForm.Meta):
        model = Direction
        fields = ["fin"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
        self.fields["fin"].required = True

    def clean_fin(self):
        # The form leaves out the arrival, so the model's check (direction_fin_apres_debut) would skip it.
        fin = self.cleaned_data["fin"]
        if fin and fin < self.instance.debut:
            contrainte = next(c for c in Direction._meta.constraints if c.name == "direction_fin_apres_debut")
            raise forms.ValidationError(contrainte.violation_error_message)
        return fin


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

    def clean(self):
        # The view sets the centre, so Django's own check of the (centre, exercice) constraint
        # skips it: check here, to show the error next to the field rather than fail on save.
        cleaned_data = super().clean()
        exercice = cleaned_data.get("exercice")
        if cleaned_data.get("nature") == AssembleeGenerale.Nature.ORDINAIRE and exercice:
            autre = (
                AssembleeGenerale.objects.filter(
                    centre_id=self.instance.centre_id, nature=AssembleeGenerale.Nature.ORDINAIRE, exercice=exercice
                )
                .exclude(pk=self.instance.pk)
                .first()
            )
            if autre:
                self.add_error(
                    "exercice",
                    f"Ce centre a déjà une assemblée générale ordinaire pour l'exercice {exercice} "
                    f"(celle du {autre.date:%d/%m/%Y}). Choisissez un autre exercice, "
                    "ou la nature « Extraordinaire ».",
                )
        return cleaned_data


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
        help_texts = {
            "date_cloture": "Laissée vide, elle prend la date du jour quand l'action est faite ou abandonnée."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)

    def clean(self):
        cleaned_data = super().clean()
        statut, date_cloture = cleaned_data.get("statut"), cleaned_data.get("date_cloture")
        ouverte = statut in (ActionSuivi.Statut.A_FAIRE, ActionSuivi.Statut.EN_COURS)
        if statut and not ouverte and not date_cloture and "date_cloture" not in self.errors:
            # Closing an action today is the usual case: do not make the user type the date.
            cleaned_data["date_cloture"] = timezone.localdate()
        elif ouverte and date_cloture:
            self.add_error(
                "date_cloture",
                "Une action à faire ou en cours n'a pas de date de clôture : videz ce champ, "
                "ou choisissez le statut « Faite » ou « Abandonnée ».",
            )
        return cleaned_data


def positifs(form, *noms, message="Le montant ne peut pas être négatif."):
    """Refuse negative values next to the field, in French (the database constraints stay as a backstop)."""
    for nom in noms:
        field = form.fields[nom]
        field.validators.append(MinValueValidator(Decimal("0"), message=message))
        field.widget.attrs["min"] = "0"


class LocalForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Local
        fields = [
            "nom",
            "adresse",
            "centre",
            "autre_occupant",
            "proprietaire",
            "ville_locataire",
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
        positifs(self, "valeur_locative", "loyer_facture", "charges_ville")
        positifs(self, "surface_m2", message="La surface ne peut pas être négative.")
        # A closed centre occupies no new premises; a premises already lent to it keeps its value.
        ouverts = Q(statut__in=[Centre.Statut.ACTIF, Centre.Statut.PREFIGURATION])
        self.fields["centre"].queryset = Centre.objects.filter(ouverts | Q(pk=self.instance.centre_id))

    def clean(self):
        """One occupant (constraint local_a_un_occupant), said next to the field concerned."""
        cleaned = super().clean()
        centre, autre = cleaned.get("centre"), cleaned.get("autre_occupant")
        if "centre" in cleaned and "autre_occupant" in cleaned:
            if centre and autre:
                self.add_error(
                    "autre_occupant",
                    "Un local occupé par un centre n'a pas d'autre occupant : videz ce champ ou le centre.",
                )
            elif not centre and not autre:
                self.add_error(
                    "centre", "Indiquez le centre occupant ou, à défaut, l'autre occupant (par exemple Espace Linné)."
                )
        return cleaned


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
        positifs(self, "budget")


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
        self.fields["fichier"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in EXTENSIONS_ACCEPTEES)

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        genre, nom, sha256 = verifier_fichier(fichier)
        fichier.name = nom  # only the checked extension reaches chemin_document; the rest is random
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


class IndicateursAnnuelsForm(VersionForm):
    """One centre's figures for one year; the view sets the centre (SEN-1 checked here, next to the year)."""

    champs_du_parent = ("centre",)

    class Meta(VersionForm.Meta):
        model = IndicateursAnnuels
        fields = ["annee", *IndicateursAnnuels.CHIFFRES, "avis_commissaire", "procedure_alerte", "notes_internes"]
        widgets = {"notes_internes": forms.Textarea(attrs={"rows": 3})}


class ImportIndicateursForm(forms.Form):
    """The spreadsheet to import: an XLSX workbook (checked by its content) or a CSV text file."""

    fichier = forms.FileField(
        label="Fichier XLSX ou CSV",
        help_text=f"Le modèle rempli, {DOCUMENT_TAILLE_MAX_OCTETS // (1024 * 1024)} Mo au plus. "
        "Rien n'est enregistré avant votre confirmation.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > DOCUMENT_TAILLE_MAX_OCTETS:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de {DOCUMENT_TAILLE_MAX_OCTETS // (1024 * 1024)} Mo."
            )
        nom = nom_sur(fichier.name)
        extension = nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
        genre = detecter_genre(fichier)
        classeur = extension == "xlsx" and genre == XLSX
        texte = extension == "csv" and genre is None and _texte_seul(fichier)
        if not (classeur or texte):
            raise forms.ValidationError(
                "Déposez le modèle rempli, enregistré en XLSX (classeur Excel ou LibreOffice) ou en CSV (texte)."
            )
        fichier.name = nom
        return fichier


def _texte_seul(fichier):
    """A CSV is text: no NUL byte in its first kilobytes."""
    fichier.seek(0)
    tete = fichier.read(65536)
    fichier.seek(0)
    return b"\x00" not in tete
