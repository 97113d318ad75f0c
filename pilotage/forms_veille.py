"""The forms of the Cellule de veille (pilotage.veille): they validate; the services assign."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from centres.models import Centre
from comptes.models import Organisation, Role, User, referents
from roubaix_cs.forms import ChoixModele, ModelFormFr
from roubaix_cs.locking import VersionForm

from . import veille
from .models import Action, LignePlanTresorerie, Niveau, SituationVeille

ZERO = Decimal("0")


class SignalementForm(ModelFormFr):
    """Open a centre's file: the view hands the cleaned data to `veille.signaler`."""

    class Meta(ModelFormFr.Meta):
        model = SituationVeille
        fields = ["centre", "signalee_le", "motif", "referent"]
        widgets = {"motif": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "motif": "Ce qui a conduit à signaler le centre : signaux, alerte d'un financeur, du commissaire aux "
            "comptes…",
            "referent": "Vide : le ou la référent(e) du centre.",
        }

    # The new file's status (« signalée ») is part of the one-open-file-per-centre constraint: checked by
    # the form, so that a second open file is refused next to the centre.
    champs_du_parent = ("statut",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = Centre.objects.exclude(statut=Centre.Statut.FERME).order_by("nom")
        self.fields["referent"].queryset = referents()
        self.fields["signalee_le"].initial = timezone.localdate()


class SituationVeilleForm(VersionForm):
    """The file's analysis and follow-up, edited by the team under optimistic locking; its level and status
    change only through the cellule's decision and the workflow."""

    class Meta(VersionForm.Meta):
        model = SituationVeille
        fields = ["referent", "motif", "analyse", "conflits_sociaux", "tresorerie_initiale", "notes_internes"]
        widgets = {
            "motif": forms.Textarea(attrs={"rows": 3}),
            "analyse": forms.Textarea(attrs={"rows": 6}),
            "conflits_sociaux": forms.Textarea(attrs={"rows": 3}),
            "notes_internes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "analyse": "Fonds de roulement, besoin en fonds de roulement, trésorerie ; plan de redressement envisagé.",
            "conflits_sociaux": "Conflits du personnel, préavis, prud'hommes… (signal de gouvernance).",
            "tresorerie_initiale": "Le solde dont part le plan de trésorerie sur 12 mois.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents()


class DecisionNiveauForm(forms.Form):
    """CV-1: the cellule's decision of the official level, in one of its meetings that examined the file.
    The computed level is offered as the proposal; the service records the decision."""

    niveau = forms.ChoiceField(label="Niveau officiel décidé", choices=Niveau.choices, widget=forms.RadioSelect)
    reunion = ChoixModele(
        queryset=None,
        label="Réunion de la cellule de veille",
        empty_label=None,
        help_text="Une réunion de la cellule de veille, tenue (non annulée), qui a examiné ce dossier.",
    )
    motifs = forms.CharField(label="Motifs de la décision", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, situation, jour=None, **kwargs):
        super().__init__(*args, **kwargs)
        jour = jour or timezone.localdate()
        self.fields["reunion"].queryset = veille.reunions_de_la_cellule(situation).filter(date__lte=jour)


class ActionVeilleForm(ModelFormFr):
    """A measure of the file's action plan: decided by a meeting of the cellule that examined the file, owned
    by a person or an organisation (a partner, the centre's association)."""

    class Meta(ModelFormFr.Meta):
        model = Action
        fields = ["reunion", "libelle", "mesure", "porteur_user", "porteur_organisation", "echeance", "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "porteur_user": "Une personne, ou bien une organisation ci-dessous : l'une des deux.",
            "mesure": "Un calendrier de versement adapté ou une avance passe par une délibération.",
        }

    champs_du_parent = ("situation",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        situation = self.instance.situation
        self.fields["reunion"].queryset = veille.reunions_de_la_cellule(situation)
        self.fields["reunion"].empty_label = None
        self.fields["porteur_user"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.RESPONSABLE, Role.AGENT, Role.PARTENAIRE]
        ).order_by("last_name", "first_name", "pk")
        self.fields["porteur_organisation"].queryset = Organisation.objects.order_by("nom")


def _cle(mois):
    return f"{mois:%Y_%m}"


class PlanTresorerieForm(forms.Form):
    """CV-4: the 12-month cash plan from the next month, receipts, expenses and a comment per month (the
    balance is computed). One form of 12 rows, each field labelled with its month."""

    def __init__(self, *args, situation, jour=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mois = veille.mois_du_plan(jour)
        existantes = {ligne.mois: ligne for ligne in situation.plan_tresorerie.filter(mois__in=self.mois)}
        modele = LignePlanTresorerie._meta
        for mois in self.mois:
            ligne = existantes.get(mois)
            cle, nom = _cle(mois), f"{mois:%m/%Y}"
            self.fields[f"encaissements_{cle}"] = modele.get_field("encaissements").formfield(
                label=f"Encaissements {nom} (€)", required=False, initial=ligne.encaissements if ligne else None
            )
            self.fields[f"decaissements_{cle}"] = modele.get_field("decaissements").formfield(
                label=f"Décaissements {nom} (€)", required=False, initial=ligne.decaissements if ligne else None
            )
            self.fields[f"commentaire_{cle}"] = modele.get_field("commentaire").formfield(
                label=f"Commentaire {nom}", required=False, initial=ligne.commentaire if ligne else ""
            )
        for nom, champ in self.fields.items():
            champ.widget.attrs["class"] = "form-control form-control-sm"
            # The model's bounds (no negative amount, a plausible one), checked by the form first.
            champ.validators += [
                v for v in modele.get_field(nom.rsplit("_", 2)[0]).validators if v not in champ.validators
            ]

    def clean(self):
        cleaned = super().clean()
        if not any(valeur not in (None, "") for valeur in cleaned.values()) and not self.errors:
            raise forms.ValidationError("Saisissez les encaissements ou les décaissements d'au moins un mois.")
        return cleaned

    def lignes(self):
        """[(month, [receipts, expenses, comment bound fields])] for the table."""
        return [
            (mois, [self[f"{nom}_{_cle(mois)}"] for nom in ("encaissements", "decaissements", "commentaire")])
            for mois in self.mois
        ]

    def full_clean(self):
        super().full_clean()
        for nom in self.errors:
            if nom in self.fields:
                self.fields[nom].widget.attrs["class"] += " is-invalid"

    def mois_saisis(self):
        """{first day: (receipts, expenses, comment)} of the cleaned form, for `veille.enregistrer_plan`."""
        donnees = self.cleaned_data
        return {
            mois: (
                donnees.get(f"encaissements_{_cle(mois)}") or ZERO,
                donnees.get(f"decaissements_{_cle(mois)}") or ZERO,
                donnees.get(f"commentaire_{_cle(mois)}") or "",
            )
            for mois in self.mois
        }
