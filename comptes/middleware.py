from django.core.exceptions import PermissionDenied

# URL namespaces that carry their own protection and are outside the role matrix:
# the Django admin is for superusers only (is_staff), checked by the admin itself.
EXEMPT_NAMESPACES = frozenset({"admin"})


class DenyByDefaultMiddleware:
    """Refuse every view that declares no access rule (see comptes.permissions.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "access_rule", None) is not None:
            return None
        match = request.resolver_match
        if match is not None and EXEMPT_NAMESPACES.intersection(match.namespaces):
            return None
        raise PermissionDenied("Aucune règle d'accès n'est déclarée pour cette page.")
