"""Windows: forms that open in the page's <dialog> under htmx, or as a page without JS.

A link with hx-get and hx-target="#dialog" asks for the window; the same URL opened
directly (no JavaScript, a bookmark) gets the window inside a full page.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

PAGE_TEMPLATE = "companies/window_page.html"


def render_window(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    if request.htmx:
        return render(request, template, context)
    return render(request, PAGE_TEMPLATE, {**context, "window_template": template})


def close_window(request: HttpRequest, url: str) -> HttpResponse:
    """After a save: close the dialog and load `url`, which shows the message."""
    if request.htmx:
        response = HttpResponseClientRedirect(url)
        response["HX-Trigger"] = "closeDialog"
        return response
    return redirect(url)
