"""Fictional but realistic demo data: `python manage.py seed_demo [--scale N] [--force]`.

Idempotent: a second run creates nothing and changes nothing.
"""

import datetime
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from centres.models import Agrement, Centre, CentrePartenaire, Contact, Quartier
from comptes.models import Organisation, Role, User
from roubaix_cs.extensions import modules
from roubaix_cs.validators import completer_siret

MOT_DE_PASSE = "demo"

COMPTES = [
    # username, first name, last name, role, organisation name
    ("responsable", "Nadia", "Benali", Role.RESPONSABLE, "Ville de Roubaix"),
    ("agent", "Thomas", "Vandewalle", Role.AGENT, "Ville de Roubaix"),
    ("regisseur", "Karim", "Dupont", Role.REGISSEUR, "Ville de Roubaix"),
    # Espace Linné's other two régisseurs: the three share the rota (linne/demo_planning.py).
    ("regisseur2", "Sophie", "Lambrecht", Role.REGISSEUR, "Ville de Roubaix"),
    ("regisseur3", "Mehdi", "Benamar", Role.REGISSEUR, "Ville de Roubaix"),
    ("elu", "Claire", "Lemaire", Role.ELU, "Ville de Roubaix"),
    ("caf", "Julie", "Delcroix", Role.PARTENAIRE, "CAF du Nord"),
    ("departement", "Marc", "Hennebelle", Role.PARTENAIRE, "Département du Nord"),
]

PARTENAIRES = [
    ("Ville de Roubaix", Organisation.Nature.VILLE),
    ("CAF du Nord", Organisation.Nature.CAF),
    ("Département du Nord", Organisation.Nature.DEPARTEMENT),
    ("Préfecture du Nord", Organisation.Nature.PREFECTURE),
    ("Fédération des centres sociaux du Nord", Organisation.Nature.FEDERATION),
]

# name, short name, neighbourhood, street, months until the AGC ends, referent, Département partner
CENTRES = [
    ("Centre social de l'Alma (fictif)", "CS Alma", Quartier.ALMA, "rue de l'Alma", 30, "agent", True),
    ("Centre social de l'Épeule (fictif)", "CS Épeule", Quartier.EPEULE, "rue de l'Épeule", 8, "agent", True),
    ("Centre social du Pile (fictif)", "CS Pile", Quartier.PILE, "rue de Condé", 20, "responsable", True),
    (
        "Centre social des Trois-Ponts (fictif)",
        "CS Trois-Ponts",
        Quartier.TROIS_PONTS,
        "rue Léo-Lagrange",
        11,
        "agent",
        False,
    ),
    (
        "Centre social du Nouveau Roubaix (fictif)",
        "CS Nouveau Roubaix",
        Quartier.NOUVEAU_ROUBAIX,
        "avenue Motte",
        36,
        "responsable",
        True,
    ),
    (
        "Centre social des Hauts-Champs (fictif)",
        "CS Hauts-Champs",
        Quartier.HAUTS_CHAMPS,
        "rue Jean-Macé",
        4,
        "agent",
        False,
    ),
    ("Centre social du Cul-de-Four (fictif)", "CS Cul-de-Four", Quartier.CUL_DE_FOUR, "rue de Lannoy", 26, None, True),
    (
        "Centre social de Sainte-Élisabeth (fictif)",
        "CS Sainte-Élisabeth",
        Quartier.SAINTE_ELISABETH,
        "rue de Lille",
        -1,
        "responsable",
        False,
    ),
    ("Centre social du Moulin-Potennerie (fictif)", "CS Moulin", Quartier.MOULIN, "rue du Moulin", 15, "agent", True),
    (
        "Centre social Fresnoy-Mackellerie (fictif)",
        "CS Fresnoy",
        Quartier.FRESNOY_MACKELLERIE,
        "rue de Tourcoing",
        42,
        "agent",
        False,
    ),
]
PREFIGURATION = (
    "Centre social du Sartel-Carihem (fictif, en préfiguration)",
    "CS Sartel",
    Quartier.SARTEL_CARIHEM,
    "rue Carihem",
)

PRENOMS = [
    "Fatima",
    "Olivier",
    "Samira",
    "Jérôme",
    "Aïcha",
    "Hervé",
    "Leïla",
    "Bruno",
    "Inès",
    "Didier",
    "Yasmina",
    "Pascal",
]
NOMS = ["Martin", "Haddad", "Lefebvre", "Diallo", "Vermeersch", "Boulanger", "Mekki", "Desmet", "Carpentier", "Nguyen"]


class Command(BaseCommand):
    help = "Crée un réseau fictif de centres sociaux, leurs agréments, leurs contacts et les comptes de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiplie le volume (N × 10 centres).")
        parser.add_argument("--force", action="store_true", help="Autorise l'exécution hors du mode développement.")
        parser.add_argument("--si-vide", action="store_true", help="Ne fait rien si la base contient déjà des centres.")

    def handle(self, *args, scale, force, si_vide, **options):
        if not settings.DEVELOPPEMENT and not force:
            raise CommandError(
                "seed_demo refuse de s'exécuter hors du mode développement (DEBUG=1), "
                "pour ne pas mêler des données fictives à de vraies données ; ajoutez --force si c'est voulu."
            )
        if scale < 1:
            raise CommandError("--scale doit être un entier supérieur ou égal à 1.")
        if si_vide and Centre.objects.exists():
            self.stdout.write("La base contient déjà des centres : données de démonstration non chargées.")
            return
        today = timezone.localdate()
        self.bavard = options["verbosity"] >= 1  # progress and counts per model
        avant = self._comptes_par_modele() if self.bavard else {}
        with transaction.atomic():
            organisations = {nom: self._organisation(nom, nature) for nom, nature in PARTENAIRES}
            users = {c[0]: self._compte(*c, organisations) for c in COMPTES}
            crees = 0
            debut = time.monotonic()
            for index, spec in enumerate(self._centres(scale)):
                crees += self._centre(index, *spec, today=today, organisations=organisations, users=users)
            crees += self._prefiguration(organisations, users)
            self._progression("centres (réseau, agréments, contacts)", debut)
            contexte = {
                "today": today,
                "users": users,
                "organisations": organisations,
                "centres": list(Centre.objects.filter(nom__contains="fictif").order_by("pk")),
            }
            for module in modules("demo"):  # each app's demo data, lower layers first
                debut = time.monotonic()
                module.charger(contexte)
                self._progression(module.__name__, debut)
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes ({crees} centre(s) créé(s))."))
        apres = self._comptes_par_modele() if self.bavard else {}
        for libelle, nombre in apres.items():
            if nombre != avant.get(libelle, 0):
                self.stdout.write(f"  {libelle} : {nombre - avant.get(libelle, 0):+d} (total {nombre})")
        self.stdout.write("Comptes (mot de passe « demo ») : " + ", ".join(users))

    def _progression(self, etape, debut):
        if not self.bavard:
            return
        self.stdout.write(f"… {etape} : {time.monotonic() - debut:.1f} s")
        self.stdout.flush()

    @staticmethod
    def _comptes_par_modele():
        """Rows per model of the project's own apps (historical records left out), to report what was created."""
        comptes = {}
        for config in apps.get_app_configs():
            if not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
                continue
            for model in config.get_models():
                if not model.__name__.startswith("Historical"):
                    comptes[f"{config.label}.{model.__name__}"] = model._default_manager.count()
        return comptes

    def _centres(self, scale):
        yield from CENTRES
        for n in range(len(CENTRES) + 1, len(CENTRES) * scale + 1):
            quartier = list(Quartier)[n % len(Quartier)]
            yield (
                f"Centre social fictif n° {n}",
                f"CS n° {n}",
                quartier,
                "rue de la Démo",
                6 + n % 40,
                "agent",
                n % 2 == 0,
            )

    def _organisation(self, nom, nature):
        organisation, _ = Organisation.objects.get_or_create(nom=nom, defaults={"nature": nature})
        return organisation

    def _compte(self, username, prenom, nom, role, organisation, organisations):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=prenom,
                last_name=nom,
                role=role,
                organisation=organisations[organisation],
                email=f"{username}@demo.invalid",
            )
            user.set_password(MOT_DE_PASSE)
            user.save()
        return user

    def _centre(
        self, index, nom, nom_court, quartier, rue, mois_restants, referent, departement, *, today, organisations, users
    ):
        if Centre.objects.filter(nom=nom).exists():
            return 0
        association = Organisation.objects.create(
            nom=f"Association {nom}", nature=Organisation.Nature.ASSOCIATION, siret=self._siret(index)
        )
        centre = Centre.objects.create(
            nom=nom,
            nom_court=nom_court,
            quartier=quartier,
            adresse=f"{10 + index} {rue}",
            code_qpv=f"QN0591{index % 100:02d}M",
            siret=association.siret,
            rna=f"W59{index:07d}",
            telephone=f"03 20 00 {index % 100:02d} {(index * 7) % 100:02d}",
            email=f"accueil@centre{index + 1}.demo.invalid",
            organisation=association,
            referent=users.get(referent),
            notes_internes="Suivi rapproché de la trésorerie demandé par le copil." if index % 4 == 1 else "",
        )
        partenaires = [organisations["CAF du Nord"], organisations["Fédération des centres sociaux du Nord"]]
        if departement:
            partenaires.append(organisations["Département du Nord"])
        for organisation in partenaires:
            CentrePartenaire.objects.create(centre=centre, organisation=organisation)
        self._contacts(centre, index)
        self._agrements(centre, index, mois_restants, today)
        return 1

    def _siret(self, index):
        return completer_siret(f"7{index:08d}0001"[:13])

    def _contacts(self, centre, index):
        for rang, qualite in enumerate(
            [Contact.Qualite.DIRECTEUR, Contact.Qualite.PRESIDENT, Contact.Qualite.REFERENT_FAMILLES]
        ):
            prenom = PRENOMS[(index * 3 + rang) % len(PRENOMS)]
            nom = NOMS[(index + rang * 3) % len(NOMS)]
            Contact.objects.create(
                centre=centre,
                qualite=qualite,
                prenom=prenom,
                nom=nom,
                fonction=qualite.label,
                email=f"{prenom.lower()}.{nom.lower()}@demo.invalid",
                telephone=f"06 00 00 {index % 100:02d} {rang:02d}",
            )

    def _agrements(self, centre, index, mois_restants, today):
        fin = today + relativedelta(months=mois_restants, day=31)
        debut = fin - relativedelta(months=48) + datetime.timedelta(days=1)
        agc = Agrement(
            centre=centre,
            type=Agrement.Type.AGC,
            debut=debut,
            fin=fin,
            statut=Agrement.Statut.ACCORDE,
            date_decision_caf=debut - relativedelta(months=2),
        )
        agc.full_clean()
        agc.save()
        if mois_restants < 0:  # expired: its renewal is being examined by the CAF
            suite = Agrement(
                centre=centre,
                type=Agrement.Type.AGC,
                regime=Agrement.Regime.C2025,
                debut=fin + datetime.timedelta(days=1),
                fin=fin + relativedelta(months=48),
                statut=Agrement.Statut.INSTRUCTION,
            )
            suite.full_clean()
            suite.save()
        elif index in (0, 4):  # a family project beside the AGC
            acf = Agrement(
                centre=centre,
                type=Agrement.Type.ACF,
                debut=debut,
                fin=fin,
                statut=Agrement.Statut.ACCORDE,
                date_decision_caf=agc.date_decision_caf,
            )
            acf.full_clean()
            acf.save()

    def _prefiguration(self, organisations, users):
        nom, nom_court, quartier, rue = PREFIGURATION
        if Centre.objects.filter(nom=nom).exists():
            return 0
        centre = Centre.objects.create(
            nom=nom,
            nom_court=nom_court,
            quartier=quartier,
            adresse=f"3 {rue}",
            statut=Centre.Statut.PREFIGURATION,
            gestion=Centre.Gestion.MUNICIPALE,
            forme_juridique=Centre.FormeJuridique.REGIE,
            referent=users["responsable"],
            notes_internes="Préfiguration portée par la chargée de mission dédiée.",
        )
        CentrePartenaire.objects.create(centre=centre, organisation=organisations["CAF du Nord"])
        return 1
