import html

import pytest
from django.urls import reverse

from centres.models import Centre, CentrePartenaire
from comptes.models import Organisation

from ..factories import CentreFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _form_data(centre, **changes):
    data = {
        "nom": centre.nom,
        "nom_court": centre.nom_court,
        "statut": centre.statut,
        "forme_juridique": centre.forme_juridique,
        "gestion": centre.gestion,
        "siret": centre.siret,
        "rna": centre.rna,
        "adresse": centre.adresse,
        "code_postal": centre.code_postal,
        "commune": centre.commune,
        "quartier": centre.quartier,
        "code_qpv": centre.code_qpv,
        "telephone": centre.telephone,
        "email": centre.email,
        "site_web": centre.site_web,
        "notes_internes": centre.notes_internes,
        "version_vue": centre.version,
    }
    data.update(changes)
    return data


def test_an_agent_creates_a_centre_with_its_partners(client, agent, caf):
    client.force_login(agent)
    response = client.post(
        reverse("centres:creer"),
        {
            "nom": "Centre social des Trois-Ponts",
            "statut": "actif",
            "forme_juridique": "association_1901",
            "gestion": "association",
            "siret": "73282932000074",
            "rna": "W595012345",
            "adresse": "2 rue Léo-Lagrange",
            "code_postal": "59100",
            "commune": "Roubaix",
            "quartier": "trois-ponts",
            "partenaires": [caf.pk],
        },
    )
    centre = Centre.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("centres:detail", args=[centre.pk])
    assert list(centre.partenaires.all()) == [caf]


def test_a_bad_siret_and_rna_get_french_messages_and_nothing_is_saved(client, agent):
    client.force_login(agent)
    response = client.post(
        reverse("centres:creer"),
        {
            "nom": "Centre X",
            "statut": "actif",
            "forme_juridique": "association_1901",
            "gestion": "association",
            "siret": "73282932000075",
            "rna": "595012345",
            "adresse": "1 rue",
            "quartier": "alma",
        },
    )
    errors = response.context["form"].errors
    assert errors["siret"] == ["Ce SIRET n'est pas valide (clé de contrôle incorrecte)."]
    assert "W suivi de 9 chiffres" in errors["rna"][0]
    assert "Ce SIRET n'est pas valide" in html.unescape(response.content.decode())
    assert not Centre.objects.exists()


def test_two_centres_cannot_share_a_siret(client, agent):
    autre = CentreFactory()
    centre = CentreFactory()
    client.force_login(agent)
    response = client.post(reverse("centres:modifier", args=[centre.pk]), _form_data(centre, siret=autre.siret))
    assert response.status_code == 200
    assert "Un autre centre porte déjà ce SIRET." in response.content.decode()


def test_an_edit_is_saved_and_listed_in_the_history(client, agent):
    centre = CentreFactory(telephone="03 20 00 00 00")
    client.force_login(agent)
    response = client.post(
        reverse("centres:modifier", args=[centre.pk]), _form_data(centre, telephone="03 20 11 22 33")
    )
    assert response.status_code == 302
    centre.refresh_from_db()
    assert (centre.telephone, centre.version) == ("03 20 11 22 33", 2)

    historique = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "historique"})
    evenement = historique.context["evenements"][0]
    assert (evenement.action, evenement.auteur) == ("Modification", agent)
    assert [(c.champ, c.avant, c.apres) for c in evenement.changements] == [
        ("téléphone", "03 20 00 00 00", "03 20 11 22 33")
    ]


def test_partner_changes_are_kept_in_the_history(client, agent, caf):
    centre = CentreFactory(partenaires=[caf])
    departement = OrganisationFactory(departement=True)
    client.force_login(agent)
    client.post(reverse("centres:modifier", args=[centre.pk]), _form_data(centre, partenaires=[departement.pk]))
    assert list(centre.partenaires.all()) == [departement]
    evenements = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "historique"}).context["evenements"]
    resume = {(e.action, e.objet) for e in evenements}
    assert ("Suppression", "Partenaire CAF du Nord") in resume
    assert ("Création", "Partenaire Département du Nord") in resume
    assert CentrePartenaire.history.count() == 3


def test_readers_never_see_internal_notes_nor_their_history(client, agent, elu, partenaire_caf, regisseur, caf):
    centre = CentreFactory(partenaires=[caf], notes_internes="Trésorerie tendue")
    client.force_login(agent)
    client.post(reverse("centres:modifier", args=[centre.pk]), _form_data(centre, notes_internes="Directeur en arrêt"))
    for lecteur in (elu, partenaire_caf, regisseur):
        client.force_login(lecteur)
        for onglet in ("identite", "historique"):
            page = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": onglet}).content.decode()
            assert "Trésorerie tendue" not in page and "Directeur en arrêt" not in page, (lecteur.role, onglet)
            assert "Modifier la fiche" not in page
    client.force_login(agent)
    assert "Directeur en arrêt" in client.get(reverse("centres:detail", args=[centre.pk])).content.decode()


def test_the_partner_list_offers_partner_organisations_only(client, agent):
    OrganisationFactory(nom="Association du centre", association=True)
    OrganisationFactory(caf=True)
    client.force_login(agent)
    form = client.get(reverse("centres:creer")).context["form"]
    assert [o.nature for o in form.fields["partenaires"].queryset] == [Organisation.Nature.CAF]


def test_a_contact_is_added_edited_and_deleted_with_history(client, agent):
    centre = CentreFactory()
    client.force_login(agent)
    client.post(
        reverse("centres:contact_creer", args=[centre.pk]),
        {"qualite": "president", "prenom": "Hervé", "nom": "Desmet", "email": "herve@example.org"},
    )
    contact = centre.contacts.get()
    client.post(
        reverse("centres:contact_modifier", args=[contact.pk]),
        {"qualite": "president", "prenom": "Hervé", "nom": "Desmet", "telephone": "0600000000", "version_vue": 1},
    )
    client.post(reverse("centres:contact_supprimer", args=[contact.pk]))
    assert not centre.contacts.exists()
    evenements = client.get(reverse("centres:detail", args=[centre.pk]), {"onglet": "historique"}).context["evenements"]
    assert [e.action for e in evenements if e.objet == "Contact Hervé Desmet"] == [
        "Suppression",
        "Modification",
        "Création",
    ]
