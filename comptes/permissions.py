"""Who may do what: role sets, permission predicates and the `access` rule.

Every view declares its rule with `@access(read=..., write=...)` (or `@public`).
`DenyByDefaultMiddleware` refuses any view without a rule, and the URL × role
matrix test checks the outcome of every URL for every role.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Role sets, named after what they may do.
EQUIPE = frozenset({Role.RESPONSABLE, Role.AGENT})  # create and edit business records
RESPONSABLE_SEULE = frozenset({Role.RESPONSABLE})  # the validating steps
SERVICE = EQUIPE | {Role.REGISSEUR}  # the six people of the service
LECTURE_SEULE = frozenset({Role.ELU, Role.PARTENAIRE})
TOUS = frozenset(Role)  # every role, read-only ones included
PERSONNE = frozenset()
LECTEURS_VISITES = EQUIPE | {Role.ELU}  # ACM/LALP visits: the team and the élus
LECTEURS_LOCAUX = SERVICE | {Role.ELU}  # premises and works: the service, Linné included, and the élus
LECTEURS_DOCUMENTS = EQUIPE | LECTURE_SEULE  # élus and partners see the public documents only
LECTEURS_CONVENTIONS = EQUIPE | LECTURE_SEULE  # partners: the conventions their organisation is party to
LECTEURS_INDICATEURS = EQUIPE | LECTURE_SEULE  # partners: the centres in their scope; never the régisseurs
LECTEURS_SUBVENTIONS = EQUIPE | {Role.ELU}  # élus see proposals and amounts, never the analysis note
# The cross-funder view of a centre: partners for the centres in their scope, amounts voted only; never
# the régisseurs, who do not read grants.
LECTEURS_FINANCEURS = EQUIPE | LECTURE_SEULE
LECTEURS_DELIBERATIONS = EQUIPE | {Role.ELU}  # élus also declare their own mandates (SUB-13)
# The élus' dashboard: the grants' analysis by centre and beneficiary, never partners or régisseurs.
LECTEURS_TABLEAU_DE_BORD = EQUIPE | {Role.ELU}
# The Cellule de veille's files (CV-3): the team, and the partners those their organisation's meetings
# examined (read-only); the élus read the official levels on their dashboard, never a file.
LECTEURS_VEILLE = EQUIPE | {Role.PARTENAIRE}
LECTEURS_COMPTES = EQUIPE  # agents see every account, read-only
# Meetings (copils, Cellule de veille): the team; partners read those their organisation takes part in
# (ReunionQuerySet.visibles_par), never the internal notes; élus and régisseurs never (élus read the levels only).
LECTEURS_REUNIONS = EQUIPE | {Role.PARTENAIRE}
# Espace Linné: the service runs it (the régisseurs and the team manage rooms and bookings); the élus read
# it; partners see nothing of it but its public pages.
GESTION_LINNE = SERVICE
LECTEURS_LINNE = SERVICE | {Role.ELU}
# Espace Linné's statistics and its yearly evaluation: the élus read them, as they read the bookings (and
# download the evaluation's versions); not the rota nor the safety register, which are the service's own.
# The responsable writes the evaluation's texts, the service generates its PDF; partners never read any.
LECTEURS_STATISTIQUES_LINNE = LECTEURS_LINNE
# The régisseurs' rota: the service that runs the site reads and writes it; the élus read only the facility's
# statistics and evaluation, never who is on duty when; partners never.
LECTEURS_PLANNING_LINNE = GESTION_LINNE
# Espace Linné's safety register (checks, commission visits, incidents): the service's working file, the
# régisseurs' first; the élus read Linné's statistics and evaluation, not this register.
LECTEURS_SECURITE_LINNE = GESTION_LINNE
GESTION_COMPTES = RESPONSABLE_SEULE  # only the responsable opens, edits and closes accounts


@dataclass(frozen=True)
class Access:
    """A view's rule: roles that may read (safe methods) and roles that may write."""

    read: frozenset
    write: frozenset = PERSONNE
    public: bool = False

    def check(self, request):
        """Return None when allowed, else the response or exception to raise."""
        if self.public:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        allowed = self.read if request.method in SAFE_METHODS else self.write
        if user.is_active and user.role in allowed:
            return None
        raise PermissionDenied


def access(*, read, write=PERSONNE):
    """Declare who may use a view. Anonymous users go to the login page; others get 403."""
    rule = Access(read=frozenset(read), write=frozenset(write))

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            refusal = rule.check(request)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def public(view):
    """Declare a page open to anonymous visitors (login)."""
    view.access_rule = Access(read=TOUS, write=TOUS, public=True)
    return view


def qui(roles) -> str:
    """Who holds `roles`, in the words of a refusal message (« … est réservé à la responsable de service »)."""
    roles = frozenset(roles)
    if roles == RESPONSABLE_SEULE:
        return "la responsable de service"
    if roles == EQUIPE:
        return "la responsable de service et aux chargé(e)s de dossiers ou de mission"
    return " et ".join(Role(r).label.lower() for r in sorted(roles)) or "personne"


# Predicates: pure functions, the rule in their docstring.


def is_equipe(user) -> bool:
    """The responsable and the agents create and edit business records."""
    return user.is_authenticated and user.role in EQUIPE


def is_responsable(user) -> bool:
    """Only the head of service takes the validating steps."""
    return user.is_authenticated and user.role == Role.RESPONSABLE


def is_partenaire(user) -> bool:
    """Partners read only what their organisation takes part in."""
    return user.is_authenticated and user.role == Role.PARTENAIRE


def can_see_visites(user) -> bool:
    """ACM/LALP visit reports are internal follow-up: the team and the élus, never partners."""
    return user.is_authenticated and user.role in LECTEURS_VISITES


def can_see_locaux(user) -> bool:
    """Premises and works: the service (régisseurs included, for Espace Linné) and the élus."""
    return user.is_authenticated and user.role in LECTEURS_LOCAUX


def can_see_documents(user) -> bool:
    """The documents vault: the team sees all; élus and partners the public documents (see Document)."""
    return user.is_authenticated and user.role in LECTEURS_DOCUMENTS


def can_see_indicateurs(user) -> bool:
    """A centre's yearly figures (finances included): the team, the élus, and the partners for the centres
    in their scope; not the régisseurs, who follow Espace Linné, not the centres' finances."""
    return user.is_authenticated and user.role in LECTEURS_INDICATEURS


def can_see_internal_notes(user) -> bool:
    """Internal notes are for the responsable and agents: never élus, partners or régisseurs."""
    return is_equipe(user)


def can_manage_linne(user) -> bool:
    return user.is_authenticated and user.role in GESTION_LINNE


def can_see_linne(user) -> bool:
    return user.is_authenticated and user.role in LECTEURS_LINNE


def can_see_reunions(user) -> bool:
    """Meetings, their minutes and actions: the team, and the partners for the meetings their organisation
    takes part in; never the élus nor the régisseurs."""
    return user.is_authenticated and user.role in LECTEURS_REUNIONS


def can_manage_comptes(user) -> bool:
    """Only the responsable opens, edits, deactivates and reactivates accounts; agents read them."""
    return user.is_authenticated and user.role in GESTION_COMPTES
