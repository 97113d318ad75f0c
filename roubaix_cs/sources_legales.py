"""The legal sources of the rules, in the words users read (../shared/reference/domain-rules.md).

Rule codes (SUB-3, DEL-4, LOC-2…) stay in comments, docstrings and test names; what reaches a user
names the rule and its source in plain French, from these constants, so each source is written once.
"""

# SUB-2, LOC-2 — A subsidy may be in kind (premises lent free or below their value).
LOI_2000_321_ART_9_1 = "loi n° 2000-321 du 12 avril 2000, art. 9-1"
# SUB-3, SUB-4 — Convention above 23 000 € a year; compte rendu financier within 6 months.
LOI_2000_321_ART_10 = "loi n° 2000-321 du 12 avril 2000, art. 10"
# SUB-11 — Contrat d'engagement républicain.
LOI_2000_321_ART_10_1 = "loi n° 2000-321 du 12 avril 2000, art. 10-1"
# SUB-5 — Content of the compte rendu financier.
ARRETE_CRF = "arrêté du 11 octobre 2006 relatif au compte rendu financier"
# SUB-6 — Inspection; no passing the subsidy on to others.
CGCT_L1611_4 = "article L1611-4 du code général des collectivités territoriales"
# DEL-4, DEL-6, SUB-14 — A délibération is exécutoire once published and transmitted to the préfet.
CGCT_L2131_1 = "article L2131-1 du code général des collectivités territoriales"
# SUB-13 — An élu with an interest in the beneficiary takes no part.
CGCT_L2131_11 = "article L2131-11 du code général des collectivités territoriales"
# SUB-1, CPO-2, CPO-5 — The council grants subsidies by a délibération of its own.
CGCT_L2311_7 = "article L2311-7 du code général des collectivités territoriales"
# SUB-7 — Certified accounts of the main beneficiaries.
CGCT_L2313_1 = "article L2313-1 du code général des collectivités territoriales"
# SUB-8 — Auditor and published accounts above 153 000 € of public cash subsidies.
CCOM_L612_4 = "article L612-4 du code de commerce"
# SUB-12, CPO-1, CPO-3, CPO-4, CPO-5 — Model multi-year conventions (CPO).
CIRCULAIRE_CPO = "circulaire du Premier ministre du 29 septembre 2015"
# SUB-15 — Budget imputation of subsidies.
M57 = "instruction budgétaire et comptable M57"
# ACM-3 — Staffing ratios of the accueils collectifs de mineurs.
CASF_TAUX_ENCADREMENT = "code de l'action sociale et des familles, art. R227-15 et R227-16"
# ACM-4 — Qualification of the animators, then of the director.
CASF_QUALIFICATION = "code de l'action sociale et des familles, art. R227-12"
CASF_DIRECTION = "code de l'action sociale et des familles, art. R227-14"
# Cellule de veille (domain-rules §6) — The auditor's alert procedure when the continuity of the association
# is at risk; the auditor's certification of the accounts (with or without reserves, refusal, impossibility).
CCOM_L612_3 = "article L612-3 du code de commerce"
CCOM_L823_9 = "article L823-9 du code de commerce"
# AVS-1, Cellule de veille — The CAF's agrément of a centre social (animation globale).
CIRCULAIRE_CNAF_2012 = "circulaire CNAF n° 2012-013 du 20 juin 2012"
