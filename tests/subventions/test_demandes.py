"""Grant requests: the list (filters, sort, totals, exports), the request and instruction forms,
what élus may read, the instruction page (SUB-3, SUB-7, SUB-8, LOC-3, earlier years) and the
centre's "Financements" tab."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from centres.models import Document
from conventions.models import Convention
from roubaix_cs.formats import montant
from roubaix_cs.sources_legales import M57
from subventions.models import CompteRenduFinancier, DemandeSubvention

from ..factories import (
    AgrementFactory,
    CentreFactory,
    ConventionFactory,
    DemandeFactory,
    DispositifFactory,
    DocumentFactory,
    LigneBudgetaireFactory,
    LocalFactory,
    VersementFactory,
)
from ..outils import contenu, messages_de

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]
S = DemandeSubvention.Statut
NOTE = "Note confidentielle : direction fragile, trésorerie à surveiller."


def _csv(response):
    texte = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(texte), delimiter=";"))


# --- The list: filters, sort, totals ---------------------------------------------------------------


@pytest.fixture
def trois_demandes():
    alma = CentreFactory(nom="Centre social Alma")
    linne = CentreFactory(nom="Centre social Linné")
    vvv = DispositifFactory(nom="Ville Vie Vacances")
    a = DemandeFactory(centre=alma, annee=2026, votee=True, montant_demande=Decimal("20000"))
    VersementFactory(demande=a, montant=Decimal("9000"))
    VersementFactory(demande=a, montant=Decimal("1000.50"))
    b = DemandeFactory(
        centre=alma, annee=2025, nature="dispositif", dispositif=vvv, montant_demande=Decimal("3000"), votee=True
    )
    VersementFactory(demande=b, montant=Decimal("3000"))
    c = DemandeFactory(centre=linne, annee=2026, proposee=True, montant_demande=Decimal("12000"))
    return a, b, c


def _liste(client, **params):
    return client.get(reverse("subventions:liste"), params)


def test_the_list_shows_every_request_with_its_amounts_and_the_totals(client, agent, trois_demandes):
    client.force_login(agent)
    response = _liste(client)
    assert list(response.context["page"]) == [trois_demandes[0], trois_demandes[2], trois_demandes[1]]
    totaux = response.context["totaux"]
    assert totaux == {
        "demande": Decimal("35000"),
        "propose": Decimal("54000"),
        "vote": Decimal("36000"),
        "verse": Decimal("13000.50"),
    }
    page = contenu(response)
    assert montant(Decimal("13000.50")) in page.split('class="fw-bold totaux"')[1]
    assert "Total des 3 demandes filtrées" in page


@pytest.mark.parametrize(
    ("params", "attendues"),
    [
        ({"annee": "2026"}, [0, 2]),
        ({"nature": "dispositif"}, [1]),
        ({"statut": "proposee"}, [2]),
        ({"tri": "demande"}, [1, 2, 0]),
        ({"tri": "-demande"}, [0, 2, 1]),
        ({"tri": "centre"}, [0, 1, 2]),
    ],
)
def test_the_list_filters_and_sorts(client, agent, trois_demandes, params, attendues):
    client.force_login(agent)
    assert list(_liste(client, **params).context["page"]) == [trois_demandes[i] for i in attendues]


def test_the_list_filters_by_centre_and_dispositif_and_totals_the_whole_filtered_list(client, agent, trois_demandes):
    a, b, c = trois_demandes
    client.force_login(agent)
    response = _liste(client, centre=a.centre_id)
    assert list(response.context["page"]) == [a, b]
    assert response.context["totaux"]["verse"] == Decimal("13000.50")
    response = _liste(client, dispositif=b.dispositif_id)
    assert list(response.context["page"]) == [b]
    assert response.context["totaux"] == {
        "demande": Decimal("3000"),
        "propose": Decimal("18000"),
        "vote": Decimal("18000"),
        "verse": Decimal("3000"),
    }


def test_the_totals_cover_every_page_not_only_the_one_shown(client, agent):
    for _ in range(27):
        DemandeFactory(montant_demande=Decimal("1000"))
    client.force_login(agent)
    response = _liste(client)
    assert len(response.context["page"]) == 25
    assert response.context["totaux"]["demande"] == Decimal("27000")
    assert len(_liste(client, page=2).context["page"]) == 2


def test_the_list_links_to_the_budget_of_the_filtered_year_and_the_dispositifs(client, elu):
    client.force_login(elu)
    page = contenu(_liste(client, annee="2027"))
    assert f'href="{reverse("subventions:budget", args=[2027])}"' in page
    assert f'href="{reverse("subventions:dispositifs")}"' in page
    assert "Nouvelle demande" not in page
    assert f'href="{reverse("subventions:budget", args=[2026])}"' in contenu(_liste(client))


# --- Exports ------------------------------------------------------------------------------------


def test_the_csv_export_follows_the_filters_and_carries_the_team_s_analysis_note(client, agent, trois_demandes):
    a, b, c = trois_demandes
    DemandeSubvention.objects.filter(pk=a.pk).update(note_analyse=NOTE)
    client.force_login(agent)
    response = client.get(reverse("subventions:export", kwargs={"fmt": "csv"}), {"centre": a.centre_id})
    lignes = _csv(response)
    assert lignes[0][0] == "Centre" and lignes[0][-1] == "Note d'analyse (interne)"
    assert [ligne[1] for ligne in lignes[1:]] == ["2026", "2025"]
    premiere = dict(zip(lignes[0], lignes[1], strict=True))
    assert premiere["Montant voté"] == "18000,00"
    assert premiere["Versé"] == "10000,50"
    assert premiere["Note d'analyse (interne)"] == NOTE


def test_the_xlsx_export_has_the_same_rows(client, agent, trois_demandes):
    client.force_login(agent)
    response = client.get(reverse("subventions:export", kwargs={"fmt": "xlsx"}))
    feuille = load_workbook(io.BytesIO(response.content)).active
    lignes = list(feuille.values)
    assert len(lignes) == 4
    assert lignes[0][:3] == ("Centre", "Exercice", "Nature")


def test_elus_never_get_the_analysis_note_in_exports(client, elu, trois_demandes):
    DemandeSubvention.objects.update(note_analyse=NOTE)
    client.force_login(elu)
    lignes = _csv(client.get(reverse("subventions:export", kwargs={"fmt": "csv"})))
    assert "Note d'analyse (interne)" not in lignes[0]
    assert "Montant proposé" in lignes[0]
    assert NOTE not in str(lignes)
    feuille = load_workbook(io.BytesIO(client.get(reverse("subventions:export", kwargs={"fmt": "xlsx"})).content))
    assert NOTE not in str(list(feuille.active.values))


# --- What élus, partners and régisseurs may read ----------------------------------------------------


def test_elus_see_the_proposal_and_its_amount_never_the_analysis_note(client, agent, elu):
    demande = DemandeFactory(proposee=True, note_analyse="Première version.")
    client.force_login(agent)
    client.post(
        reverse("subventions:instruction", args=[demande.pk]),
        {
            "montant_propose": "17500",
            "ligne_budgetaire": demande.ligne_budgetaire_id,
            "note_analyse": NOTE,
            "version_vue": demande.version,
        },
    )
    assert NOTE in contenu(client.get(demande.get_absolute_url()))  # the team reads it, history included
    client.force_login(elu)
    response = client.get(demande.get_absolute_url())
    page = contenu(response)
    assert montant(Decimal("17500")) in page
    assert "Note d&#x27;analyse" not in page
    assert NOTE not in page and "Première version." not in page
    historique = response.context["evenements"]
    assert any(c.champ == "montant proposé (€)" for e in historique for c in e.changements)
    assert not any("note" in c.champ for e in historique for c in e.changements)
    assert "Saisir l'instruction" not in page and "Étape suivante" not in page


def test_the_team_reads_the_note_in_the_history(client, agent):
    demande = DemandeFactory(proposee=True, note_analyse="Avant.")
    demande.note_analyse = NOTE
    demande.save()
    client.force_login(agent)
    historique = client.get(demande.get_absolute_url()).context["evenements"]
    assert any(c.champ == "note d'analyse (interne)" and c.apres == NOTE for e in historique for c in e.changements)


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_may_not_read_grants(client, persona, request):
    demande = DemandeFactory(proposee=True)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("subventions:liste"),
        reverse("subventions:export", kwargs={"fmt": "csv"}),
        demande.get_absolute_url(),
        reverse("subventions:budget", args=[2026]),
        reverse("subventions:dispositifs"),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["partenaire_caf", "regisseur"])
def test_partners_and_regisseurs_have_no_financements_tab(client, centre_caf, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(centre_caf.get_absolute_url(), {"onglet": "financements"})
    assert "financements" not in dict(response.context["onglets"])
    assert response.context["onglet"] == "identite"


# --- The request form ---------------------------------------------------------------------------


def _donnees(centre, **valeurs):
    return {
        "centre": centre.pk,
        "annee": "2027",
        "nature": "fonctionnement",
        "objet": "Fonctionnement général",
        "montant_demande": "25000",
        "date_reception": "2026-08-28",
        **valeurs,
    }


def test_an_agent_records_a_request(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.get(reverse("subventions:creer"), {"centre": centre.pk})
    assert response.context["form"].initial["centre"] == centre
    assert response.context["form"].initial["referent"] == agent
    assert response.context["form"].initial["annee"] == 2027  # in September, requests are for next year
    response = client.post(reverse("subventions:creer"), _donnees(centre, referent=agent.pk), follow=True)
    demande = DemandeSubvention.objects.get()
    assert response.redirect_chain[-1][0] == demande.get_absolute_url()
    assert messages_de(response) == ["La demande de subvention a été enregistrée."]
    assert (demande.centre, demande.annee, demande.statut, demande.referent) == (centre, 2027, S.RECUE, agent)
    assert demande.history.first().history_user == agent


def test_a_dispositif_request_must_name_its_dispositif(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(reverse("subventions:creer"), _donnees(centre, nature="dispositif"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "dispositif": ["Choisissez le dispositif au titre duquel la subvention est demandée."]
    }
    assert not DemandeSubvention.objects.exists()
    vvv = DispositifFactory()
    client.post(reverse("subventions:creer"), _donnees(centre, nature="dispositif", dispositif=vvv.pk))
    assert DemandeSubvention.objects.get().dispositif == vvv


def test_a_dispositif_is_refused_for_another_nature(client, agent):
    client.force_login(agent)
    response = client.post(reverse("subventions:creer"), _donnees(CentreFactory(), dispositif=DispositifFactory().pk))
    assert response.context["form"].errors == {
        "dispositif": ["Un dispositif ne se choisit que pour une demande de nature « Dispositif »."]
    }


def test_the_convention_must_be_one_of_the_centre(client, agent):
    centre, autre = CentreFactory(), CentreFactory(nom_court="Autre")
    convention_autre = ConventionFactory(centre=autre)
    client.force_login(agent)
    response = client.post(reverse("subventions:creer"), _donnees(centre, convention=convention_autre.pk))
    assert response.context["form"].errors == {"convention": [f"Choisissez une convention de {centre.libelle_court}."]}
    demande = DemandeFactory(centre=centre)
    propre = ConventionFactory(centre=centre)
    form = client.get(reverse("subventions:modifier", args=[demande.pk])).context["form"]
    assert list(form.fields["convention"].queryset) == [propre]


def test_editing_a_request_under_optimistic_locking(client, agent, responsable):
    demande = DemandeFactory()
    url = reverse("subventions:modifier", args=[demande.pk])
    client.force_login(responsable)
    donnees = _donnees(demande.centre, annee="2026", version_vue=demande.version)
    response = client.post(url, {**donnees, "objet": "Projet social 2026"}, follow=True)
    assert messages_de(response) == ["Demande enregistrée."]
    client.force_login(agent)
    response = client.post(url, {**donnees, "objet": "Ma version"})  # saw version 1, now 2
    assert response.status_code == 200
    assert "modifié par quelqu&#x27;un d&#x27;autre" in contenu(response)
    demande.refresh_from_db()
    assert demande.objet == "Projet social 2026"


def test_what_the_council_votes_on_is_fixed_after_validation(client, agent):
    demande = DemandeFactory(votee=True)
    client.force_login(agent)
    form = client.get(reverse("subventions:modifier", args=[demande.pk])).context["form"]
    assert all(form.fields[name].disabled for name in ("centre", "annee", "nature", "dispositif", "montant_demande"))
    assert not form.fields["objet"].disabled


# --- The instruction form -------------------------------------------------------------------------


def test_the_instruction_offers_the_lines_of_the_request_s_year_only(client, agent):
    demande = DemandeFactory(annee=2026)
    ligne = LigneBudgetaireFactory(annee=2026, credits_votes=Decimal("100000"))
    LigneBudgetaireFactory(annee=2027)
    DemandeFactory(votee=True, ligne_budgetaire=ligne, montant_vote=Decimal("40000"))
    client.force_login(agent)
    form = client.get(reverse("subventions:instruction", args=[demande.pk])).context["form"]
    choix = list(form.fields["ligne_budgetaire"].choices)[1:]
    assert [c[0].value for c in choix] == [ligne.pk]
    assert choix[0][1] == f"{ligne} — disponible : {montant(Decimal('60000'))}"


def test_the_instruction_refuses_a_line_of_the_wrong_section(client, agent):
    demande = DemandeFactory(nature="investissement")
    ligne = LigneBudgetaireFactory()
    client.force_login(agent)
    response = client.post(
        reverse("subventions:instruction", args=[demande.pk]),
        {"montant_propose": "5000", "ligne_budgetaire": ligne.pk, "note_analyse": "x", "version_vue": 1},
    )
    assert response.context["form"].errors == {
        "ligne_budgetaire": [
            f"Une demande « Investissement » s'impute en section d'investissement (chapitre 204, compte 2042x, {M57})."
        ]
    }


def test_a_validated_proposal_is_no_longer_edited(client, responsable):
    demande = DemandeFactory(proposee=True, statut=S.VALIDEE)
    client.force_login(responsable)
    response = client.get(reverse("subventions:instruction", args=[demande.pk]), follow=True)
    assert messages_de(response) == ["La proposition est validée : elle ne se modifie plus."]
    assert "Saisir l'instruction" not in contenu(response)


# --- The instruction page --------------------------------------------------------------------------


def test_loc_3_a_rent_compensation_above_the_rents_actually_paid_is_flagged(client, agent):
    demande = DemandeFactory(
        nature="compensation_loyers", montant_demande=Decimal("14000"), loyers_charges_justifies=Decimal("12000")
    )
    client.force_login(agent)
    page = contenu(client.get(demande.get_absolute_url()))
    assert (
        f"La compensation de loyers ({montant(Decimal('14000'))} demandés) dépasse les loyers et charges "
        f"réellement payés ({montant(Decimal('12000'))}) : elle ne peut couvrir que ces dépenses."
    ) in page
    DemandeSubvention.objects.filter(pk=demande.pk).update(montant_propose=Decimal("12000"))
    assert "dépasse les loyers et charges" not in contenu(client.get(demande.get_absolute_url()))


def test_sub_7_and_sub_8_flags_are_shown(client, elu):
    demande = DemandeFactory(
        proposee=True, montant_propose=Decimal("80000"), autres_subventions_publiques=Decimal("80000")
    )
    client.force_login(elu)
    page = contenu(client.get(demande.get_absolute_url()))
    assert (
        "Bilan certifié exigé" in page and "(article L2313-1 du code général des collectivités territoriales)" in page
    )
    assert "Commissaire aux comptes et publication des comptes" in page


def test_sub_7_the_city_s_share_of_the_produits_is_flagged(client, agent):
    demande = DemandeFactory(proposee=True, montant_propose=Decimal("30000"), produits_structure=Decimal("50000"))
    client.force_login(agent)
    page = contenu(client.get(demande.get_absolute_url()))
    assert "Bilan certifié exigé" in page
    assert "Commissaire aux comptes" not in page


def test_no_flag_below_the_thresholds(client, agent):
    demande = DemandeFactory(proposee=True)
    client.force_login(agent)
    page = contenu(client.get(demande.get_absolute_url()))
    assert (
        "Bilan certifié exigé" not in page
        and "Commissaire aux comptes" not in page
        and "dépasse les loyers et charges" not in page
    )


def test_sub_3_the_box_adds_the_proposal_to_the_voted_cash_and_the_premises(client, agent):
    centre = CentreFactory()
    DemandeFactory(centre=centre, nature="investissement", votee=True, montant_vote=Decimal("3000"))
    LocalFactory(centre=centre, valeur_locative=Decimal("6000"), charges_ville=0, loyer_facture=0)
    demande = DemandeFactory(centre=centre, proposee=True, montant_propose=Decimal("18000"))
    client.force_login(agent)
    response = client.get(demande.get_absolute_url())
    aide = response.context["aide"]
    assert (aide.numeraire, aide.nature, aide.total) == (Decimal("21000"), Decimal("6000"), Decimal("27000"))
    assert "Manquante : requise au-delà de 23 000 €" in contenu(response)


def test_the_page_shows_the_centre_s_earlier_years_conventions_agrement_and_reports(client, agent):
    centre = CentreFactory()
    demande = DemandeFactory(centre=centre, annee=2026, proposee=True)
    n1 = DemandeFactory(centre=centre, annee=2025, votee=True, montant_vote=Decimal("15000"))
    VersementFactory(demande=n1, montant=Decimal("15000"), date=datetime.date(2025, 4, 1))
    n2 = DemandeFactory(centre=centre, annee=2024, nature="compensation_loyers", votee=True)
    CompteRenduFinancier.objects.create(demande=n2, date_reception=datetime.date(2025, 6, 2))
    DemandeFactory(centre=centre, annee=2023, votee=True)  # N-3: its report is still awaited
    DemandeFactory(annee=2025, votee=True)  # another centre
    ConventionFactory(centre=centre, statut=Convention.Statut.EN_COURS)
    AgrementFactory(centre=centre, debut=datetime.date(2024, 1, 1))
    client.force_login(agent)
    response = client.get(demande.get_absolute_url())
    assert [d for d, _ in response.context["anterieures"]] == [n1, n2]
    etats = [etat.libelle for _, etat in response.context["anterieures"]]
    assert etats == ["En retard : dû le 30/06/2026", "Reçu le 02/06/2025"]
    assert [d.annee for d, _ in response.context["crf_a_recevoir"]] == [2023, 2025]
    page = contenu(response)
    anterieures = page.split('id="anterieures"')[1].split("</table>")[0]
    assert montant(Decimal("15000")) in anterieures
    assert "En cours d&#x27;exécution" in page.split('id="conventions"')[1].split("</ul>")[0]
    assert "jusqu'au 31/12/2027" in page.split('id="agrements"')[1].split("</p>")[0]


def test_the_pieces_are_checked_for_the_financed_year(client, agent):
    """For a 2027 request instructed in 2026, a RIB valid until 31/12/2026 does not cover the year."""
    demande = DemandeFactory(annee=2027)
    DocumentFactory(centre=demande.centre, rib=True, valide_au=datetime.date(2026, 12, 31))
    DocumentFactory(centre=demande.centre, type=Document.Type.STATUTS)
    client.force_login(agent)
    response = client.get(demande.get_absolute_url())
    assert response.context["jour_pieces"] == datetime.date(2027, 1, 1)
    etats = {p.type: p.etat for p in response.context["pieces"]}
    assert (etats["rib"], etats["statuts"], etats["cer"]) == ("expire", "valide", "manquant")


def test_elus_see_only_the_public_pieces(client, elu):
    demande = DemandeFactory()
    DocumentFactory(centre=demande.centre, rib=True)
    client.force_login(elu)
    types = [p.type for p in client.get(demande.get_absolute_url()).context["pieces"]]
    assert "rib" not in types and "assurance" not in types
    assert "cer" in types


def test_the_payments_and_the_report_of_the_grant_are_summed_up(client, agent):
    demande = DemandeFactory(votee=True)
    VersementFactory(demande=demande, montant=Decimal("9000"), date=datetime.date(2026, 3, 1))
    client.force_login(agent)
    response = client.get(demande.get_absolute_url())
    page = contenu(response)
    assert response.context["total_verse"] == Decimal("9000")
    assert response.context["reste_a_verser"] == Decimal("9000")
    assert f'href="{reverse("subventions:versement_creer", args=[demande.pk])}"' in page
    assert f'href="{reverse("subventions:crf", args=[demande.pk])}"' in page
    assert "Dû le 30/06/2027" in page


# --- The centre's "Financements" tab ---------------------------------------------------------------


def test_the_financements_tab_shows_each_year_s_requests_payments_and_in_kind_aid(client, elu):
    centre = CentreFactory()
    a = DemandeFactory(centre=centre, annee=2026, votee=True, montant_vote=Decimal("18000"))
    VersementFactory(demande=a, montant=Decimal("9000"), date=datetime.date(2026, 3, 1))
    DemandeFactory(centre=centre, annee=2026, nature="investissement", montant_demande=Decimal("5000"))
    DemandeFactory(centre=centre, annee=2025, votee=True, montant_vote=Decimal("15000"))
    LocalFactory(centre=centre, valeur_locative=Decimal("6000"), charges_ville=0, loyer_facture=0)
    client.force_login(elu)
    response = client.get(centre.get_absolute_url(), {"onglet": "financements"})
    assert ("financements", "Financements") in response.context["onglets"]
    exercices = response.context["exercices"]
    assert [e.annee for e in exercices] == [2026, 2025]
    e2026 = exercices[0]
    assert (e2026.demande, e2026.vote, e2026.verse) == (Decimal("25000"), Decimal("18000"), Decimal("9000"))
    assert (e2026.aide.numeraire, e2026.aide.nature) == (Decimal("18000"), Decimal("6000"))
    page = contenu(response)
    assert "03/03/2026" not in page and "01/03/2026 — Avance de " + montant(Decimal("9000")) in page
    assert "Nouvelle demande" not in page


# --- The convention choice: the conventions of the request's centre only ------------------------


def test_a_new_request_offers_no_convention_until_its_centre_is_chosen(client, agent):

    ConventionFactory()
    client.force_login(agent)
    formulaire = client.get(reverse("subventions:creer")).context["form"]
    assert list(formulaire.fields["convention"].queryset) == []
    assert "Choisissez d'abord le centre" in formulaire.fields["convention"].help_text
    attributs = formulaire.fields["centre"].widget.attrs
    assert (attributs["hx-get"], attributs["hx-select"]) == (reverse("subventions:creer"), "#id_convention")


def test_the_chosen_centre_s_conventions_only_are_offered(client, agent):

    centre = CentreFactory()
    sienne = ConventionFactory(centre=centre)
    ConventionFactory()  # another centre's
    client.force_login(agent)
    formulaire = client.get(reverse("subventions:creer"), {"centre": centre.pk}).context["form"]
    assert list(formulaire.fields["convention"].queryset) == [sienne]
    demande = DemandeFactory(centre=centre)
    formulaire = client.get(reverse("subventions:modifier", args=[demande.pk])).context["form"]
    assert list(formulaire.fields["convention"].queryset) == [sienne]
