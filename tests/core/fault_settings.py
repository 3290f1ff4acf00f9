"""Settings for the worker processes of tests/core/test_reminder_processes.py.

The portal's own settings, with the task queue on Redis under a cluster name of
the test's own (so its queue is nobody else's), run for real (not in-process),
and email written one file per message by tests.core.fault_backends.FileBackend.
"""

from __future__ import annotations

import os

from hmicfrs_mou.settings import *  # noqa: F403
from hmicfrs_mou.settings import Q_CLUSTER as _PORTAL_Q_CLUSTER

Q_CLUSTER = {
    **{key: value for key, value in _PORTAL_Q_CLUSTER.items() if key != "orm"},
    "name": os.environ["MOU_FAULT_CLUSTER"],
    "redis": os.environ["Q_REDIS_URL"],
    "sync": False,
}
EMAIL_BACKEND = "tests.core.fault_backends.FileBackend"
