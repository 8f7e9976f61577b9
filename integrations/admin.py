import json

from django.contrib import admin, messages
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from companies.admin import COMPANY_FILTER, CompanyScopedAdmin
from companies.models import Role

from . import label_services, services
from .labels import LabelError
from .models import CargoMasterSettings, Reservation, ReservationAttempt

OPERATING_ROLES = (Role.ADMINISTRATOR, Role.OPERATIONS)


class OperationsAdmin(CompanyScopedAdmin):
    """Rows of the user's companies, which their operations staff may act on."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) or (
            request.user.is_staff
            and request.user.memberships.filter(role__in=OPERATING_ROLES).exists()
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


class AttemptInline(admin.TabularInline):
    model = ReservationAttempt
    extra = 0
    can_delete = False
    ordering = ["started_at", "id"]
    fields = [
        "started_at",
        "operation_kind",
        "number",
        "method",
        "path",
        "http_status",
        "outcome",
        "duration_ms",
        "error_code",
        "message",
        "bodies",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("operation")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return True

    @admin.display(description="operation")
    def operation_kind(self, attempt: ReservationAttempt) -> str:
        return attempt.operation.get_kind_display()

    @admin.display(description="request / reply (redacted)")
    def bodies(self, attempt: ReservationAttempt) -> str:
        return format_html(
            "<details><summary>show</summary><pre>{}</pre><pre>{}</pre></details>",
            json.dumps(attempt.request_body, indent=1, ensure_ascii=False),
            json.dumps(attempt.response_body, indent=1, ensure_ascii=False),
        )


@admin.register(Reservation)
class ReservationAdmin(OperationsAdmin):
    list_display = [
        "po_number",
        "company",
        "vendor",
        "vendor_code",
        "ship_date",
        "status_badge",
        "last_error",
        "number",
        "attempt_count",
        "updated_at",
    ]
    list_filter = [
        "status",
        COMPANY_FILTER,
        ("purchase_order__ship_date", admin.DateFieldListFilter),
        ("purchase_order__vendor", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["company", "purchase_order__vendor"]
    search_fields = ["number", "vendor_code", "purchase_order__vendor__name"]
    search_help_text = "PO number, reservation number, vendor code or vendor name"
    raw_id_fields = ["purchase_order"]
    readonly_fields = [
        "company",
        "purchase_order",
        "vendor_code",
        "status",
        "active",
        "number",
        "last_error",
        "last_error_code",
        "created_at",
        "updated_at",
        "reserved_at",
    ]
    exclude = ["lease_until"]
    inlines = [AttemptInline]
    actions = ["retry", "cancel", "print_labels"]
    list_per_page = 100

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Tries of its operations; the sign-ins they needed are not counted.
                attempt_total=Sum("operations__attempts")
            )
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if search_term.strip().isdigit():
            number = int(search_term.strip())
            queryset |= self.get_queryset(request).filter(purchase_order__number=number)
        return queryset, duplicates

    @admin.display(description="PO", ordering="purchase_order__number")
    def po_number(self, reservation: Reservation) -> int:
        return reservation.purchase_order.number

    @admin.display(description="vendor", ordering="purchase_order__vendor__name")
    def vendor(self, reservation: Reservation) -> str:
        return reservation.purchase_order.vendor.name

    @admin.display(description="ship date", ordering="purchase_order__ship_date")
    def ship_date(self, reservation: Reservation):
        return reservation.purchase_order.ship_date

    @admin.display(description="status", ordering="status")
    def status_badge(self, reservation: Reservation) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            reservation.status,
            reservation.get_status_display(),
        )

    @admin.display(description="attempts", ordering="attempt_total")
    def attempt_count(self, reservation: Reservation) -> int:
        return reservation.attempt_total or 0

    @admin.action(description="Retry the selected failed or held reservations")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        queued = services.reservations_retry(reservation_ids=ids)
        skipped = len(ids) - queued
        self.message_user(
            request,
            f"{queued} reservation(s) queued again."
            + (
                f" {skipped} were not failed or held and were left as they are."
                if skipped
                else ""
            ),
            messages.SUCCESS if queued else messages.WARNING,
        )

    @admin.action(description="Cancel the selected reservations at Cargo Master")
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        cancelled = sum(
            services.reservation_cancel(
                reservation=reservation, reason="Cancelled by operations staff."
            )
            for reservation in queryset
        )
        self.message_user(
            request, f"{cancelled} reservation(s) queued for cancellation."
        )

    @admin.action(description="Print labels")
    def print_labels(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        selected = list(queryset.select_related("company", "purchase_order"))
        companies = {reservation.company for reservation in selected}
        if len(companies) != 1:
            self.message_user(
                request,
                "Select reservations of one company at a time to print labels.",
                messages.ERROR,
            )
            return None
        # Labels belong to a PO's current reservation; an old one has none.
        for reservation in selected:
            if not reservation.active:
                self.message_user(
                    request,
                    f"{reservation} is no longer PO {reservation.purchase_order.number}"
                    "'s current reservation; select the current one.",
                    messages.WARNING,
                )
        try:
            run = label_services.labels_print(
                company=companies.pop(),
                purchase_order_ids=[r.purchase_order_id for r in selected if r.active],
                user=request.user,
                allow_partial=True,
            )
        except (label_services.LabelsUnavailable, LabelError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        # Left-out POs show on the next admin page, beside the PDF's tab.
        for number, reason in sorted(run.skipped.items()):
            self.message_user(
                request, f"PO {number} has no labels: {reason}", messages.WARNING
            )
        if run.pdf is None:
            self.message_user(request, "No labels were printed.", messages.ERROR)
            return None
        response = HttpResponse(run.pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response


@admin.register(CargoMasterSettings)
class CargoMasterSettingsAdmin(OperationsAdmin):
    list_display = [
        "company",
        "username",
        "importer_code",
        "send_mode",
        "environment",
        "enabled",
        "credentials_rejected_at",
    ]
    list_select_related = ["company"]
    fields = [
        *list_display,
        "send_purchase_orders",
        "generate_labels",
        "label_size",
        "credentials_rejected_reason",
    ]
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Credentials are changed in Setup > Settings > Integrations, where the
        # password field never shows the stored value.
        return False
