"""Loaded by every Python process of `make test-tomorrow` (PYTHONPATH): libfaketime 0.9.10 with
FAKETIME_DONT_FAKE_MONOTONIC=1 makes Python's time.sleep (clock_nanosleep with TIMER_ABSTIME
on CLOCK_MONOTONIC) fail with EINVAL; with the monotonic clock faked too, every timed wait
(threading.Event.wait, queue.get) waits a day. Sleeping through select() works with either."""

import select
import time

_sleep = time.sleep


def _select_sleep(seconds: float) -> None:
    try:
        _sleep(seconds)
    except OSError:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)


time.sleep = _select_sleep
