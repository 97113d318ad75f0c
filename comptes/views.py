from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from roubaix_cs.autocompletion import suggestions
from roubaix_cs.exports import exporter
from roubaix_cs.history import evenements
from roubaix_cs.listes import page_de_liste
from roubaix_cs.vues import form_page

from . import flux_calendrier as calendrier
from . import services
from .filters import CompteFilter
from .forms import CompteCreationForm, CompteForm, MotifForm
from .models import Organisation, User
from .permissions import GESTION_COMPTES, GESTION_LINNE, LECTEURS_COMPTES, TOUS, access, can_manage_comptes, public
from .retention import est_anonymise
from .securite import blocages_en_cours, minutes_restantes

login = public(auth_views.LoginView.as_view(template_name="comptes/login.html", redirect_authenticated_user=True))
logout = public(auth_views.LogoutView.as_view())


class _PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "comptes/password_change.html"
    success_url = reverse_lazy("accueil")

    def form_valid(self, form):
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return super().form_valid(form)


# Changing one's own password is the one write the read-only roles may make.
password_change = access(read=TOUS, write=TOUS)(_PasswordChangeView.as_view())


# --- Accounts managed by the service: the responsable writes, agents read ---------------------------


def _comptes():
    """The accounts of the service's pages; technical ones (no role, superusers) stay in the admin."""
    return User.objects.exclude(role="").exclude(is_superuser=True).select_related("organisation")


def _get_compte(pk):
    return get_object_or_404(_comptes(), pk=pk)


def compte_url(compte):
    return reverse("comptes:detail", kwargs={"pk": compte.pk})


def _origine(request):
    """Scheme and host of the links e-mailed (the invitation)."""
    return request.build_absolute_uri("/").rstrip("/")


def _comptes_filtres(request):
    return CompteFilter(request.GET, queryset=_comptes())


@access(read=LECTEURS_COMPTES)
@require_GET
def compte_list(request):
    context = page_de_liste(request, _comptes_filtres(request))
    return render(request, "comptes/compte_list.html", {**context, "peut_gerer": can_manage_comptes(request.user)})


@access(read=LECTEURS_COMPTES | GESTION_LINNE)
@require_GET
def organisation_autocompletion(request):
    """The organisations of a search field: the service's business, like the list of accounts; the
    régisseurs search them too, for the bookings of Espace Linné."""
    return suggestions(request, Organisation.objects.order_by("nom"))


EXPORT_COLONNES = [
    ("Nom", lambda u: u.last_name),
    ("Prénom", lambda u: u.first_name),
    ("Identifiant", lambda u: u.username),
    ("Rôle", lambda u: u.get_role_display()),
    ("Organisation", lambda u: u.organisation or ""),
    ("E-mail", lambda u: u.email),
    ("Actif", lambda u: "oui" if u.is_active else "non"),
    ("Dernière connexion", lambda u: u.last_login),
    ("Invitation envoyée le", lambda u: u.invitation_envoyee_le),
]


@access(read=LECTEURS_COMPTES)
@require_GET
def compte_export(request, fmt):
    return exporter(fmt, nom="comptes", colonnes=EXPORT_COLONNES, objets=_comptes_filtres(request).qs)


def verrouillage(compte):
    """The logins of this account locked now by too many failures (django-axes, one lock per address:
    comptes.securite), each with the minutes before it lifts; the responsable unlocks them."""
    return [
        {**b, "minutes": minutes_restantes(b["fin"])} for b in blocages_en_cours() if b["username"] == compte.username
    ]


@access(read=LECTEURS_COMPTES)
@require_GET
def compte_detail(request, pk):
    compte = _get_compte(pk)
    return render(
        request,
        "comptes/compte_detail.html",
        {
            "compte": compte,
            "peut_gerer": can_manage_comptes(request.user),
            "verrouillage": verrouillage(compte),
            "anonymise": est_anonymise(compte),
            "evenements": evenements((compte.history.all(), lambda r: "Compte"), lecteur=request.user),
        },
    )


def _appliquer(request, form, action, message):
    """On a valid POST, run the service `action(form)`; its refusal shows on the form. Returns the redirect
    to the account, or None while the form must be shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        compte = action(form)
    except ValidationError as refus:
        form.add_error(None, refus)
        return None
    messages.success(request, message(compte))
    return redirect("comptes:detail", pk=compte.pk)


def _invitation_envoyee(compte):
    return f"Une invitation à choisir son mot de passe est envoyée à {compte.email}."


@access(read=GESTION_COMPTES, write=GESTION_COMPTES)
@require_http_methods(["GET", "POST"])
def compte_create(request):
    form = CompteCreationForm(request.POST or None, par=request.user)
    reponse = _appliquer(
        request,
        form,
        lambda f: services.creer_compte(form=f, par=request.user, origine=_origine(request)),
        lambda c: f"Compte de {c} ouvert. {_invitation_envoyee(c)}",
    )
    if reponse:
        return reponse
    return form_page(request, form, titre="Nouveau compte", annuler=reverse("comptes:liste"))


@access(read=GESTION_COMPTES, write=GESTION_COMPTES)
@require_http_methods(["GET", "POST"])
def compte_update(request, pk):
    compte = _get_compte(pk)
    form = CompteForm(request.POST or None, instance=compte, par=request.user)
    reponse = _appliquer(
        request, form, lambda f: services.modifier_compte(form=f, par=request.user), lambda c: f"Compte de {c} modifié."
    )
    if reponse:
        return reponse
    return form_page(request, form, titre=f"Modifier le compte de {compte}", annuler=compte_url(compte))


@access(read=GESTION_COMPTES, write=GESTION_COMPTES)
@require_POST
def compte_inviter(request, pk):
    compte = _get_compte(pk)
    try:
        services.inviter(compte=compte, par=request.user, origine=_origine(request))
    except ValidationError as refus:
        messages.error(request, " ".join(refus.messages))
    else:
        messages.success(request, _invitation_envoyee(compte))
    return redirect(compte_url(compte))


def _confirmer(request, compte, *, service, titre, explication, bouton, message):
    form = MotifForm(request.POST or None)
    reponse = _appliquer(
        request, form, lambda f: service(compte=compte, par=request.user, motif=f.cleaned_data["motif"]), message
    )
    if reponse:
        return reponse
    return render(
        request,
        "comptes/compte_confirmer.html",
        {"compte": compte, "form": form, "titre": titre, "explication": explication, "bouton": bouton},
    )


@access(read=GESTION_COMPTES, write=GESTION_COMPTES)
@require_http_methods(["GET", "POST"])
def compte_desactiver(request, pk):
    compte = _get_compte(pk)
    return _confirmer(
        request,
        compte,
        service=services.desactiver_compte,
        titre=f"Désactiver le compte de {compte}",
        explication="La personne ne pourra plus se connecter et ses sessions ouvertes sont fermées. "
        "Le compte et son historique sont conservés ; il peut être réactivé.",
        bouton="Désactiver le compte",
        message=lambda c: f"Compte de {c} désactivé : il ne peut plus se connecter.",
    )


@access(read=GESTION_COMPTES, write=GESTION_COMPTES)
@require_http_methods(["GET", "POST"])
def compte_reactiver(request, pk):
    compte = _get_compte(pk)
    return _confirmer(
        request,
        compte,
        service=services.reactiver_compte,
        titre=f"Réactiver le compte de {compte}",
        explication="La personne pourra de nouveau se connecter avec son mot de passe ; "
        "renvoyez-lui une invitation si elle l'a oublié.",
        bouton="Réactiver le compte",
        message=lambda c: f"Compte de {c} réactivé.",
    )


class _InvitationView(auth_views.PasswordResetConfirmView):
    """The invitation link: choose one's password once; the link then stops working (Django's token
    covers the password and the last login), and expires after PASSWORD_RESET_TIMEOUT."""

    template_name = "comptes/invitation.html"
    success_url = reverse_lazy("comptes:login")
    reset_url_token = "choisir-mot-de-passe"  # noqa: S105 - a URL segment, not a secret

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return None if user is None or not user.is_active or user.est_technique else user

    def form_valid(self, form):
        form.user._change_reason = "Mot de passe choisi depuis le lien d'invitation"
        messages.success(self.request, "Votre mot de passe est enregistré : vous pouvez vous connecter.")
        return super().form_valid(form)


invitation = public(_InvitationView.as_view())


# --- My personal calendar: its secret address, regenerated or revoked by its owner ------------------


@access(read=TOUS)
@require_GET
def calendrier_page(request):
    jeton = calendrier.jeton_actif(request.user)
    adresse = ""
    if jeton:
        adresse = request.build_absolute_uri(reverse("pilotage:calendrier_ics", kwargs={"jeton": jeton.jeton}))
    return render(request, "comptes/calendrier.html", {"jeton": jeton, "adresse": adresse})


@access(read=TOUS, write=TOUS)
@require_POST
def calendrier_regenerer(request):
    ancien = calendrier.jeton_actif(request.user)
    calendrier.regenerer(user=request.user)
    if ancien:
        messages.success(request, "Une nouvelle adresse a été créée : l'ancienne ne fonctionne plus.")
    else:
        messages.success(request, "L'adresse de votre calendrier a été créée.")
    return redirect("comptes:calendrier")


@access(read=TOUS, write=TOUS)
@require_POST
def calendrier_revoquer(request):
    if calendrier.revoquer(user=request.user):
        messages.success(request, "L'adresse de votre calendrier a été supprimée : elle ne fonctionne plus.")
    else:
        messages.info(request, "Votre calendrier n'avait pas d'adresse active.")
    return redirect("comptes:calendrier")
