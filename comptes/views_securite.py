"""Login protection pages: the password reset by an e-mailed link, and the locked logins the
responsable unlocks (see comptes.securite)."""

import logging

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .permissions import RESPONSABLE_SEULE, access, public
from .securite import blocages_en_cours, debut_fenetre, minutes_restantes
from .services import duree_validite

journal = logging.getLogger(__name__)


# --- Password reset ------------------------------------------------------------------------------
# Django's views, in French. The page after the request says the same whether the address belongs
# to an account or not: nobody learns from it which addresses have one.


class _DemandeReinitialisation(auth_views.PasswordResetView):
    template_name = "comptes/reinitialisation_demande.html"
    email_template_name = "comptes/emails/reinitialisation.txt"
    subject_template_name = "comptes/emails/reinitialisation_objet.txt"
    success_url = reverse_lazy("comptes:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"validite": duree_validite()}
        return super().form_valid(form)


class _NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    template_name = "comptes/reinitialisation_nouveau.html"
    success_url = reverse_lazy("comptes:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The person proved they read the account's e-mail: the logins locked for it are lifted.
        axes_reset(username=self.user.get_username())
        return response


password_reset = public(_DemandeReinitialisation.as_view())
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(
        template_name="comptes/reinitialisation_envoyee.html", extra_context={"validite": duree_validite}
    )
)
password_reset_confirm = public(_NouveauMotDePasse.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="comptes/reinitialisation_faite.html")
)


# --- Locked logins ---------------------------------------------------------------------------------


@access(read=RESPONSABLE_SEULE, write=RESPONSABLE_SEULE)
@require_GET
def blocages(request):
    """The username and address pairs locked now, each with its « Débloquer » button."""
    lignes = [{**b, "minutes": minutes_restantes(b["fin"])} for b in blocages_en_cours()]
    lignes.sort(key=lambda b: (b["username"] or "", b["ip_address"] or ""))
    contexte = {
        "blocages": lignes,
        "echecs_max": settings.AXES_FAILURE_LIMIT,
        "minutes_blocage": settings.CONNEXION_BLOCAGE_MINUTES,
    }
    return render(request, "comptes/blocages.html", contexte)


class _PaireForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField()


def _retour(request):
    """Back to the page the button was on (`next`, an account's page say), else the list of locks."""
    suivant = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(suivant)
    return redirect("comptes:blocages")


@access(read=RESPONSABLE_SEULE, write=RESPONSABLE_SEULE)
@require_POST
def debloquer(request):
    """Lift the lock of one username and address pair (both posted); back to `next` if given."""
    form = _PaireForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une connexion bloquée dans la liste.")
        return _retour(request)
    username, adresse = form.cleaned_data["username"], form.cleaned_data["ip_address"]
    tentatives = AccessAttempt.objects.filter(username=username, ip_address=adresse, attempt_time__gte=debut_fenetre())
    supprimees, _ = tentatives.delete()
    if supprimees:
        journal.info("Connexion débloquée par %s : %s depuis %s", request.user.get_username(), username, adresse)
        messages.success(request, f"La connexion de « {username} » depuis l'adresse {adresse} est débloquée.")
    else:
        messages.info(request, f"La connexion de « {username} » depuis l'adresse {adresse} n'était plus bloquée.")
    return _retour(request)
