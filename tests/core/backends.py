"""Email backends for tests: one that always fails, one that fails a set number of times."""

from __future__ import annotations

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(LocmemBackend):
    failures_left = 10**9

    def send_messages(self, messages):  # type: ignore[override]
        if FailingBackend.failures_left > 0:
            FailingBackend.failures_left -= 1
            raise ConnectionError("SMTP server refused the connection")
        return super().send_messages(messages)
