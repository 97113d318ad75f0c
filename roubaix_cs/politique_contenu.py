"""The Content-Security-Policy of the site (settings.CONTENT_SECURITY_POLICY), on every response but PDFs.

django-csp's middleware, with one exception: a PDF (a visit report, a deliberation) is shown by the
browser's own viewer, which a page policy such as `object-src 'none'` may keep from displaying it.
A PDF runs no script of ours: WeasyPrint's `<style>` stays inside the file.
"""

from csp.middleware import CSPMiddleware

TYPES_SANS_POLITIQUE = ("application/pdf",)


class PolitiqueContenuMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(TYPES_SANS_POLITIQUE):
            return response
        return super().process_response(request, response)
