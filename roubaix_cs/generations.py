"""Documents rendered in the background (Celery), shared by the deliberations and the visit reports.

A generation is a job with a status the user sees (queued, running, done, failed with its error);
each one that succeeds stores a new numbered version of the file, with its date and author. An app
brings its two concrete models, its render function and its panel's URLs; this module holds the
job's fields, its two-step locking (mark running, render outside the transaction, store once) and
the Celery retry policy, so both stay the same everywhere.
"""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

TRANSITOIRES = (OSError, ConnectionError, TimeoutError)


class Generation(models.Model):
    """A generation job and its visible status (queued, running, done, failed)."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours"
        TERMINEE = "terminee", "Terminée"
        ECHEC = "echec", "Échec"

    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.EN_ATTENTE)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    demandee_le = models.DateTimeField("demandée le", auto_now_add=True)
    debut = models.DateTimeField("commencée le", null=True, blank=True)
    fin = models.DateTimeField("terminée le", null=True, blank=True)
    tentatives = models.PositiveIntegerField("tentatives", default=0)
    erreur = models.TextField("erreur", blank=True)

    class Meta:
        abstract = True
        ordering = ["-demandee_le", "-pk"]

    def __str__(self):
        return f"Génération {self.pk} ({self.get_statut_display()})"

    @property
    def en_cours(self):
        return self.statut in (self.Statut.EN_ATTENTE, self.Statut.EN_COURS)


def commencer(modele, generation_id):
    """Mark the job running (one more attempt), or None if it has already finished (a redelivery)."""
    with transaction.atomic():
        generation = modele.objects.select_for_update().get(pk=generation_id)
        if generation.statut == modele.Statut.TERMINEE:
            return None
        generation.statut = modele.Statut.EN_COURS
        generation.debut = timezone.now()
        generation.tentatives += 1
        generation.erreur = ""
        generation.save()
    return generation


def enregistrer_version(version, versions, contenu):
    """Number `version` after the others in `versions`, store `contenu` through the storage, save it."""
    version.numero = (versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    version.sha256 = hashlib.sha256(contenu).hexdigest()
    version.fichier.save(f"v{version.numero}.pdf", ContentFile(contenu), save=False)
    version.save()
    return version


def terminer(generation, version=None):
    generation.version = version
    generation.statut = generation.Statut.TERMINEE
    generation.fin = timezone.now()
    generation.save()
    return generation


def generer_version_annuelle(modele, modele_version, generation_id, rendre):
    """Run the job `generation_id` of a year's document (the budget annex, the yearly report): `rendre(annee,
    generation)` gives the PDF, rendered outside any lock, then the version is numbered and stored.
    Idempotent: a finished generation is not redone."""
    generation = commencer(modele, generation_id)
    if generation is None:
        return modele.objects.get(pk=generation_id)
    annee = generation.annee
    pdf = rendre(annee, generation)
    with transaction.atomic():
        # Every job of the year locked, in one order: two finishing at once number their versions in turn.
        jobs = {g.pk: g for g in modele.objects.select_for_update().filter(annee=annee).order_by("pk")}
        generation = jobs[generation_id]
        if generation.statut == modele.Statut.TERMINEE:  # a redelivered duplicate finished first
            return generation
        version = enregistrer_version(
            modele_version(annee=annee, generee_par=generation.demandee_par),
            modele_version.objects.filter(annee=annee),
            pdf,
        )
        return terminer(generation, version)


def marquer(modele, generation_id, statut, erreur=""):
    modele.objects.filter(pk=generation_id).update(statut=statut, erreur=erreur[:2000], fin=timezone.now())


def executer(tache, generation_id, *, modele, generer):
    """The body of a bound Celery task running `generer(generation_id)`. Transient errors are retried;
    any other ends the job as failed, with its error shown and a new generation possible."""
    try:
        generer(generation_id)
    except TRANSITOIRES as erreur:
        if tache.request.retries >= tache.max_retries:
            marquer(modele, generation_id, modele.Statut.ECHEC, f"{type(erreur).__name__} : {erreur}")
            return
        marquer(modele, generation_id, modele.Statut.EN_ATTENTE, f"Nouvel essai après : {erreur}")
        if tache.request.is_eager:
            # Eager mode (no broker: development, tests) has no queue to retry on, and with
            # task_eager_propagates `retry` would raise Retry into the caller: retry in-process.
            tache.apply(args=(generation_id,), retries=tache.request.retries + 1)
            return
        raise tache.retry(exc=erreur, countdown=2**tache.request.retries) from erreur
    except Exception as erreur:  # noqa: BLE001 - any other failure is shown to the user, never lost
        marquer(modele, generation_id, modele.Statut.ECHEC, f"{type(erreur).__name__} : {erreur}")


def contexte_panneau(generations, versions, *, peut_generer, refus=""):
    """Latest generation and versions (newest first), in two queries; the button while none runs."""
    generation = generations.select_related("demandee_par").first()
    en_cours = generation is not None and generation.en_cours
    return {
        "generation": generation,
        "versions": list(versions.select_related("generee_par")),
        "en_cours": en_cours,
        "peut_generer": peut_generer and not en_cours,
        "refus": refus,
    }


def repondre_a_la_demande(request, demander, *, panneau, contexte, page, succes):
    """The answer to a panel's « Générer » button: `demander()` queues the job (a ValidationError is a
    refusal, in French). With htmx, the panel (`panneau` rendered with `contexte(refus)`) shows the outcome
    and polls until the job ends; without, a message and the page `page`."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import redirect, render

    refus = ""
    try:
        demander()
    except ValidationError as erreur:
        refus = " ".join(erreur.messages)
    if request.htmx:
        return render(request, panneau, contexte(refus))
    if refus:
        messages.error(request, refus)
    else:
        messages.success(request, succes)
    return redirect(page)
