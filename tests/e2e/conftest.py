"""End-to-end tests: a real browser (Debian's chromium) against pytest-django's live server.

Run them alone with `pytest tests/e2e` or skip them with `pytest -m "not e2e"`.
"""

import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests
# make there (factories, assertions, the database flush at teardown) would otherwise raise
# SynchronousOnlyOperation.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Playwright's assertions wait 5 s by default; on a CI machine of two cores running two test workers, a
# live server and a browser, a page built from the demo data may take longer: wait up to 15 s.
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `playwright install` is not used.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options (--headed, --slowmo…) with Debian's chromium."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs (page.goto("/centres/")) go to pytest-django's live server.

    This also replaces pytest-playwright 0.10's fallback `base_url` fixture, a session-scoped
    fixture defined as an instance method, which pytest 9 reports as PytestRemovedIn10Warning
    (an error here, warnings being errors).
    """
    return live_server.url


def _console_error(msg):
    if msg.type != "error":
        return None
    return f"console error: {msg.text} ({msg.location.get('url', '')})"


@pytest.fixture
def browser_problems(page):
    """What a user's browser would complain about: console errors, uncaught exceptions, failed requests.

    Collected during the whole test; the test asserts the list is empty at its end.
    """
    problems = []

    def on_console(msg):
        if problem := _console_error(msg):
            problems.append(problem)

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))

    def on_request_failed(request):
        # The browser drops the favicon it was fetching when the user moves on to the next page: not a fault.
        if request.failure == "net::ERR_ABORTED" and request.url.endswith("/favicon.svg"):
            return
        problems.append(f"request failed: {request.url} ({request.failure})")

    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    return problems
