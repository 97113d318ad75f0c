"""Small helpers shared by the tests of every app."""

from django.contrib.messages import get_messages


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
