"""Generate Labels on pages: the labels PDF for a selection of POs.

GET shows which of the selected POs can have labels and why the others cannot;
POST prints. A selection where every PO is ready prints at once; otherwise the
page lists what was left out and offers to print the ready ones.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from companies.access import company_view
from companies.roles import Capability
from purchase_orders.models import PurchaseOrder

from . import label_services
from .labels import LabelError
from .selectors import cargo_master_settings_for


@company_view(Capability.PRINT_LABELS)
@require_http_methods(["GET", "POST"])
def labels(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    back = _next_url(request, data)
    reason = label_services.labels_unavailable_reason(
        cargo_master_settings_for(request.company), company=request.company
    )
    if reason is not None:
        messages.error(request, reason)
        return redirect(back)

    ids = _owned_ids(request, data.getlist("ids"))
    if not ids:
        messages.error(request, "Select at least one PO to print labels for.")
        return redirect(back)

    try:
        if request.method == "GET":
            run = label_services.labels_check(
                company=request.company, purchase_order_ids=ids
            )
        else:
            run = label_services.labels_print(
                company=request.company,
                purchase_order_ids=ids,
                user=request.user,
                allow_partial=data.get("partial") == "1",
            )
    except (label_services.LabelsUnavailable, LabelError) as error:
        messages.error(request, str(error))
        return redirect(back)

    if run.pdf is not None:
        # Shown on the next page: POs that failed after the person chose to print
        # the ready ones (Cargo Master stopped answering, say).
        for number, why in sorted(run.skipped.items()):
            messages.warning(request, f"PO {number} has no labels: {why}")
        return _pdf_response(run)
    if not run.ready:
        _tell_skipped(request, run)
        return redirect(back)
    return render(
        request, "integrations/labels.html", {"run": run, "next": back, "ids": ids}
    )


def _owned_ids(request: HttpRequest, values: list[str]) -> list[int]:
    """The selected PO ids; 404 unless every one is this company's."""
    if not all(value.strip().isdigit() for value in values):
        raise Http404("A selected purchase order does not exist.")
    ids = {int(value) for value in values}
    owned = set(
        PurchaseOrder.objects.filter(company=request.company, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if owned != ids:
        raise Http404("A selected purchase order does not exist.")
    return sorted(ids)


def _tell_skipped(request: HttpRequest, run: label_services.LabelRun) -> None:
    if not run.skipped:
        return
    messages.error(request, "No labels were printed.")
    for number, reason in sorted(run.skipped.items()):
        messages.warning(request, f"PO {number} has no labels: {reason}")


def _pdf_response(run: label_services.LabelRun) -> HttpResponse:
    if len(run.printed) == 1:
        name = f"labels-po-{run.printed[0]}.pdf"
    else:
        name = f"labels-{len(run.printed)}-pos-{run.boxes}-boxes.pdf"
    response = HttpResponse(run.pdf, content_type="application/pdf")
    # Inline: the browser opens it ready to print on the label printer.
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _next_url(request: HttpRequest, data) -> str:
    target = data.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("purchase_orders:list")
