"""The forms of the room requests: the public page's request (a room once, or a weekly slot for the
season with up to three ranked wishes), and the régisseurs' answers (accept, allocate a wish, refuse).
The views save them through `linne.demandes`."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from comptes.models import Organisation
from roubaix_cs import bornes
from roubaix_cs.forms import ChoixModele, ErreursVisibles, dates_natives
from roubaix_cs.seuils import (
    DEMANDE_SALLE_ASSURANCE_MAX_OCTETS,
    DEMANDE_SALLE_HORIZON_JOURS,
    DEMANDE_SALLE_MESSAGE_MAX_CARACTERES,
)
from roubaix_cs.uploads import EXTENSIONS_ACCEPTEES, verifier_fichier
from roubaix_cs.validators import valider_rna, valider_siret

from . import demandes
from .models import CAPACITE_SALLE_MAX, JOURS_SEMAINE, Categorie, DemandeReservation, Salle, TypeActivite

HEURE = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
NATURE = DemandeReservation.Nature
VOEUX = (1, 2, 3)
# The wish's fields, by their suffix: `voeu1_salle`, `voeu1_jour`…
CHAMPS_VOEU = ("salle", "jour", "heure_debut", "heure_fin")


def _sans_espaces(valeur):
    return "".join((valeur or "").split())


class DemandePubliqueForm(ErreursVisibles, forms.Form):
    """What an association asks for on the public page. The one-off slot is checked against the room's
    rules, never against the other bookings (the page reveals nothing of them); each wish against the
    room's opening hours, duration rules and capacity. `site_web` is a trap for robots: hidden from
    people, a filled one records nothing (the view)."""

    nature = forms.ChoiceField(label="Vous demandez une salle", choices=NATURE.choices, widget=forms.RadioSelect)
    nom_organisation = forms.CharField(label="Nom de l'association", max_length=200)
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        required=False,
        help_text="14 chiffres. Indiquez le SIRET ou le numéro RNA (au moins l'un des deux).",
    )
    rna = forms.CharField(label="Numéro RNA", max_length=12, required=False, help_text="W suivi de 9 chiffres.")
    contact_nom = forms.CharField(label="Nom et prénom de la personne à contacter", max_length=200)
    contact_email = forms.EmailField(label="Son adresse e-mail", max_length=254)
    contact_telephone = forms.CharField(label="Son téléphone", max_length=30, required=False)
    objet = forms.CharField(label="Objet de la réservation", max_length=255, help_text="Ex. : assemblée générale.")
    type_activite = forms.ChoiceField(label="Type d'activité", choices=TypeActivite.choices)
    effectif_prevu = forms.IntegerField(
        label="Nombre de personnes attendues",
        validators=[MinValueValidator(1), MaxValueValidator(CAPACITE_SALLE_MAX)],
    )
    public = forms.BooleanField(label="Événement ouvert au public", required=False)
    quartier_prioritaire = forms.BooleanField(
        label="Votre association est active dans un quartier prioritaire de la politique de la ville",
        required=False,
        help_text="Son siège ou son public principal est dans un quartier prioritaire (QPV).",
    )
    message = forms.CharField(
        label="Précisions",
        required=False,
        max_length=DEMANDE_SALLE_MESSAGE_MAX_CARACTERES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Matériel souhaité, installation particulière…",
    )
    # A one-off request.
    salle = ChoixModele(queryset=Salle.objects.none(), label="Salle souhaitée", required=False)
    date = forms.DateField(label="Date", required=False)
    heure_debut = forms.TimeField(label="De", required=False, widget=HEURE)
    heure_fin = forms.TimeField(label="À", required=False, widget=HEURE)
    # A seasonal request.
    saison = forms.TypedChoiceField(label="Saison", coerce=int, required=False, empty_value=None)
    # The insurance certificate and the rules.
    assurance = forms.FileField(
        label="Attestation d'assurance responsabilité civile",
        help_text=(
            f"PDF, image ou document bureautique ({', '.join(EXTENSIONS_ACCEPTEES)}), "
            f"{DEMANDE_SALLE_ASSURANCE_MAX_OCTETS // (1024 * 1024)} Mo au plus."
        ),
    )
    assurance_valide_jusqu_au = forms.DateField(
        label="L'attestation est valable jusqu'au", validators=bornes.DATE_ECHEANCE
    )
    reglement = forms.BooleanField(
        label="J'ai lu le règlement intérieur de l'Espace Linné et je l'accepte au nom de l'association",
        error_messages={"required": "L'acceptation du règlement intérieur est nécessaire pour réserver une salle."},
    )
    # The trap: a field people never see (visually hidden, out of the tab order), that robots fill.
    site_web = forms.CharField(label="Site web", required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        salles = Salle.objects.actives().order_by("nom")
        self.fields["salle"].queryset = salles
        self.fields["saison"].choices = [
            (s, f"Septembre {s} à juin {s + 1}") for s in demandes.saisons_ouvertes(self.today)
        ]
        self.fields["saison"].initial = demandes.prochaine_saison(self.today)
        for rang in VOEUX:
            requis = " (obligatoire pour une demande pour la saison)" if rang == 1 else " (facultatif)"
            self.fields[f"voeu{rang}_salle"] = ChoixModele(
                queryset=salles, label=f"Vœu {rang} : salle{requis}", required=False
            )
            self.fields[f"voeu{rang}_jour"] = forms.TypedChoiceField(
                label="Jour", choices=[("", "---------"), *JOURS_SEMAINE], coerce=int, required=False, empty_value=None
            )
            self.fields[f"voeu{rang}_heure_debut"] = forms.TimeField(label="De", required=False, widget=HEURE)
            self.fields[f"voeu{rang}_heure_fin"] = forms.TimeField(label="À", required=False, widget=HEURE)
        self.fields["assurance"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in EXTENSIONS_ACCEPTEES)
        self.fields["site_web"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        dates_natives(self)

    @property
    def voeux_champs(self):
        """The wishes' bound fields, by rank (for the template)."""
        return [(rang, [self[f"voeu{rang}_{champ}"] for champ in CHAMPS_VOEU]) for rang in VOEUX]

    def clean_siret(self):
        siret = _sans_espaces(self.cleaned_data["siret"])
        if siret:
            valider_siret(siret)
        return siret

    def clean_rna(self):
        rna = _sans_espaces(self.cleaned_data["rna"]).upper()
        if rna:
            valider_rna(rna)
        return rna

    def clean_assurance(self):
        fichier = self.cleaned_data["assurance"]
        if fichier.size > DEMANDE_SALLE_ASSURANCE_MAX_OCTETS:
            raise ValidationError(
                f"L'attestation dépasse la taille maximale de {DEMANDE_SALLE_ASSURANCE_MAX_OCTETS // (1024 * 1024)} Mo."
            )
        verifier_fichier(fichier)
        return fichier

    def clean(self):
        donnees = super().clean()
        if "siret" in donnees and "rna" in donnees and not donnees["siret"] and not donnees["rna"]:
            self.add_error("siret", "Indiquez le SIRET ou le numéro RNA de l'association.")
        fin_assurance = donnees.get("assurance_valide_jusqu_au")
        if fin_assurance and fin_assurance < self.today:
            self.add_error(
                "assurance_valide_jusqu_au", "Cette attestation n'est plus valable : joignez celle en cours."
            )
        nature = donnees.get("nature")
        if nature == NATURE.PONCTUELLE:
            self._clean_ponctuelle(donnees)
        elif nature == NATURE.SAISONNIERE:
            self._clean_saisonniere(donnees)
        return donnees

    def _clean_ponctuelle(self, donnees):
        for champ in ("salle", "date", "heure_debut", "heure_fin"):
            if donnees.get(champ) is None and champ not in self.errors:
                self.add_error(champ, "Ce champ est obligatoire pour une demande ponctuelle.")
        salle, date, debut, fin = (donnees.get(c) for c in ("salle", "date", "heure_debut", "heure_fin"))
        if date is not None:
            if date <= self.today:
                self.add_error("date", "Choisissez une date à partir de demain.")
                return
            if date > self.today + datetime.timedelta(days=DEMANDE_SALLE_HORIZON_JOURS):
                self.add_error(
                    "date", f"Les salles se réservent au plus {DEMANDE_SALLE_HORIZON_JOURS} jours à l'avance."
                )
                return
        if None in (salle, date, debut, fin):
            return
        if fin <= debut:
            self.add_error("heure_fin", "L'heure de fin doit suivre l'heure de début.")
            return
        donnees["debut"] = demandes._moment(date, debut)
        donnees["fin"] = demandes._moment(date, fin)
        for raison in demandes.raisons_creneau_public(
            salle, donnees["debut"], donnees["fin"], donnees.get("effectif_prevu")
        ):
            self.add_error("date", raison)
        fin_assurance = donnees.get("assurance_valide_jusqu_au")
        if fin_assurance and self.today <= fin_assurance < date:
            self.add_error("assurance_valide_jusqu_au", "L'attestation doit être valable le jour de la réservation.")

    def _clean_saisonniere(self, donnees):
        if donnees.get("saison") is None and "saison" not in self.errors:
            self.add_error("saison", "Choisissez la saison demandée.")
        voeux = []
        for rang in VOEUX:
            noms = {champ: f"voeu{rang}_{champ}" for champ in CHAMPS_VOEU}
            valeurs = {champ: donnees.get(nom) for champ, nom in noms.items()}
            en_erreur = any(nom in self.errors for nom in noms.values())
            if all(v is None for v in valeurs.values()) and not en_erreur:
                if rang == 1:
                    self.add_error(noms["salle"], "Indiquez au moins un vœu : la salle, le jour et les heures.")
                continue
            for champ, nom in noms.items():
                if valeurs[champ] is None and nom not in self.errors:
                    self.add_error(nom, "Complétez ce vœu : la salle, le jour et les heures.")
            if en_erreur or None in valeurs.values():
                continue
            if valeurs["heure_fin"] <= valeurs["heure_debut"]:
                self.add_error(noms["heure_fin"], "L'heure de fin doit suivre l'heure de début.")
                continue
            raisons = demandes.raisons_voeu(
                valeurs["salle"],
                valeurs["jour"],
                valeurs["heure_debut"],
                valeurs["heure_fin"],
                effectif=donnees.get("effectif_prevu"),
            )
            for raison in raisons:
                self.add_error(noms["salle"], raison)
            voeux.append(
                {
                    "salle": valeurs["salle"],
                    "jour_semaine": valeurs["jour"],
                    "heure_debut": valeurs["heure_debut"],
                    "heure_fin": valeurs["heure_fin"],
                }
            )
        donnees["voeux"] = voeux
        saison = donnees.get("saison")
        fin_assurance = donnees.get("assurance_valide_jusqu_au")
        if saison and fin_assurance:
            debut_saison = demandes.periode_attribution(saison, self.today)[0]
            if self.today <= fin_assurance < debut_saison:
                self.add_error(
                    "assurance_valide_jusqu_au", "L'attestation doit être valable au début de la saison demandée."
                )

    def champs_demande(self):
        """The request's own fields, from the cleaned data."""
        donnees = self.cleaned_data
        champs = {
            nom: donnees[nom]
            for nom in (
                "nature",
                "nom_organisation",
                "siret",
                "rna",
                "contact_nom",
                "contact_email",
                "contact_telephone",
                "objet",
                "type_activite",
                "effectif_prevu",
                "public",
                "quartier_prioritaire",
                "message",
            )
        }
        if donnees["nature"] == NATURE.PONCTUELLE:
            champs |= {"salle": donnees["salle"], "debut": donnees["debut"], "fin": donnees["fin"]}
        else:
            champs["saison"] = donnees["saison"]
        return champs

    def voeux(self):
        return self.cleaned_data.get("voeux", []) if self.cleaned_data["nature"] == NATURE.SAISONNIERE else []


class ReponseForm(ErreursVisibles, forms.Form):
    """How a request is answered: the organisation (chosen, else found by SIRET or name, else created as
    an association), the price list's category and whether it is lent free of charge."""

    organisation = ChoixModele(
        queryset=Organisation.objects.order_by("nom"),
        required=False,
        label="Organisation",
        help_text=(
            "Vide : celle qui a le SIRET de la demande, sinon son nom exact ; à défaut, "
            "une nouvelle association est créée."
        ),
    )
    categorie = forms.ChoiceField(label="Tarif appliqué", choices=Categorie.choices, initial=Categorie.ASSOCIATION)
    gratuit = forms.BooleanField(
        label="Mise à disposition gratuite",
        required=False,
        help_text="La valeur au tarif reste comptée comme une aide en nature à l'association.",
    )

    def __init__(self, *args, demande=None, **kwargs):
        super().__init__(*args, **kwargs)
        if demande is not None and not self.is_bound:
            trouvee = demandes.organisation_trouvee(demande)
            if trouvee is not None:
                self.fields["organisation"].initial = trouvee.pk


class RefusForm(ErreursVisibles, forms.Form):
    """The reason of a refusal, e-mailed to the association."""

    motif = forms.CharField(
        label="Motif du refus",
        max_length=DEMANDE_SALLE_MESSAGE_MAX_CARACTERES,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il est envoyé à l'association avec la réponse.",
    )
