"""Email backends for the reminder fault tests. Each keeps its own count of what it sent.

- DroppingBackend: the locmem outbox; after a chosen message it runs a hook (the
  tests drop the database connection there: after the send, before the mark).
- SlowBackend: the locmem outbox, each message taking `delay` seconds.
- DyingBackend: sends (the locmem outbox), then the worker "dies" (KeyboardInterrupt,
  which the engine does not catch), between the send and the mark.
- FakeNotify / FakeNotifyBackend: the real NotifyEmailBackend talking to an
  in-memory stand-in for GOV.UK Notify, which can be asked by reference.
- FileBackend: for real worker processes: one file per message in
  $MOU_FAULT_MAILDIR, written whole (a temporary name, then a rename); with
  $MOU_FAULT_MAIL_LOOKUP=1 it can be asked by reference, as Notify can. On cue
  (a `hold-after-send` file) one worker stops between its send and the mark.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from hmicfrs_mou.notify import NotifyEmailBackend


class DroppingBackend(LocmemBackend):
    """Appends to mail.outbox; after the message numbered `after` (1-based), calls `hook`."""

    after: ClassVar[int] = 0
    hook: ClassVar[Callable[[], None] | None] = None
    count: ClassVar[int] = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(messages)
        for _ in messages:
            DroppingBackend.count += 1
            if DroppingBackend.count == DroppingBackend.after and DroppingBackend.hook is not None:
                DroppingBackend.hook()
        return sent


class SlowBackend(LocmemBackend):
    delay: ClassVar[float] = 0.0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(SlowBackend.delay * len(messages))
        return super().send_messages(messages)


class DyingBackend(LocmemBackend):
    """Sends the message numbered `die_after` (1-based), then the process is as good as killed."""

    die_after: ClassVar[int] = 1
    count: ClassVar[int] = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(messages)
        DyingBackend.count += len(messages)
        if DyingBackend.count == DyingBackend.die_after:
            raise KeyboardInterrupt("the worker was killed between the send and the mark")
        return sent


class FakeNotify:
    """GOV.UK Notify's two calls the portal uses, in memory."""

    def __init__(self) -> None:
        self.notifications: list[dict[str, Any]] = []
        self.down = False
        # After the notification numbered `after` (1-based) is accepted, `hook` runs.
        self.after = 0
        self.hook: Callable[[], None] | None = None
        # The worker dies as it is about to send notification `killed_before`: Notify never gets it.
        self.killed_before = 0

    def send_email_notification(
        self, *, email_address: str, template_id: str, personalisation: dict, reference: str
    ):
        if self.down:
            raise ConnectionError("Notify is down")
        if len(self.notifications) + 1 == self.killed_before:
            raise KeyboardInterrupt("the worker was killed after the begin, before Notify had the email")
        notification = {
            "id": str(uuid.uuid4()),
            "reference": reference,
            "status": "created",
            "email_address": email_address,
        }
        self.notifications.append(notification)
        if len(self.notifications) == self.after and self.hook is not None:
            self.hook()
        return notification

    def get_all_notifications(
        self, *, template_type: str | None = None, reference: str | None = None, **_: Any
    ):
        if self.down:
            raise ConnectionError("Notify is down")
        return {"notifications": [n for n in self.notifications if n["reference"] == reference]}

    def references(self) -> list[str]:
        return [n["reference"] for n in self.notifications]


class FakeNotifyBackend(NotifyEmailBackend):
    service: ClassVar[FakeNotify] = FakeNotify()

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        kwargs.pop("client", None)
        super().__init__(fail_silently=fail_silently, client=FakeNotifyBackend.service, **kwargs)
        self.template_id = "template-reminder"


class FileBackend(BaseEmailBackend):
    """One file per message: `<reference>.<unique>.eml`, its first line the moment of sending and the process."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.directory = Path(os.environ["MOU_FAULT_MAILDIR"])
        self.delay = float(os.environ.get("MOU_FAULT_MAIL_DELAY", "0"))

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            if self.delay:
                time.sleep(self.delay)
            reference = message.extra_headers.get("X-Reference", "no-reference")
            name = f"{reference}.{uuid.uuid4().hex}.eml"
            partial = self.directory / f".{name}.partial"
            partial.write_bytes(f"{time.time():.6f} {os.getpid()}\n".encode() + message.message().as_bytes())
            partial.rename(self.directory / name)
            self._hold_if_asked()
        return len(messages)

    def _hold_if_asked(self) -> None:
        """If the test has put a `hold-after-send` file, the first worker to take it stops here,
        after its send and before the engine can mark it, until it is killed."""
        try:
            (self.directory / "hold-after-send").rename(self.directory / f"held-{os.getpid()}")
        except FileNotFoundError:
            return
        while True:
            time.sleep(1)

    def __getattr__(self, name: str) -> Any:
        # Asked by reference only when told to behave like Notify.
        if name == "sent_with_reference" and os.environ.get("MOU_FAULT_MAIL_LOOKUP") == "1":
            return lambda reference: any(self.directory.glob(f"{reference}.*.eml"))
        raise AttributeError(name)
