"""Demo data of the centres' follow-up (AG, visits, premises, works, documents), for seed_demo.

Each function creates its records only for centres that have none of that kind yet, so a
second run changes nothing and an older demo database gets the new records once.
"""

import datetime
import hashlib
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from simple_history.utils import bulk_create_with_history

from roubaix_cs.pdf import render_pdf

from .models import (
    ActionSuivi,
    AssembleeGenerale,
    AvisCommissaire,
    Centre,
    Contact,
    Direction,
    Document,
    IndicateursAnnuels,
    Local,
    Travaux,
    Visite,
)


def charger(contexte):
    """Called by seed_demo (roubaix_cs.extensions.modules("demo"))."""
    today, users, centres = contexte["today"], contexte["users"], contexte["centres"]
    service = [users["responsable"], users["agent"]]
    assemblees(centres, today, service)
    visites(centres, today, service)
    locaux(centres, today)
    documents(centres, today, depose_par=users["agent"])
    indicateurs(centres, today)
    gouvernance(centres, today)


def exercice_clos(today):
    """The last year whose AG deadline (30 June of the next year) has passed."""
    return today.year - 1 if today > datetime.date(today.year, 6, 30) else today.year - 2


def assemblees(centres, today, service):
    exercice = exercice_clos(today)
    for index, centre in enumerate(centres):
        if centre.statut != Centre.Statut.ACTIF or centre.assemblees.exists():
            continue
        for annee in (exercice - 1, exercice):
            if annee == exercice and index % 10 == 3:
                continue  # one centre has not held its AG: the 30 June rule flags it
            ag = AssembleeGenerale.objects.create(
                centre=centre,
                exercice=annee,
                date=datetime.date(annee + 1, 6, 1 + index % 28),
                lieu="Grande salle du centre",
                comptes_approuves=index % 10 != 7,
                compte_rendu="Rapport moral, rapport d'activité et comptes présentés ; quitus donné au CA.",
            )
            ag.participants_service.set(service[: 1 + index % 2])
        if index % 10 in (0, 4, 8):  # upcoming AGs of the next spring
            AssembleeGenerale.objects.create(
                centre=centre,
                exercice=exercice + 1,
                date=datetime.date(exercice + 2, 5, 12 + index % 10),
                lieu="Au centre",
            )


def visites(centres, today, service):
    for index, centre in enumerate(centres):  # the first 6 of every 10 centres are visited
        if index % 10 >= 6 or centre.statut != Centre.Statut.ACTIF or centre.visites.exists():
            continue
        defaillante = index % 10 == 1
        visite = Visite.objects.create(
            centre=centre,
            type=Visite.Type.LALP if index % 10 == 5 else Visite.Type.ACM,
            date=today - datetime.timedelta(days=40 + 15 * (index % 10) + index // 10),
            recepisse=f"059{index:03d}ACM{today.year}",
            effectif_moins_6=20 if defaillante else 14,
            effectif_6_plus=10 if defaillante else 30,
            animateurs_qualifies=1 if defaillante else 4,
            animateurs_stagiaires=1,
            animateurs_non_qualifies=0,
            directeur_present=True,
            directeur_qualifie=not defaillante,
            **{**dict.fromkeys(Visite.CHECKLIST, True), "fiches_sanitaires": not defaillante},
            observations="Accueil chaleureux ; locaux adaptés."
            if not defaillante
            else "Encadrement insuffisant le jour de la visite ; fiches sanitaires incomplètes.",
        )
        visite.visiteurs.set(service[:2])
        if defaillante:
            ActionSuivi.objects.create(
                visite=visite,
                libelle="Renforcer l'équipe d'animation (2 animateurs qualifiés)",
                porteur="Direction du centre",
                responsable=service[1],
                echeance=today + datetime.timedelta(days=15),
            )
            ActionSuivi.objects.create(
                visite=visite,
                libelle="Compléter les fiches sanitaires",
                porteur="Direction du centre",
                responsable=service[1],
                echeance=today - datetime.timedelta(days=10),
                statut=ActionSuivi.Statut.EN_COURS,
            )
        else:
            ActionSuivi.objects.create(
                visite=visite,
                libelle="Afficher le numéro 119",
                porteur="Direction du centre",
                echeance=visite.date + datetime.timedelta(days=15),
                statut=ActionSuivi.Statut.FAITE,
                date_cloture=visite.date + datetime.timedelta(days=10),
            )


def locaux(centres, today):
    if not Local.objects.filter(centre__isnull=True).exists():
        linne = Local.objects.create(
            nom="Espace Linné",
            adresse="Rue Linné, 59100 Roubaix",
            autre_occupant="Espace Linné (équipement municipal)",
            titre=Local.Titre.GESTION_DIRECTE,
            surface_m2=Decimal("1200"),
            valeur_locative=Decimal("0"),
            methode_valeur="Équipement municipal en gestion directe",
            erp_type="L",
            erp_categorie="3",
            commission_derniere=today - datetime.timedelta(days=700),
            commission_prochaine=today + datetime.timedelta(days=45),
            commission_avis=Local.Avis.FAVORABLE,
        )
        Travaux.objects.create(
            local=linne,
            objet="Mise en accessibilité des sanitaires",
            nature=Travaux.Nature.INVESTISSEMENT,
            budget=Decimal("64000.00"),
            phase=Travaux.Phase.CONSULTATION,
            debut_prevu=today + datetime.timedelta(days=90),
            fin_prevue=today + datetime.timedelta(days=200),
        )
    for index, centre in enumerate(centres):
        if centre.locaux.exists():
            continue
        surface = Decimal(300 + 40 * index)
        local = Local.objects.create(
            nom=f"Locaux de {centre.libelle_court}",
            adresse=centre.adresse + ", 59100 Roubaix",
            centre=centre,
            titre=Local.Titre.MISE_A_DISPOSITION if index % 3 else Local.Titre.COMMODAT,
            debut=datetime.date(2019, 1, 1),
            surface_m2=surface,
            valeur_locative=(surface * Decimal("85")).quantize(Decimal("1")),
            methode_valeur="Avis du Domaine (85 €/m²/an)",
            loyer_facture=Decimal("1200.00") if index % 4 == 0 else Decimal("0"),
            charges_ville=Decimal(3000 + 250 * index),
            erp_type="L",
            erp_categorie="4",
            commission_derniere=today - datetime.timedelta(days=400 + 30 * index),
            commission_prochaine=today + datetime.timedelta(days=30 * index),
            commission_avis=Local.Avis.DEFAVORABLE if index % 10 == 6 else Local.Avis.FAVORABLE,
        )
        if index % 10 in (1, 2):  # two works in progress per 10 centres, the boiler's past its planned end
            toiture = index % 10 == 1
            Travaux.objects.create(
                local=local,
                objet="Réfection de la toiture" if toiture else "Remplacement de la chaudière",
                nature=Travaux.Nature.GROS_ENTRETIEN,
                budget=Decimal("85000.00") if toiture else Decimal("42000.00"),
                phase=Travaux.Phase.TRAVAUX,
                debut_prevu=today - datetime.timedelta(days=60 if toiture else 150),
                fin_prevue=today + datetime.timedelta(days=60) if toiture else today - datetime.timedelta(days=20),
                debut_reel=today - datetime.timedelta(days=55 if toiture else 140),
                entreprise="Entreprise fictive du Nord",
            )


PIECES = [
    # type, title, valid for (days from today, None: no end), year offset
    (Document.Type.STATUTS, "Statuts à jour", None),
    (Document.Type.CER, "Contrat d'engagement républicain signé", None),
    (Document.Type.RIB, "RIB", None),
    (Document.Type.ASSURANCE, "Attestation d'assurance", 200),
    (Document.Type.COMPTES, "Comptes annuels approuvés", None),
]


def documents(centres, today, depose_par):
    pdf = None
    for index, centre in enumerate(centres):
        if centre.statut != Centre.Statut.ACTIF or centre.documents.exists():
            continue
        if pdf is None:
            pdf = render_pdf("pdf/document_demo.html", {})
        for type_, titre, validite in PIECES:
            if type_ == Document.Type.ASSURANCE and index % 10 == 2:
                validite = -20  # one expired certificate
            document = Document(
                centre=centre,
                type=type_,
                titre=titre,
                annee=exercice_clos(today) if type_ == Document.Type.COMPTES else None,
                valide_du=today - datetime.timedelta(days=165) if validite else None,
                valide_au=today + datetime.timedelta(days=validite) if validite else None,
                nom_original=f"{type_}.pdf",
                type_mime="application/pdf",
                taille=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
                depose_par=depose_par,
            )
            document.fichier.save(f"{type_}.pdf", ContentFile(pdf), save=False)
            document.save()


# The governance the Cellule de veille reads (rank in each block of ten): a centre whose director left
# months ago, the post still vacant; a centre with three directions in three years (an interim between
# two); a centre whose president resigned and whose board fell below its statutes' minimum (the one whose
# AG was not held); the auditor's reserves on the last accounts of the centre whose AG did not approve them.
DIRECTION_VACANTE = 9
ROTATION_DIRECTION = 5
PRESIDENCE_VACANTE = 3
RESERVES_COMMISSAIRE = 7
CA_MINIMUM = 9  # the statutes' minimum of the board, below the demo's 9 to 13 administrators


def gouvernance(centres, today):
    """The directors of every centre (the director in post is its « directeur » contact, with a predecessor),
    each centre's statutory minimum of its board; the centres that already have directors are left alone."""
    avec = set(Direction.objects.filter(centre__in=centres).values_list("centre_id", flat=True))
    contacts = {c.centre_id: c for c in Contact.objects.filter(centre__in=centres, qualite=Contact.Qualite.DIRECTEUR)}
    nouvelles = []
    for index, centre in enumerate(centres):
        if centre.pk in avec:
            continue
        nouvelles += _directions(centre, index % 10, contacts.get(centre.pk), today)
        rang = index % 10
        minimum = CA_MINIMUM + 5 if rang == PRESIDENCE_VACANTE else CA_MINIMUM
        vacante = today - datetime.timedelta(days=75) if rang == PRESIDENCE_VACANTE else None
        Centre.objects.filter(pk=centre.pk, ca_minimum_statutaire__isnull=True).update(
            ca_minimum_statutaire=minimum, presidence_vacante_depuis=vacante
        )
    bulk_create_with_history(nouvelles, Direction, batch_size=500)


def _directions(centre, rang, contact, today):
    prenom, nom = (contact.prenom, contact.nom) if contact else ("Camille", "Durand")
    # At least four years in post: the predecessor left before the three years the turnover counts.
    arrivee = (today - relativedelta(years=4 + rang % 6)).replace(day=1)
    predecesseur = Direction(
        centre=centre,
        prenom="Dominique",
        nom=f"Vandamme-{rang}",
        debut=arrivee - datetime.timedelta(days=8 * 365),
        fin=arrivee - datetime.timedelta(days=1),
    )
    if rang == DIRECTION_VACANTE:  # left five months ago, nobody since
        depart = today - datetime.timedelta(days=150)
        return [predecesseur, Direction(centre=centre, prenom=prenom, nom=nom, debut=arrivee, fin=depart)]
    if rang == ROTATION_DIRECTION:  # the predecessor left 14 months ago; an interim, then the new director
        depart = today - datetime.timedelta(days=420)
        predecesseur.debut, predecesseur.fin = depart - datetime.timedelta(days=6 * 365), depart
        interim_fin = depart + datetime.timedelta(days=120)
        return [
            predecesseur,
            Direction(
                centre=centre,
                prenom="Julien",
                nom="Masquelier",
                debut=depart + datetime.timedelta(days=1),
                fin=interim_fin,
                interim=True,
            ),
            Direction(centre=centre, prenom=prenom, nom=nom, debut=interim_fin + datetime.timedelta(days=1)),
        ]
    return [predecesseur, Direction(centre=centre, prenom=prenom, nom=nom, debut=arrivee)]


# The centre whose finances degrade over the three years (rank in each block of ten): falling cash, a
# deficit, overdue social debts, which the Cellule de Veille's ratios will flag.
EN_DIFFICULTE = 1
EURO = Decimal("1")


def _subvention_ville(rang):
    """The city's operating grant of the demo (subventions/demo.py, by rank among the active centres in
    each block of ten): what the centre's accounts record as the city's produits."""
    return Decimal(30000 + 4000 * rang)


def indicateurs(centres, today):
    """Three closed years of figures for every centre (`seed_demo --scale N` grows them), one centre in
    ten in difficulty; the years a centre already has are left as they are."""
    fin = exercice_clos(today)
    annees = [fin - 2, fin - 1, fin]
    existants = set(IndicateursAnnuels.objects.filter(annee__in=annees).values_list("centre_id", "annee"))
    actifs = [c.pk for c in centres if c.statut == Centre.Statut.ACTIF]
    rang_actif = {pk: rang % 10 for rang, pk in enumerate(actifs)}
    nouveaux = []
    for index, centre in enumerate(centres):
        for k, annee in enumerate(annees):
            if (centre.pk, annee) not in existants:
                nouveaux.append(_chiffres(centre, index, rang_actif.get(centre.pk, 0), k, annee))
    bulk_create_with_history(nouveaux, IndicateursAnnuels, batch_size=500)


def _chiffres(centre, index, rang, k, annee):
    difficile = index % 10 == EN_DIFFICULTE
    charges = Decimal(600000 + 35000 * (index % 10) + 2000 * (index // 10 % 5)) * (1 + Decimal("0.03") * k)
    marge = (Decimal("1.005"), Decimal("0.97"), Decimal("0.93"))[k] if difficile else Decimal("1.01")
    produits = (charges * marge).quantize(EURO)
    charges = charges.quantize(EURO)
    ville = _subvention_ville(rang)
    caf = (produits * Decimal("0.45")).quantize(EURO)
    departement = (produits * Decimal("0.08")).quantize(EURO)
    etat = (produits * Decimal("0.07")).quantize(EURO)
    salaries = 18 + index % 10
    usagers = 900 + 80 * (index % 10) + 20 * k
    tresorerie = (Decimal("0.12"), Decimal("0.05"), Decimal("-0.01"))[k] if difficile else Decimal("0.2")
    fonds_propres = (Decimal("0.15"), Decimal("0.10"), Decimal("0.03"))[k] if difficile else Decimal("0.25")
    fonds_propres = (charges * fonds_propres).quantize(EURO)
    return IndicateursAnnuels(
        centre=centre,
        annee=annee,
        usagers=usagers,
        familles_adherentes=usagers * 3 // 10,
        adherents=usagers * 8 // 10,
        partenaires=15 + 2 * (index % 10) - (3 * k if difficile else 0),
        associations_accueillies=4 + index % 7,
        administrateurs=9 + index % 5,
        benevoles=30 + 3 * (index % 10),
        reunions_ca=(6, 4, 2)[k] if difficile else 6 + index % 3,
        heures_benevolat=(30 + 3 * (index % 10)) * 120,
        salaries=salaries,
        etp=(Decimal(salaries) * Decimal("0.7")).quantize(Decimal("0.01")),
        charges_total=charges,
        charges_exploitation=(charges * Decimal("0.96")).quantize(EURO),
        dotations_amortissements=(charges * Decimal("0.03")).quantize(EURO),
        masse_salariale=(charges * Decimal("0.62")).quantize(EURO),
        produits_total=produits,
        produits_ville=ville,
        produits_caf=caf,
        produits_departement=departement,
        produits_etat=etat,
        produits_autres=produits - ville - caf - departement - etat,
        contributions_nature=Decimal(20000 + 1000 * (index % 10)),
        tresorerie=(charges * tresorerie).quantize(EURO),
        decouverts_bancaires=Decimal("25000") if difficile and k == 2 else Decimal("0"),
        fonds_propres=fonds_propres,
        ressources_stables=fonds_propres + Decimal("50000"),
        immobilisations_nettes=Decimal(60000 + 1000 * (index % 10)),
        dettes_sociales_echues=(Decimal("0"), Decimal("12000"), Decimal("38000"))[k] if difficile else Decimal("0"),
        subventions_a_recevoir=(produits * Decimal("0.10")).quantize(EURO),
        notes_internes="Situation financière à suivre en Cellule de Veille." if difficile and k == 2 else "",
        # Every demo centre receives more than 153 000 € of public grants: it has an auditor (SUB-8).
        avis_commissaire=AvisCommissaire.AVEC_RESERVES
        if index % 10 == RESERVES_COMMISSAIRE and k == 2
        else AvisCommissaire.SANS_RESERVE,
        # The centre in difficulty: its auditor started the alert procedure on the last year's accounts.
        procedure_alerte=difficile and k == 2,
    )
