"""Setup > Settings > Integrations, and the Cargo Master Settings window."""

import io

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from django.urls import reverse

from integrations import crypto
from integrations.models import CargoMasterSettings, SendMode

PASSWORD = " clave Ñandú 2027 "  # spaces and ñ are kept exactly as typed
WINDOW = reverse("integrations:cargo_master_settings")
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def settings_data(**overrides) -> dict:
    return {
        "username": "miami-blooms",
        "password": PASSWORD,
        "importer_code": "MBI001",
        "send_mode": SendMode.AUTOMATIC,
        "send_purchase_orders": "on",
        "generate_labels": "on",
        "label_size": "4x6",
        "environment": "sandbox",
        "enabled": "on",
    } | overrides


@pytest.fixture
def linked(administrator_client, acme) -> CargoMasterSettings:
    administrator_client.post(WINDOW, settings_data())
    return CargoMasterSettings.objects.get(company=acme)


def test_the_integrations_page_says_not_linked_at_first(administrator_client, acme):
    page = administrator_client.get(reverse("integrations:index"))

    assert "Not linked" in page.text
    assert "Linked with Cargo Master" not in page.text
    assert f'hx-get="{WINDOW}"' in page.text


def test_saving_the_window_links_the_company(administrator_client, acme):
    response = administrator_client.post(WINDOW, settings_data(), follow=True)

    settings = CargoMasterSettings.objects.get(company=acme)
    assert "Cargo Master settings saved." in response.text
    assert "Linked with Cargo Master" in response.text
    assert "miami-blooms" in response.text and "MBI001" in response.text
    assert (settings.send_mode, settings.label_size) == (SendMode.AUTOMATIC, "4x6")


def test_the_stored_password_is_encrypted_and_reads_back_exactly(linked):
    assert PASSWORD not in linked.password_encrypted
    assert PASSWORD.strip() not in linked.password_encrypted
    assert linked.get_password() == PASSWORD


def test_no_page_or_form_ever_contains_the_password(administrator_client, linked):
    pages = [
        administrator_client.get(reverse("integrations:index")),
        administrator_client.get(WINDOW),
        administrator_client.get(WINDOW, headers={"HX-Request": "true"}),
        # A refused save shows the form again, still without the password.
        administrator_client.post(WINDOW, settings_data(username="")),
    ]

    for page in pages:
        assert page.status_code == 200
        assert PASSWORD.strip() not in page.text
        assert linked.password_encrypted not in page.text
    assert pages[1].context["form"]["password"].value() is None


def test_a_blank_password_on_edit_keeps_the_stored_one(administrator_client, linked):
    response = administrator_client.post(
        WINDOW, settings_data(password="", importer_code="MBI002")
    )

    linked.refresh_from_db()
    assert response.status_code == 302
    assert linked.importer_code == "MBI002"
    assert linked.get_password() == PASSWORD


def test_new_settings_need_a_password(administrator_client, acme):
    response = administrator_client.post(WINDOW, settings_data(password=""))

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "Enter the password Cargo Master sent you."
    ]
    assert not CargoMasterSettings.objects.exists()


def test_a_password_over_128_characters_is_refused(administrator_client, acme):
    response = administrator_client.post(WINDOW, settings_data(password="x" * 129))

    assert response.context["form"].errors["password"] == [
        "Ensure this value has at most 128 characters (it has 129)."
    ]
    assert not CargoMasterSettings.objects.exists()


def test_missing_details_are_named_beside_their_fields(administrator_client, acme):
    response = administrator_client.post(
        WINDOW, settings_data(username="", importer_code="", send_mode="sometimes")
    )

    errors = response.context["form"].errors
    assert errors["username"] == ["This field is required."]
    assert errors["importer_code"] == ["This field is required."]
    assert errors["send_mode"] == [
        "Select a valid choice. sometimes is not one of the available choices."
    ]
    assert not CargoMasterSettings.objects.exists()


def test_saving_under_htmx_closes_the_window(administrator_client, acme):
    response = administrator_client.post(
        WINDOW, settings_data(), headers={"HX-Request": "true"}
    )

    assert response["HX-Trigger"] == "closeDialog"
    assert response["HX-Redirect"] == reverse("integrations:index")


def test_the_window_leaves_room_for_a_test_connection_button(administrator_client):
    window = administrator_client.get(WINDOW, headers={"HX-Request": "true"})

    assert "integrations/_test_connection.html" in [t.name for t in window.templates]


def test_a_password_stays_readable_after_a_new_key_is_prepended(acme):
    with override_settings(CARGO_MASTER_KEYS=[OLD_KEY]):
        settings = CargoMasterSettings(company=acme, username="u", importer_code="I")
        settings.set_password(PASSWORD)
        settings.save()

    with override_settings(CARGO_MASTER_KEYS=[NEW_KEY, OLD_KEY]):
        settings.refresh_from_db()
        assert settings.get_password() == PASSWORD


def test_rotate_re_encrypts_with_the_newest_key(acme):
    with override_settings(CARGO_MASTER_KEYS=[OLD_KEY]):
        token = crypto.encrypt(PASSWORD)
    with override_settings(CARGO_MASTER_KEYS=[NEW_KEY, OLD_KEY]):
        rotated = crypto.rotate(token)

    with override_settings(CARGO_MASTER_KEYS=[NEW_KEY]):
        assert rotated != token
        assert crypto.decrypt(rotated) == PASSWORD
        with pytest.raises(crypto.UnreadableSecret):
            crypto.decrypt(token)


def test_the_rotate_command_re_encrypts_stored_passwords_so_old_keys_can_go(acme):
    from django.core.management import call_command

    with override_settings(CARGO_MASTER_KEYS=[OLD_KEY]):
        settings = CargoMasterSettings(company=acme, username="u", importer_code="I")
        settings.set_password(PASSWORD)
        settings.save()
    with override_settings(CARGO_MASTER_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("rotate_cargo_master_keys", stdout=io.StringIO())

    with override_settings(CARGO_MASTER_KEYS=[NEW_KEY]):
        settings.refresh_from_db()
        assert settings.get_password() == PASSWORD
