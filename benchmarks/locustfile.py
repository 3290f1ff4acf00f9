"""The personas' daily journeys for `make load` (benchmarks/load.py writes LOAD_CONFIG and reads LOAD_SAMPLES).

Each User class is one persona. It signs in once through the real forms: the password step, then, for
HMICFRS and the APCC, the second factor with a code computed from the authenticator secret the driver
gave its device (RFC 6238). A code is accepted once per 30-second step (django-otp remembers the last
step used), so sign-ins of one persona wait for a fresh step rather than fail. Then it replays its
journey in a loop: home, lists, a detail page, a search, an embargoed copy, an upload.

The portal runs as deployed behind a TLS proxy: every request says X-Forwarded-Proto: https (so Django
treats it as secure, marks its cookies Secure and checks the Origin of each POST), and the cookie jar
sends those Secure cookies back over the plain loopback connection, as the proxy would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import time
from typing import Any

from locust import HttpUser, between, events, task
from requests.cookies import RequestsCookieJar

CONFIG: dict[str, Any] = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115
REFS: dict[str, Any] = CONFIG["refs"]
SAMPLES: list[tuple[str, str, float, bool]] = []
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STEP = 30
_last_step: dict[str, int] = {}


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    journey = name.split(":", 1)[0]
    SAMPLES.append((journey, name, response_time, exception is not None))


@events.quitting.add_listener
def _dump(**_: Any) -> None:
    with open(os.environ["LOAD_SAMPLES"], "w") as out:
        json.dump(SAMPLES, out)


def totp(secret_hex: str, step: int) -> str:
    digest = hmac.new(bytes.fromhex(secret_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def _fresh_step(persona: str) -> int:
    """A TOTP step this persona has not used, well inside its 30 seconds (gevent-friendly sleeps)."""
    while True:
        now = time.time()
        step = int(now // STEP)
        if step > _last_step.get(persona, -1) and now % STEP < STEP - 3:
            _last_step[persona] = step
            return step
        time.sleep(STEP - now % STEP + 0.5)


class BehindProxyJar(RequestsCookieJar):
    """Keeps the Secure cookies for the plain loopback connection (requests copies the jar for each
    request, so a cookie policy would not survive: the flag is dropped as each cookie is stored)."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


class Persona(HttpUser):
    abstract = True
    persona = ""
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.cookies = BehindProxyJar()
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": f"https://{self._host()}"})
        if self.persona:
            self.sign_in()

    def _host(self) -> str:
        return self.host.split("://", 1)[1].rstrip("/")

    def _csrf(self, response: Any) -> str:
        match = CSRF.search(response.text)
        return match.group(1) if match else ""

    def sign_in(self) -> None:
        person = CONFIG["personas"][self.persona]
        name = f"{self.persona}: sign in"
        page = self.client.get("/accounts/login/", name=f"{name} (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": self._csrf(page),
                "username": person["username"],
                "password": person["password"],
            },
            name=f"{name} (password)",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("the password step did not sign in")
                return
        if person.get("totp"):
            with self.client.post(
                "/accounts/two-factor/",
                data={
                    "csrfmiddlewaretoken": self._csrf(response),
                    "code": totp(person["totp"], _fresh_step(self.persona)),
                },
                name=f"{name} (security code)",
                catch_response=True,
            ) as verified:
                if "/accounts/" in verified.url:
                    verified.failure("the security code was refused")

    def get(self, path: str, step: str) -> None:
        self.client.get(path, name=f"{self.persona or 'public'}: {step}")

    def embargoed_copy(self) -> None:
        copy = REFS.get("embargoed_copy")
        if not copy or copy["persona"] != self.persona:
            return
        with self.client.get(
            f"/inspections/reports/{copy['report']}/copy.pdf",
            name=f"{self.persona}: embargoed copy",
            catch_response=True,
        ) as response:
            if not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")


class Hmi(Persona):
    persona = "hmi"
    fixed_count = int(CONFIG["users"].get("hmi", 1))

    @task
    def journey(self) -> None:
        self.get("/hmicfrs/", "home")
        self.get("/inspections/", "inspections list")
        self.get("/meetings/", "meetings list")
        self.get(f"/inspections/{REFS['inspection']}/", "inspection detail")
        self.get("/inspections/search/?q=custody", "search reports")
        self.get("/deadlines/", "my deadlines")
        self.get(f"/meetings/{REFS['confidential']}/", "meeting detail")
        self.embargoed_copy()


class Opcc(Persona):
    persona = "opcc"
    fixed_count = int(CONFIG["users"].get("opcc", 1))
    uploaded_at = 0.0

    @task
    def journey(self) -> None:
        self.get("/opcc/", "home")
        self.get("/meetings/", "meetings list")
        self.get("/inspections/my-area/", "inspections in my area")
        self.get(f"/meetings/{REFS['visible']}/", "meeting detail")
        self.get("/responses/", "responses awaited")
        self.embargoed_copy()
        # The upload limit is per person per hour (UPLOAD_RATE_LIMIT): a response now and then, as in a day.
        if REFS.get("obligation") and time.monotonic() - self.uploaded_at > CONFIG["upload_every_s"]:
            self.uploaded_at = time.monotonic()
            self.upload()

    def upload(self) -> None:
        path = f"/responses/{REFS['obligation']}/submit/"
        form = self.client.get(path, name="opcc: upload (check page)")
        with self.client.post(
            path,
            data={"csrfmiddlewaretoken": self._csrf(form)},
            files={"file": ("response.pdf", base64.b64decode(CONFIG["pdf"]), "application/pdf")},
            name="opcc: upload (response PDF)",
            catch_response=True,
        ) as response:
            if response.url.rstrip("/").endswith("/submit"):
                response.failure(
                    "the upload was refused: "
                    + " ".join(re.findall(r"govuk-error-message[^>]*>([^<]+)", response.text))[:200]
                )


class Force(Persona):
    persona = "force"
    fixed_count = int(CONFIG["users"].get("force", 1))

    @task
    def journey(self) -> None:
        self.get("/force/", "home")
        self.get("/inspections/my-area/", "inspections in my area")
        self.get(f"/inspections/{REFS['inspection']}/", "inspection detail")
        self.embargoed_copy()


class Apcc(Persona):
    persona = "apcc"
    fixed_count = int(CONFIG["users"].get("apcc", 1))

    @task
    def journey(self) -> None:
        self.get("/apcc/", "home")
        self.get("/monitoring/tracker/", "Engage tracker")
        self.get("/responses/timeliness/", "response timeliness")
        self.get("/directory/?kind=police_force", "directory search")
        self.get(f"/monitoring/actions/{REFS['engage_action']}/", "offer of assistance")
        self.embargoed_copy()


class Public(Persona):
    persona = ""
    fixed_count = int(CONFIG["users"].get("public", 1))

    @task
    def journey(self) -> None:
        self.get("/public/", "index")
        self.get("/public/reports/", "reports")
        self.get(f"/public/reports/{REFS['report']}/", "report")
        self.get("/public/responses/", "overdue responses")


class Floor(Persona):
    """The cheapest signed-in page, measured under the same load: what every page costs at least."""

    persona = "floor"
    fixed_count = int(CONFIG["users"].get("floor", 1))

    def sign_in(self) -> None:
        # The floor signs in as the chief officer's office persona (no second factor), under its own name.
        self.persona = "force"
        super().sign_in()
        self.persona = "floor"

    @task
    def journey(self) -> None:
        self.get("/__floor__/", "floor")
