"""Shared pytest fixtures. Each fixture module below is a plugin with one concern."""

pytest_plugins = [
    "tests.fixtures.sandbox",
    "tests.fixtures.personas",
    "tests.fixtures.reservations",
    "tests.fixtures.worker",
]
