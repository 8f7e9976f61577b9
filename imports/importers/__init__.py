"""One importer per kind of file; the job service picks the one for a job."""

from ..models import Kind
from .base import Importer, Summary
from .catalog import BoxTypeImporter, VendorImporter
from .purchase_orders import PurchaseOrderImporter

IMPORTERS: dict[str, type[Importer]] = {
    Kind.VENDORS: VendorImporter,
    Kind.BOX_TYPES: BoxTypeImporter,
    Kind.PURCHASE_ORDERS: PurchaseOrderImporter,
}

__all__ = ["IMPORTERS", "Importer", "Summary"]
