"""The demo directory the sandbox starts with, and its credentials for tests.

The data lives in ``seed_directory.json`` beside this module (copied once from the
shared vendor list) so the sandbox never reads files outside its own package.
"""

import json
from pathlib import Path
from typing import Any

SEED_FILE = Path(__file__).with_name("seed_directory.json")

DEMO_IMPORTER_CODE = "KOMET01"
DEMO_USERNAME = "komet-demo"
# Non-ASCII on purpose: proves passwords travel as UTF-8 end to end.
DEMO_PASSWORD = "Orquídea-Ñ-2027"  # noqa: S105 - a published sandbox credential

OTHER_IMPORTER_CODE = "OTHER02"
OTHER_USERNAME = "other-user"
OTHER_PASSWORD = "Otro-Clave-2027"  # noqa: S105 - a published sandbox credential

# A vendor code that exists but ships only for OTHER02, never for KOMET01.
OTHER_ONLY_VENDOR_CODE = "UIO09901"
# The first seeded code, "Flores La Ñusta": ships for KOMET01.
DEMO_VENDOR_CODE = "UIO07100"


def load_seed() -> dict[str, Any]:
    """Return a fresh copy of the seed directory (importers, users, vendors)."""
    with SEED_FILE.open(encoding="utf-8") as seed_file:
        return json.load(seed_file)
