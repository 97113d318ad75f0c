"""Lists: filters (django-filter), pagination and the query string kept for exports."""

from django.core.paginator import Paginator

PAR_PAGE = 25


def page_de_liste(request, filtre, par_page=PAR_PAGE):
    """Context of a filtered, paginated list; `params` is the query string without the page."""
    page = Paginator(filtre.qs, par_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"filtre": filtre, "page": page, "params": params.urlencode()}
