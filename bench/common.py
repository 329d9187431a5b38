"""What the in-process benchmarks share: a scratch database and a timer.

Import it after ``django.setup()``'s settings are chosen (the scripts put the project on
``sys.path`` and set ``DJANGO_SETTINGS_MODULE`` first).
"""

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def scratch_database() -> Iterator[None]:
    """A throwaway test database (SQLite, or DATABASE_URL's server), dropped afterwards."""
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
        teardown_test_environment,
    )

    setup_test_environment()
    names = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(names, verbosity=0)
        teardown_test_environment()


def timed(fn: Callable[..., object], repeat: int) -> tuple[float, float]:
    """The median and 95th percentile of ``repeat`` calls of ``fn``, in ms."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]
