from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from comptes.models import Role, User
from conventions.models import Avenant, Convention
from roubaix_cs import bornes
from roubaix_cs.forms import ChoixModele, ChoixModeles, ErreursVisibles, ModelFormFr, dates_natives
from roubaix_cs.locking import VersionForm
from roubaix_cs.sources_legales import CGCT_L2131_11
from subventions.models import DemandeSubvention

from . import services
from .models import AR_ACTES_RE, Deliberation, Mandat, Seance, VotePresident


def tetes(label, **kwargs):
    """A head-count of the vote: at most the council's size (an absurd figure gets a message next to the field)."""
    return forms.IntegerField(label=label, min_value=0, validators=bornes.TETES_DU_CONSEIL, **kwargs)


def elus():
    return User.objects.filter(role=Role.ELU, is_active=True).order_by("last_name", "first_name")


class SeanceForm(VersionForm):
    class Meta(VersionForm.Meta):
        model = Seance
        fields = [
            "date",
            "date_convocation",
            "urgence",
            "urgence_admise",
            "sans_quorum",
            "lieu",
            "membres_en_exercice",
            "presents",
            "pouvoirs",
            "secretaire",
        ]


class MandatForm(ModelFormFr):
    """The team declares a mandate for any élu; an élu for themself only (the view sets `elu`)."""

    class Meta(ModelFormFr.Meta):
        model = Mandat
        fields = ["elu", "organisation", "fonction"]

    def __init__(self, *args, pour_soi=False, **kwargs):
        super().__init__(*args, **kwargs)
        if pour_soi:
            del self.fields["elu"]
            self.champs_du_parent = ("elu",)
        else:
            self.fields["elu"].queryset = elus()
        self.fields["organisation"].queryset = self.fields["organisation"].queryset.order_by("nom")


class InscriptionForm(forms.Form):
    deliberation = ChoixModele(Deliberation.objects.none(), label="Délibération en projet")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deliberation"].queryset = (
            Deliberation.objects.filter(statut=Deliberation.Statut.BROUILLON)
            .select_related("seance")
            .order_by("seance__date", "numero")
        )


class DeliberationCreateForm(ErreursVisibles, forms.Form):
    seance = ChoixModele(Seance.objects.all(), label="Séance du conseil municipal")
    objet = forms.CharField(label="Objet", max_length=255)
    rapporteur = ChoixModele(elus(), label="Rapporteur", required=False)
    commission = forms.CharField(label="Commission", max_length=150, required=False)
    date_commission = forms.DateField(label="Date de la commission", required=False, validators=bornes.DATE_ACTIVITE)
    demandes = ChoixModeles(
        DemandeSubvention.objects.none(),
        label="Subventions validées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conventions = ChoixModeles(
        Convention.objects.none(),
        label="Conventions approuvées pour signature",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    avenants = ChoixModeles(
        Avenant.objects.none(),
        label="Projets d'avenants",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)
        self.fields["rapporteur"].queryset = elus()
        # Validated grants that no deliberation carries yet.
        self.fields["demandes"].queryset = DemandeSubvention.objects.filter(
            statut=DemandeSubvention.Statut.VALIDEE, deliberations__isnull=True
        ).select_related("centre")
        self.fields["conventions"].queryset = Convention.objects.filter(
            statut=Convention.Statut.APPROUVEE, deliberations__isnull=True
        ).select_related("centre")
        self.fields["avenants"].queryset = Avenant.objects.filter(
            statut=Avenant.Statut.PROJET, deliberations__isnull=True
        ).select_related("convention__centre")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("demandes") or cleaned.get("conventions") or cleaned.get("avenants")):
            raise ValidationError("Choisissez au moins une subvention, une convention ou un avenant.")
        return cleaned


class DeliberationTexteForm(VersionForm):
    """The text and its heading, editable while the deliberation is a draft."""

    class Meta(VersionForm.Meta):
        model = Deliberation
        fields = ["objet", "rapporteur", "commission", "date_commission", "visas", "considerants", "articles"]
        widgets = {
            "visas": forms.Textarea(attrs={"rows": 8}),
            "considerants": forms.Textarea(attrs={"rows": 5}),
            "articles": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rapporteur"].queryset = elus()

    def clean_rapporteur(self):
        rapporteur = self.cleaned_data.get("rapporteur")
        deliberation = self.instance
        organisations = services._organisations_beneficiaires(
            deliberation.demandes.select_related("centre"),
            deliberation.conventions.select_related("centre"),
            deliberation.avenants.select_related("convention__centre"),
        )
        try:
            services._verifier_rapporteur(rapporteur, organisations)
        except ValidationError as erreur:
            raise ValidationError(erreur.message_dict["rapporteur"]) from erreur
        return rapporteur


class VoteForm(forms.Form):
    presents = tetes(
        "Conseillers présents au moment du vote",
        help_text="Le quorum s'apprécie à chaque délibération (CGCT L2121-17).",
    )
    pouvoirs = tetes("Pouvoirs")
    pour = tetes("Pour")
    contre = tetes("Contre")
    abstentions = tetes("Abstentions")
    scrutin_secret = forms.BooleanField(label="Scrutin secret", required=False)
    vote_president = forms.ChoiceField(
        label="Vote du président de séance",
        choices=[("", "—"), *VotePresident.choices],
        required=False,
        help_text="À égalité des voix, celle du président l'emporte, sauf au scrutin secret (CGCT L2121-20).",
    )
    ne_prennent_pas_part = ChoixModeles(
        User.objects.none(),
        label="Ne prennent pas part au vote",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Les élus siégeant au conseil d'administration d'un bénéficiaire y sont ajoutés d'office : un élu "
            f"intéressé ne prend pas part au vote ({CGCT_L2131_11})."
        ),
    )

    pouvoirs_hors_vote = tetes(
        "Pouvoirs portés par ces élus",
        initial=0,
        required=False,
        help_text="Un élu qui ne prend pas part au vote ne vote pas non plus avec le pouvoir qu'il porte.",
    )

    def __init__(self, *args, demandes=(), seance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.seance = seance
        for nom in ("presents", "pouvoirs", "pour", "contre", "abstentions", "pouvoirs_hors_vote"):
            self.fields[nom].widget.attrs["max"] = settings.CONSEIL_MUNICIPAL_MEMBRES
        self.fields["ne_prennent_pas_part"].queryset = elus()
        # The amount voted for each grant: the proposal, unless the council amends it (SUB-15 applies).
        self.demandes = list(demandes)
        for demande in self.demandes:
            self.fields[f"montant_{demande.pk}"] = forms.DecimalField(
                label=f"Montant voté — {demande}",
                initial=demande.montant_propose,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.01"),
                validators=bornes.AIDE,
                required=False,
                help_text="Le montant proposé (laissé vide : le montant proposé) ; à changer seulement si le "
                "conseil l'a amendé.",
            )

    def clean(self):
        cleaned = super().clean()
        if self.seance is not None and "presents" in cleaned and "pouvoirs" in cleaned:
            for champ, message in self.seance.erreurs_de_presence(cleaned["presents"], cleaned["pouvoirs"]).items():
                self.add_error(champ, message)
        return cleaned

    def vote(self):
        """The arguments of `services.voter`: the figures, and the amended amounts only."""
        champs = ["presents", "pouvoirs", "pouvoirs_hors_vote", "pour", "contre", "abstentions"]
        champs += ["ne_prennent_pas_part", "scrutin_secret", "vote_president"]
        donnees = {nom: self.cleaned_data[nom] for nom in champs}
        donnees["pouvoirs_hors_vote"] = donnees["pouvoirs_hors_vote"] or 0
        montants = {d: self.cleaned_data.get(f"montant_{d.pk}") for d in self.demandes}
        return {**donnees, "amendements": {d: m for d, m in montants.items() if m not in (None, d.montant_propose)}}


class ExecutoireForm(forms.Form):
    date_transmission = forms.DateField(label="Transmise à la Préfecture (@CTES) le", validators=bornes.DATE_ACTIVITE)
    ar_actes = forms.CharField(
        label="Accusé de réception @CTES",
        max_length=80,
        help_text="Forme {département}-{SIREN}-{AAAAMMJJ}-{numéro}-DE, ex. 059-215905128-20260210-2026_042-DE.",
    )
    date_publication = forms.DateField(label="Publiée le", validators=bornes.DATE_ACTIVITE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)

    def clean_ar_actes(self):
        ar_actes = self.cleaned_data["ar_actes"].strip()
        if not AR_ACTES_RE.match(ar_actes):
            raise ValidationError("Accusé de réception @CTES attendu sous la forme 059-215905128-20260210-2026_042-DE.")
        return ar_actes
