"""The one PDF module: views and tasks call `render_pdf`, never WeasyPrint directly."""

from django.template.loader import render_to_string


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
    return HTML(string=html, url_fetcher=_refuser_ressources).write_pdf()
