import datetime

import factory
from dateutil.relativedelta import relativedelta

from centres.models import Agrement, Centre, CentrePartenaire, Contact, Quartier
from comptes.models import Organisation, Role, User
from roubaix_cs.validators import completer_siret


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
