from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from companies.access import company_view
from companies.roles import Capability

from . import selectors, services
from .forms import (
    BaseLineFormSet,
    PurchaseOrderFilterForm,
    PurchaseOrderForm,
    line_formset,
)
from .models import PurchaseOrder

PAGE_SIZE = 50


@company_view(Capability.VIEW)
def purchase_order_list(request: HttpRequest) -> HttpResponse:
    filters = PurchaseOrderFilterForm(request.GET or None, company=request.company)
    # The reservation badge of each row reads the company's Cargo Master settings
    # and the PO's reservations; loading them here keeps it to a fixed few queries.
    purchase_orders = filters.filter(
        selectors.purchase_orders_with_totals(request.company)
        .select_related("company__cargo_master_settings")
        .prefetch_related("reservations")
    )
    page = Paginator(purchase_orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "purchase_orders/list.html", {"filters": filters, "page": page}
    )


@company_view(Capability.VIEW)
def purchase_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    purchase_order = get_object_or_404(
        selectors.purchase_orders_for(request.company), pk=pk
    )
    lines = selectors.purchase_order_lines(purchase_order)
    context = {
        "po": purchase_order,
        "lines": lines,
        "totals": selectors.purchase_order_totals(lines),
    }
    return render(request, "purchase_orders/detail.html", context)


@company_view(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_create(request: HttpRequest) -> HttpResponse:
    return _purchase_order_form(request, None)


@company_view(Capability.MANAGE_PURCHASE_ORDERS)
def purchase_order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    purchase_order = get_object_or_404(PurchaseOrder, pk=pk, company=request.company)
    if not purchase_order.is_editable:
        messages.error(
            request,
            f"PO {purchase_order.number} is {purchase_order.get_status_display()} "
            "and can no longer be changed.",
        )
        return redirect("purchase_orders:detail", pk=pk)
    return _purchase_order_form(request, purchase_order)


def _purchase_order_form(
    request: HttpRequest, purchase_order: PurchaseOrder | None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    header = PurchaseOrderForm(
        data,
        company=request.company,
        purchase_order=purchase_order,
        initial=_header_initial(purchase_order),
    )
    lines = line_formset(data, company=request.company, purchase_order=purchase_order)
    if data is not None and header.is_valid() and lines.is_valid():
        try:
            saved = _save(request, purchase_order, header.cleaned_data, lines)
        except services.PurchaseOrderError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"PO {saved.number} saved.")
            return redirect("purchase_orders:detail", pk=saved.pk)

    context = {"po": purchase_order, "form": header, "lines": lines}
    return render(request, "purchase_orders/form.html", context)


def _header_initial(purchase_order: PurchaseOrder | None) -> dict:
    if purchase_order is None:
        return {}
    return {
        "vendor": purchase_order.vendor_id,
        "ship_date": purchase_order.ship_date,
        "notes": purchase_order.notes,
    }


def _save(
    request: HttpRequest,
    purchase_order: PurchaseOrder | None,
    header: dict,
    lines: BaseLineFormSet,
) -> PurchaseOrder:
    if purchase_order is None:
        return services.purchase_order_create(
            company=request.company,
            created_by=request.user,
            lines=lines.line_inputs(),
            **header,
        )
    return services.purchase_order_update(
        purchase_order=purchase_order, lines=lines.line_inputs(), **header
    )


@company_view(Capability.MANAGE_PURCHASE_ORDERS)
@require_POST
def purchase_orders_send(request: HttpRequest) -> HttpResponse:
    """Send PO, from a PO's page or in bulk from the list's checkboxes (`ids`)."""
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, "Select at least one PO to send.")
        return _back(request)

    try:
        result = services.purchase_orders_send(
            company=request.company, ids=ids, user=request.user
        )
    except services.PurchaseOrderError as error:
        messages.error(request, str(error))
        return _back(request)

    _report_sent(request, result)
    return _back(request)


def _selected_ids(request: HttpRequest) -> list[int]:
    """The POs ticked; any id that is not one of this company's POs is a 404."""
    raw = request.POST.getlist("ids")
    if not all(value.isdigit() for value in raw):
        raise Http404("No such purchase order.")
    ids = sorted({int(value) for value in raw})
    found = PurchaseOrder.objects.filter(company=request.company, pk__in=ids).count()
    if found != len(ids):
        raise Http404("No such purchase order.")
    return ids


def _report_sent(request: HttpRequest, result: services.SendResult) -> None:
    sent = sorted(po.number for po in result.sent)
    skipped = sorted(po.number for po in result.left)
    if sent:
        numbers = ", ".join(f"PO {number}" for number in sent)
        messages.success(request, f"Sent {numbers} to the vendor.")
    if skipped:
        numbers = ", ".join(f"PO {number}" for number in skipped)
        messages.warning(
            request, f"Left {numbers} as they were: only draft POs are sent."
        )


@company_view(Capability.MANAGE_PURCHASE_ORDERS)
@require_POST
def purchase_order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    purchase_order = get_object_or_404(PurchaseOrder, pk=pk, company=request.company)
    try:
        services.purchase_order_cancel(purchase_order=purchase_order)
    except services.PurchaseOrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"PO {purchase_order.number} cancelled.")
    return redirect("purchase_orders:detail", pk=pk)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the button was on (a PO or the filtered list)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("purchase_orders:list")
