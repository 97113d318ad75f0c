from django import forms
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils import timezone

from centres.models import Centre
from comptes.models import Role
from conventions.models import Convention
from roubaix_cs.formats import montant
from roubaix_cs.forms import ChoixModele, ModelFormFr
from roubaix_cs.locking import VersionForm
from roubaix_cs.seuils import CRF_DELAI_MOIS
from roubaix_cs.sources_legales import ARRETE_CRF, LOI_2000_321_ART_10, M57

from .models import (
    CompteRenduFinancier,
    DemandeSubvention,
    Dispositif,
    LigneBudgetaire,
    LigneCRF,
    PublicationDonnees,
    Versement,
)

S = DemandeSubvention.Statut
Section = LigneBudgetaire.Section

# SUB-15 (instruction budgétaire et comptable M57, obligatoire depuis le 01/01/2024): where a
# grant is charged, by section: (chapitre, beginning of the compte).
IMPUTATIONS_M57 = {
    Section.FONCTIONNEMENT: ("65", "6574"),
    Section.INVESTISSEMENT: ("204", "2042"),
}
EN_SECTION = {
    Section.FONCTIONNEMENT: "en section de fonctionnement",
    Section.INVESTISSEMENT: "en section d'investissement",
}

# What the council votes on: fixed once the responsable has validated the proposal.
FIGES_APRES_VALIDATION = ("centre", "annee", "nature", "dispositif", "montant_demande")


class DemandeForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = DemandeSubvention
        fields = [
            "centre",
            "annee",
            "nature",
            "dispositif",
            "objet",
            "montant_demande",
            "date_reception",
            "cofinanceurs",
            "referent",
            "convention",
            "loyers_charges_justifies",
            "produits_structure",
            "autres_subventions_publiques",
        ]
        widgets = {"cofinanceurs": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].help_text = "Obligatoire pour une demande au titre d'un dispositif."
        self.fields["dispositif"].queryset = Dispositif.objects.filter(actif=True) | Dispositif.objects.filter(
            pk=self.instance.dispositif_id
        )
        # The conventions of the request's centre only; choosing another centre reloads them (htmx).
        centre = self._centre()
        self.fields["convention"].queryset = (
            Convention.objects.filter(centre=centre).order_by("-debut") if centre else Convention.objects.none()
        )
        self.fields["convention"].help_text = (
            "Une convention du centre de la demande."
            if centre
            else "Choisissez d'abord le centre : ses conventions s'afficheront ici."
        )
        if centre:
            self.fields["convention"].error_messages["invalid_choice"] = (
                f"Choisissez une convention de {centre.libelle_court}."
            )
        self.fields["centre"].widget.attrs.update(
            {
                "hx-get": reverse("subventions:creer"),
                "hx-target": "#id_convention",
                "hx-select": "#id_convention",
                "hx-swap": "outerHTML",
            }
        )
        if self.instance.pk and self.instance.statut not in DemandeSubvention.STATUTS_AVANT_VALIDATION:
            for name in FIGES_APRES_VALIDATION:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Figé depuis la validation de la proposition."

    def _centre(self):
        """The centre typed in (bound form), else the request's, else the one the page was opened for."""
        if self.is_bound and "centre" in self.data:
            pk = str(self.data["centre"])
            return Centre.objects.filter(pk=pk).first() if pk.isdigit() and len(pk) <= 18 else None
        return self.instance.centre if self.instance.centre_id else self.initial.get("centre")

    def clean(self):
        cleaned = super().clean()
        nature, dispositif = cleaned.get("nature"), cleaned.get("dispositif")
        if nature == DemandeSubvention.Nature.DISPOSITIF and not dispositif and "dispositif" not in self.errors:
            self.add_error("dispositif", "Choisissez le dispositif au titre duquel la subvention est demandée.")
        elif nature and nature != DemandeSubvention.Nature.DISPOSITIF and dispositif:
            self.add_error("dispositif", "Un dispositif ne se choisit que pour une demande de nature « Dispositif ».")
        return cleaned


class LigneChoiceField(ChoixModele):
    """Budget lines with what is still available on each (LigneBudgetaire.objects.avec_consommation)."""

    def label_from_instance(self, obj):
        return f"{obj} — disponible : {montant(obj.disponible)}"


class InstructionForm(VersionForm):
    """The proposal: amount, imputation and analysis note; the SUB-4 override is the responsable's."""

    class Meta(VersionForm.Meta):
        model = DemandeSubvention
        fields = ["montant_propose", "ligne_budgetaire", "note_analyse", "derogation_crf_motif"]
        field_classes = {"ligne_budgetaire": LigneChoiceField}
        widgets = {
            "note_analyse": forms.Textarea(attrs={"rows": 8}),
            "derogation_crf_motif": forms.Textarea(attrs={"rows": 3}),
        }

    confirmer_depassement = forms.BooleanField(
        label="Je confirme proposer plus que le montant demandé",
        required=False,
        help_text="Seulement si la proposition dépasse le montant demandé.",
    )
    motif_depassement = forms.CharField(
        label="Pourquoi proposer plus que le montant demandé",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Gardé dans l'historique de la demande.",
    )

    field_order = ["montant_propose", "confirmer_depassement", "motif_depassement"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ligne_budgetaire"].queryset = LigneBudgetaire.objects.filter(
            annee=self.instance.annee
        ).avec_consommation()
        self.fields["ligne_budgetaire"].help_text = f"Lignes de l'exercice {self.instance.annee}."
        if user.role == Role.RESPONSABLE:
            self.fields["derogation_crf_motif"].help_text = (
                "À remplir seulement pour valider malgré le compte rendu financier en retard d'une subvention "
                f"précédente pour le même objet (dû dans les {CRF_DELAI_MOIS} mois suivant la fin de l'exercice, "
                f"{LOI_2000_321_ART_10}). "
                "Réservé à la responsable de service."
            )
        else:
            # Agents never see nor set the override: a posted value is ignored.
            del self.fields["derogation_crf_motif"]

    def clean_ligne_budgetaire(self):
        ligne = self.cleaned_data["ligne_budgetaire"]
        if ligne is None:
            return ligne
        attendue = (
            Section.INVESTISSEMENT
            if self.instance.nature == DemandeSubvention.Nature.INVESTISSEMENT
            else Section.FONCTIONNEMENT
        )
        if ligne.section != attendue:
            chapitre, compte = IMPUTATIONS_M57[attendue]
            raise forms.ValidationError(
                f"Une demande « {self.instance.get_nature_display()} » s'impute {EN_SECTION[attendue]} "
                f"(chapitre {chapitre}, compte {compte}x, {M57})."
            )
        return ligne

    def depasse_la_demande(self):
        propose = self.cleaned_data.get("montant_propose")
        return propose is not None and propose > self.instance.montant_demande

    def clean(self):
        """A proposal above the amount requested is rare (an error of one zero, usually): it needs an
        explicit confirmation and its reason, kept in the history."""
        cleaned = super().clean()
        motif = (cleaned.get("motif_depassement") or "").strip()
        confirme = cleaned.get("confirmer_depassement") and motif
        if "montant_propose" in self.changed_data and self.depasse_la_demande() and not confirme:
            self.add_error(
                "montant_propose",
                f"La proposition dépasse le montant demandé ({montant(self.instance.montant_demande)}) : "
                "cochez la confirmation et donnez-en la raison, ou corrigez le montant.",
            )
        cleaned["motif_depassement"] = motif
        return cleaned

    def save(self, commit=True):
        if "montant_propose" in self.changed_data and self.depasse_la_demande():
            self.instance._change_reason = (
                f"Proposition au-delà du montant demandé : {self.cleaned_data['motif_depassement']}"
            )
        return super().save(commit)


class LigneBudgetaireForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = LigneBudgetaire
        fields = [
            "annee",
            "section",
            "chapitre",
            "compte",
            "fonction",
            "libelle",
            "credits_votes",
            "decisions_modificatives",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.engage = None
        if self.instance.pk and self.instance.demandes.exists():
            for name in ("annee", "section"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Des demandes sont imputées sur cette ligne."
            consommation = LigneBudgetaire.objects.avec_consommation().get(pk=self.instance.pk)
            self.engage = consommation.total_engage

    def clean(self):
        cleaned = super().clean()
        section, chapitre, compte = cleaned.get("section"), cleaned.get("chapitre"), cleaned.get("compte")
        if section in IMPUTATIONS_M57:
            chapitre_m57, compte_m57 = IMPUTATIONS_M57[section]
            en_section = EN_SECTION[section].capitalize()
            if chapitre and chapitre != chapitre_m57:
                self.add_error(
                    "chapitre",
                    f"{en_section}, les subventions s'imputent au chapitre {chapitre_m57} ({M57}).",
                )
            if compte and not compte.startswith(compte_m57):
                self.add_error(
                    "compte",
                    f"{en_section}, les subventions s'imputent à un compte {compte_m57}x "
                    f"({M57}), pas au compte {compte}.",
                )
        votes, modifications = cleaned.get("credits_votes"), cleaned.get("decisions_modificatives")
        ouverts = None if votes is None or modifications is None else votes + modifications
        # Open credits below zero: LigneBudgetaire.clean says so.
        if self.engage is not None and ouverts is not None and 0 <= ouverts < self.engage:
            self.add_error(
                "decisions_modificatives",
                f"Les crédits ouverts ({montant(ouverts)}) seraient inférieurs aux montants déjà "
                f"engagés sur la ligne ({montant(self.engage)}) : on n'engage pas au-delà des crédits ouverts.",
            )
        return cleaned


class DispositifForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = Dispositif
        fields = ["nom", "description", "identifiant", "actif"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


# --- Suivi: payments and financial reports ----------------------------------------------------


class VersementForm(ModelFormFr):
    """The payment as typed; the rules (SUB-1, SUB-3, SUB-14, voted amount) are checked by
    services.enregistrer_versement, under the lock of the grant row."""

    class Meta(ModelFormFr.Meta):
        model = Versement
        fields = ["type", "montant", "date", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["montant"].widget.attrs["min"] = "0.01"

    def clean_montant(self):
        valeur = self.cleaned_data["montant"]
        if valeur <= 0:
            raise forms.ValidationError("Le montant d'un versement doit être positif.")
        return valeur

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("Indiquez la date du mandat émis : elle ne peut pas être dans le futur.")
        return date


class CompteRenduForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = CompteRenduFinancier
        fields = ["date_reception", "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "commentaire": "Explication des écarts significatifs, répartition des coûts indirects, "
            f"contributions en nature ({ARRETE_CRF})."
        }

    champs_du_parent = ("demande",)

    def clean_date_reception(self):
        date = self.cleaned_data["date_reception"]
        if date and date > timezone.localdate():
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        return date

    def clean(self):
        cleaned = super().clean()
        vide = not cleaned.get("date_reception") and not (cleaned.get("commentaire") or "").strip()
        if not self.instance.pk and vide:
            raise forms.ValidationError("Indiquez la date de réception du compte rendu ou l'analyse des écarts.")
        return cleaned


class LigneCRFForm(ModelFormFr):
    class Meta(ModelFormFr.Meta):
        model = LigneCRF
        fields = ["libelle", "budget", "realise"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in ("budget", "realise"):
            self.fields[nom].validators.append(MinValueValidator(0))
            self.fields[nom].widget.attrs["min"] = "0"


# --- Open data: a publication of the year's file (OD-5) --------------------------------------------


class PublicationForm(ModelFormFr):
    """The date and the address of a publication; the rows, total and fingerprint are computed."""

    class Meta(ModelFormFr.Meta):
        model = PublicationDonnees
        fields = ["date", "adresse"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError("La date de publication ne peut pas être dans le futur.")
        return date
