"""The query-count guard of every page: the same number of queries at two data sizes, under a ceiling.

Each guarded page has its ceiling in PLAFONDS (tests/plafonds.py), so that a change of cost shows
in review. Two ways to use it:

- `garde(client, cle, url, grandir)` inside one test, for a page whose data is its own;
- `mesurer(pages, grandir)` in a `donnees_partagees` fixture, when several pages or personas read
  the same data: it is grown once, each page is counted at both sizes, and each test checks its
  page with `verifier(mesures, cle)`.

`grandir(n)` adds n more of every record the page shows.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .plafonds import PLAFONDS

PETIT, GRAND = 3, 30


def compter(client, url, params=None):
    """The queries one GET of `url` costs, a download read to its end; the page must answer 200."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def requetes_de(appel):
    """The queries a call costs (a service that several pages share, say)."""
    with CaptureQueriesContext(connection) as ctx:
        appel()
    return len(ctx.captured_queries)


def verifier(mesures, cle):
    """The page `cle` cost as many queries at both sizes, within its ceiling."""
    petit, grand = mesures[cle]
    plafond = PLAFONDS[cle]
    assert petit == grand <= plafond, (
        f"{cle} : {petit} requêtes pour {PETIT} enregistrements, {grand} pour {GRAND} (plafond {plafond})"
    )


def garde(client, cle, url, grandir, params=None):
    """Grow the data to PETIT records, count, grow to GRAND, count: the same, and within the ceiling."""
    grandir(PETIT)
    petit = compter(client, url, params)
    grandir(GRAND - PETIT)
    verifier({cle: (petit, compter(client, url, params))}, cle)


@dataclass(frozen=True)
class Page:
    cle: str  # its row in PLAFONDS: "<page> <persona>"
    url: str
    params: dict = field(default_factory=dict, hash=False)

    @property
    def persona(self):
        return self.cle.rsplit(" ", 1)[1]


def mesurer(pages, grandir, lecteurs):
    """{cle: (queries at PETIT records, queries at GRAND)} for each page, read by `lecteurs[page.persona]`,
    the data grown once."""
    assert len({page.cle for page in pages}) == len(pages), "one row of PLAFONDS per page"
    clients = {}
    for persona, user in lecteurs.items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    comptes = {page.cle: [] for page in pages}
    for n in (PETIT, GRAND - PETIT):
        grandir(n)
        for page in pages:
            comptes[page.cle].append(compter(clients[page.persona], page.url, page.params))
    return {cle: tuple(c) for cle, c in comptes.items()}
