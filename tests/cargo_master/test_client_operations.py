"""The client against the running sandbox, over real HTTP: every operation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from integrations.cargo_master import (
    CargoMasterClient,
    CargoMasterError,
    ClientConfig,
    ReservationLine,
)
from sandbox.seed import OTHER_ONLY_VENDOR_CODE


def test_sign_in_returns_a_future_expiry(client: CargoMasterClient) -> None:
    expires_at = client.sign_in()

    assert expires_at.tzinfo is not None
    assert expires_at.year >= date.today().year


def test_wrong_password_is_a_permanent_rejected_credentials_error(
    config: ClientConfig,
) -> None:
    client = CargoMasterClient(
        ClientConfig(
            base_url=config.base_url,
            username=config.username,
            password="Orquidea-N-2027",  # the right one without its accents
            importer_code=config.importer_code,
        )
    )

    with pytest.raises(CargoMasterError) as caught:
        client.test_connection()

    assert caught.value.code == "invalid_credentials"
    assert caught.value.status == 401
    assert caught.value.rejected_credentials
    assert not caught.value.transient


def test_importer_not_linked_to_the_user_is_rejected_credentials(
    config: ClientConfig,
) -> None:
    client = CargoMasterClient(
        ClientConfig(
            base_url=config.base_url,
            username=config.username,
            password=config.password,
            importer_code="OTHER02",
        )
    )

    with pytest.raises(CargoMasterError) as caught:
        client.test_connection()

    assert caught.value.code == "importer_not_linked"
    assert caught.value.rejected_credentials


def test_vendor_lookup_tells_known_unknown_and_not_shipping_apart(
    client: CargoMasterClient,
) -> None:
    known = client.lookup_vendor("UIO07100")
    unknown = client.lookup_vendor("XXX00000")
    elsewhere = client.lookup_vendor(OTHER_ONLY_VENDOR_CODE)

    assert (known.exists, known.ships_for_importer, known.name) == (
        True,
        True,
        "Flores La Ñusta",
    )
    assert known.usable
    assert (unknown.exists, unknown.usable, unknown.name) == (False, False, None)
    assert elsewhere.exists
    assert not elsewhere.ships_for_importer


def test_create_returns_a_typed_confirmed_reservation(
    client: CargoMasterClient, make_request, ship_date: date
) -> None:
    request = make_request()

    reservation = client.create_reservation(request, idempotency_key="create-1")

    assert reservation.number.startswith("CM")
    assert reservation.status == "confirmed"
    assert reservation.reference == request.reference
    assert reservation.ship_date == ship_date
    assert reservation.totals.boxes == 7
    assert reservation.totals.fbe == Decimal("2.750")
    assert reservation.lines[0].product == "Rosa Freedom 50cm Ñ"
    assert reservation.revision == 1


def test_get_and_find_return_the_same_reservation(
    client: CargoMasterClient, make_request
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="get-find")

    assert client.get_reservation(created.number) == created
    assert client.find_reservation(created.reference) == created
    assert client.find_reservation("PO-NEVER-SENT") is None


def test_find_skips_a_cancelled_reservation_of_the_same_po(
    client: CargoMasterClient, make_request
) -> None:
    request = make_request()
    old = client.create_reservation(request, idempotency_key="vendor-change-1")
    client.cancel_reservation(
        old.number, reason="Vendor changed", idempotency_key="vendor-change-2"
    )
    new = client.create_reservation(request, idempotency_key="vendor-change-3")

    assert client.find_reservation(request.reference) == new
    assert [r.number for r in client.find_reservations(request.reference)] == [
        old.number,
        new.number,
    ]


def test_amend_changes_ship_date_and_lines_and_bumps_the_revision(
    client: CargoMasterClient, make_request, ship_date: date
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="amend-0")
    later = ship_date + timedelta(days=1)

    amended = client.amend_reservation(
        created.number,
        ship_date=later,
        lines=[ReservationLine("FB", 2, "Clavel Rojo", "MK1")],
        idempotency_key="amend-1",
    )

    assert amended.ship_date == later
    assert amended.totals.fbe == Decimal("2.000")
    assert amended.revision == 2


def test_cancel_twice_is_harmless_and_labels_are_then_refused(
    client: CargoMasterClient, make_request
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="cancel-0")

    first = client.cancel_reservation(
        created.number, reason="PO cancelled", idempotency_key="cancel-1"
    )
    second = client.cancel_reservation(
        created.number, reason="PO cancelled", idempotency_key="cancel-2"
    )
    with pytest.raises(CargoMasterError) as caught:
        client.get_labels(created.number)

    assert first.is_cancelled
    assert first.cancel_reason == "PO cancelled"
    assert second.revision == first.revision
    assert caught.value.code == "reservation_cancelled"
    assert caught.value.status == 409
    assert not caught.value.transient


def test_labels_give_one_unique_ascii_code_per_box_stable_on_reprint(
    client: CargoMasterClient, make_request
) -> None:
    created = client.create_reservation(make_request(), idempotency_key="labels")

    labels = client.get_labels(created.number)
    reprint = client.get_labels(created.number)

    assert len(labels) == created.totals.boxes
    assert [label.sequence for label in labels] == list(range(1, 8))
    assert len({label.box_code for label in labels}) == len(labels)
    assert all(label.box_code.isascii() for label in labels)
    assert labels == reprint


def test_list_follows_pages_across_the_date_range(
    client: CargoMasterClient, make_request, ship_date: date, monkeypatch
) -> None:
    monkeypatch.setattr("integrations.cargo_master.client.PAGE_SIZE", 2)
    for index in range(5):
        client.create_reservation(make_request(), idempotency_key=f"list-{index}")
    client.create_reservation(
        make_request(ship_date=ship_date + timedelta(days=30)),
        idempotency_key="list-outside",
    )

    listed = client.list_reservations(ship_date_from=ship_date, ship_date_to=ship_date)

    assert len(listed) == 5
    assert [r.number for r in listed] == sorted(r.number for r in listed)


def test_unknown_and_unlinked_vendors_are_permanent_errors(
    client: CargoMasterClient, make_request
) -> None:
    codes = []
    for index, vendor_code in enumerate(["ZZZ99999", OTHER_ONLY_VENDOR_CODE]):
        with pytest.raises(CargoMasterError) as caught:
            client.create_reservation(
                make_request(vendor_code=vendor_code), idempotency_key=f"vendor-{index}"
            )
        assert not caught.value.transient
        codes.append(caught.value.code)

    assert codes == ["unknown_vendor", "vendor_not_linked"]


def test_a_past_ship_date_is_refused(client: CargoMasterClient, make_request) -> None:
    yesterday = date.today() - timedelta(days=1)

    with pytest.raises(CargoMasterError) as caught:
        client.create_reservation(
            make_request(ship_date=yesterday), idempotency_key="past"
        )

    assert caught.value.code == "ship_date_past"
    assert caught.value.status == 422


def test_more_than_5000_boxes_is_refused(
    client: CargoMasterClient, make_request
) -> None:
    lines = (ReservationLine("EB", 5001, "Gypsophila", ""),)

    with pytest.raises(CargoMasterError) as caught:
        client.create_reservation(make_request(lines=lines), idempotency_key="big")

    assert caught.value.code == "too_many_boxes"


def test_send_operation_replays_frozen_bodies_for_each_kind(
    client: CargoMasterClient, make_request
) -> None:
    body = make_request().to_json(importer_code="ignored")
    del body["importer_code"]

    created = client.send_operation(
        kind="create", number=None, body=body, idempotency_key="op-1"
    )
    amended = client.send_operation(
        kind="amend", number=created.number, body=body, idempotency_key="op-2"
    )
    cancelled = client.send_operation(
        kind="cancel",
        number=created.number,
        body={"reason": "PO cancelled"},
        idempotency_key="op-3",
    )

    assert created.reference == body["reference"]
    assert amended.revision == 2
    assert cancelled.is_cancelled


def test_idempotency_key_is_required_by_the_client(
    client: CargoMasterClient, make_request
) -> None:
    with pytest.raises(ValueError, match="idempotency_key"):
        client.create_reservation(make_request(), idempotency_key="")


def test_the_sandbox_checks_ship_dates_against_the_day_its_clock_is_set_to(
    client: CargoMasterClient, make_request, sandbox, ship_date
) -> None:
    sandbox.set_today(ship_date + timedelta(days=1))

    with pytest.raises(CargoMasterError) as caught:
        client.create_reservation(make_request(), idempotency_key="clock-1")

    assert caught.value.code == "ship_date_past"
    sandbox.set_today(None)
    assert client.create_reservation(make_request(), idempotency_key="clock-2")
