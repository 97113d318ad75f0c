"""Who reads each free text of the project (DESIGN.md §2), the classification the marker walk checks
(tests/test_marqueurs_partenaires.py).

Every text field (CharField, TextField) without choices of every model of the project's apps is in one
class, per model:

- INTERNE: the team's alone (notes, instruction analyses, working remarks): never shown to an élu or
  a partner, on no page, export, PDF or calendar feed.
- ELUS: the élus read it (in what their pages show), partners never.
- PARTENAIRES: partners read it, for the records in their scope; élus never (the Cellule de veille's
  files: CV-3, élus read only the levels and their counts).
- LECTEURS: élus and partners read it (partners for the records in their scope).
- HORS_TEXTE: not a text the service writes (identifiers, codes, hashes, tokens, file names, messages
  of a background job): not marked. Each with its reason.

Which records a reader may read is the model's own rule (`visibles_par`, `roubaix_cs.lecture`); a
model without one follows the record it belongs to (tests/marqueurs.py: PORTEE). The reason of a change
in a record's history (`history_change_reason`: a workflow step's motive) is marked too, read by those
who read the record's texts.

A new model or a new text field fails `test_every_free_text_is_classified` until it is added here.
"""

INTERNE = "interne"
ELUS = "elus"
PARTENAIRES = "partenaires"
LECTEURS = "lecteurs"
HORS_TEXTE = "hors_texte"

# The readers of each class among the read-only roles the walk opens pages as.
LECTEURS_DE = {
    INTERNE: frozenset(),
    ELUS: frozenset({"elu"}),
    PARTENAIRES: frozenset({"partenaire"}),
    LECTEURS: frozenset({"elu", "partenaire"}),
}

CHAMPS = {
    # --- comptes -----------------------------------------------------------------------------------
    "comptes.Organisation": {
        LECTEURS: ["nom"],
        HORS_TEXTE: ["siret"],
    },
    "comptes.User": {
        # Accounts: login and identity, not a text of the service.
        HORS_TEXTE: ["password", "username", "first_name", "last_name"],
    },
    "comptes.JetonCalendrier": {HORS_TEXTE: ["jeton"]},  # a secret address
    "comptes.SequenceCalendrier": {HORS_TEXTE: ["uid", "empreinte"]},  # an ICS event's UID and hash
    # --- centres -----------------------------------------------------------------------------------
    "centres.Centre": {
        INTERNE: ["notes_internes"],
        LECTEURS: ["nom", "nom_court", "adresse", "commune"],
        HORS_TEXTE: ["siret", "rna", "code_postal", "code_qpv", "telephone"],
    },
    "centres.Direction": {LECTEURS: ["prenom", "nom"]},  # the director in post: public governance data
    "centres.Contact": {
        LECTEURS: ["prenom", "nom", "fonction"],
        HORS_TEXTE: ["telephone"],
    },
    # The team's working notes on an agrément (centres.permissions).
    "centres.Agrement": {INTERNE: ["observations"]},
    # Premises: the service and the élus, never partners; their observations are read with them.
    "centres.Local": {
        ELUS: ["nom", "adresse", "autre_occupant", "methode_valeur", "observations"],
        HORS_TEXTE: ["erp_type", "erp_categorie"],  # codes of the safety regulation
    },
    "centres.Travaux": {
        ELUS: ["objet", "entreprise"],
        INTERNE: ["observations"],  # the team's working notes on a project
    },
    "centres.AssembleeGenerale": {
        LECTEURS: ["lieu"],
        INTERNE: ["compte_rendu"],  # the team's minutes of the assembly it attended
    },
    # ACM/LALP visits: the team and the élus, who read the visit report (centres.permissions).
    "centres.Visite": {
        ELUS: ["observations"],
        HORS_TEXTE: ["recepisse"],  # a declaration number
    },
    "centres.ActionSuivi": {ELUS: ["libelle", "porteur", "commentaire"]},
    "centres.GenerationRapport": {HORS_TEXTE: ["erreur"]},  # a background job's error
    "centres.VersionRapport": {HORS_TEXTE: ["sha256"]},
    "centres.Document": {
        LECTEURS: ["titre", "nom_original"],  # the public documents (Document.visibles_par)
        HORS_TEXTE: ["type_mime", "sha256"],
    },
    "centres.IndicateursAnnuels": {INTERNE: ["notes_internes"]},
    # An import is the team's work: its file's name is never shown to a reader.
    "centres.ImportIndicateurs": {
        INTERNE: ["nom_original"],
        HORS_TEXTE: ["erreur"],
    },
    # --- conventions -------------------------------------------------------------------------------
    "conventions.Convention": {
        LECTEURS: ["objet", "motif_fin"],
        INTERNE: ["notes_internes", "juridique_remarques"],  # the legal service's remarks are the team's
        HORS_TEXTE: ["modele_version", "deliberation_numero"],  # references
    },
    "conventions.Partie": {LECTEURS: ["signataire"]},
    "conventions.Objectif": {LECTEURS: ["intitule", "indicateur", "unite"]},
    "conventions.Evaluation": {LECTEURS: ["synthese"]},  # the evaluation shared with the parties
    "conventions.Avenant": {
        LECTEURS: ["objet", "nouvel_objet"],
        HORS_TEXTE: ["deliberation_numero"],
    },
    # --- subventions -------------------------------------------------------------------------------
    "subventions.LigneBudgetaire": {
        ELUS: ["libelle"],
        HORS_TEXTE: ["chapitre", "compte", "fonction"],  # M57 codes
    },
    "subventions.Dispositif": {
        ELUS: ["nom", "description"],
        HORS_TEXTE: ["identifiant"],  # the national aid identifier (SCDL)
    },
    # Grants: the team and the élus; the instruction's analysis and the reason of a CRF override are
    # the team's (subventions.permissions).
    "subventions.DemandeSubvention": {
        ELUS: ["objet", "cofinanceurs"],
        INTERNE: ["note_analyse", "derogation_crf_motif"],
        HORS_TEXTE: ["deliberation_numero"],
    },
    "subventions.Versement": {HORS_TEXTE: ["reference"]},  # the accounting reference of a payment
    "subventions.CompteRenduFinancier": {INTERNE: ["commentaire"]},  # the analysis of its gaps
    "subventions.LigneCRF": {INTERNE: ["libelle"]},  # the report's lines: the team's report page only
    "subventions.PublicationDonnees": {HORS_TEXTE: ["sha256"]},
    "subventions.VersionAnnexe": {HORS_TEXTE: ["sha256"]},
    "subventions.GenerationAnnexe": {HORS_TEXTE: ["erreur"]},
    # --- deliberations -----------------------------------------------------------------------------
    "deliberations.Seance": {ELUS: ["lieu", "secretaire"]},
    "deliberations.Mandat": {ELUS: ["fonction"]},
    "deliberations.Deliberation": {
        ELUS: ["objet", "commission", "visas", "considerants", "articles"],
        HORS_TEXTE: ["ar_actes"],  # the prefecture's acknowledgement number
    },
    "deliberations.VersionPdf": {HORS_TEXTE: ["sha256"]},
    "deliberations.GenerationPdf": {HORS_TEXTE: ["erreur"]},
    # --- pilotage ----------------------------------------------------------------------------------
    # Each alert is its recipient's own, its text made from a deadline (the service's alerts only).
    "pilotage.Alerte": {HORS_TEXTE: ["kind", "threshold", "object_key", "label", "url"]},
    "pilotage.PreferenceAlerte": {HORS_TEXTE: ["kind"]},
    "pilotage.VersionRapportAnnuel": {HORS_TEXTE: ["sha256"]},
    "pilotage.GenerationRapportAnnuel": {HORS_TEXTE: ["erreur"]},
    # Meetings: partners read those their organisation takes part in (CV-3); anyone convened, an élu
    # to the copil politique say, reads the convocation (title, place, agenda) of their meetings in their
    # calendar; the minutes and decisions are the partners' in scope, never the élus' (they read no
    # meeting: Reunion.visibles_par); the notes are the team's.
    "pilotage.Reunion": {
        LECTEURS: ["titre", "lieu", "ordre_du_jour"],
        PARTENAIRES: ["compte_rendu", "decisions"],
        INTERNE: ["notes_internes"],
    },
    "pilotage.ParticipantReunion": {LECTEURS: ["nom"]},  # who is convened: part of the convocation
    # An action decided by a meeting: its follow-up is shared with the partners who read the meeting
    # or the file (a partner organisation may own it).
    "pilotage.Action": {PARTENAIRES: ["libelle", "commentaire"]},
    # A Cellule de veille file: the cellule's partner members read all of it but the team's notes
    # (CV-3); the élus read only its level and the counts by level, never its content.
    "pilotage.SituationVeille": {
        PARTENAIRES: ["motif", "analyse", "conflits_sociaux"],
        INTERNE: ["notes_internes"],
    },
    "pilotage.DecisionNiveau": {PARTENAIRES: ["motifs"]},
    "pilotage.LignePlanTresorerie": {PARTENAIRES: ["commentaire"]},
    "pilotage.LectureSituation": {HORS_TEXTE: ["page"]},  # the name of the page read (CV-3's trace)
    # --- linne ---------------------------------------------------------------------------------------
    # Espace Linné: the service runs it, the élus read it, partners see nothing of it but the public
    # pages (a room's name, and a public event's organisation, purpose and time on the public agenda).
    # The contacts' names and telephones are personal data the service alone reads.
    "linne.Salle": {LECTEURS: ["nom"], ELUS: ["description", "equipements", "accessibilite"]},
    "linne.Fermeture": {ELUS: ["libelle"]},
    "linne.Serie": {ELUS: ["objet"], INTERNE: ["contact_nom", "contact_telephone"], HORS_TEXTE: ["jours"]},
    "linne.DateIgnoree": {ELUS: ["motif"]},
    "linne.DemandeReservation": {
        ELUS: ["nom_organisation", "objet"],
        INTERNE: ["contact_nom", "contact_telephone", "message", "motif_refus"],
        HORS_TEXTE: ["siret", "rna", "empreinte_adresse"],  # identifiers, and a keyed hash of an address
    },
    "linne.Justificatif": {HORS_TEXTE: ["nom_fichier", "sha256"]},
    # A booking's purpose: a public event's is on the public agenda, for anyone (partners included).
    "linne.Reservation": {
        LECTEURS: ["objet"],
        ELUS: ["motif"],
        INTERNE: ["contact_nom", "contact_telephone", "notes_internes"],
    },
    # The running half: the élus read the statistics (organisations hosted) and the evaluation; the rota
    # and the safety register are the service's alone.
    "linne.Frequentation": {ELUS: ["organisation_nom"], HORS_TEXTE: ["nature_organisation"]},
    "linne.Evaluation": {ELUS: ["bilan", "perspectives"]},
    "linne.VersionEvaluation": {HORS_TEXTE: ["sha256"]},
    "linne.GenerationEvaluation": {HORS_TEXTE: ["erreur"]},
    "linne.Creneau": {INTERNE: ["note"]},
    "linne.TypeControle": {INTERNE: ["nom", "reference", "intervenant"]},
    "linne.Controle": {INTERNE: ["intervenant", "observations"]},
    "linne.VisiteCommission": {INTERNE: ["prescriptions"]},
    "linne.Incident": {INTERNE: ["description", "mesures_immediates"]},
    "linne.ActionIncident": {INTERNE: ["libelle"]},
}

# The reason of a change in a record's history (a workflow step's motive): read with the history, by
# whoever reads the record's texts (LECTEURS for a model whose texts are all the team's or no text).
MOTIF_D_HISTORIQUE = "history_change_reason"


def classe(label, champ):
    """The class of field `champ` of the model `label` (« centres.Centre »), or None when unclassified."""
    for nom_classe, champs in CHAMPS.get(label, {}).items():
        if champ in champs:
            return nom_classe
    return None


def lecteurs(label, champ):
    """The read-only roles (« elu », « partenaire ») that may read field `champ` of model `label`."""
    if champ == MOTIF_D_HISTORIQUE:
        roles = frozenset().union(*(LECTEURS_DE.get(c, frozenset()) for c in CHAMPS.get(label, {})))
        return roles or LECTEURS_DE[LECTEURS]
    return LECTEURS_DE[classe(label, champ)]
