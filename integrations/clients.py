"""Builds the Cargo Master client from a company's stored settings."""

from collections.abc import Callable

from django.conf import settings

import komet

from .cargo_master import CallRecord, CargoMasterClient, ClientConfig
from .models import CargoMasterSettings


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
    config = client_config(
        base_url=cargo_master.base_url,
        username=cargo_master.username,
        password=cargo_master.get_password(),
        importer_code=cargo_master.importer_code,
    )
    return CargoMasterClient(config, audit=audit)
