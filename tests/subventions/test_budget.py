"""The grants budget: lines, their consumption (SUB-15), the M57 imputation, and the dispositifs."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from roubaix_cs.formats import montant
from roubaix_cs.sources_legales import M57
from subventions import services
from subventions.models import DemandeSubvention, Dispositif, LigneBudgetaire

from ..factories import DemandeFactory, DispositifFactory, LigneBudgetaireFactory, VersementFactory
from ..outils import contenu, messages_de

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = DemandeSubvention.Statut


@pytest.fixture
def ligne():
    """Open credits 95 000,10 €: engaged 25 000,60 € (validated 5 000,30 + voted 20 000,30), paid 12 000,25 €."""
    ligne = LigneBudgetaireFactory(credits_votes=Decimal("100000.10"), decisions_modificatives=Decimal("-5000"))
    votee = DemandeFactory(votee=True, ligne_budgetaire=ligne, montant_vote=Decimal("20000.30"))
    VersementFactory(demande=votee, montant=Decimal("12000"))
    VersementFactory(demande=votee, montant=Decimal("0.25"))
    DemandeFactory(proposee=True, statut=S.VALIDEE, ligne_budgetaire=ligne, montant_propose=Decimal("5000.30"))
    DemandeFactory(proposee=True, ligne_budgetaire=ligne, montant_propose=Decimal("7000"))  # not engaged yet
    DemandeFactory(proposee=True, statut=S.REJETEE, ligne_budgetaire=ligne)  # never engaged
    return ligne


def test_sub_15_engaged_paid_and_available_are_computed_by_the_database(ligne):
    LigneBudgetaireFactory()  # a line without requests
    lignes = {ligne_.pk: ligne_ for ligne_ in LigneBudgetaire.objects.avec_consommation()}
    assert lignes[ligne.pk].total_engage == Decimal("25000.60")
    assert lignes[ligne.pk].total_paye == Decimal("12000.25")
    autre = next(ligne_ for pk, ligne_ in lignes.items() if pk != ligne.pk)
    assert (autre.total_engage, autre.total_paye) == (Decimal("0"), Decimal("0"))
    # The same rule as the validation check (services.disponible).
    assert services.disponible(ligne) == Decimal("95000.10") - Decimal("25000.60")


def test_sub_15_the_budget_page_shows_engaged_paid_and_available(client, elu, ligne):
    client.force_login(elu)
    response = client.get(reverse("subventions:budget", args=[2026]))
    [affichee] = response.context["lignes"]
    assert affichee.disponible == Decimal("69999.50")
    assert response.context["totaux"]["disponible"] == Decimal("69999.50")
    rangee = contenu(response).split('id="budget"')[1].split("<tbody>")[1].split("</tr>")[0]
    for valeur in ("100000.10", "-5000", "95000.10", "25000.60", "12000.25", "69999.50"):
        assert montant(Decimal(valeur)) in rangee, valeur
    assert "Ajouter une ligne" not in contenu(response)
    assert reverse("subventions:ligne_modifier", args=[ligne.pk]) not in contenu(response)


def test_the_budget_page_shows_one_year_and_navigates_to_the_others(client, agent, ligne):
    LigneBudgetaireFactory(annee=2024, libelle="Ancienne ligne")
    client.force_login(agent)
    response = client.get(reverse("subventions:budget", args=[2026]))
    assert [ligne_.pk for ligne_ in response.context["lignes"]] == [ligne.pk]
    assert response.context["annees"] == [2024, 2025, 2026, 2027]
    page = contenu(response)
    assert f'href="{reverse("subventions:budget", args=[2027])}"' in page
    assert f'href="{reverse("subventions:budget", args=[2024])}"' in page
    assert f'href="{reverse("subventions:ligne_modifier", args=[ligne.pk])}"' in page
    assert f'href="{reverse("subventions:ligne_creer")}?annee=2026"' in page
    vide = client.get(reverse("subventions:budget", args=[2027]))
    assert "Aucune ligne budgétaire pour 2027." in contenu(vide)
    assert f'href="{reverse("subventions:budget", args=[2028])}"' not in contenu(vide)  # the pages end there


@pytest.mark.parametrize(("annee", "statut"), [(2023, 404), (2024, 200), (2027, 200), (2028, 404)])
def test_the_budget_pages_end_one_year_after_the_last_one_with_lines(client, agent, ligne, annee, statut):
    """Lines in 2024 and 2026, today 2026: from 2024 (the first) to 2027 (the next one to prepare)."""
    LigneBudgetaireFactory(annee=2024, libelle="Ancienne ligne")
    client.force_login(agent)
    assert client.get(reverse("subventions:budget", args=[annee])).status_code == statut


def _ligne(**valeurs):
    return {
        "annee": "2027",
        "section": "fonctionnement",
        "chapitre": "65",
        "compte": "65748",
        "fonction": "524",
        "libelle": "Subventions aux centres sociaux",
        "credits_votes": "450000",
        "decisions_modificatives": "0",
        **valeurs,
    }


def test_an_agent_creates_a_budget_line(client, agent):
    client.force_login(agent)
    assert client.get(reverse("subventions:ligne_creer"), {"annee": "2027"}).context["form"].initial["annee"] == 2027
    response = client.post(reverse("subventions:ligne_creer"), _ligne(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("subventions:budget", args=[2027])
    assert messages_de(response) == ["La ligne budgétaire a été créée."]
    assert LigneBudgetaire.objects.get().credits_ouverts == Decimal("450000")


@pytest.mark.parametrize(
    ("valeurs", "erreurs"),
    [
        (
            {"chapitre": "204"},
            {"chapitre": [f"En section de fonctionnement, les subventions s'imputent au chapitre 65 ({M57})."]},
        ),
        (
            {"compte": "2042"},
            {
                "compte": [
                    f"En section de fonctionnement, les subventions s'imputent à un compte 6574x ({M57}), "
                    "pas au compte 2042."
                ]
            },
        ),
        (
            {"section": "investissement"},
            {
                "chapitre": [f"En section d'investissement, les subventions s'imputent au chapitre 204 ({M57})."],
                "compte": [
                    f"En section d'investissement, les subventions s'imputent à un compte 2042x ({M57}), "
                    "pas au compte 65748."
                ],
            },
        ),
    ],
)
def test_sub_15_the_m57_chapter_and_account_must_match_the_section(client, agent, valeurs, erreurs):
    client.force_login(agent)
    response = client.post(reverse("subventions:ligne_creer"), _ligne(**valeurs))
    assert response.context["form"].errors == erreurs
    assert not LigneBudgetaire.objects.exists()


def test_sub_15_an_investment_line_on_chapter_204(client, agent):
    client.force_login(agent)
    client.post(reverse("subventions:ligne_creer"), _ligne(section="investissement", chapitre="204", compte="20421"))
    assert LigneBudgetaire.objects.get().section == "investissement"


def test_a_duplicate_line_is_refused_in_french(client, agent):
    LigneBudgetaireFactory(annee=2027, libelle="Subventions aux centres sociaux")
    client.force_login(agent)
    response = client.post(reverse("subventions:ligne_creer"), _ligne())
    assert response.context["form"].errors == {"libelle": ["Cette ligne budgétaire existe déjà pour l'exercice."]}


def test_sub_15_open_credits_cannot_drop_below_what_is_engaged(client, agent, ligne):
    client.force_login(agent)
    url = reverse("subventions:ligne_modifier", args=[ligne.pk])
    form = client.get(url).context["form"]
    assert form.fields["annee"].disabled and form.fields["section"].disabled
    donnees = _ligne(annee="2026", libelle=ligne.libelle, version_vue=ligne.version)
    response = client.post(url, {**donnees, "credits_votes": "25000", "decisions_modificatives": "0"})
    assert response.context["form"].errors == {
        "decisions_modificatives": [
            f"Les crédits ouverts ({montant(Decimal('25000'))}) seraient inférieurs aux montants déjà engagés "
            f"sur la ligne ({montant(Decimal('25000.60'))}) : on n'engage pas au-delà des crédits ouverts."
        ]
    }
    response = client.post(
        url, {**donnees, "credits_votes": "100000", "decisions_modificatives": "-20000"}, follow=True
    )
    assert messages_de(response) == ["Ligne budgétaire enregistrée."]
    ligne.refresh_from_db()
    assert (ligne.credits_ouverts, ligne.version) == (Decimal("80000"), 2)


def test_a_line_is_edited_under_optimistic_locking(client, agent, responsable):
    ligne = LigneBudgetaireFactory()
    url = reverse("subventions:ligne_modifier", args=[ligne.pk])
    donnees = _ligne(annee="2026", libelle=ligne.libelle, version_vue=1)
    client.force_login(responsable)
    client.post(url, {**donnees, "credits_votes": "510000"})
    client.force_login(agent)
    response = client.post(url, {**donnees, "credits_votes": "490000"})
    assert "modifié par quelqu&#x27;un d&#x27;autre" in contenu(response)
    ligne.refresh_from_db()
    assert ligne.credits_votes == Decimal("510000")


# --- Dispositifs: data the team manages, élus read ---------------------------------------------------


def test_the_team_manages_the_dispositifs(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("subventions:dispositif_creer"), {"nom": "Quartiers d'été", "actif": "on"}, follow=True
    )
    assert messages_de(response) == ["Le dispositif a été créé."]
    dispositif = Dispositif.objects.get()
    response = client.post(
        reverse("subventions:dispositif_modifier", args=[dispositif.pk]),
        {"nom": "Quartiers d'été", "description": "Animations estivales"},
        follow=True,
    )
    assert messages_de(response) == ["Dispositif enregistré."]
    dispositif.refresh_from_db()
    assert (dispositif.description, dispositif.actif) == ("Animations estivales", False)
    assert dispositif.history.first().history_user == agent


def test_an_inactive_dispositif_is_no_longer_offered_for_new_requests(client, agent):
    DispositifFactory(nom="Ancien dispositif", actif=False)
    actif = DispositifFactory(nom="Ville Vie Vacances")
    client.force_login(agent)
    form = client.get(reverse("subventions:creer")).context["form"]
    assert list(form.fields["dispositif"].queryset) == [actif]


def test_elus_read_the_dispositifs_and_their_requests(client, elu):
    vvv = DispositifFactory(nom="Ville Vie Vacances")
    DemandeFactory(nature="dispositif", dispositif=vvv)
    client.force_login(elu)
    response = client.get(reverse("subventions:dispositifs"))
    [affiche] = response.context["dispositifs"]
    assert affiche.nb_demandes == 1
    page = contenu(response)
    assert "Ville Vie Vacances" in page
    assert reverse("subventions:dispositif_modifier", args=[vvv.pk]) not in page
    assert "Nouveau dispositif" not in page
    assert client.post(reverse("subventions:dispositif_creer"), {"nom": "x"}).status_code == 403
