import json

from rest_framework import renderers


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf` on the labels endpoint.

    The PDF itself is returned as a plain HttpResponse; this renderer only ever
    sees error bodies, which it writes as JSON with a JSON content type, so an
    error is never dressed up as a PDF.
    """

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()
