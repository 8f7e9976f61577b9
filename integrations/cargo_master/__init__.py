"""Cargo Master integration: the API client, its typed values and its one error.

The contract it speaks is ``contract/openapi.yaml`` (explained in
``contract/GUIDE.md``). When the real endpoint's details arrive, only
``client.py``, ``types.py`` and that contract should need to change.
"""

from integrations.cargo_master.client import (
    CargoMasterClient,
    parse_retry_after,
    redact,
    reset_shared_state,
)
from integrations.cargo_master.errors import CargoMasterError
from integrations.cargo_master.types import (
    BOX_TYPE_FBE,
    BoxLabel,
    CallRecord,
    ClientConfig,
    Reservation,
    ReservationLine,
    ReservationRequest,
    ReservationStatus,
    ReservationTotals,
    VendorLookup,
)

__all__ = [
    "BOX_TYPE_FBE",
    "BoxLabel",
    "CallRecord",
    "CargoMasterClient",
    "CargoMasterError",
    "ClientConfig",
    "Reservation",
    "ReservationLine",
    "ReservationRequest",
    "ReservationStatus",
    "ReservationTotals",
    "VendorLookup",
    "parse_retry_after",
    "redact",
    "reset_shared_state",
]
