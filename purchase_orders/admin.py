from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from companies.admin import COMPANY_FILTER, CompanyScopedAdmin

from . import services
from .models import BoxType, Product, PurchaseOrder, PurchaseOrderLine

# What Cargo Master sees of a PO changes only through services, which announce
# the change to reservations; the admin shows those fields and edits the rest.
SHIPPING_FIELDS = ["number", "company", "vendor", "ship_date", "status", "sent_at"]


@admin.register(BoxType)
class BoxTypeAdmin(CompanyScopedAdmin):
    list_display = ["code", "name", "fbe", "company"]
    list_filter = [COMPANY_FILTER]
    list_select_related = ["company"]
    search_fields = ["code", "name"]


@admin.register(Product)
class ProductAdmin(CompanyScopedAdmin):
    list_display = ["code", "description", "unit_type", "stems_per_bunch", "company"]
    list_filter = ["unit_type", COMPANY_FILTER]
    list_select_related = ["company"]
    search_fields = ["code", "description"]


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    fields = [
        "product",
        "mark_code",
        "box_type",
        "boxes",
        "unit_type",
        "bunches_per_box",
        "stems_per_bunch",
        "unit_cost",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(CompanyScopedAdmin):
    list_display = ["number", "company", "vendor", "ship_date", "status", "sent_at"]
    list_filter = ["status", COMPANY_FILTER, "ship_date"]
    list_select_related = ["company", "vendor"]
    search_fields = ["reference", "vendor__code", "vendor__name"]
    date_hierarchy = "ship_date"
    readonly_fields = [*SHIPPING_FIELDS, "created_by", "created_at", "updated_at"]
    fields = [*SHIPPING_FIELDS, "reference", "notes", "created_by", "created_at"]
    inlines = [PurchaseOrderLineInline]
    actions = ["send_selected", "cancel_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New POs are written in the app, where numbering and lines are validated.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A PO with a reservation is cancelled, never deleted.
        return False

    def get_search_results(self, request, queryset, search_term):
        # A PO number is an integer, so it is matched exactly, not as text.
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip().isdigit():
            found |= queryset.filter(number=int(search_term))
        return found, duplicates

    @admin.action(
        description="Send selected POs to their vendors", permissions=["change"]
    )
    def send_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids_by_company: dict = {}
        for purchase_order in queryset.select_related("company"):
            ids_by_company.setdefault(purchase_order.company, []).append(
                purchase_order.pk
            )
        for company, ids in ids_by_company.items():
            try:
                services.purchase_orders_send(
                    company=company, ids=ids, user=request.user
                )
            except services.PurchaseOrderError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"Sent the drafts among {len(ids)} POs.")

    @admin.action(description="Cancel selected POs", permissions=["change"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for purchase_order in queryset:
            try:
                services.purchase_order_cancel(purchase_order=purchase_order)
            except services.PurchaseOrderError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, f"PO {purchase_order.number} cancelled.")
