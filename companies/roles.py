"""What each role may do. Views ask for a capability, never for a role by name."""

from enum import StrEnum

from .models import Role


class Capability(StrEnum):
    VIEW = "view"
    MANAGE_VENDORS = "manage_vendors"
    SET_CARGO_MASTER_CODES = "set_cargo_master_codes"
    MANAGE_PURCHASE_ORDERS = "manage_purchase_orders"
    SEND_TO_CARGO_MASTER = "send_to_cargo_master"
    MANAGE_SETTINGS = "manage_settings"
    OPERATE_RESERVATIONS = "operate_reservations"
    PRINT_LABELS = "print_labels"
    IMPORT_FILES = "import_files"


_ALL = frozenset(Capability)

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMINISTRATOR: _ALL,
    Role.BUYER: frozenset(
        {
            Capability.VIEW,
            Capability.MANAGE_VENDORS,
            Capability.MANAGE_PURCHASE_ORDERS,
            Capability.SEND_TO_CARGO_MASTER,
            Capability.IMPORT_FILES,
        }
    ),
    Role.OPERATIONS: frozenset(
        {
            Capability.VIEW,
            Capability.OPERATE_RESERVATIONS,
            Capability.SEND_TO_CARGO_MASTER,
            Capability.PRINT_LABELS,
        }
    ),
}


def role_can(role: str | None, capability: Capability) -> bool:
    return role is not None and capability in CAPABILITIES.get(role, frozenset())
