"""Test connection and Check code: one call to Cargo Master, answered in plain words."""

from dataclasses import dataclass

from companies.models import Company

from . import services
from .cargo_master import CargoMasterClient, CargoMasterError
from .clients import client_config, client_for
from .crypto import UnreadableSecret
from .models import CargoMasterSettings


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def _explain(error: CargoMasterError) -> str:
    if error.code == "invalid_credentials":
        return "Cargo Master refused the username or password."
    if error.code == "importer_not_linked":
        return "Cargo Master says this user is not linked to that importer code."
    if error.transient:
        return f"Cargo Master could not be reached: {error.message} Try again shortly."
    return f"Cargo Master refused: {error.message}"


def connection_test(
    *,
    company: Company,
    username: str,
    password: str,
    importer_code: str,
    base_url: str,
) -> Verdict:
    """Sign in with the given details; reserves nothing.

    When they are the company's saved details and its queue was paused for
    rejected credentials, a successful sign-in resumes it.
    """
    config = client_config(
        base_url=base_url,
        username=username,
        password=password,
        importer_code=importer_code,
    )
    try:
        CargoMasterClient(config).test_connection()
    except CargoMasterError as error:
        return Verdict(ok=False, message=_explain(error))

    message = f"Signed in to Cargo Master as {username} for importer {importer_code}."
    saved = CargoMasterSettings.objects.filter(company=company).first()
    if (
        saved
        and saved.is_paused
        and _same_login(saved, username, password, importer_code, base_url)
    ):
        resumed = services.cargo_master_resume(company=company)
        message += f" The paused queue resumed: {resumed} reservation(s) queued."
    return Verdict(ok=True, message=message)


def _same_login(
    saved: CargoMasterSettings,
    username: str,
    password: str,
    importer_code: str,
    base_url: str,
) -> bool:
    try:
        saved_password = saved.get_password()
    except UnreadableSecret:
        return False
    return (
        saved.username == username
        and saved.importer_code == importer_code
        and saved.base_url == base_url
        and saved_password == password
    )


def vendor_code_check(*, cargo_master: CargoMasterSettings, code: str) -> Verdict:
    try:
        found = client_for(cargo_master).lookup_vendor(code)
    except CargoMasterError as error:
        return Verdict(ok=False, message=_explain(error))

    importer = cargo_master.importer_code
    if not found.exists:
        return Verdict(ok=False, message=f"Cargo Master does not know the code {code}.")
    name = f" ({found.name})" if found.name else ""
    if not found.ships_for_importer:
        return Verdict(
            ok=False,
            message=f"{code}{name} exists but does not ship for importer {importer}.",
        )
    return Verdict(
        ok=True,
        message=f"{code}{name} ships with Cargo Master for importer {importer}.",
    )
