"""One rule per model decides the fields each reader may read (`roubaix_cs.lecture`): the detail pages
and their history tables follow it alike. For each read-only role and each model with a history, a
change of a hidden field (or of a link to records the role may not read, such as premises) never
appears in the history that role reads, while a change of a visible field does; and the page shows
the field exactly when the history does."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from centres.models import ActionSuivi, Agrement, AssembleeGenerale, Centre, Document, Local, Travaux, Visite
from comptes.models import Organisation, Role
from conventions.models import Convention, EngagementAnnuel
from roubaix_cs.lecture import TOUT, Lecture, champs_caches, lisible, regles
from subventions.models import CompteRenduFinancier, DemandeSubvention, LigneCRF, Versement

from .factories import (
    AgrementFactory,
    AssembleeGeneraleFactory,
    ConventionFactory,
    DemandeFactory,
    EngagementFactory,
    LocalFactory,
    OrganisationFactory,
    TravauxFactory,
    UserFactory,
    VersementFactory,
    VisiteFactory,
)
from .requetes import compter

pytestmark = pytest.mark.django_db

LECTURE_SEULE = ["elu", "partenaire_caf", "regisseur"]
PERSONAS = ["agent", *LECTURE_SEULE]
HISTORIQUE = re.compile(r'<ol class="list-group historique">.*?</ol>', re.S)


def _lire(client, user, url):
    """(the page without its history, its history) as `user` reads them; empty when refused."""
    client.force_login(user)
    response = client.get(url)
    if response.status_code != 200:
        return "", ""
    page = response.content.decode()
    historique = "".join(HISTORIQUE.findall(page))
    return HISTORIQUE.sub("", page), historique


@pytest.fixture
def monde(caf, centre_caf):
    """A centre the CAF follows, with a signed convention the CAF is party to, a grant, premises and works."""
    ville = OrganisationFactory(nom="Ville de Roubaix", nature=Organisation.Nature.VILLE)
    centre = centre_caf
    local = LocalFactory(centre=centre, nom="Salle Pablo-Neruda")
    return {
        "centre": centre,
        "local": local,
        "travaux": TravauxFactory(local=local),
        "convention": ConventionFactory(
            centre=centre, complete=True, statut=Convention.Statut.SIGNEE, parties=[ville, caf]
        ),
        "demande": DemandeFactory(centre=centre, votee=True),
        "agrement": AgrementFactory(centre=centre),
        "ag": AssembleeGeneraleFactory(centre=centre),
        "visite": VisiteFactory(centre=centre),
    }


def _changer(obj, **valeurs):
    for champ, valeur in valeurs.items():
        setattr(obj, champ, valeur)
    obj.save()


def _crf(monde, **valeurs):
    crf, _ = CompteRenduFinancier.objects.get_or_create(demande=monde["demande"])
    _changer(crf, **valeurs)


def _ligne_crf(monde, libelle):
    crf, _ = CompteRenduFinancier.objects.get_or_create(demande=monde["demande"])
    ligne = LigneCRF.objects.create(crf=crf, libelle="Loyers", budget=Decimal("1000"), realise=Decimal("1000"))
    _changer(ligne, libelle=libelle)


def _fiche(onglet):
    return lambda m: reverse("centres:detail", args=[m["centre"].pk]) + f"?onglet={onglet}"


def _convention(m):
    return m["convention"].get_absolute_url()


def _demande(m):
    return m["demande"].get_absolute_url()


@dataclass(frozen=True)
class Cas:
    """A change of one field, the page that shows the field and the page whose history lists it."""

    modele: type
    champ: str
    changer: object  # changer(monde, marque)
    historique: object  # url(monde)
    page: object = None  # url(monde) of the page showing the field; None: on no page

    def __str__(self):
        return f"{self.modele.__name__}.{self.champ}"


CAS = [
    # Conventions: the team's notes and the legal service's remarks; the premises lent (partners read no
    # premises); the object, read by all.
    Cas(
        Convention, "notes_internes", lambda m, x: _changer(m["convention"], notes_internes=x), _convention, _convention
    ),
    Cas(
        Convention,
        "juridique_remarques",
        lambda m, x: _changer(m["convention"], juridique_remarques=x),
        _convention,
        _convention,
    ),
    Cas(
        Convention,
        "locaux",
        lambda m, x: m["convention"].locaux.add(LocalFactory(centre=m["centre"], nom=x)),
        _convention,
        _convention,
    ),
    Cas(Convention, "objet", lambda m, x: _changer(m["convention"], objet=x), _convention, _convention),
    # Grants: élus read the request and the proposal, never the analysis note nor the gaps' analysis.
    Cas(DemandeSubvention, "note_analyse", lambda m, x: _changer(m["demande"], note_analyse=x), _demande, _demande),
    Cas(DemandeSubvention, "objet", lambda m, x: _changer(m["demande"], objet=x), _demande, _demande),
    Cas(CompteRenduFinancier, "commentaire", lambda m, x: _crf(m, commentaire=x), _demande, _demande),
    Cas(LigneCRF, "libelle", _ligne_crf, _demande),
    Cas(
        Versement,
        "reference",
        lambda m, x: _changer(VersementFactory(demande=m["demande"]), reference=x),
        _demande,
        _demande,
    ),
    # The centre and its follow-up.
    Cas(
        Centre,
        "notes_internes",
        lambda m, x: _changer(m["centre"], notes_internes=x),
        _fiche("historique"),
        _fiche("identite"),
    ),
    Cas(Centre, "telephone", lambda m, x: _changer(m["centre"], telephone=x), _fiche("historique"), _fiche("identite")),
    Cas(
        Agrement,
        "observations",
        lambda m, x: _changer(m["agrement"], observations=x),
        _fiche("historique"),
        _fiche("agrements"),
    ),
    Cas(
        AssembleeGenerale,
        "compte_rendu",
        lambda m, x: _changer(m["ag"], compte_rendu=x),
        _fiche("historique"),
        _fiche("assemblees"),
    ),
    Cas(AssembleeGenerale, "lieu", lambda m, x: _changer(m["ag"], lieu=x), _fiche("historique"), _fiche("assemblees")),
    Cas(
        Visite,
        "observations",
        lambda m, x: _changer(m["visite"], observations=x),
        _fiche("historique"),
        lambda m: m["visite"].get_absolute_url(),
    ),
    Cas(
        Local,
        "observations",
        lambda m, x: _changer(m["local"], observations=x),
        _fiche("historique"),
        lambda m: m["local"].get_absolute_url(),
    ),
    Cas(
        Travaux,
        "observations",
        lambda m, x: _changer(m["travaux"], observations=x),
        _fiche("historique"),
        lambda m: m["local"].get_absolute_url(),
    ),
    # The premises' own page and its history (the service, the régisseurs and the élus read it).
    Cas(
        Travaux,
        "observations",
        lambda m, x: _changer(m["travaux"], observations=x),
        lambda m: m["local"].get_absolute_url(),
        lambda m: m["local"].get_absolute_url(),
    ),
    Cas(
        Local,
        "observations",
        lambda m, x: _changer(m["local"], observations=x),
        lambda m: m["local"].get_absolute_url(),
        lambda m: m["local"].get_absolute_url(),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("cas", CAS, ids=[f"{c}-{i}" for i, c in enumerate(CAS)])
def test_a_field_s_change_is_in_the_history_exactly_when_the_rule_lets_the_reader_read_it(
    client, request, monde, persona, cas
):
    user = request.getfixturevalue(persona)
    marque = f"Mq-{cas.champ[:6]}-7319"  # fits the shortest field (a phone number: 20)
    cas.changer(monde, marque)
    page, historique = _lire(client, user, cas.historique(monde))
    if not historique and not page:  # the role does not read this page at all
        assert persona in LECTURE_SEULE
        return
    visible = lisible(user, cas.modele, cas.champ)
    assert (marque in historique) == visible, f"{persona} : {cas} dans l'historique"
    if cas.page is not None:
        page, _ = _lire(client, user, cas.page(monde))
        assert (marque in page) == visible, f"{persona} : {cas} sur la page"
    else:
        assert marque not in page


def test_each_read_only_role_is_kept_from_something_by_the_cases():
    """The cases above are not vacuous: each read-only role has fields hidden, and reads others."""
    roles = {persona: UserFactory(role=r) for persona, r in [("elu", Role.ELU), ("regisseur", Role.REGISSEUR)]}
    roles["partenaire_caf"] = UserFactory(partenaire=True)
    for persona, user in roles.items():
        caches = [c for c in CAS if not lisible(user, c.modele, c.champ)]
        lus = [c for c in CAS if lisible(user, c.modele, c.champ)]
        assert caches and lus, persona


@pytest.mark.parametrize("persona", ["elu", "partenaire_caf"])
def test_the_premises_lent_are_named_on_the_convention_page_and_history_only_for_who_reads_premises(
    client, request, monde, persona
):
    """The issue's case: « Locaux mis à disposition : … » in a partner's history of a convention."""
    user = request.getfixturevalue(persona)
    monde["convention"].locaux.add(monde["local"])
    page, historique = _lire(client, user, _convention(monde))
    lit_les_locaux = persona == "elu"
    assert ("Locaux mis à disposition" in historique) == lit_les_locaux
    assert ("Salle Pablo-Neruda" in historique) == lit_les_locaux
    assert ("Salle Pablo-Neruda" in page) == lit_les_locaux


def test_a_partner_reads_a_convention_s_history_from_when_it_left_the_works(client, partenaire_caf, agent, monde):
    """The drafts' amounts stay the team's: a partner never reads a convention in the works, nor its
    history before it left them; what changed since, it reads."""
    convention = ConventionFactory(
        centre=monde["centre"], complete=True, parties=[partenaire_caf.organisation], statut=Convention.Statut.BROUILLON
    )
    engagement = EngagementFactory(convention=convention, montant=Decimal("31111.00"))
    _changer(engagement, montant=Decimal("32222.00"))  # negotiated while a draft
    _changer(convention, statut=Convention.Statut.APPROUVEE)
    _changer(engagement, montant=Decimal("33333.00"))  # after approval (before the avenant rule bites)
    _, historique = _lire(client, partenaire_caf, convention.get_absolute_url())
    assert "31 111" not in historique.replace("\u202f", " ").replace("\xa0", " ")
    texte = historique.replace("\u202f", " ").replace("\xa0", " ")
    assert "33 333" in texte and "32 222" in texte  # the change after approval, from the approved amount
    assert texte.count("Création") == 0
    _, historique_equipe = _lire(client, agent, convention.get_absolute_url())
    assert "31 111" in historique_equipe.replace("\u202f", " ").replace("\xa0", " ")


def test_a_document_s_link_to_a_visit_or_works_is_hidden_from_a_partner():
    """Links to records a reader may not read are hidden with them (a partner reads no visits, no works)."""
    partenaire = UserFactory(partenaire=True)
    assert {"visite", "travaux"} <= champs_caches(partenaire, Document)
    assert "assemblee" not in champs_caches(partenaire, Document)
    assert {"visite", "travaux"}.isdisjoint(champs_caches(UserFactory(role=Role.ELU), Document))
    assert "locaux" in champs_caches(partenaire, Convention)
    assert lisible(UserFactory(role=Role.ELU), Convention, "locaux")


def test_every_rule_names_fields_of_its_model():
    """A misspelt field in a rule would hide nothing: every name a rule returns, for any role, is a field."""
    users = [UserFactory(role=role) for role in Role if role != Role.PARTENAIRE] + [UserFactory(partenaire=True)]
    assert regles()
    for modele, regle in regles().items():
        noms = {f.name for f in modele._meta.get_fields()}
        for user in users:
            assert set(regle(user)) - {TOUT} <= noms, modele
            assert champs_caches(user, modele.history.model) == champs_caches(user, modele)


def test_the_templates_read_the_same_rule():
    """`lecture.<model>.<field>` in a template is the rule; an unknown model reads as hidden."""
    elu, agent = UserFactory(role=Role.ELU), UserFactory(role=Role.AGENT)
    assert Lecture(elu)["convention"]["notes_internes"] is False
    assert Lecture(elu)["convention"]["objet"] is True
    assert Lecture(agent)["convention"]["notes_internes"] is True
    assert not Lecture(UserFactory(partenaire=True))["local"]
    with pytest.raises(KeyError):
        Lecture(elu)["convnetion"]
    assert EngagementAnnuel not in regles() and ActionSuivi in regles()


@pytest.mark.parametrize("persona", LECTURE_SEULE)
def test_a_model_hidden_from_a_reader_costs_its_history_no_query(client, request, monde, agent, persona):
    """Hidden models are dropped before they are read: a read-only role's history of the centre costs
    no more queries than the team's."""
    fiche = _fiche("historique")(monde)
    client.force_login(request.getfixturevalue(persona))
    cout = compter(client, fiche)
    client.force_login(agent)
    equipe = compter(client, fiche)
    assert cout <= equipe
