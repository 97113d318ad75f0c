import datetime
import hashlib
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile

from centres import imports
from centres.models import (
    ActionSuivi,
    Agrement,
    AssembleeGenerale,
    Centre,
    CentrePartenaire,
    Contact,
    Direction,
    Document,
    ImportIndicateurs,
    IndicateursAnnuels,
    Local,
    Quartier,
    Travaux,
    VersionRapport,
    Visite,
)
from comptes.models import Organisation, Role, User
from conventions.models import Convention, EngagementAnnuel, Partie
from deliberations.models import Deliberation, Seance, VersionPdf
from linne.models import (
    Categorie,
    DemandeReservation,
    Fermeture,
    HoraireOuverture,
    Reservation,
    Salle,
    Tarif,
    TypeActivite,
    Voeu,
)
from pilotage.models import (
    Action,
    DecisionNiveau,
    LignePlanTresorerie,
    Niveau,
    ParticipantReunion,
    Reunion,
    SituationVeille,
    VersionRapportAnnuel,
)
from roubaix_cs.validators import completer_siret
from subventions.models import DemandeSubvention, Dispositif, LigneBudgetaire, Versement, VersionAnnexe


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Organisation {n}")
    nature = Organisation.Nature.AUTRE

    class Params:
        caf = factory.Trait(nom="CAF du Nord", nature=Organisation.Nature.CAF)
        departement = factory.Trait(nom="Département du Nord", nature=Organisation.Nature.DEPARTEMENT)
        association = factory.Trait(nature=Organisation.Nature.ASSOCIATION)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-de-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        responsable = factory.Trait(role=Role.RESPONSABLE)
        regisseur = factory.Trait(role=Role.REGISSEUR)
        elu = factory.Trait(role=Role.ELU)
        partenaire = factory.Trait(role=Role.PARTENAIRE, organisation=factory.SubFactory(OrganisationFactory))


PERSONAS = {
    # persona: (username, role); each is also a fixture of tests/conftest.py
    "responsable": ("responsable", Role.RESPONSABLE),
    "agent": ("agent", Role.AGENT),
    "regisseur": ("regisseur", Role.REGISSEUR),
    "elu": ("elu", Role.ELU),
    "partenaire_caf": ("caf", Role.PARTENAIRE),
    "partenaire_departement": ("departement", Role.PARTENAIRE),
    "outsider": ("technique", ""),  # a logged-in account with no business role (a technical account)
}


def creer_persona(nom, organisation=None):
    username, role = PERSONAS[nom]
    return UserFactory(username=username, role=role, organisation=organisation)


def lecteurs(*noms, organisation=None):
    """{persona: a new user of its role}; partners belong to `organisation`. For data built once per
    module, where the personas' fixed usernames could already be taken."""
    return {
        nom: UserFactory(role=PERSONAS[nom][1], organisation=organisation if nom.startswith("partenaire") else None)
        for nom in noms
    }


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Centre social test {n}")
    nom_court = factory.Sequence(lambda n: f"CS {n}")
    quartier = Quartier.ALMA
    adresse = "1 rue de l'Alma"
    siret = factory.Sequence(lambda n: completer_siret(f"{n + 1:013d}"))
    rna = factory.Sequence(lambda n: f"W{n:09d}")

    @factory.post_generation
    def partenaires(obj, create, extracted, **kwargs):
        for organisation in extracted or []:
            CentrePartenaire.objects.create(centre=obj, organisation=organisation)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    centre = factory.SubFactory(CentreFactory)
    qualite = Contact.Qualite.DIRECTEUR
    prenom = "Fatima"
    nom = factory.Sequence(lambda n: f"Directrice{n}")


class AgrementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agrement

    centre = factory.SubFactory(CentreFactory)
    type = Agrement.Type.AGC
    statut = Agrement.Statut.ACCORDE
    debut = datetime.date(2024, 1, 1)
    fin = factory.LazyAttribute(lambda a: a.debut + relativedelta(months=48) - datetime.timedelta(days=1))

    class Params:
        acf = factory.Trait(type=Agrement.Type.ACF)


def _exercice_libre(ag):
    """2025, or the latest earlier year without an ordinary AG for this centre (one per exercice)."""
    prises = set(
        AssembleeGenerale.objects.filter(centre=ag.centre, nature=AssembleeGenerale.Nature.ORDINAIRE).values_list(
            "exercice", flat=True
        )
    )
    exercice = 2025
    while exercice in prises:
        exercice -= 1
    return exercice


class AssembleeGeneraleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssembleeGenerale

    centre = factory.SubFactory(CentreFactory)
    nature = AssembleeGenerale.Nature.ORDINAIRE
    exercice = factory.LazyAttribute(_exercice_libre)
    date = factory.LazyAttribute(lambda ag: datetime.date(ag.exercice + 1, 6, 12))
    lieu = "Salle polyvalente du centre"
    comptes_approuves = True


class VisiteFactory(factory.django.DjangoModelFactory):
    """An ACM visit whose staffing passes: 16 under-6s and 24 over-6s need 2 + 2 animators."""

    class Meta:
        model = Visite

    centre = factory.SubFactory(CentreFactory)
    type = Visite.Type.ACM
    date = datetime.date(2026, 7, 15)
    recepisse = "0590123ACM000123"
    accueil = Visite.Accueil.EXTRASCOLAIRE
    effectif_moins_6 = 16
    effectif_6_plus = 24
    animateurs_qualifies = 3
    animateurs_stagiaires = 1
    animateurs_non_qualifies = 0
    directeur_present = True
    directeur_qualifie = True

    class Params:
        sous_encadree = factory.Trait(animateurs_qualifies=1, animateurs_stagiaires=1)


class ActionSuiviFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionSuivi

    visite = factory.SubFactory(VisiteFactory)
    libelle = factory.Sequence(lambda n: f"Action de suivi {n}")
    porteur = "Direction du centre"
    echeance = datetime.date(2026, 9, 1)


class LocalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Local

    nom = factory.Sequence(lambda n: f"Local {n}")
    adresse = "5 rue de l'Alma, Roubaix"
    centre = factory.SubFactory(CentreFactory)
    titre = Local.Titre.MISE_A_DISPOSITION
    surface_m2 = Decimal("450")
    valeur_locative = Decimal("36000.00")
    loyer_facture = Decimal("0.00")
    charges_ville = Decimal("4200.00")

    class Params:
        linne = factory.Trait(centre=None, autre_occupant="Espace Linné (équipement municipal)", nom="Espace Linné")


class TravauxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Travaux

    local = factory.SubFactory(LocalFactory)
    objet = factory.Sequence(lambda n: f"Réfection de la toiture {n}")
    nature = Travaux.Nature.GROS_ENTRETIEN
    budget = Decimal("85000.00")
    phase = Travaux.Phase.TRAVAUX
    debut_prevu = datetime.date(2026, 3, 1)
    fin_prevue = datetime.date(2026, 12, 15)


PDF_MINIMAL = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    centre = factory.SubFactory(CentreFactory)
    type = Document.Type.STATUTS
    titre = factory.Sequence(lambda n: f"Statuts {n}")
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("statuts.pdf", PDF_MINIMAL, "application/pdf"))
    nom_original = "statuts.pdf"
    type_mime = "application/pdf"
    taille = len(PDF_MINIMAL)
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    depose_par = factory.SubFactory(UserFactory)

    class Params:
        rib = factory.Trait(type=Document.Type.RIB, titre="RIB")


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    type = Convention.Type.CPOM
    centre = factory.SubFactory(CentreFactory)
    objet = "Projet social du centre"
    debut = datetime.date(2025, 1, 1)
    fin = datetime.date(2028, 12, 31)

    class Params:
        complete = factory.Trait(
            **dict.fromkeys(Convention.CLAUSES, True),
            juridique_visa=datetime.date(2024, 10, 1),
            modele_version="CPOM-2024-v2",
        )

    @factory.post_generation
    def parties(obj, create, extracted, **kwargs):
        for organisation in extracted or []:
            Partie.objects.create(convention=obj, organisation=organisation)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementAnnuel

    convention = factory.SubFactory(ConventionFactory)
    annee = 2025
    financeur = factory.SubFactory(OrganisationFactory, nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    montant = Decimal("20000.00")


def convention_signee_par_la_ville(
    centre, *, signature, montant_ville, debut=datetime.date(2026, 1, 1), fin=datetime.date(2028, 12, 31)
):
    """A running convention the city signed on `signature`, with its aid for the year `debut` (SUB-9:
    its data published within 3 months of the signature when the aid is above 23 000 €)."""
    convention = ConventionFactory(centre=centre, statut=Convention.Statut.EN_COURS, debut=debut, fin=fin)
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    EngagementFactory(convention=convention, financeur=ville, annee=debut.year, montant=montant_ville)
    Partie.objects.create(convention=convention, organisation=ville, date_signature=signature)
    return convention


class LigneBudgetaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LigneBudgetaire

    annee = 2026
    section = LigneBudgetaire.Section.FONCTIONNEMENT
    chapitre = "65"
    compte = "65748"
    fonction = "524"
    libelle = factory.Sequence(lambda n: f"Subventions aux centres sociaux {n}")
    credits_votes = Decimal("500000.00")


class DispositifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispositif
        django_get_or_create = ("nom",)

    nom = "Ville Vie Vacances"


class DemandeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandeSubvention

    centre = factory.SubFactory(CentreFactory)
    annee = 2026
    nature = DemandeSubvention.Nature.FONCTIONNEMENT
    objet = "Fonctionnement général du centre"
    montant_demande = Decimal("20000.00")
    date_reception = datetime.date(2025, 11, 15)

    class Params:
        proposee = factory.Trait(
            statut=DemandeSubvention.Statut.PROPOSEE,
            montant_propose=Decimal("18000.00"),
            note_analyse="Projet solide, budget équilibré.",
            ligne_budgetaire=factory.SubFactory(LigneBudgetaireFactory),
        )
        votee = factory.Trait(
            statut=DemandeSubvention.Statut.VOTEE,
            montant_propose=Decimal("18000.00"),
            montant_vote=Decimal("18000.00"),
            note_analyse="Projet solide, budget équilibré.",
            ligne_budgetaire=factory.SubFactory(LigneBudgetaireFactory),
            deliberation_numero="2026/042",
            date_vote=datetime.date(2026, 2, 10),
            date_executoire=datetime.date(2026, 2, 20),
        )


class VersementFactory(factory.django.DjangoModelFactory):
    """A payment written as it stands (no check of the rules: `enregistrer_versement` does them)."""

    class Meta:
        model = Versement

    demande = factory.SubFactory(DemandeFactory, votee=True)
    type = Versement.Type.AVANCE
    montant = Decimal("10.00")
    date = datetime.date(2026, 3, 1)
    reference = factory.Sequence(lambda n: f"M-{n}")
    cree_par = factory.SubFactory(UserFactory)


class SeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seance

    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=7 * n))
    date_convocation = factory.LazyAttribute(lambda s: s.date - datetime.timedelta(days=10))
    presents = 47  # of 53 in office: quorum reached (DEL-2)
    pouvoirs = 5


class DeliberationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliberation

    seance = factory.SubFactory(SeanceFactory)
    annee = factory.LazyAttribute(lambda d: d.seance.date.year)
    numero = factory.Sequence(lambda n: n + 1)
    nature = Deliberation.Nature.SUBVENTIONS
    objet = "Centres sociaux — subventions de fonctionnement"
    visas = "Vu le code général des collectivités territoriales ;"
    considerants = "Considérant l'intérêt public local ;"
    articles = "Article 1 — D'attribuer les subventions figurant en annexe."


class VersionRapportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionRapport

    visite = factory.SubFactory(VisiteFactory)
    numero = 1
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("rapport.pdf", PDF_MINIMAL, "application/pdf"))
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    generee_par = factory.SubFactory(UserFactory)


class VersionAnnexeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionAnnexe

    annee = 2026
    numero = factory.Sequence(lambda n: n + 1)  # one year, many versions
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("annexe.pdf", PDF_MINIMAL, "application/pdf"))
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    generee_par = factory.SubFactory(UserFactory)


class VersionRapportAnnuelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionRapportAnnuel

    annee = 2026
    numero = factory.Sequence(lambda n: n + 1)  # one year, many versions
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("rapport.pdf", PDF_MINIMAL, "application/pdf"))
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    generee_par = factory.SubFactory(UserFactory)


class VersionPdfFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VersionPdf

    deliberation = factory.SubFactory(DeliberationFactory)
    numero = 1
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("deliberation.pdf", PDF_MINIMAL, "application/pdf"))
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    generee_par = factory.SubFactory(UserFactory)


class AlerteFactory(factory.django.DjangoModelFactory):
    """A stored alert, as pilotage.alertes.synchroniser writes them (tests that read or send alerts)."""

    class Meta:
        model = "pilotage.Alerte"

    user = factory.SubFactory(UserFactory)
    kind = "agrement_renouvellement"
    threshold = "M-6"
    object_key = factory.Sequence(lambda n: f"centres.agrement:{n + 1}")
    centre = factory.SubFactory(CentreFactory)
    label = factory.Sequence(lambda n: f"Centre {n} — renouvellement de l'agrément")
    url = "/centres/"
    due = datetime.date(2026, 9, 30)


def _annee_libre(indicateurs):
    """2025, or the latest earlier year without indicators for this centre (one per year, SEN-1)."""
    annee = 2025
    if indicateurs.centre is None or indicateurs.centre.pk is None:  # built, not saved
        return annee
    prises = set(IndicateursAnnuels.objects.filter(centre=indicateurs.centre).values_list("annee", flat=True))
    while annee in prises:
        annee -= 1
    return annee


class IndicateursAnnuelsFactory(factory.django.DjangoModelFactory):
    """A centre's year without any warning: the produits by funder add up, fewer ETP than employees."""

    class Meta:
        model = IndicateursAnnuels

    centre = factory.SubFactory(CentreFactory)
    annee = factory.LazyAttribute(_annee_libre)
    usagers = 1000
    familles_adherentes = 300
    adherents = 800
    partenaires = 20
    associations_accueillies = 6
    administrateurs = 10
    benevoles = 40
    reunions_ca = 6
    heures_benevolat = 4000
    salaries = 20
    etp = Decimal("14.00")
    charges_total = Decimal("800000.00")
    charges_exploitation = Decimal("770000.00")
    dotations_amortissements = Decimal("24000.00")
    masse_salariale = Decimal("500000.00")
    produits_total = Decimal("810000.00")
    produits_ville = Decimal("150000.00")
    produits_caf = Decimal("360000.00")
    produits_departement = Decimal("80000.00")
    produits_etat = Decimal("60000.00")
    produits_autres = Decimal("160000.00")
    tresorerie = Decimal("150000.00")
    fonds_propres = Decimal("200000.00")
    ressources_stables = Decimal("250000.00")
    immobilisations_nettes = Decimal("60000.00")
    subventions_a_recevoir = Decimal("80000.00")
    notes_internes = "Note interne du service"


def _csv_indicateurs(import_):
    """One valid row for a centre named in `centre` (a factory parameter), in the import's CSV template."""
    centre = import_.centre
    lignes = [imports.TITRES, imports.ligne_exemple(centre, 2024)]
    texte = "\n".join(";".join(str(v).replace(".", ",") for v in ligne) for ligne in lignes)
    return SimpleUploadedFile("indicateurs.csv", texte.encode(), "text/csv")


class ImportIndicateursFactory(factory.django.DjangoModelFactory):
    """A file analysed without errors, waiting for its confirmation."""

    class Meta:
        model = ImportIndicateurs
        exclude = ["centre"]

    centre = factory.SubFactory(CentreFactory)
    fichier = factory.LazyAttribute(_csv_indicateurs)
    nom_original = "indicateurs.csv"
    deposee_par = factory.SubFactory(UserFactory, role=Role.AGENT)
    lignes = 1
    rapport = factory.LazyFunction(lambda: {"erreurs": [], "avertissements": [], "mises_a_jour": []})


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    centre = factory.SubFactory(CentreFactory)
    prenom = "Nadia"
    nom = factory.Sequence(lambda n: f"Directrice{n}")
    debut = datetime.date(2020, 9, 1)


class ReunionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reunion

    type = Reunion.Type.COPIL_STRATEGIQUE
    date = datetime.date(2026, 10, 6)
    heure_debut = datetime.time(14, 0)
    heure_fin = datetime.time(16, 0)
    lieu = "Hôtel de ville, salle des commissions"
    ordre_du_jour = "1. Point sur les centres\n2. Questions diverses"
    organisateur = factory.SubFactory(UserFactory, role=Role.RESPONSABLE)


class ParticipantReunionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantReunion

    reunion = factory.SubFactory(ReunionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    nom = factory.Sequence(lambda n: f"Contact partenaire {n}")
    email = factory.Sequence(lambda n: f"contact{n}@partenaire.example")


class SituationVeilleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SituationVeille

    centre = factory.SubFactory(CentreFactory)
    signalee_le = datetime.date(2026, 9, 15)
    motif = "Trésorerie tendue à la clôture de l'exercice."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    reunion = factory.SubFactory(ReunionFactory)
    libelle = factory.Sequence(lambda n: f"Action de copil {n}")
    porteur_user = factory.SubFactory(UserFactory, role=Role.AGENT)
    echeance = datetime.date(2026, 12, 1)


class DecisionNiveauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionNiveau

    situation = factory.SubFactory(SituationVeilleFactory)
    niveau = Niveau.ALERTE
    date = datetime.date(2026, 10, 6)
    reunion = factory.SubFactory(ReunionFactory, type=Reunion.Type.CELLULE_VEILLE)
    motifs = "Trésorerie inférieure à 30 jours de charges."
    decide_par = factory.SubFactory(UserFactory, role=Role.RESPONSABLE)


class LignePlanTresorerieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LignePlanTresorerie

    situation = factory.SubFactory(SituationVeilleFactory)
    mois = datetime.date(2027, 1, 1)
    encaissements = Decimal("42000.00")
    decaissements = Decimal("45000.00")


# --- Espace Linné ---------------------------------------------------------------------------------


def moment(jour, heure, minute=0):
    """An aware datetime of Europe/Paris wall-clock time."""
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(jour, datetime.time(heure, minute)))


class SalleFactory(factory.django.DjangoModelFactory):
    """A room open Monday to Saturday, 8:00–22:00, 15-minute buffers, priced 20 €/h for associations."""

    class Meta:
        model = Salle
        django_get_or_create = ("nom",)
        skip_postgeneration_save = True

    nom = factory.Sequence(lambda n: f"Salle {n}")
    capacite = 50
    duree_min_minutes = 60
    duree_max_minutes = 8 * 60
    battement_avant_minutes = 15
    battement_apres_minutes = 15

    @factory.post_generation
    def horaires(salle, create, extracted, **kwargs):
        if not create:
            return
        for jour in extracted if extracted is not None else range(6):
            HoraireOuverture.objects.get_or_create(
                salle=salle, jour_semaine=jour, defaults={"ouverture": datetime.time(8), "fermeture": datetime.time(22)}
            )

    @factory.post_generation
    def tarifs(salle, create, extracted, **kwargs):
        if not create:
            return
        grille = (
            extracted
            if extracted is not None
            else {Categorie.ASSOCIATION: Decimal("20.00"), Categorie.AUTRE: Decimal("50.00")}
        )
        for categorie, prix in grille.items():
            Tarif.objects.get_or_create(salle=salle, categorie=categorie, defaults={"tarif_horaire": prix})


class FermetureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fermeture

    salle = None
    debut = datetime.date(2026, 12, 24)
    fin = datetime.date(2027, 1, 1)
    motif = Fermeture.Motif.VACANCES


class ReservationFactory(factory.django.DjangoModelFactory):
    """A confirmed booking written directly (not through the service): tests of the rules use the service."""

    class Meta:
        model = Reservation

    salle = factory.SubFactory(SalleFactory)
    organisation = factory.SubFactory(OrganisationFactory, association=True)
    categorie = Categorie.ASSOCIATION
    objet = factory.Sequence(lambda n: f"Activité {n}")
    type_activite = TypeActivite.REUNION
    debut = factory.LazyFunction(lambda: moment(datetime.date(2027, 1, 11), 10))
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=2))
    debut_bloque = factory.LazyAttribute(lambda o: o.debut - o.salle.battement_avant)
    fin_bloque = factory.LazyAttribute(lambda o: o.fin + o.salle.battement_apres)
    effectif_prevu = 20
    contact_nom = factory.Sequence(lambda n: f"Contact réservation {n}")
    contact_email = factory.Sequence(lambda n: f"reservation{n}@asso.example")
    statut = Reservation.Statut.CONFIRMEE


class DemandeReservationFactory(factory.django.DjangoModelFactory):
    """A one-off request received from the public page."""

    class Meta:
        model = DemandeReservation

    nature = DemandeReservation.Nature.PONCTUELLE
    nom_organisation = factory.Sequence(lambda n: f"Association demandeuse {n}")
    contact_nom = factory.Sequence(lambda n: f"Demandeur {n}")
    contact_email = factory.Sequence(lambda n: f"demandeur{n}@asso.example")
    objet = "Réunion des adhérents"
    type_activite = TypeActivite.REUNION
    effectif_prevu = 15
    salle = factory.SubFactory(SalleFactory)
    debut = factory.LazyFunction(lambda: moment(datetime.date(2027, 1, 12), 14))
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=2))
    reglement_accepte_le = factory.LazyAttribute(lambda o: o.debut - datetime.timedelta(days=20))

    class Params:
        saisonniere = factory.Trait(
            nature=DemandeReservation.Nature.SAISONNIERE,
            saison=2027,
            salle=None,
            debut=None,
            fin=None,
            reglement_accepte_le=factory.LazyFunction(lambda: moment(datetime.date(2027, 5, 2), 9)),
        )


class VoeuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voeu

    demande = factory.SubFactory(DemandeReservationFactory, saisonniere=True)
    rang = 1
    salle = factory.SubFactory(SalleFactory)
    jour_semaine = 2
    heure_debut = datetime.time(14)
    heure_fin = datetime.time(16)


class SerieFactory(factory.django.DjangoModelFactory):
    """A weekly series (Mondays 18:00–20:00, from 11/01 to 01/02/2027) and its confirmed bookings,
    written directly (tests of the rules go through linne.services); `occurrences=False`: none."""

    class Meta:
        model = "linne.Serie"
        skip_postgeneration_save = True

    salle = factory.SubFactory(SalleFactory)
    organisation = factory.SubFactory(OrganisationFactory, association=True)
    categorie = Categorie.ASSOCIATION
    objet = factory.Sequence(lambda n: f"Atelier hebdomadaire {n}")
    type_activite = TypeActivite.ACTIVITE_REGULIERE
    effectif_prevu = 15
    jours = "0"
    intervalle_semaines = 1
    date_debut = datetime.date(2027, 1, 11)
    date_fin = datetime.date(2027, 2, 1)
    heure_debut = datetime.time(18)
    heure_fin = datetime.time(20)
    contact_nom = factory.Sequence(lambda n: f"Contact série {n}")
    contact_email = factory.Sequence(lambda n: f"serie{n}@asso.example")

    @factory.post_generation
    def occurrences(serie, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from linne.services import dates_de_la_regle

        dates = dates_de_la_regle(
            jours=serie.liste_jours,
            intervalle_semaines=serie.intervalle_semaines,
            date_debut=serie.date_debut,
            date_fin=serie.date_fin,
        )
        for jour in dates:
            ReservationFactory(
                salle=serie.salle,
                organisation=serie.organisation,
                serie=serie,
                objet=serie.objet,
                type_activite=serie.type_activite,
                effectif_prevu=serie.effectif_prevu,
                debut=moment(jour, serie.heure_debut.hour, serie.heure_debut.minute),
                fin=moment(jour, serie.heure_fin.hour, serie.heure_fin.minute),
                contact_nom=serie.contact_nom,
                contact_email=serie.contact_email,
            )


# --- Espace Linné: the yearly evaluation ------------------------------------------------------------


class EvaluationLinneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linne.Evaluation"
        django_get_or_create = ("annee",)

    annee = 2026
    bilan = "Une année de forte fréquentation."
    perspectives = "Ouvrir le samedi soir."


class VersionEvaluationLinneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linne.VersionEvaluation"

    annee = 2026
    numero = factory.Sequence(lambda n: n + 1)  # one year, many versions
    fichier = factory.LazyFunction(lambda: SimpleUploadedFile("evaluation.pdf", PDF_MINIMAL, "application/pdf"))
    sha256 = hashlib.sha256(PDF_MINIMAL).hexdigest()
    generee_par = factory.SubFactory(UserFactory)


# --- Espace Linné: the régisseurs' rota ----------------------------------------------------------


class CreneauFactory(factory.django.DjangoModelFactory):
    """A régisseur's shift written directly (tests of the rules go through linne.planning): 14:00–22:00 on
    Monday 11/01/2027."""

    class Meta:
        model = "linne.Creneau"

    regisseur = factory.SubFactory(UserFactory, regisseur=True)
    debut = factory.LazyFunction(lambda: moment(datetime.date(2027, 1, 11), 14))
    fin = factory.LazyAttribute(lambda o: o.debut + datetime.timedelta(hours=8))


class CreneauTypeFactory(factory.django.DjangoModelFactory):
    """A shift of the template week: Monday 8:00–15:00."""

    class Meta:
        model = "linne.CreneauType"

    regisseur = factory.SubFactory(UserFactory, regisseur=True)
    jour_semaine = 0
    heure_debut = datetime.time(8)
    heure_fin = datetime.time(15)


# --- linne: the safety register (issue 18 part 5) ------------------------------------------------------


class TypeControleFactory(factory.django.DjangoModelFactory):
    """A yearly check (migration 0004 brings the usual ones: a factory's has a name of its own)."""

    class Meta:
        model = "linne.TypeControle"
        django_get_or_create = ("nom",)

    nom = factory.Sequence(lambda n: f"Contrôle périodique {n}")
    periodicite_mois = 12
    reference = "Règlement de sécurité ERP (arrêté du 25 juin 1980), article MS 38"
    intervenant = "Technicien compétent"
    ordre = factory.Sequence(lambda n: 100 + n)


class ControleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linne.Controle"

    type_controle = factory.SubFactory(TypeControleFactory)
    date = datetime.date(2026, 6, 15)
    intervenant = "Société Sécurité Nord (fictive)"
    resultat = "conforme"


class VisiteCommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linne.VisiteCommission"

    date = datetime.date(2024, 5, 14)
    nature = "periodique"
    avis = "favorable"
    prescriptions = "Maintenir dégagées les issues de secours de la grande salle."
    prochaine_visite = datetime.date(2029, 5, 14)


class IncidentFactory(factory.django.DjangoModelFactory):
    """An open incident written directly (tests of the rules go through linne.securite)."""

    class Meta:
        model = "linne.Incident"

    survenu_le = factory.LazyFunction(lambda: moment(datetime.date(2026, 11, 14), 15, 30))
    salle = factory.SubFactory(SalleFactory)
    nature = "accident"
    description = "Chute dans l'escalier pendant l'installation."
    mesures_immediates = "Premiers secours par le régisseur."


class ActionIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "linne.ActionIncident"

    incident = factory.SubFactory(IncidentFactory)
    libelle = factory.Sequence(lambda n: f"Action de suivi {n}")
    echeance = datetime.date(2026, 12, 15)
