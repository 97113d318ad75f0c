from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from .permissions import TOUS, access, public

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
