"""The one PDF module: views and tasks call `render_pdf`, never WeasyPrint directly."""

import threading

from django.template.loader import render_to_string

_local = threading.local()


def _refuser_ressources(url, *args, **kwargs):
    """A PDF embeds what it needs (inline CSS, data: URIs) and never fetches a file or a URL:
    text typed by users cannot make the renderer read the disk or the network."""
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Ressource externe refusée dans un PDF : {url}")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` (extending templates/pdf/base.html) to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=_refuser_ressources).write_pdf(font_config=_configuration_polices())


def _configuration_polices():
    """One Fontconfig/Pango font map per thread, reused between renders: a new one reloads the
    configuration and the fonts and starts with empty caches. Per thread, as Pango's font map is
    not thread-safe (the development server renders in threads, a Celery worker in one)."""
    if not hasattr(_local, "polices"):
        from weasyprint.text.fonts import FontConfiguration

        _local.polices = FontConfiguration()
    return _local.polices
