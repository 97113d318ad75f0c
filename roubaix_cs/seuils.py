"""Legal and practice thresholds, each with its source (../shared/reference/domain-rules.md).

Never write these numbers as literals elsewhere in the code.
"""

import datetime
from decimal import Decimal

# AVS-1 — Agrément CNAF « animation de la vie sociale » : décidé par le conseil
# d'administration de la CAF pour 1 à 4 ans (circulaire CNAF 2012-013 du 20/06/2012).
AGREMENT_DUREE_MIN_MOIS = 1
AGREMENT_DUREE_MAX_MOIS = 48

# AVS-3 — Rétro-planning du renouvellement du projet social (pratique des CAF) :
# alertes à M-14, M-12, M-6 et M-3 avant la fin de l'agrément.
AGREMENT_ALERTES_MOIS = (14, 12, 6, 3)
# Horizon of the "agrément ending within N months" filter and of the home page.
AGREMENT_HORIZON_DEFAUT_MOIS = 12
# Home page of the team: deadlines falling within this many days (practice, no legal value).
ACCUEIL_ECHEANCES_JOURS = 120

# CV-2 — Cellule de veille : un dossier au niveau « alerte » (ou « critique ») se réunit au moins tous
# les 45 jours (domain-rules §6, `FREQ_ALERTE`, valeur par défaut du paramètre ; pratique de la cellule,
# sans valeur légale). Réglage VEILLE_FREQUENCE_ALERTE_JOURS.
VEILLE_FREQUENCE_ALERTE_JOURS_DEFAUT = 45
# AVS-8 — Instances de gouvernance de Roubaix (fiche de poste de la responsable ; domain-rules §1) : un copil
# stratégique 3 à 4 fois par an, un copil politique une fois par an. Une année civile avec moins de 3 copils
# stratégiques ou sans copil politique (réunions tenues ou prévues, les annulées ne comptent pas) est signalée.
# Avertissement, non bloquant.
COPIL_STRAT_MIN = 3
COPIL_POLITIQUE_MIN = 1
# Actions décidées en réunion (copils, cellule de veille ; CV-2 pour les plans d'action) : alerte 7 jours avant
# leur échéance, puis une nouvelle alerte une fois l'échéance dépassée (pratique du service).
ACTION_REUNION_ALERTE_JOURS = 7

# Assemblée générale : signal de gouvernance de la Cellule de veille (domain-rules §6) —
# AG (approbation des comptes de l'exercice N) non tenue dans les 6 mois suivant la clôture.
AG_DELAI_MOIS_APRES_EXERCICE = 6

# ACM-3 — Taux d'encadrement des accueils collectifs de mineurs (CASF R227-16 ; décret
# 2016-1051 pour le périscolaire avec PEDT) : (mineurs de moins de 6 ans, de 6 ans et plus)
# par animateur.
ACM_TAUX_ENCADREMENT = {
    "extrascolaire": (8, 12),
    "periscolaire": (10, 14),
    "periscolaire_pedt": (14, 18),
}
# ACM-4 — Qualification de l'équipe (CASF R227-12, R227-13, R227-14) : au moins 50 %
# d'animateurs qualifiés (BAFA ou équivalent), au plus 20 % sans qualification (une personne
# pour une équipe de 3 ou 4) ; le directeur compte dans l'effectif d'encadrement seulement
# jusqu'à 50 mineurs.
ACM_QUALIFIES_MIN_PCT = 50
ACM_NON_QUALIFIES_MAX_PCT = 20
ACM_EQUIPE_PETITE = (3, 4)
ACM_DIRECTEUR_COMPTE_JUSQUA = 50

# SEN-2 — Indicateurs annuels (SENACS) : la somme des produits par financeur égale le total des
# produits, à 1 € près (arrondis) (domain-rules §2). Avertissement, non bloquant.
ECART_PRODUITS_MAX = Decimal("1")
# SEN-2 — Les parts des financeurs dans les produits du centre, arrondies au dixième, totalisent 100 %
# à 0,5 point près (domain-rules §2). Avertissement, non bloquant.
ECART_PARTS_MAX_PCT = Decimal("0.5")
# DEPENDANCE — Cellule de veille (domain-rules §6) : part du premier financeur dans les produits du centre ;
# orange strictement au-delà de 50 % (50 % tout juste ne l'est pas), vert en deçà. Signal, non bloquant.
DEPENDANCE_MAX_PCT = 50
# Cellule de veille — indicateurs financiers (domain-rules §6, pratique des financeurs : diagnostic par le fonds
# de roulement, le besoin en fonds de roulement et la trésorerie ; valeurs par défaut des partenaires de la
# cellule). Rouge strictement en deçà du seuil rouge, vert à partir du seuil vert, orange entre les deux.
# TRESO_J — trésorerie nette en jours de charges décaissables : rouge < 30 j, orange 30 à 90 j, vert ≥ 90 j.
VEILLE_TRESORERIE_ROUGE_JOURS = 30
VEILLE_TRESORERIE_VERT_JOURS = 90
# FP_MOIS — fonds propres en mois de charges : rouge < 0, orange 0 à 3 mois, vert ≥ 3 mois.
VEILLE_FONDS_PROPRES_ROUGE_MOIS = 0
VEILLE_FONDS_PROPRES_VERT_MOIS = 3
# FR_J — fonds de roulement en jours de charges : rouge < 0, orange 0 à 60 j, vert ≥ 60 j.
VEILLE_FONDS_ROULEMENT_ROUGE_JOURS = 0
VEILLE_FONDS_ROULEMENT_VERT_JOURS = 60
# RESULTAT — résultat net / produits : rouge pour deux déficits de suite ou un déficit de plus de 5 % des
# produits, orange pour un déficit, vert à l'équilibre ou en excédent.
VEILLE_DEFICIT_ROUGE_PCT = 5
# MASSE_SAL — masse salariale / charges : orange strictement au-delà de 80 %.
VEILLE_MASSE_SALARIALE_MAX_PCT = 80
# DELAI_FIN — subventions à recevoir en jours de produits : orange strictement au-delà de 90 jours.
VEILLE_DELAI_FINANCEMENT_MAX_JOURS = 90
# Cellule de veille — signaux de gouvernance (domain-rules §6) : poste de direction vacant depuis plus de
# 3 mois (rouge ; orange avant, pratique du service) ; 2 directions ou plus en poste sur les 3 dernières
# années (orange).
VEILLE_DIRECTION_VACANTE_MOIS = 3
VEILLE_ROTATION_DIRECTION_ANNEES = 3
VEILLE_ROTATION_DIRECTION_NOMBRE = 2
# Agrément CAF d'animation globale expiré, ou finissant dans les 24 mois (orange ; domain-rules §6).
VEILLE_AGREMENT_FIN_PROCHE_MOIS = 24
# CV-1 — Niveau calculé proposé à la cellule : le plus haut des signaux (orange : vigilance, rouge : alerte),
# et « critique » à partir de 3 signaux rouges (pratique du service ; la cellule décide du niveau officiel).
VEILLE_ROUGES_CRITIQUE = 3
# Les indicateurs annuels lus pour les signaux : ceux des 3 derniers exercices (CV-4 : N-2..N).
VEILLE_ANNEES_LUES = 3
# SEN-4 — Indicateurs annuels (SENACS) : une variation de plus de 30 % d'une année sur l'autre des
# charges totales, des ETP ou des usagers est signalée (domain-rules §2, `VAR_MAX`) ; strictement
# plus : une variation de 30 % tout juste ne l'est pas. Avertissement, non bloquant.
VAR_MAX = 30
# Import des indicateurs : au-delà de ce nombre de lignes, l'import se fait en tâche de fond avec sa
# progression affichée (choix du service : une centaine de lignes s'écrit en moins d'une seconde).
IMPORT_SYNCHRONE_MAX_LIGNES = 200

# Coffre-fort de documents : taille maximale d'un fichier déposé (choix du service).
DOCUMENT_TAILLE_MAX_OCTETS = 10 * 1024 * 1024
# Documents qui expirent : alerte avant la fin de validité (pratique, sans valeur légale).
DOCUMENT_ALERTE_JOURS = 30
# Commission de sécurité (ERP) : alerte avant la prochaine visite (pratique).
COMMISSION_SECURITE_ALERTE_JOURS = 60

# CPO-1 — Convention pluriannuelle d'objectifs : 4 ans au plus (circulaire du Premier
# ministre n° 5811/SG du 29/09/2015, modèles de CPO).
CPOM_DUREE_MAX_MOIS = 48
# CPO-3 — Avance d'une année : au plus 50 % du montant de l'année précédente (circulaire
# 2015 ; historiquement avant le 31/03). Avertissement, non bloquant.
AVANCE_MAX_PCT = 50
# CPO-4 — Renouvellement : une évaluation doit exister au moins 3 mois avant la fin.
EVALUATION_PREAVIS_MOIS = 3
# CPO-4 — Alerte avant cette date limite, 3 mois plus tôt (vers M-6 de la fin ; pratique du service). Comptée
# en jours (seuil « J-N ») pour que l'alerte garde la date limite pour échéance ; 92 jours, les trois mois
# les plus longs (juillet-septembre), pour qu'elle arrive toujours au moins 3 mois avant la limite.
EVALUATION_ALERTE_JOURS = 92
# Fin d'une convention signée (fin reportée par ses avenants signés) : alertes à M-6 et M-3 pour
# préparer son renouvellement ou sa fin (pratique du service, sans valeur légale ; le M-3 rejoint
# l'échéance de l'évaluation de CPO-4).
CONVENTION_ALERTES_MOIS = (6, 3)
# Tableau de bord des élus : les conventions en vigueur finissant dans les 12 mois (fin reportée par
# les avenants signés), pour décider à temps de leur renouvellement (pratique du service).
CONVENTION_HORIZON_MOIS = 12
# SUB-3 — Convention obligatoire au-delà de 23 000 € d'aide annuelle (numéraire + nature
# valorisée), strictement supérieur (loi 2000-321 art. 10 ; décret 2001-495 art. 1).
SEUIL_CONVENTION = Decimal("23000")

# SUB-4 — Compte rendu financier (CERFA 15059) dû dans les 6 mois suivant la fin de l'exercice
# financé (loi 2000-321 art. 10) : le 30 juin N+1 pour l'exercice N (exercice = année civile).
CRF_DELAI_MOIS = 6
# SUB-4 — Alerte avant l'échéance du compte rendu financier (pratique).
CRF_ALERTE_JOURS = 30
# Instruction des demandes (pratique du service, sans valeur légale) : une demande reçue ou en
# instruction sans aucune modification depuis 30 jours, une proposition qui attend la validation de
# la responsable depuis 7 jours, sont signalées.
DEMANDE_SANS_SUITE_JOURS = 30
PROPOSITION_EN_ATTENTE_JOURS = 7
# SUB-5 — Écart budget / réalisé du CRF au-delà duquel une explication est attendue (pratique
# du service, sans valeur légale).
ECART_CRF_PCT = 15
# SUB-7 — Bilan certifié exigé (CGCT L2313-1) des organismes recevant plus de 75 000 € de la
# Ville, ou dont la Ville assure plus de 50 % des produits.
BILAN_CERTIFIE_SEUIL = Decimal("75000")
BILAN_CERTIFIE_PART_PRODUITS_PCT = 50
# SUB-8 — Commissaire aux comptes et publication des comptes au-delà de 153 000 € de
# subventions publiques en numéraire par an (C. com. L612-4 ; décret 2009-540).
CAC_SEUIL_SUBVENTIONS = Decimal("153000")
# SUB-9 — Données essentielles des conventions de subvention (loi 2016-1321 art. 18 ; décret
# 2017-779 du 5 mai 2017 ; arrêté du 17 novembre 2017) : une convention signée à partir du 1er août
# 2017 dont la subvention dépasse 23 000 € (strictement) est publiée, gratuitement, dans les 3 mois
# suivant sa signature (format SCDL « subventions »).
DONNEES_ESSENTIELLES_SEUIL = Decimal("23000")
DONNEES_ESSENTIELLES_DELAI_MOIS = 3
DONNEES_ESSENTIELLES_DEPUIS = datetime.date(2017, 8, 1)
# SUB-9 — Alerte 30 jours avant la fin de ce délai, comme pour le compte rendu financier (pratique), pour
# publier à temps plutôt qu'apprendre le retard le dernier jour.
DONNEES_ESSENTIELLES_ALERTE_JOURS = 30

# DEL-1 — Convocation du conseil municipal au moins 5 jours francs avant la séance ; en cas
# d'urgence, le maire peut abréger ce délai sans qu'il soit inférieur à un jour franc, et le conseil
# se prononce sur l'urgence à l'ouverture de la séance (CGCT L2121-12).
CONVOCATION_JOURS_FRANCS = 5
CONVOCATION_URGENCE_JOURS_FRANCS = 1

# DEL-4 — Une délibération est exécutoire une fois publiée et transmise au préfet (CGCT L2131-1) ; la
# loi ne fixe pas de délai de transmission, le service la fait dans les 15 jours du vote (pratique).
# Réglage DELAI_TRANSMISSION_PREFECTURE_JOURS.
TRANSMISSION_PREFECTURE_JOURS_PRATIQUE = 15

# DEL-2 — Effectif légal du conseil municipal : 53 membres pour une commune de 80 000 à 99 999
# habitants (CGCT L2121-2), Roubaix (≈ 98 000). Réglage CONSEIL_MUNICIPAL_MEMBRES ; les membres en
# exercice peuvent être moins nombreux quand des sièges sont vacants.
CONSEIL_MUNICIPAL_MEMBRES_ROUBAIX = 53

# Espace Linné — les demandes de salle du public (choix du service, sans valeur légale).
# Les régisseurs répondent à une demande dans les 10 jours de sa réception : l'alerte naît le jour de la
# réception (seuil « J-10 »), l'échéance est le dixième jour.
DEMANDE_SALLE_REPONSE_JOURS = 10
# Une association demande une ou deux salles à la fois : au-delà de 5 demandes enregistrées en une heure
# depuis une même adresse, c'est un envoi automatisé ; la demande suivante est refusée pour l'heure.
DEMANDES_SALLE_PAR_ADRESSE_PAR_HEURE = 5
# Une réservation ponctuelle se demande au plus un an à l'avance (au-delà, les saisons ne sont pas ouvertes).
DEMANDE_SALLE_HORIZON_JOURS = 365
# L'attestation d'assurance : un PDF ou une image de quelques pages, 5 Mo au plus.
DEMANDE_SALLE_ASSURANCE_MAX_OCTETS = 5 * 1024 * 1024
# La demande entière (le formulaire et l'attestation) : l'attestation et 1 Mo de texte ; au-delà, elle est
# refusée sans être lue.
DEMANDE_SALLE_TAILLE_MAX_OCTETS = DEMANDE_SALLE_ASSURANCE_MAX_OCTETS + 1024 * 1024
# Les précisions libres d'une demande : une page de texte.
DEMANDE_SALLE_MESSAGE_MAX_CARACTERES = 3000
# Le rappel d'une réservation confirmée part 2 jours avant (le matin, avec les autres tâches du jour).
RAPPEL_RESERVATION_JOURS = 2

# Espace Linné — l'exploitation (choix du service, sans valeur légale sauf mention).
# Au-delà de cet effectif attendu, deux régisseurs sont présents : l'un reste à l'accueil et aux issues,
# l'autre dans la salle, pour donner l'alarme et guider l'évacuation pendant que l'autre appelle les secours
# (le règlement de sécurité ERP, arrêté du 25 juin 1980, art. MS 46, confie la sécurité incendie à un
# personnel désigné ; le nombre est le choix du service pour ses salles de 5e catégorie).
EFFECTIF_DEUX_REGISSEURS = 50
# Les heures non couvertes du planning des régisseurs deviennent une échéance à cet horizon.
PLANNING_HORIZON_JOURS = 14
# Un contrôle périodique de sécurité alerte ce nombre de jours avant sa date limite.
CONTROLE_SECURITE_ALERTE_JOURS = 30
