"""The import of yearly indicators: template, preview (every error with its row and column, the
warnings), all-or-nothing writing, in the request or in the background with its status."""

import csv
import datetime
import io
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from centres import imports
from centres.models import ImportIndicateurs, IndicateursAnnuels
from roubaix_cs import xlsx
from roubaix_cs.seuils import IMPORT_SYNCHRONE_MAX_LIGNES

from ..factories import CentreFactory, IndicateursAnnuelsFactory
from ..outils import contenu, messages_de

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 9, 1, 10, 0))]

COLONNE = imports.TITRE_DU_CHAMP


def _ligne(centre, annee=2025, par_nom=False, **champs):
    valeurs = dict(imports.EXEMPLE, **champs)
    return [
        "" if par_nom else centre.siret,
        centre.nom,
        annee,
        *(valeurs[nom] for _, nom in imports.COLONNES),
    ]


def _csv(lignes, titres=None, nom="indicateurs.csv"):
    sortie = io.StringIO()
    writer = csv.writer(sortie, delimiter=";")
    writer.writerow(titres or imports.TITRES)
    for ligne in lignes:
        writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in ligne])
    return SimpleUploadedFile(nom, ("\ufeff" + sortie.getvalue()).encode(), "text/csv")


def _xlsx(lignes, nom="indicateurs.xlsx"):
    flux = io.BytesIO()
    xlsx.ecrire(flux, [xlsx.Feuille("Indicateurs", imports.TITRES, lignes)])
    return SimpleUploadedFile(nom, flux.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _deposer(client, fichier):
    response = client.post(reverse("centres:indicateurs_importer"), {"fichier": fichier})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return ImportIndicateurs.objects.latest("pk")


def test_the_template_downloads_in_both_formats_and_reimports_cleanly(client_of, agent):
    centre = CentreFactory()
    client = client_of(agent)
    for fmt in ("xlsx", "csv"):
        modele = client.get(reverse("centres:indicateurs_modele", kwargs={"fmt": fmt}))
        assert modele.status_code == 200
        fichier = SimpleUploadedFile(f"modele.{fmt}", modele.content)
        import_ = _deposer(client, fichier)
        assert import_.rapport["erreurs"] == [], fmt
        assert import_.lignes == 1
        client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
        import_.refresh_from_db()
        assert import_.statut == ImportIndicateurs.Statut.TERMINE
    indicateurs = IndicateursAnnuels.objects.get()  # the second import replaced the first one's row
    assert (indicateurs.centre, indicateurs.annee, indicateurs.etp) == (centre, 2025, Decimal("15.50"))
    assert indicateurs.history.count() == 2


def test_the_template_states_the_units_and_how_centres_are_matched(client_of, agent):
    CentreFactory()
    from openpyxl import load_workbook

    modele = client_of(agent).get(reverse("centres:indicateurs_modele", kwargs={"fmt": "xlsx"}))
    classeur = load_workbook(io.BytesIO(modele.content))
    assert classeur.sheetnames == ["Indicateurs", "Mode d'emploi"]
    consignes = " ".join(str(c) for (c,) in classeur["Mode d'emploi"].iter_rows(values_only=True))
    assert "SIRET" in consignes and "nom exact" in consignes
    assert "Total des charges (€) : €, 2 décimales" in consignes
    assert "Usagers distincts : nombre entier" in consignes


def test_a_file_with_n_known_errors_lists_exactly_n_messages_and_writes_nothing(client_of, agent):
    centre = CentreFactory()
    autre = CentreFactory()
    IndicateursAnnuelsFactory(centre=centre, annee=2024)
    lignes = [
        _ligne(centre, usagers="beaucoup"),  # row 2: not a number
        _ligne(centre, annee=2026, etp="-3"),  # row 3: negative ETP
        _ligne(autre, charges_total="12,345"),  # row 4: three decimals
        _ligne(autre, annee=2025),  # row 5: the same centre and year as row 4
        ["", "Centre social inconnu", 2025, *(imports.EXEMPLE[n] for _, n in imports.COLONNES)],  # row 6
        _ligne(centre, annee=2030),  # row 7: year out of bounds
        _ligne(autre, annee=2024, produits_caf=""),  # row 8: a missing value
    ]
    import_ = _deposer(client_of(agent), _csv(lignes))
    attendues = [
        [2, COLONNE["usagers"]],
        [3, COLONNE["etp"]],
        [4, COLONNE["charges_total"]],
        [5, imports.COL_ANNEE],
        [6, imports.COL_NOM],
        [7, imports.COL_ANNEE],
        [8, COLONNE["produits_caf"]],
    ]
    assert [e[:2] for e in import_.rapport["erreurs"]] == attendues
    assert import_.statut == ImportIndicateurs.Statut.A_CORRIGER
    assert IndicateursAnnuels.objects.count() == 1  # only the one built above
    page = client_of(agent).get(import_.get_absolute_url())
    texte = contenu(page)
    assert "Erreurs à corriger (7)" in texte
    assert "Confirmer l" not in texte
    for message in ("n&#x27;est pas un nombre", "Deux décimales au plus", "figurent déjà à la ligne 4"):
        assert message in texte
    # Confirming anyway does nothing.
    client_of(agent).post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    assert IndicateursAnnuels.objects.count() == 1


def test_a_wrong_header_is_said_before_any_row(client_of, agent):
    titres = [t for t in imports.TITRES if t != COLONNE["fonds_propres"]] + ["Colonne en trop"]
    import_ = _deposer(client_of(agent), _csv([], titres=titres))
    assert import_.rapport["erreurs"] == [
        [1, "Colonne en trop", "Colonne inconnue : utilisez les titres du modèle, sans les modifier."],
        [1, COLONNE["fonds_propres"], "Colonne manquante : reprenez la ligne des titres du modèle."],
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused_next_to_the_field(client_of, agent):
    faux = SimpleUploadedFile("indicateurs.xlsx", b"%PDF-1.4 not a workbook")
    response = client_of(agent).post(reverse("centres:indicateurs_importer"), {"fichier": faux})
    assert response.status_code == 200
    assert "XLSX" in response.context["form"].errors["fichier"][0]
    assert not ImportIndicateurs.objects.exists()


def test_a_valid_file_shows_its_warnings_and_replacements_then_imports_all(client_of, agent):
    centre = CentreFactory()
    autre = CentreFactory(nom="Centre social du Pile")
    IndicateursAnnuelsFactory(centre=centre, annee=2024, usagers=1000)
    lignes = [
        _ligne(centre, annee=2024, usagers=1000),  # replaces the 2024 figures
        _ligne(centre, annee=2025, usagers=1400),  # +40 % against 2024
        _ligne(autre, par_nom=True, produits_autres=Decimal("160000.00")),  # Σ funders ≠ total by 10 000 €
        _ligne(autre, annee=2024, par_nom=True, etp=Decimal("30.00"), administrateurs=50),  # SEN-3 twice
    ]
    client = client_of(agent)
    import_ = _deposer(client, _xlsx(lignes))
    assert import_.rapport["erreurs"] == []
    assert import_.statut == ImportIndicateurs.Statut.A_CONFIRMER
    assert [a[:2] for a in import_.rapport["avertissements"]] == [
        [3, COLONNE["usagers"]],
        [4, COLONNE["produits_total"]],
        [4, COLONNE["etp"]],  # 15.5 ETP against the 30 of 2024 (row 5)
        [5, COLONNE["etp"]],
        [5, COLONNE["administrateurs"]],
    ]
    assert [m[0] for m in import_.rapport["mises_a_jour"]] == [2]
    texte = contenu(client.get(import_.get_absolute_url()))
    assert "Points à vérifier (5)" in texte
    assert "cette ligne les remplacera" in texte
    assert IndicateursAnnuels.objects.count() == 1  # nothing written before the confirmation
    response = client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    assert messages_de(response) == ["4 ligne(s) importée(s)."]
    assert IndicateursAnnuels.objects.count() == 4
    assert IndicateursAnnuels.objects.get(centre=autre, annee=2025).produits_autres == Decimal("160000.00")
    remplace = IndicateursAnnuels.objects.get(centre=centre, annee=2024)
    assert remplace.version == 2
    assert remplace.history.first().history_user == agent
    import_.refresh_from_db()
    assert (import_.rapport["crees"], import_.rapport["modifies"]) == (3, 1)
    # A second confirmation writes nothing twice.
    client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    assert IndicateursAnnuels.objects.count() == 4
    assert imports.executer(import_.pk).statut == ImportIndicateurs.Statut.TERMINE
    assert IndicateursAnnuels.objects.get(centre=centre, annee=2024).version == 2


def test_a_file_that_became_wrong_before_its_confirmation_writes_nothing(client_of, agent):
    centre = CentreFactory()
    client = client_of(agent)
    import_ = _deposer(client, _csv([_ligne(centre), _ligne(centre, annee=2024)]))
    centre.siret = "12345678200010"
    centre.save()
    response = client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    import_.refresh_from_db()
    assert import_.statut == ImportIndicateurs.Statut.ECHEC
    assert "rien n'a été enregistré" in messages_de(response)[0]
    assert not IndicateursAnnuels.objects.exists()


def test_an_error_while_writing_leaves_nothing_half_written(client_of, agent, monkeypatch):
    centres = [CentreFactory() for _ in range(3)]
    import_ = _deposer(client_of(agent), _csv([_ligne(c) for c in centres]))
    original = imports.bulk_create_with_history

    def panne(objets, *args, **kwargs):
        original(objets[:1], *args, **kwargs)
        raise imports.IntegrityError("simulée")

    monkeypatch.setattr(imports, "bulk_create_with_history", panne)
    assert imports.executer(import_.pk).statut == ImportIndicateurs.Statut.ECHEC
    assert not IndicateursAnnuels.objects.exists()


def _grand_fichier(n):
    centres = CentreFactory.create_batch(n // 10)
    return [_ligne(c, annee=2016 + a) for c in centres for a in range(10)], centres


def test_a_large_file_is_imported_in_the_background_with_its_status(
    client_of, agent, django_capture_on_commit_callbacks
):
    lignes, _ = _grand_fichier(IMPORT_SYNCHRONE_MAX_LIGNES + 10)
    client = client_of(agent)
    import_ = _deposer(client, _csv(lignes))
    assert import_.lignes == IMPORT_SYNCHRONE_MAX_LIGNES + 10
    texte = contenu(client.get(import_.get_absolute_url()))
    assert "en tâche de fond" in texte
    with django_capture_on_commit_callbacks() as taches:
        response = client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    assert messages_de(response) == ["L'import est lancé : sa progression s'affiche ci-dessous."]
    import_.refresh_from_db()
    assert import_.statut == ImportIndicateurs.Statut.EN_ATTENTE
    assert not IndicateursAnnuels.objects.exists()  # queued after commit, not run in the request
    statut = contenu(client.get(reverse("centres:indicateurs_import_statut", args=[import_.pk])))
    assert 'hx-trigger="every 2s"' in statut
    assert "0 lignes lues sur 210" in statut
    assert len(taches) == 1
    taches[0]()  # the worker (eager: no broker)
    import_.refresh_from_db()
    assert import_.statut == ImportIndicateurs.Statut.TERMINE
    assert IndicateursAnnuels.objects.count() == IMPORT_SYNCHRONE_MAX_LIGNES + 10
    statut = contenu(client.get(reverse("centres:indicateurs_import_statut", args=[import_.pk])))
    assert "hx-trigger" not in statut
    assert "210 lignes importées" in statut


def test_a_thousand_rows_import_in_a_few_seconds(client_of, agent, django_capture_on_commit_callbacks):
    lignes, _ = _grand_fichier(1000)
    client = client_of(agent)
    debut = time.perf_counter()
    import_ = _deposer(client, _xlsx(lignes))
    analyse = time.perf_counter() - debut
    assert import_.rapport["erreurs"] == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("centres:indicateurs_import_confirmer", args=[import_.pk]))
    total = time.perf_counter() - debut
    import_.refresh_from_db()
    assert import_.statut == ImportIndicateurs.Statut.TERMINE
    assert IndicateursAnnuels.objects.count() == 1000
    print(f"\nImport de 1 000 lignes : analyse {analyse:.2f} s, analyse et écriture {total:.2f} s")
    assert total < 30
