"""The e-mail digest of the alerts (pilotage/resumes.py): one e-mail per person of what is new, grouped by
urgency, none when nothing is; marked sent only once sent, a failed send retried; the preferences per kind
(every day, Mondays, never) and the élus' weekly summary."""

import datetime
import io
from smtplib import SMTPServerDisconnected

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from comptes.models import Role
from pilotage import tasks
from pilotage.models import Alerte, PreferenceAlerte, ResumeElu

from ..factories import AgrementFactory, AlerteFactory, CentreFactory, ConventionFactory, UserFactory

pytestmark = pytest.mark.django_db
LUNDI = datetime.date(2026, 9, 21)
MARDI = datetime.date(2026, 9, 22)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://centres.ville-roubaix.fr"


def _personne(**kwargs):
    return UserFactory(role=Role.AGENT, email=f"{UserFactory._meta.model.objects.count()}@ville-roubaix.fr", **kwargs)


def _envoyer(jour):
    with time_machine.travel(datetime.datetime.combine(jour, datetime.time(6, 30)), tick=False):
        tasks.envoyer_resumes(jour.isoformat())


def test_one_mail_per_person_grouped_by_urgency_with_absolute_links():
    agent, responsable = _personne(), _personne()
    AlerteFactory(user=agent, label="En retard", due=MARDI - datetime.timedelta(days=1), url="/centres/1/")
    AlerteFactory(user=agent, label="Dans 7 jours", due=MARDI + datetime.timedelta(days=7))
    AlerteFactory(user=agent, label="Dans 8 jours", due=MARDI + datetime.timedelta(days=8))
    AlerteFactory(user=responsable, label="Pour la responsable")
    _envoyer(MARDI)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([agent.email, responsable.email])
    message = next(m for m in mail.outbox if m.to == [agent.email])
    assert message.subject == "3 nouvelles alertes d'échéance"
    texte = message.body
    assert texte.index("En retard") < texte.index("Cette semaine") < texte.index("Plus tard")
    assert texte.index("Dans 7 jours") < texte.index("Plus tard") < texte.index("Dans 8 jours")
    assert "https://centres.ville-roubaix.fr/centres/1/" in texte
    html, type_ = message.alternatives[0]
    assert type_ == "text/html"
    assert '<a href="https://centres.ville-roubaix.fr/centres/1/">En retard</a>' in html
    assert not Alerte.objects.filter(sent_at__isnull=True).exists()


def test_nothing_new_no_mail_and_a_second_run_sends_nothing():
    agent = _personne()
    _envoyer(MARDI)
    assert mail.outbox == []
    AlerteFactory(user=agent)
    _envoyer(MARDI)
    _envoyer(MARDI)
    assert len(mail.outbox) == 1
    AlerteFactory(user=agent, label="Le lendemain")
    _envoyer(MARDI + datetime.timedelta(days=1))
    assert len(mail.outbox) == 2 and "Le lendemain" in mail.outbox[1].body
    assert mail.outbox[1].subject == "1 nouvelle alerte d'échéance"


def test_closed_alerts_and_people_without_address_get_nothing():
    AlerteFactory(user=_personne(), closed_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC))
    AlerteFactory(user=UserFactory(role=Role.AGENT, email=""))
    AlerteFactory(user=_personne(is_active=False))
    _envoyer(MARDI)
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_and_nothing_is_marked_sent(monkeypatch):
    alerte = AlerteFactory(user=_personne())
    essais = []

    def en_panne(self, *args, **kwargs):
        essais.append(1)
        raise SMTPServerDisconnected("le serveur a raccroché")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", en_panne)
    # Eagerly, the first retry runs at once and the next one is handed back as a Retry (a worker would wait).
    with pytest.raises(Retry):
        tasks.envoyer_resume.delay(alerte.user_id, MARDI.isoformat())
    assert len(essais) == 1  # tried once, a retry queued instead of the alert marked sent
    alerte.refresh_from_db()
    assert alerte.sent_at is None

    monkeypatch.undo()
    _envoyer(MARDI)  # the server is back: sent, once
    alerte.refresh_from_db()
    assert alerte.sent_at is not None and len(mail.outbox) == 1


def test_the_daily_job_sends_the_digest_after_storing_the_alerts(monkeypatch):
    appels = []
    monkeypatch.setattr(tasks.alertes, "synchroniser", lambda today: appels.append("alertes") or resumes_bilan())
    monkeypatch.setattr(tasks.envoyer_resumes, "delay", lambda jour: appels.append(("courriels", jour)))
    with time_machine.travel(datetime.datetime(2026, 9, 22, 6, 30), tick=False):
        tasks.alertes_du_jour()
    assert appels == ["alertes", ("courriels", "2026-09-22")]


def resumes_bilan():
    from pilotage.alertes import Bilan

    return Bilan()


# --- Preferences ---------------------------------------------------------------------------------


def test_a_kind_set_to_never_sends_no_mail():
    agent = _personne()
    AlerteFactory(user=agent, kind="crf")
    PreferenceAlerte.objects.create(user=agent, kind="crf", frequence=PreferenceAlerte.Frequence.AUCUNE)
    _envoyer(LUNDI)
    assert mail.outbox == []


def test_a_weekly_kind_waits_for_monday_the_others_go_every_day():
    agent = _personne()
    AlerteFactory(user=agent, kind="crf", label="Compte rendu hebdomadaire")
    AlerteFactory(user=agent, label="Agrément quotidien")
    PreferenceAlerte.objects.create(user=agent, kind="crf", frequence=PreferenceAlerte.Frequence.HEBDOMADAIRE)
    _envoyer(MARDI)
    assert len(mail.outbox) == 1 and "Compte rendu hebdomadaire" not in mail.outbox[0].body
    for jour in range(1, 6):  # Wednesday to Sunday: nothing new for the daily kinds
        _envoyer(MARDI + datetime.timedelta(days=jour))
    assert len(mail.outbox) == 1
    _envoyer(LUNDI + datetime.timedelta(days=7))
    assert len(mail.outbox) == 2 and "Compte rendu hebdomadaire" in mail.outbox[1].body


def test_the_preferences_page_stores_a_choice_per_kind(client):
    agent = _personne()
    client.force_login(agent)
    form = client.get(reverse("pilotage:preferences")).context["form"]
    donnees = dict.fromkeys(form.fields, PreferenceAlerte.Frequence.QUOTIDIENNE)
    donnees["kind_crf"] = PreferenceAlerte.Frequence.HEBDOMADAIRE
    response = client.post(reverse("pilotage:preferences"), donnees, follow=True)
    assert "Vos préférences sont enregistrées." in response.content.decode()
    assert list(PreferenceAlerte.objects.values_list("user", "kind", "frequence")) == [
        (agent.pk, "crf", "hebdomadaire")
    ]
    assert response.context["form"]["kind_crf"].initial == "hebdomadaire"
    assert "Chaque lundi" in response.content.decode()


def test_an_unknown_frequency_is_refused_in_french(client):
    client.force_login(_personne())
    response = client.post(reverse("pilotage:preferences"), {"kind_crf": "toutes-les-heures"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not PreferenceAlerte.objects.exists()


# --- The élus' weekly summary ----------------------------------------------------------------------


def test_an_elu_who_opts_in_gets_the_conventions_ending_on_mondays_once(client):
    elu = UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    client.force_login(elu)
    assert list(client.get(reverse("pilotage:preferences")).context["form"].fields) == ["resume_elu"]
    client.post(reverse("pilotage:preferences"), {"resume_elu": "on"})
    assert ResumeElu.objects.get(user=elu).actif
    # A convention ending on 31/12/2026: its M-6 step has come (conventions/deadlines.py).
    ConventionFactory(statut="signee", debut=datetime.date(2024, 1, 1), fin=datetime.date(2026, 12, 31))
    _envoyer(MARDI)
    assert mail.outbox == []  # Mondays only
    _envoyer(LUNDI + datetime.timedelta(days=7))
    _envoyer(LUNDI + datetime.timedelta(days=7))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [elu.email] and message.subject == "Votre résumé de la semaine"
    assert "Fin de convention" in message.body


def test_an_elu_who_did_not_opt_in_gets_nothing():
    UserFactory(role=Role.ELU, email="elu@ville-roubaix.fr")
    ConventionFactory(statut="signee", debut=datetime.date(2024, 1, 1), fin=datetime.date(2026, 12, 31))
    _envoyer(LUNDI)
    assert mail.outbox == []


def test_the_command_for_cron_sends_the_digests_as_the_job_does_and_once():
    agent = _personne()
    AgrementFactory(centre=CentreFactory(referent=agent), debut=datetime.date(2023, 1, 1), fin=MARDI)
    sortie = io.StringIO()
    with time_machine.travel(datetime.datetime.combine(MARDI, datetime.time(6, 30)), tick=False):
        call_command("alertes", stdout=sortie)
        assert [m.to for m in mail.outbox] == [[agent.email]]
        assert "Résumés par courriel : 1 de l'équipe, 0 hebdomadaire(s) d'élus." in sortie.getvalue()
        call_command("alertes", stdout=io.StringIO())  # the same morning again: nothing new to send
    assert len(mail.outbox) == 1
    assert not Alerte.objects.filter(user=agent, sent_at__isnull=True).exists()


def test_the_command_may_store_the_alerts_without_sending():
    agent = _personne()
    AgrementFactory(centre=CentreFactory(referent=agent), debut=datetime.date(2023, 1, 1), fin=MARDI)
    with time_machine.travel(datetime.datetime.combine(MARDI, datetime.time(6, 30)), tick=False):
        call_command("alertes", "--sans-courriels", stdout=io.StringIO())
    assert Alerte.objects.filter(user=agent).exists() and not mail.outbox
