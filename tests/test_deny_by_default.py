import pytest
from django.http import HttpResponse
from django.urls import path

from comptes.models import Role
from comptes.permissions import TOUS, access
from roubaix_cs.urls import urlpatterns as projet

from .factories import OrganisationFactory, UserFactory


def sans_regle(request):
    return HttpResponse("secret")


@access(read=TOUS)
def avec_regle(request):
    return HttpResponse("ok")


urlpatterns = [path("sans-regle/", sans_regle), path("avec-regle/", avec_regle), *projet]


@pytest.mark.django_db
@pytest.mark.urls("tests.test_deny_by_default")
@pytest.mark.parametrize("role", list(Role))
def test_a_view_without_rule_is_refused_to_every_role(client, role):
    client.force_login(UserFactory(role=role, organisation=OrganisationFactory()))
    assert client.get("/sans-regle/").status_code == 403
    assert client.get("/avec-regle/").status_code == 200


@pytest.mark.django_db
def test_media_files_are_never_served_directly(client, settings, responsable):
    (settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "statuts.pdf").write_bytes(b"%PDF-1.4 secret")
    client.force_login(responsable)
    assert client.get(settings.MEDIA_URL + "statuts.pdf").status_code == 404


@pytest.mark.django_db
def test_admin_is_for_superusers_only(client, responsable):
    responsable.is_staff = True
    responsable.save()
    client.force_login(responsable)
    assert client.get("/admin/").status_code == 302
    superuser = UserFactory(role="", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
