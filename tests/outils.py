"""Small helpers shared by the tests of every app."""

import threading

from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connections


def messages_de(response):
    """The flash messages a user reads after this response.

    Follow the redirects (`follow=True`) when a test posts several times in a row: the page
    shown at the end consumes them, so each response carries only its own messages.
    """
    if hasattr(response, "redirect_chain"):
        return [str(m) for m in response.context["messages"]]
    return [str(m) for m in get_messages(response.wsgi_request)]


def contenu(response):
    return response.content.decode()


def en_meme_temps(*taches):
    """Run the `taches` in threads released together; return {index: result or ValidationError}. Each
    thread has its own database connection, closed at its end (tests marked `transaction=True`)."""
    barriere = threading.Barrier(len(taches))
    resultats = {}

    def lancer(index, tache):
        try:
            barriere.wait(timeout=10)
            resultats[index] = tache()
        except ValidationError as erreur:
            resultats[index] = erreur
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lancer, args=(i, t)) for i, t in enumerate(taches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return resultats
