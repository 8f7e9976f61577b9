"""The one retry schedule for calls to Cargo Master (integrations/retry.py)."""

from integrations import retry


def test_each_attempt_waits_twice_as_long_jittered_down_to_half(settings):
    settings.CARGO_MASTER_RETRY_BASE_SECONDS = 2

    for attempt, full in [(1, 2), (2, 4), (3, 8), (6, 64)]:
        delays = [retry.retry_delay(attempt) for _ in range(200)]
        assert full / 2 <= min(delays) <= max(delays) <= full


def test_a_longer_retry_after_from_cargo_master_wins(settings):
    settings.CARGO_MASTER_RETRY_BASE_SECONDS = 2

    assert retry.retry_delay(1, retry_after=30) == 30


def test_no_delay_goes_past_the_brokers_visibility_timeout(settings):
    settings.CARGO_MASTER_RETRY_BASE_SECONDS = 2
    settings.CARGO_MASTER_RETRY_MAX_SECONDS = 600
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}

    assert retry.retry_delay(12) == 300 - retry.VISIBILITY_MARGIN_SECONDS
    assert retry.retry_delay(1, retry_after=3600) == 240


def test_without_a_visibility_timeout_the_configured_ceiling_applies(settings):
    settings.CARGO_MASTER_RETRY_MAX_SECONDS = 600
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": "/tmp"}

    assert retry.retry_delay(20) == 600
