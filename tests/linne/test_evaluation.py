"""The yearly evaluation of the Espace Linné (linne.evaluation): the figures of the year (partnerships,
public events, LOC-2's in-kind aid), the responsable's texts under optimistic locking, and the PDF
rendered in the background, numbered per year. The date pinned."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from linne import aides_en_nature, evaluation, frequentation
from linne.models import Evaluation, GenerationEvaluation, Reservation, VersionEvaluation
from roubaix_cs.locking import ConflitEdition

from ..factories import CentreFactory, OrganisationFactory, ReservationFactory, SalleFactory, UserFactory, moment

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(datetime.datetime(2026, 12, 1, 9, 0))]
D = Decimal
ANNEE = 2026
JOUR = datetime.date(2026, 12, 1)


def _reservation(salle, jour, heure, duree=2, **champs):
    debut = moment(jour, heure)
    return ReservationFactory(salle=salle, debut=debut, fin=debut + datetime.timedelta(hours=duree), **champs)


@pytest.fixture
def annee(regisseur):
    """A year at the Espace Linné: a centre social's weekly slot (12 times: a recurring partner), an
    association's two evenings (one lent free), a public concert with its attendance, a public fair to
    come, a cancelled event and last year's booking."""
    grande, petite = SalleFactory(nom="Grande salle"), SalleFactory(nom="Petite salle")
    centre = CentreFactory(
        nom="Centre social de l'Alma", nom_court="CS Alma", organisation=OrganisationFactory(association=True)
    )
    chorale = OrganisationFactory(nom="Chorale Cantabile", association=True)
    for semaine in range(12):
        _reservation(
            petite,
            datetime.date(2026, 1, 5) + datetime.timedelta(weeks=semaine),
            9,
            organisation=centre.organisation,
            valeur=D("40"),
        )  # lent free: 12 × 40 €
    _reservation(grande, datetime.date(2026, 3, 2), 18, organisation=chorale, valeur=D("100"), montant=D("100"))
    _reservation(grande, datetime.date(2026, 3, 9), 18, organisation=chorale, valeur=D("100"))  # free
    concert = _reservation(
        grande,
        datetime.date(2026, 6, 20),
        14,
        duree=4,
        organisation=chorale,
        public=True,
        objet="Concert d'été",
        effectif_prevu=150,
        valeur=D("200"),
        montant=D("50"),
    )
    _reservation(
        grande, datetime.date(2026, 12, 12), 14, organisation=chorale, public=True, objet="Marché de Noël"
    )  # to come: not yet taken place
    _reservation(
        grande,
        datetime.date(2026, 7, 4),
        14,
        organisation=chorale,
        public=True,
        objet="Fête annulée",
        statut=Reservation.Statut.ANNULEE,
        motif="Météo",
    )
    _reservation(grande, datetime.date(2025, 6, 2), 14, organisation=chorale, public=True, objet="Concert 2025")
    frequentation.figer_passees()
    frequentation.enregistrer(concert, effectif_reel=132, par=regisseur)
    return {"centre": centre, "chorale": chorale, "concert": concert}


def test_loc_2_the_year_s_partnerships_public_events_and_in_kind_aid(annee):
    contenu = evaluation.contenu(ANNEE, jour=JOUR)

    assert [(p.nom, p.reservations, p.heures, p.recurrent, p.centre) for p in contenu.partenaires] == [
        (annee["centre"].organisation.nom, 12, D("24.00"), True, "CS Alma"),
        ("Chorale Cantabile", 3, D("8.00"), False, ""),
    ]
    assert [p.nom for p in contenu.recurrents] == [annee["centre"].organisation.nom]
    assert [p.centre for p in contenu.centres_sociaux] == ["CS Alma"]
    assert contenu.statistiques.organisations_accueillies == 2  # the statistics count the same
    assert [(e.debut.date(), e.salle, e.organisation, e.objet, e.presents) for e in contenu.evenements] == [
        (datetime.date(2026, 6, 20), "Grande salle", "Chorale Cantabile", "Concert d'été", 132),
        (datetime.date(2026, 12, 12), "Grande salle", "Chorale Cantabile", "Marché de Noël", None),
    ]
    # LOC-2: the in-kind aid is the one of linne.aides_en_nature, never recomputed.
    lue = aides_en_nature.par_organisation([annee["centre"].organisation.pk, annee["chorale"].pk], [ANNEE])
    assert contenu.aide_totale == sum(par_annee[ANNEE] for par_annee in lue.values()) == D("730")
    assert [(a.nom, a.montant) for a in contenu.aides] == [
        (annee["centre"].organisation.nom, D("480")),
        ("Chorale Cantabile", D("250")),
    ]


def test_the_evaluation_reads_a_fixed_number_of_queries(annee):
    with CaptureQueriesContext(connection) as petit:
        evaluation.contenu(ANNEE, jour=JOUR)
    chorale = annee["chorale"]
    salle = SalleFactory(nom="Atelier")
    for jour in range(1, 25):
        autre = OrganisationFactory(association=True)
        _reservation(salle, datetime.date(2026, 2, 1) + datetime.timedelta(days=jour), 10, organisation=autre)
        _reservation(
            salle, datetime.date(2026, 9, 1) + datetime.timedelta(days=jour), 10, organisation=chorale, public=True
        )
    frequentation.figer_passees()
    with CaptureQueriesContext(connection) as grand:
        evaluation.contenu(ANNEE, jour=JOUR)
    assert len(petit) == len(grand)


# --- The texts ------------------------------------------------------------------------------------


def test_the_texts_are_saved_with_their_history_and_author():
    responsable = UserFactory(role="responsable")
    premiere = evaluation.enregistrer_texte(
        annee=ANNEE, bilan="Première version.", perspectives="", version=None, par=responsable
    )
    seconde = evaluation.enregistrer_texte(
        annee=ANNEE, bilan="Bilan relu.", perspectives="Ouvrir le dimanche.", version=1, par=responsable
    )
    assert premiere.pk == seconde.pk
    assert (seconde.version, seconde.bilan, seconde.modifiee_par) == (2, "Bilan relu.", responsable)
    assert [h.bilan for h in seconde.history.order_by("history_date")] == ["Première version.", "Bilan relu."]


def test_a_stale_form_is_refused_with_what_changed_meanwhile(client_of):
    responsable, autre = UserFactory(role="responsable"), UserFactory(role="responsable", first_name="Nadia")
    evaluation.enregistrer_texte(annee=ANNEE, bilan="Bilan.", perspectives="", version=None, par=responsable)
    evaluation.enregistrer_texte(annee=ANNEE, bilan="Bilan de Nadia.", perspectives="", version=1, par=autre)

    with pytest.raises(ConflitEdition):
        evaluation.enregistrer_texte(annee=ANNEE, bilan="Le mien.", perspectives="", version=1, par=responsable)

    response = client_of(responsable).post(
        reverse("linne:evaluation_textes", args=[ANNEE]),
        {"bilan": "Le mien.", "perspectives": "", "version_vue": 1},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce dossier a été modifié par quelqu&#x27;un d&#x27;autre pendant que vous le modifiiez" in page
    assert "Bilan de Nadia." in page
    assert Evaluation.objects.get().bilan == "Bilan de Nadia."
    # Sent again (the form now carries the current version), it replaces the text on purpose.
    response = client_of(responsable).post(
        reverse("linne:evaluation_textes", args=[ANNEE]),
        {"bilan": "Le mien.", "perspectives": "", "version_vue": 2},
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().bilan == "Le mien."


def test_a_year_out_of_the_service_s_window_is_refused():
    with pytest.raises(ValidationError):
        evaluation.enregistrer_texte(annee=1990, bilan="x", perspectives="", version=None, par=UserFactory())


# --- The PDF --------------------------------------------------------------------------------------


def _texte(version):
    with version.fichier.open("rb") as fichier:
        contenu = fichier.read()
    assert contenu.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(contenu)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


@pytest.fixture
def generer(django_capture_on_commit_callbacks):
    """Ask for the year's PDF and run the queued task (eager: no broker in tests)."""

    def lancer(par, annee=ANNEE):
        with django_capture_on_commit_callbacks(execute=True):
            generation = evaluation.demander_generation(annee=annee, par=par)
        generation.refresh_from_db()
        return generation

    return lancer


def test_the_task_stores_version_1_then_2_with_the_title_figures_and_texts(annee, regisseur, generer):
    responsable = UserFactory(role="responsable")
    evaluation.enregistrer_texte(
        annee=ANNEE, bilan="Une saison riche en concerts.", perspectives="", version=None, par=responsable
    )
    premiere = generer(regisseur)
    seconde = generer(responsable)

    evaluation.generer(premiere.pk)  # a redelivered task does nothing

    assert (premiere.statut, premiere.erreur) == (GenerationEvaluation.Statut.TERMINEE, "")
    versions = VersionEvaluation.objects.filter(annee=ANNEE)
    assert [(v.numero, v.generee_par) for v in versions] == [(2, responsable), (1, regisseur)]
    texte = _texte(seconde.version)
    assert "Évaluation annuelle du projet de l'Espace Linné — 2026" in texte
    assert "Une saison riche en concerts." in texte
    assert "Concert d'été" in texte
    assert "Chorale Cantabile" in texte
    assert "730,00" in texte  # the in-kind aid of the year


def test_a_failing_render_is_shown_with_its_error(client_of, generer, monkeypatch):
    def casse(*args, **kwargs):
        raise ValueError("Gabarit cassé")

    monkeypatch.setattr(evaluation, "render_pdf", casse)
    agent = UserFactory(role="agent")
    generation = generer(agent)

    assert generation.statut == GenerationEvaluation.Statut.ECHEC
    assert generation.erreur == "ValueError : Gabarit cassé"
    page = client_of(agent).get(reverse("linne:evaluation"), {"annee": ANNEE}).content.decode()
    assert "La génération a échoué : ValueError : Gabarit cassé" in page
    assert "Relancer" in page


def test_with_a_broker_the_request_only_queues_the_job(client_of, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("linne.tasks.generer_evaluation.delay", queued.append)
    agent = UserFactory(role="agent")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(agent).post(reverse("linne:evaluation_generer", args=[ANNEE]))
    assert response.status_code == 302
    assert response.url == f"{reverse('linne:evaluation')}?annee={ANNEE}"
    generation = GenerationEvaluation.objects.get()
    assert queued == [generation.pk]
    assert generation.statut == GenerationEvaluation.Statut.EN_ATTENTE
