from django.conf import settings
from django.db import models

from companies.models import Company


class Resource(models.TextChoices):
    """What an API token may reach; each scope is one of these, read or write."""

    VENDORS = "vendors", "Vendors"
    CATALOG = "catalog", "Catalog (box types and products)"
    PURCHASE_ORDERS = "purchase_orders", "Purchase orders"
    RESERVATIONS = "reservations", "Reservations"
    LABELS = "labels", "Labels"


class Access(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


# Resources the API only reads: a write scope on them would grant nothing.
READ_ONLY_RESOURCES = frozenset({Resource.CATALOG, Resource.LABELS})


class ApiTokenQuerySet(models.QuerySet):
    def for_company(self, company: Company) -> "ApiTokenQuerySet":
        return self.filter(company=company)

    def usable(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A company's credential for an integrator's system.

    The key is shown once, when it is created; only its SHA-256 digest and a short
    prefix (to tell tokens apart on the Tokens page) are stored. A token acts for
    its company with exactly its scopes, whoever created it.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, db_index=True, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    # {"vendors": "write", "catalog": "read", ...}; a resource left out is refused.
    scopes = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def __repr__(self) -> str:
        return f"<ApiToken {self.pk} company={self.company_id} prefix={self.prefix}>"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, resource: str, access: str) -> bool:
        granted = self.scopes.get(resource)
        return granted == Access.WRITE or granted == access == Access.READ

    def scope_labels(self) -> list[str]:
        return [
            f"{Resource(resource).label}: {Access(access).label.lower()}"
            for resource, access in sorted(self.scopes.items())
            if resource in Resource.values and access in Access.values
        ]
