"""The `cargo_master` and `queue` fixtures live in tests/fixtures/reservations.py,
a plugin registered in tests/conftest.py, so label tests share them."""
