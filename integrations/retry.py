"""The one retry schedule for calls to Cargo Master.

Attempt n waits base x 2^(n-1) seconds, scaled by a random factor between 0.5 and
1 (jitter, so a burst of failures does not come back as a burst). A Retry-After
from Cargo Master is honoured when it asks for longer. No delay goes past the
broker's visibility timeout, minus a margin: a Redis broker would hand a task
that waits longer to a second worker.
"""

import random

from django.conf import settings

MAX_ATTEMPTS = 8
VISIBILITY_MARGIN_SECONDS = 60


def max_delay_seconds() -> float:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    ceiling = settings.CARGO_MASTER_RETRY_MAX_SECONDS
    if visibility:
        ceiling = min(ceiling, visibility - VISIBILITY_MARGIN_SECONDS)
    return max(ceiling, 0.0)


def retry_delay(attempt: int, *, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt number `attempt + 1`."""
    backoff = settings.CARGO_MASTER_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    delay = backoff * random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, max_delay_seconds())
