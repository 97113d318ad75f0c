"""Every page of the project opened on the demo data, as the staff and as each read-only role.

The walk that the query guard on the demo (tests/test_requetes_demo.py) and the benchmark
(bench/run.py) share. The pages are those of the URL × role matrix (tests/test_url_matrix.py) that
answer a GET with 200; each is opened by every demo account whose role the matrix lets read it.
A page's object is the one with the most related rows among those its reader may see, so that a
page costs its most.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.db.models import Count
from django.urls import get_resolver, reverse
from django.utils import timezone

from comptes.models import Role
from roubaix_cs.extensions import onglets_centre

from .test_url_matrix import MATRIX, PERSONAS

# The demo accounts (centres/management/commands/seed_demo.py) standing for the matrix's personas:
# the staff, and each role that reads without instructing.
LECTEURS = {"responsable": "responsable", "regisseur": "regisseur", "elu": "elu", "partenaire": "caf"}

# The city's SIRET, a setting the open-data file needs (any valid number).
SIRET_DE_DEMO = "21590512800017"

# The format of every export: XLSX, the heavier of the two.
FORMAT_EXPORT = "xlsx"


@dataclass(frozen=True)
class Objet:
    """The object a page opens: a model, a filter on it, and the URL's keyword."""

    modele: str
    filtre: dict = field(default_factory=dict, hash=False)
    parametre: str = "pk"


def _lien_perime():
    return {"uidb64": "MQ", "token": "perime"}


def _annee():
    return {"annee": timezone.localdate().year}


# Keywords that are not an object's id.
CONSTANTES = {
    "comptes:invitation": _lien_perime,
    "comptes:password_reset_confirm": _lien_perime,
    "subventions:scdl": lambda: {"annee": timezone.localdate().year - 1},
    "subventions:budget": _annee,
    "subventions:annexe_xlsx": _annee,
    "centres:indicateurs_modele": lambda: {"fmt": FORMAT_EXPORT},
    "subventions:annexe_pdf_statut": _annee,
    "pilotage:rapport_statut": _annee,
    "linne:evaluation_statut": _annee,
    "linne:evaluation_textes": _annee,
    # The comparison's widest table: every centre across every year.
    "pilotage:comparaisons_export": lambda: {"tableau": "annees", "fmt": FORMAT_EXPORT},
    # Espace Linné's statistics in one XLSX file (no format to choose).
    "linne:statistiques_export": dict,
}

CENTRE = Objet("centres.Centre")
CONVENTION = Objet("conventions.Convention")
CONVENTION_SIGNEE = Objet("conventions.Convention", {"statut__in": ["signee", "en_cours"]})
DEMANDE = Objet("subventions.DemandeSubvention")
DELIBERATION = Objet("deliberations.Deliberation")
VISITE = Objet("centres.Visite")
LOCAL = Objet("centres.Local")
REUNION = Objet("pilotage.Reunion")
ACTION = Objet("pilotage.Action")
DOSSIER_VEILLE = Objet("pilotage.SituationVeille")
SALLE_LINNE = Objet("linne.Salle")
FERMETURE_LINNE = Objet("linne.Fermeture")
# A booking of a series that still holds its slot: its page lists the series, its cancel and move pages
# offer the « portée ».
RESERVATION_DE_SERIE = Objet("linne.Reservation", {"statut__in": ["demandee", "confirmee"], "serie__isnull": False})
SERIE_LINNE = Objet("linne.Serie")
INCIDENT_LINNE = Objet("linne.Incident", {"statut": "ouvert"})

# The object of each page whose URL names one.
OBJETS = {
    "comptes:detail": Objet("comptes.User"),
    "comptes:modifier": Objet("comptes.User", {"role": "elu"}),
    "comptes:desactiver": Objet("comptes.User", {"role": "elu", "is_active": True}),
    "comptes:reactiver": Objet("comptes.User", {"is_active": False}),
    "centres:detail": CENTRE,
    "centres:modifier": CENTRE,
    "centres:agrement_creer": CENTRE,
    "centres:contact_creer": CENTRE,
    "centres:ag_creer": CENTRE,
    "centres:visite_creer": CENTRE,
    "centres:document_deposer": CENTRE,
    "centres:indicateurs_creer": CENTRE,
    "centres:indicateurs_modifier": Objet("centres.IndicateursAnnuels"),
    "centres:agrement_modifier": Objet("centres.Agrement"),
    "centres:contact_modifier": Objet("centres.Contact"),
    "centres:contact_supprimer": Objet("centres.Contact"),
    "centres:direction_creer": CENTRE,
    "centres:direction_modifier": Objet("centres.Direction"),
    "centres:direction_terminer": Objet("centres.Direction", {"fin__isnull": True}),
    "centres:ag_modifier": Objet("centres.AssembleeGenerale"),
    "centres:visite_detail": VISITE,
    "centres:visite_modifier": VISITE,
    "centres:visite_pdf": VISITE,
    "centres:visite_rapport_statut": VISITE,
    "centres:visite_rapport_telecharger": Objet("centres.VersionRapport"),
    "centres:action_creer": VISITE,
    "centres:action_modifier": Objet("centres.ActionSuivi"),
    "centres:local_detail": LOCAL,
    "centres:local_modifier": LOCAL,
    "centres:travaux_creer": LOCAL,
    "centres:travaux_modifier": Objet("centres.Travaux"),
    "centres:document_telecharger": Objet("centres.Document"),
    "centres:document_modifier": Objet("centres.Document"),
    "conventions:detail": CONVENTION,
    "conventions:modifier": Objet("conventions.Convention", {"statut": "brouillon"}),
    "conventions:partie_creer": Objet("conventions.Convention", {"statut": "brouillon"}),
    "conventions:engagement_creer": Objet("conventions.Convention", {"statut": "brouillon"}),
    "conventions:objectif_creer": Objet("conventions.Convention", {"statut": "brouillon"}),
    "conventions:evaluation_creer": CONVENTION_SIGNEE,
    "conventions:avenant_creer": CONVENTION_SIGNEE,
    "conventions:version_deposer": CONVENTION_SIGNEE,
    "conventions:partie_modifier": Objet("conventions.Partie", {"convention__statut": "brouillon"}),
    "conventions:engagement_modifier": Objet("conventions.EngagementAnnuel", {"convention__statut": "brouillon"}),
    "conventions:objectif_modifier": Objet("conventions.Objectif", {"convention__statut": "brouillon"}),
    "conventions:valeur_saisir": Objet("conventions.Objectif"),
    "conventions:avenant_modifier": Objet("conventions.Avenant", {"statut": "projet"}),
    "conventions:avenant_montant_creer": Objet("conventions.Avenant", {"statut": "projet"}),
    "subventions:detail": DEMANDE,
    "subventions:modifier": Objet("subventions.DemandeSubvention", {"statut": "recue"}),
    "subventions:instruction": Objet("subventions.DemandeSubvention", {"statut": "instruction"}),
    "subventions:versement_creer": Objet("subventions.DemandeSubvention", {"statut": "votee"}),
    "subventions:crf": Objet("subventions.DemandeSubvention", {"statut": "votee"}),
    "subventions:crf_ligne_creer": Objet("subventions.DemandeSubvention", {"statut": "votee"}),
    "subventions:ligne_modifier": Objet("subventions.LigneBudgetaire"),
    "subventions:dispositif_modifier": Objet("subventions.Dispositif"),
    "deliberations:seance_detail": Objet("deliberations.Seance"),
    "deliberations:seance_modifier": Objet("deliberations.Seance"),
    "deliberations:inscrire": Objet("subventions.DemandeSubvention", {"statut": "validee"}),
    "deliberations:detail": DELIBERATION,
    "deliberations:apercu": DELIBERATION,
    "deliberations:modifier": Objet("deliberations.Deliberation", {"statut": "brouillon"}),
    "deliberations:pdf_statut": DELIBERATION,
    "deliberations:voter": Objet("deliberations.Deliberation", {"statut": "prete"}),
    "deliberations:executoire": Objet("deliberations.Deliberation", {"statut": "votee"}),
    "deliberations:pdf_telecharger": Objet("deliberations.VersionPdf"),
    "subventions:annexe_pdf_telecharger": Objet("subventions.VersionAnnexe"),
    "pilotage:rapport_telecharger": Objet("pilotage.VersionRapportAnnuel"),
    "pilotage:financeurs_export": CENTRE,
    "pilotage:reunion_detail": REUNION,
    "pilotage:reunion_modifier": REUNION,
    "pilotage:reunion_compte_rendu": REUNION,
    "pilotage:reunion_compte_rendu_pdf": REUNION,
    "pilotage:reunion_participant_ajouter": REUNION,
    "pilotage:reunion_presences": REUNION,
    "pilotage:reunion_action_creer": REUNION,
    "pilotage:action_modifier": ACTION,
    "pilotage:action_statut": ACTION,
    "pilotage:veille_detail": DOSSIER_VEILLE,
    "pilotage:veille_plan_export": DOSSIER_VEILLE,
    "pilotage:veille_modifier": DOSSIER_VEILLE,
    "pilotage:veille_decider": DOSSIER_VEILLE,
    "pilotage:veille_plan": DOSSIER_VEILLE,
    "pilotage:veille_action_creer": DOSSIER_VEILLE,
    # linne — demandes
    "linne:demande_detail": Objet("linne.DemandeReservation"),
    "linne:demande_accepter": Objet("linne.DemandeReservation", {"statut": "recue", "nature": "ponctuelle"}),
    "linne:demande_refuser": Objet("linne.DemandeReservation", {"statut": "recue"}),
    "linne:voeu_attribuer": Objet("linne.Voeu", {"statut": "en_attente", "demande__statut": "recue"}),
    # linne — gestion
    "linne:salle_detail": SALLE_LINNE,
    "linne:salle_modifier": SALLE_LINNE,
    "linne:salle_horaires": SALLE_LINNE,
    "linne:salle_tarifs": SALLE_LINNE,
    "linne:fermeture_modifier": FERMETURE_LINNE,
    "linne:fermeture_supprimer": FERMETURE_LINNE,
    "linne:reservation_detail": RESERVATION_DE_SERIE,
    "linne:reservation_modifier": RESERVATION_DE_SERIE,
    "linne:reservation_annuler": RESERVATION_DE_SERIE,
    "linne:reservation_deplacer": RESERVATION_DE_SERIE,
    "linne:serie_detail": SERIE_LINNE,
    "linne:serie_annuler": SERIE_LINNE,
    "linne:serie_deplacer": SERIE_LINNE,
    # linne — fréquentation: a booking that took place (its snapshot taken by the demo)
    "linne:frequentation_saisir": Objet("linne.Reservation", {"statut": "confirmee", "frequentation__isnull": False}),
    # linne — planning: the demo's shifts (linne/demo_planning.py)
    "linne:creneau_modifier": Objet("linne.Creneau"),
    "linne:creneau_supprimer": Objet("linne.Creneau"),
    "linne:creneau_type_modifier": Objet("linne.CreneauType"),
    "linne:creneau_type_supprimer": Objet("linne.CreneauType"),
    # linne — the safety register: the demo's one incident is open, one of its actions still to do.
    "linne:type_controle_modifier": Objet("linne.TypeControle"),
    "linne:incident_detail": INCIDENT_LINNE,
    "linne:incident_modifier": INCIDENT_LINNE,
    "linne:action_incident_creer": INCIDENT_LINNE,
    "linne:action_incident_faite": Objet("linne.ActionIncident", {"faite_le__isnull": True}),
}

# The tabs of the centre page added by a higher app (roubaix_cs.extensions.onglets_centre) that read enough
# to be counted on their own: each is a page of its own, `démo centres:detail?onglet=<tab> <reader>`, opened
# by the readers who see the tab.
ONGLETS = {"centres:detail": ["financeurs", "veille"]}


# Pages whose object the demo does not have, with the reason: the factory-built guards cover them.
ABSENTES_DE_LA_DEMO = {
    "comptes:reactiver": "la démonstration n'a pas de compte fermé",
    "conventions:avenant_modifier": "les avenants de la démonstration sont signés",
    "conventions:avenant_montant_creer": "les avenants de la démonstration sont signés",
    "centres:visite_rapport_telecharger": "la démonstration ne génère pas de rapport de visite",
    "centres:visite_pdf": "la démonstration ne génère pas de rapport de visite",
    "subventions:annexe_pdf_telecharger": "la démonstration ne génère pas d'annexe budgétaire en PDF",
    "pilotage:rapport_telecharger": "la démonstration ne génère pas de rapport annuel en PDF",
    "deliberations:voter": "aucune délibération de la démonstration n'est prête pour la séance",
    "centres:indicateurs_import": "la démonstration ne dépose pas de fichier d'import",
    "centres:indicateurs_import_statut": "la démonstration ne dépose pas de fichier d'import",
    "pilotage:reunion_compte_rendu_fichier": "la démonstration ne dépose pas de compte rendu de réunion en fichier",
    "linne:justificatif_telecharger": "la démonstration ne dépose pas d'attestation d'assurance en fichier",
    "linne:evaluation_telecharger": "la démonstration ne génère pas l'évaluation de l'Espace Linné en PDF",
}


@dataclass(frozen=True)
class Page:
    nom: str  # the URL name
    persona: str  # a column of the matrix
    kwargs: dict = field(hash=False)
    onglet: str = ""  # a tab of the page (ONGLETS)

    @property
    def cle(self):
        """Its row in the guard's table of ceilings (tests/plafonds.py)."""
        return cle(self.nom, self.persona, self.onglet)

    @property
    def url(self):
        url = reverse(self.nom, kwargs=self.kwargs)
        return f"{url}?onglet={self.onglet}" if self.onglet else url

    @property
    def export(self):
        return "export" in self.nom or self.nom in {
            "subventions:scdl",
            "centres:ag_ics",
            "centres:indicateurs_modele",
            "linne:agenda_ics",
            *FLUX_PERSONNELS,
        }


def cle(nom, persona, onglet=""):
    """The row of a demo page in the guard's table of ceilings (tests/plafonds.py)."""
    return f"démo {nom}{f'?onglet={onglet}' if onglet else ''} {LECTEURS[persona]}"


def parametres(nom):
    """The keywords of the URL named `nom`."""
    resolver = get_resolver()
    espace, _, court = nom.rpartition(":")
    if espace:
        resolver = resolver.namespace_dict[espace][1]
    return set(resolver.reverse_dict.getlist(court)[0][0][0][1]) if court in resolver.reverse_dict else set()


def lisibles():
    """(URL name, persona) of every page a demo reader opens with 200, in the matrix's order."""
    for nom, regle in MATRIX.items():
        if nom in ABSENTES_DE_LA_DEMO:
            continue
        for persona in LECTEURS:
            if regle.get[PERSONAS.index(persona)] == 200:
                yield nom, persona


def onglets_lisibles():
    """(URL name, tab, persona) of every tab of ONGLETS that a demo reader opens: one who reads the page and
    sees the tab (otherwise the page would show its first tab instead)."""
    extensions = {onglet.code: onglet for onglet in onglets_centre()}
    for nom, codes in ONGLETS.items():
        for persona in LECTEURS:
            if MATRIX[nom].get[PERSONAS.index(persona)] != 200:
                continue
            lecteur = SimpleNamespace(is_authenticated=True, role=Role(persona))
            yield from ((nom, code, persona) for code in codes if extensions[code].visible(lecteur))


def le_plus_riche(queryset):
    """The pk of the object of `queryset` with the most related rows (all its reverse relations
    counted, one query each so that no join multiplies another), the lowest pk on a tie; or None."""
    totaux = Counter(dict.fromkeys(queryset.values_list("pk", flat=True), 0))
    if not totaux:
        return None
    for relation in queryset.model._meta.related_objects:
        if relation.one_to_many or relation.many_to_many:
            comptes = queryset.annotate(_n=Count(relation.name)).values_list("pk", "_n")
            totaux.update(dict(comptes))
    return min(totaux, key=lambda pk: (-totaux[pk], pk))


class Choix:
    """The objects of the pages, chosen once per model, filter and reader."""

    def __init__(self, users):
        self.users = users
        self._faits = {}

    def kwargs(self, nom, persona):
        """The URL keywords of page `nom` for `persona`, or None when it has no object to open."""
        if nom in CONSTANTES:
            return CONSTANTES[nom]()
        if "export" in nom and nom != "pilotage:donnees_personnelles_export":
            if parametres(nom) == {"fmt"}:
                return {"fmt": FORMAT_EXPORT}
            objet = self._objet(nom, persona)  # the export of one object's table
            return None if objet is None else {**objet, "fmt": FORMAT_EXPORT}
        if not parametres(nom):
            return {}
        return self._objet(nom, persona)

    def _objet(self, nom, persona):
        objet = OBJETS.get(nom)
        if objet is None:
            return None  # tests/test_requetes_demo.py asks for its row in OBJETS
        cle = (objet.modele, repr(sorted(objet.filtre.items())), persona)
        if cle not in self._faits:
            modele = apps.get_model(objet.modele)
            queryset = modele._default_manager.filter(**objet.filtre)
            if hasattr(queryset, "visibles_par"):
                queryset = queryset.visibles_par(self.users[persona])
            self._faits[cle] = le_plus_riche(queryset)
        pk = self._faits[cle]
        return None if pk is None else {objet.parametre: pk}


def pages(users):
    """Every page opened on the data now in the database, for the demo `users` {username: User}."""
    lecteurs = {persona: users[nom] for persona, nom in LECTEURS.items()}
    choix = Choix(lecteurs)
    trouvees = []
    for nom, persona in lisibles():
        kwargs = choix.kwargs(nom, persona)
        if kwargs is not None:
            trouvees.append(Page(nom, persona, kwargs))
    for nom, onglet, persona in onglets_lisibles():
        kwargs = choix.kwargs(nom, persona)
        if kwargs is not None:
            trouvees.append(Page(nom, persona, kwargs, onglet))
    return trouvees + flux_personnels(lecteurs)


# The feeds read at a secret address, not by a logged-in reader (the matrix sees them answer 404 to an
# unknown address): opened at the address of the demo readers who have one (pilotage/demo.py).
FLUX_PERSONNELS = {"pilotage:calendrier_ics": ["responsable"]}


def flux_personnels(lecteurs):
    """The pages of the personal feeds, each at its reader's secret address."""
    jetons = apps.get_model("comptes.JetonCalendrier")._default_manager.filter(revoque_le__isnull=True)
    par_user = dict(jetons.values_list("user_id", "jeton"))
    return [
        Page(nom, persona, {"jeton": par_user[lecteurs[persona].pk]})
        for nom, personas in FLUX_PERSONNELS.items()
        for persona in personas
        if lecteurs[persona].pk in par_user
    ]


def jour_de_la_demo():
    """The day the demo data is built and read on, for repeatable counts."""
    return datetime.datetime(2026, 12, 1, 9, 0)
