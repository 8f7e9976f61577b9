from django.core.management.base import BaseCommand
from django.db import transaction

from integrations import crypto
from integrations.models import CargoMasterSettings


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Cargo Master password with the newest key in "
        "CARGO_MASTER_KEYS, so older keys can then be removed."
    )

    def handle(self, *args, **options) -> None:
        rotated = unreadable = 0
        with transaction.atomic():
            for linked in CargoMasterSettings.objects.select_for_update():
                try:
                    linked.password_encrypted = crypto.rotate(linked.password_encrypted)
                except crypto.UnreadableSecret:
                    unreadable += 1
                    self.stderr.write(
                        f"Company {linked.company_id}: the password cannot be read "
                        "with any configured key; enter it again in Cargo Master "
                        "Settings."
                    )
                    continue
                linked.save(update_fields=["password_encrypted"])
                rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} password(s) with the newest key.")
        if unreadable:
            raise SystemExit(1)
