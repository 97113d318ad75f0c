"""The forms of the meetings' pages (pilotage.views.reunions): a meeting, its minutes, its participants and
their attendance, its actions and their status. The views save them through pilotage.reunions."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from comptes.models import Organisation, Role, User
from comptes.permissions import EQUIPE
from roubaix_cs import bornes
from roubaix_cs.forms import DATE_INPUT_FORMATS, ChoixModele, DateInput, ModelFormFr
from roubaix_cs.locking import VersionForm
from roubaix_cs.seuils import DOCUMENT_TAILLE_MAX_OCTETS
from roubaix_cs.uploads import EXTENSIONS_ACCEPTEES, verifier_fichier

from . import reunions
from .models import Action, ParticipantReunion, Reunion, SituationVeille

HEURE = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXTE = {"rows": 4}


class ReunionForm(VersionForm):
    """A meeting: what, when, where, its agenda; for a Cellule de veille, the open files it examines."""

    class Meta(VersionForm.Meta):
        model = Reunion
        fields = [
            "type",
            "titre",
            "date",
            "heure_debut",
            "heure_fin",
            "lieu",
            "ordre_du_jour",
            "situations",
            "notes_internes",
        ]
        widgets = {
            "heure_debut": HEURE,
            "heure_fin": HEURE,
            "ordre_du_jour": forms.Textarea(attrs=TEXTE),
            "notes_internes": forms.Textarea(attrs={"rows": 3}),
            "situations": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "titre": "Facultatif : « Copil stratégique n° 2 », « Cellule de veille du CS Alma »…",
            "situations": "Pour une réunion de la cellule de veille : les dossiers ouverts qu'elle examine. "
            "Les partenaires convoqués lisent ces dossiers.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ouverts = Q(pk__in=SituationVeille.objects.ouvertes().values("pk"))
        if self.instance.pk:
            ouverts |= Q(pk__in=self.instance.situations.values("pk"))  # a file closed since stays listed
        self.fields["situations"].queryset = SituationVeille.objects.filter(ouverts).select_related("centre")
        self.fields["situations"].label = "Dossiers de la cellule de veille examinés"

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("situations") and cleaned_data.get("type") not in (None, Reunion.Type.CELLULE_VEILLE):
            self.add_error("situations", reunions.MESSAGE_SITUATIONS)
        return cleaned_data


class CompteRenduForm(VersionForm):
    """The minutes of a meeting: the text, the decisions, and the minutes as a file (checked like the
    centres' documents: its content, its size, a safe name)."""

    class Meta(VersionForm.Meta):
        model = Reunion
        fields = ["compte_rendu", "decisions", "compte_rendu_fichier"]
        widgets = {"compte_rendu": forms.Textarea(attrs={"rows": 10}), "decisions": forms.Textarea(attrs=TEXTE)}
        help_texts = {"decisions": "Une décision par ligne ; les actions se suivent à part, avec leur porteur."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["compte_rendu_fichier"]
        champ.help_text = (
            f"PDF, image ou document bureautique ({', '.join(EXTENSIONS_ACCEPTEES)}), "
            f"{DOCUMENT_TAILLE_MAX_OCTETS // (1024 * 1024)} Mo au plus."
        )
        champ.widget.attrs["accept"] = ",".join(f".{ext}" for ext in EXTENSIONS_ACCEPTEES)

    def clean_compte_rendu_fichier(self):
        fichier = self.cleaned_data["compte_rendu_fichier"]
        if fichier and hasattr(fichier, "content_type"):  # a new upload (not the file kept, nor cleared)
            _, nom, _ = verifier_fichier(fichier)
            fichier.name = nom  # only the checked extension reaches chemin_compte_rendu; the rest is random
        return fichier


def personnes_a_convoquer():
    """The accounts that may be convened: the team, the partners and the élus (who chair the political
    copil, without reading the meetings' pages), active ones."""
    return (
        User.objects.filter(is_active=True, role__in=[*EQUIPE, Role.PARTENAIRE, Role.ELU])
        .select_related("organisation")
        .order_by("last_name", "first_name", "username")
    )


class ChoixPersonne(ChoixModele):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.organisation})" if obj.organisation_id else str(obj)


class ParticipantForm(ModelFormFr):
    """Who is convened: a person with an account (of the service or a partner), or a partner
    organisation's contact without one (the organisation, a name and an e-mail)."""

    champs_du_parent = ("reunion",)

    user = ChoixPersonne(
        queryset=personnes_a_convoquer(),
        required=False,
        label="Personne ayant un compte",
        empty_label="— un contact sans compte —",
        help_text="Son organisation et son adresse sont celles de son compte.",
    )
    organisation = ChoixModele(
        queryset=Organisation.objects.order_by("nom"),
        required=False,
        label="Organisation du contact",
        help_text="Pour un contact sans compte.",
    )

    class Meta(ModelFormFr.Meta):
        model = ParticipantReunion
        fields = ["user", "organisation", "nom", "email"]
        labels = {"nom": "Nom du contact", "email": "E-mail du contact"}
        help_texts = {"nom": "Pour un contact sans compte.", "email": "La convocation lui est envoyée."}

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        user = cleaned_data.get("user")
        if user is not None:
            for champ in ("nom", "email"):
                if cleaned_data.get(champ):
                    self.add_error(
                        champ, "Laissez ce champ vide pour une personne qui a un compte : le sien est repris."
                    )
            cleaned_data["organisation"] = user.organisation
            self.instance.organisation = user.organisation
            return cleaned_data
        for champ, message in (
            ("organisation", "Indiquez l'organisation du contact (ou choisissez une personne qui a un compte)."),
            ("nom", "Indiquez le nom du contact."),
            ("email", "Indiquez l'e-mail du contact : la convocation lui est envoyée."),
        ):
            if not cleaned_data.get(champ):
                self.add_error(champ, message)
        email = cleaned_data.get("email", "")
        reunion = self.instance.reunion
        if email and reunion.participants.filter(Q(email__iexact=email) | Q(user__email__iexact=email)).exists():
            self.add_error("email", "Cette adresse est déjà convoquée à cette réunion.")
        return cleaned_data


class PresencesForm(forms.Form):
    """The attendance of each participant, recorded during or after the meeting."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            self.fields[f"presence_{participant.pk}"] = forms.ChoiceField(
                label=str(participant),
                choices=ParticipantReunion.Presence.choices,
                initial=participant.presence,
            )

    def presences(self):
        """{participant id: presence}."""
        return {p.pk: self.cleaned_data[f"presence_{p.pk}"] for p in self.participants}


class ActionForm(VersionForm):
    """An action decided by the meeting: what, who owns it (a person of the service, or an organisation:
    its contacts are e-mailed the action), when; for a Cellule de veille, the file and the typical measure."""

    champs_du_parent = ("reunion",)

    class Meta(VersionForm.Meta):
        model = Action
        fields = ["libelle", "situation", "mesure", "porteur_user", "porteur_organisation", "echeance", "commentaire"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "porteur_user": "Une personne du service, ou bien une organisation ci-dessous : pas les deux.",
            "porteur_organisation": "Ses comptes partenaires et ses contacts convoqués reçoivent l'action par e-mail.",
            "commentaire": "Suivi interne : les partenaires ne le lisent pas.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reunion = self.instance.reunion
        users = Q(is_active=True, role__in=EQUIPE)
        if self.instance.porteur_user_id:
            users |= Q(pk=self.instance.porteur_user_id)
        self.fields["porteur_user"].queryset = User.objects.filter(users).order_by("last_name", "first_name")
        self.fields["porteur_organisation"].queryset = Organisation.objects.order_by("nom")
        if reunion.type == Reunion.Type.CELLULE_VEILLE:
            self.fields["situation"].queryset = reunion.situations.select_related("centre")
        else:
            del self.fields["situation"]
            del self.fields["mesure"]


class ActionStatutForm(forms.Form):
    """Start, close (done or abandoned, on a date) or reopen an action (pilotage.reunions.CIRCUIT_ACTION)."""

    vers = forms.ChoiceField(label="Nouveau statut")
    date_cloture = forms.DateField(
        label="Date de clôture",
        required=False,
        validators=bornes.DATE_ACTIVITE,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        help_text="Pour une action faite ou abandonnée ; aujourd'hui si vide.",
    )
    motif = forms.CharField(
        label="Motif ou commentaire",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour abandonner l'action ; gardé dans son historique.",
    )

    def __init__(self, *args, action, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.transitions = {t.vers: t for t in reunions.CIRCUIT_ACTION.possibles(action, user)}
        self.fields["vers"].choices = [(t.vers, t.libelle) for t in self.transitions.values()]

    def clean(self):
        cleaned_data = super().clean()
        transition = self.transitions.get(cleaned_data.get("vers"))
        if transition is None:
            return cleaned_data
        if transition.motif_requis and not cleaned_data.get("motif", "").strip():
            self.add_error("motif", "Indiquez le motif.")
        date = cleaned_data.get("date_cloture")
        if date and transition.vers in (Action.Statut.FAITE, Action.Statut.ABANDONNEE):
            if date > timezone.localdate():
                self.add_error("date_cloture", "Une action ne se clôt pas à une date à venir.")
            elif date < self.action.reunion.date:
                self.add_error("date_cloture", "Une action ne se clôt pas avant la réunion qui l'a décidée.")
        return cleaned_data
