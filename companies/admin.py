"""Django admin, scoped: staff see the companies they belong to; superusers see all.

Operations staff work here. Being a member of a company lets a staff user view its
records; changing them still needs Django's own permissions (superusers have all).
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Company, Membership

# Lists only companies that have rows in the (already scoped) list.
COMPANY_FILTER = ("company", admin.RelatedOnlyFieldListFilter)


def member_company_ids(request: HttpRequest) -> QuerySet:
    return Membership.objects.filter(user=request.user).values("company_id")


class CompanyScopedAdmin(admin.ModelAdmin):
    """Limit rows, and company choices in forms, to the user's companies.

    `company_path` is the lookup from the model to its Company.
    """

    company_path = "company"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.company_path}__in": member_company_ids(request)}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if not request.user.is_superuser:
            if model is Company:
                kwargs["queryset"] = Company.objects.filter(
                    pk__in=member_company_ids(request)
                )
            elif any(field.name == "company" for field in model._meta.fields):
                kwargs["queryset"] = model._default_manager.filter(
                    company__in=member_company_ids(request)
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or self._is_member(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) or self._is_member(request)

    @staticmethod
    def _is_member(request: HttpRequest) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (Membership.objects.filter(user=request.user).exists())
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(CompanyScopedAdmin):
    company_path = "pk"
    list_display = ["name", "code", "destination", "next_po_number"]
    search_fields = ["name", "code"]
    readonly_fields = ["next_po_number"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(CompanyScopedAdmin):
    list_display = ["user", "company", "role"]
    list_filter = ["role", COMPANY_FILTER]
    list_select_related = ["user", "company"]
    search_fields = ["user__username", "user__email", "company__name"]
    raw_id_fields = ["user"]
