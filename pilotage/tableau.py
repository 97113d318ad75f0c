"""The élus' dashboard as a spreadsheet: one sheet per table of the page, from the same `ChiffresAnnee`."""

from roubaix_cs import xlsx

from .chiffres import CHIFFRES_CLES, ChiffresAnnee

TITRES_SUBVENTIONS = ["Bénéficiaire", "Centre", "Nature", "Subventions votées", "Montant voté", "Versé"]


def _subventions(chiffres):
    s = chiffres.subventions
    natures = dict(s.natures)
    for beneficiaire in s.beneficiaires:
        for centre in beneficiaire.centres:
            for code, _ in s.natures:
                if (m := centre.par_nature.get(code)) is not None:
                    yield [beneficiaire.nom, centre.nom, natures[code], m.nombre, m.vote, m.verse]
            yield [
                beneficiaire.nom,
                centre.nom,
                "Total du centre",
                centre.total.nombre,
                centre.total.vote,
                centre.total.verse,
            ]
        if beneficiaire.plusieurs_centres:
            t = beneficiaire.total
            yield [beneficiaire.nom, "", "Total du bénéficiaire", t.nombre, t.vote, t.verse]
    for code, libelle in s.natures:
        if (m := s.par_nature.get(code)) is not None:
            yield ["Tous", "", libelle, m.nombre, m.vote, m.verse]
    yield ["Tous", "", "Total", s.total.nombre, s.total.vote, s.total.verse]


TITRES_BUDGET = ["Ligne", "Imputation", "Crédits votés", "Crédits ouverts", "Engagé", "Payé", "Disponible"]


def _budget(chiffres):
    b = chiffres.budget
    for ligne in [*b.lignes, *([b.total] if b.total else [])]:
        yield [
            ligne.libelle,
            ligne.imputation,
            ligne.credits_votes,
            ligne.credits_ouverts,
            ligne.engage,
            ligne.paye,
            ligne.disponible,
        ]


def _conventions(chiffres):
    c = chiffres.conventions
    yield from ([s.libelle, s.nombre] for s in c.par_statut)
    yield ["Total", c.total.nombre]


TITRES_FINISSANT = ["Convention", "Objet", "Statut", "Fin (avenants compris)", "Fin initiale"]


def _finissant(chiffres):
    for c in chiffres.conventions.finissant:
        yield [c.nom, c.objet, c.libelle_statut, c.fin, c.fin_initiale]


def _titres_centres(chiffres):
    annee = chiffres.centres.annee
    titres = ["Centre"]
    for _, libelle, _ in CHIFFRES_CLES:
        titres += [f"{libelle} {annee}", f"{libelle} {annee - 1}", f"{libelle} : variation (%)"]
    return titres


def _centres(chiffres):
    c = chiffres.centres
    for centre in [*c.centres, c.total]:
        ligne = [centre.nom]
        for _, _, evolution in centre.colonnes:
            ligne += [evolution.valeur, evolution.precedente, evolution.variation]
        yield ligne


TITRES_SEANCE = ["Délibération", "Objet", "Nature", "Statut", "Subventions", "Montant proposé"]


def _seance(chiffres):
    s = chiffres.seance
    for d in s.deliberations:
        yield [d.reference, d.objet, d.nature, d.libelle_statut, d.nb_demandes, d.total_propose]
    yield ["Total", "", "", "", s.nb_demandes, s.total_propose]


TITRES_VEILLE = ["Centre", "Niveau officiel", "Décidé le"]


def _veille(chiffres):
    v = chiffres.veille
    yield from ([c.nom, c.libelle, c.depuis] for c in v.centres)
    yield from ([f"Centres au niveau « {libelle} »", n, None] for _, libelle, n in v.par_niveau)


def feuilles(chiffres: ChiffresAnnee) -> list[xlsx.Feuille]:
    """The sheets of the dashboard of `chiffres.annee`; those of the tables the page shows empty are left out."""
    annee = chiffres.annee
    resultat = [
        xlsx.Feuille(f"Subventions {annee}", TITRES_SUBVENTIONS, _subventions(chiffres)),
        xlsx.Feuille(f"Budget {annee}", TITRES_BUDGET, _budget(chiffres)),
        xlsx.Feuille(f"Conventions {annee}", ["Statut", "Conventions"], _conventions(chiffres)),
        xlsx.Feuille("Conventions finissant", TITRES_FINISSANT, _finissant(chiffres)),
    ]
    if chiffres.centres.annee is not None:
        resultat.append(
            xlsx.Feuille(f"Centres {chiffres.centres.annee}", _titres_centres(chiffres), _centres(chiffres))
        )
    if chiffres.seance is not None:
        resultat.append(xlsx.Feuille(f"Séance du {chiffres.seance.date:%d-%m-%Y}", TITRES_SEANCE, _seance(chiffres)))
    if chiffres.veille:
        resultat.append(xlsx.Feuille("Cellule de veille", TITRES_VEILLE, _veille(chiffres)))
    return resultat
