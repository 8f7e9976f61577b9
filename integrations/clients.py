"""Builds the Cargo Master client from a company's stored settings."""

from collections.abc import Callable

from django.conf import settings

import komet

from .cargo_master import CallRecord, CargoMasterClient, CargoMasterError, ClientConfig
from .crypto import UnreadableSecret
from .models import CargoMasterSettings

PASSWORD_UNREADABLE = "password_unreadable"  # noqa: S105 - an error code


def client_config(
    *,
    base_url: str,
    username: str,
    password: str,
    importer_code: str,
) -> ClientConfig:
    return ClientConfig(
        base_url=base_url,
        username=username,
        password=password,
        importer_code=importer_code,
        connect_timeout=settings.CARGO_MASTER_CONNECT_TIMEOUT,
        read_timeout=settings.CARGO_MASTER_READ_TIMEOUT,
        user_agent=f"komet-cargo/{komet.__version__}",
    )


def client_for(
    cargo_master: CargoMasterSettings,
    *,
    audit: Callable[[CallRecord], None] | None = None,
) -> CargoMasterClient:
    """The client for a company's saved settings.

    A password that the configured keys cannot read is reported like any other
    Cargo Master failure, as a permanent "password_unreadable" error.
    """
    try:
        password = cargo_master.get_password()
    except UnreadableSecret as error:
        raise CargoMasterError(
            str(error), code=PASSWORD_UNREADABLE, transient=False
        ) from None
    config = client_config(
        base_url=cargo_master.base_url,
        username=cargo_master.username,
        password=password,
        importer_code=cargo_master.importer_code,
    )
    return CargoMasterClient(config, audit=audit)
