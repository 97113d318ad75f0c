"""Lists: filters (django-filter), pagination and the query string kept for exports."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet

PAR_PAGE = 25
# A home page section shows this many rows, then the total and the link to the whole list (issue 13).
APERCU = 10


def page_de_liste(request, filtre, par_page=PAR_PAGE):
    """Context of a filtered, paginated list; `params` is the query string without the page."""
    page = Paginator(filtre.qs, par_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"filtre": filtre, "page": page, "params": params.urlencode()}


@dataclass(frozen=True)
class Apercu:
    """The first rows of a list on a home page, how many there are in all, and the full list's URL."""

    items: list
    total: int
    url: str

    @property
    def tronque(self):
        return self.total > len(self.items)


def apercu(objets, url, *, total=None, n=APERCU):
    """The first `n` of `objets` (a queryset: one COUNT and one LIMIT query, never all the rows)."""
    if total is None:
        total = objets.count() if isinstance(objets, QuerySet) else len(objets)
    return Apercu(items=list(objets[:n]), total=total, url=url)
