"""U6: the upload-attack set. Every hostile file is refused by response_submit with a clear
message and NOTHING is stored: no Submission row, no file under MEDIA_ROOT, the obligation
still awaiting and its D5 deadline still open. A few go through the upload page too.

The PDFs are made with pypdf (or assembled by hand with correct offsets, where pypdf will not
write the hostile structure). Cases a raw-bytes scan would miss (object streams, late or unusual markup) have their own set.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from hmicfrs_mou import uploads
from hmicfrs_mou.models import Deadline, DeadlineState
from responses.models import ObligationState, Submission
from responses.services import response_submit
from tests.responses.conftest import IN_PERIOD, complete, pdf_bytes, pdf_upload, stored_files

pytestmark = pytest.mark.django_db

NOT_A_PDF = "is not a PDF"
SCRIPTS = "contains scripts or attached files"
ENCRYPTED = "password-protected or encrypted"
FOLDER = "must not contain a folder path"
HIDDEN = "hidden control or direction characters"
MUST_BE_PDF = "must be a PDF"


# --- Hostile files -------------------------------------------------------------------------------------


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _name(value: str) -> NameObject:
    return NameObject(value)


def _javascript_action(code: str = "app.alert(1)") -> DictionaryObject:
    return DictionaryObject({_name("/S"): _name("/JavaScript"), _name("/JS"): TextStringObject(code)})


def pdf_with_javascript_name_tree() -> bytes:
    """Document-level JavaScript: /Names << /JavaScript << /Names [(x) action] >> >>."""
    writer = _blank()
    action = writer._add_object(_javascript_action())
    tree = DictionaryObject({_name("/Names"): ArrayObject([TextStringObject("run"), action])})
    writer._root_object[_name("/Names")] = DictionaryObject({_name("/JavaScript"): writer._add_object(tree)})
    return _written(writer)


def pdf_with_js_only() -> bytes:
    """An additional action holding only /JS (no /JavaScript name anywhere)."""
    writer = _blank()
    writer._root_object[_name("/AA")] = DictionaryObject(
        {_name("/WC"): DictionaryObject({_name("/JS"): TextStringObject("app.alert(1)")})}
    )
    content = _written(writer)
    assert b"/JavaScript" not in content
    return content


def pdf_with_open_action_javascript() -> bytes:
    writer = _blank()
    writer._root_object[_name("/OpenAction")] = writer._add_object(_javascript_action())
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _blank()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_launch_action() -> bytes:
    writer = _blank()
    writer._root_object[_name("/OpenAction")] = DictionaryObject(
        {_name("/S"): _name("/Launch"), _name("/F"): TextStringObject("cmd.exe")}
    )
    return _written(writer)


def pdf_with_obfuscated_javascript_name() -> bytes:
    """/J#61vaScript is /JavaScript with one letter #-escaped; /J#53 is /JS."""
    content = pdf_with_open_action_javascript()
    content = content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in content
    assert b"/JS " not in content
    return content


def encrypted_pdf() -> bytes:
    writer = _blank()
    writer.encrypt(user_password="open-sesame", owner_password="owner")
    return _written(writer)


def pdf_in_object_streams(objects: dict[int, bytes]) -> bytes:
    """A PDF 1.5+ file whose objects all sit in one compressed object stream (obj 1), with an
    xref stream: how Word and most modern tools write PDFs. Offsets are correct."""
    numbers = sorted(objects)
    header = body = b""
    for number in numbers:
        header += b"%d %d " % (number, len(body))
        body += objects[number] + b"\n"
    packed = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += b"1 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(numbers),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_number = max(numbers) + 1
    xref_at = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 65535), b"\x01" + struct.pack(">IH", stream_at, 0)]
    rows += [b"\x02" + struct.pack(">IH", 1, numbers.index(n)) for n in range(2, xref_number)]
    rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
    xref = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 2 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(xref))
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def compressed_pdf_with_open_action_javascript() -> bytes:
    return pdf_in_object_streams(
        {
            2: b"<< /Type /Catalog /Pages 3 0 R /OpenAction 4 0 R >>",
            3: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            4: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",
            5: b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>",
        }
    )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20 + b"word/document.xml"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.fixture
def ready(obligation_a, pcc_office_a, media_root):
    """A complete response, so that each upload reaches the file checks."""
    complete(obligation_a, pcc_office_a)
    return obligation_a


def raw_name_upload(name: str, content: bytes) -> SimpleUploadedFile:
    """An upload carrying `name` exactly. Django's UploadedFile keeps only the basename when a name is
    set, so "../x.pdf" would arrive as "x.pdf"; check_pdf must refuse it for any caller that does not."""
    upload = SimpleUploadedFile("placeholder.pdf", content, content_type="application/pdf")
    upload._name = name
    return upload


def assert_nothing_stored(obligation, media_root) -> None:
    assert not Submission.objects.exists()
    assert stored_files(media_root) == []
    obligation.refresh_from_db()
    assert obligation.state == ObligationState.AWAITING
    assert Deadline.objects.get(key=f"response:{obligation.pk}").state == DeadlineState.OPEN


def refused_by_service(obligation, by, upload) -> str:
    with pytest.raises(ValidationError) as refused:
        response_submit(obligation=obligation, upload=upload, by=by, now=IN_PERIOD)
    (message,) = refused.value.messages
    return message


ATTACKS: list = [
    pytest.param("response.pdf", lambda: PNG, NOT_A_PDF, id="U6-png-named-pdf"),
    pytest.param("response.pdf", lambda: ZIP, NOT_A_PDF, id="U6-zip-named-pdf"),
    pytest.param(
        "response.pdf", lambda: b"The PCC's response, as plain text.\n", NOT_A_PDF, id="U6-text-named-pdf"
    ),
    pytest.param("response.pdf", lambda: HTML + pdf_bytes(), NOT_A_PDF, id="U6-polyglot-html-first"),
    pytest.param(
        "response.pdf",
        lambda: b"%PDF-1.7\n<html><script>alert(1)</script></html>\n" + pdf_bytes()[9:],
        "also contains a web page",
        id="U6-polyglot-pdf-header-then-html-script",
    ),
    pytest.param("response.pdf", pdf_with_javascript_name_tree, SCRIPTS, id="U6-document-javascript"),
    pytest.param("response.pdf", pdf_with_js_only, SCRIPTS, id="U6-js-additional-action"),
    pytest.param("response.pdf", pdf_with_open_action_javascript, SCRIPTS, id="U6-openaction-js"),
    pytest.param("response.pdf", pdf_with_embedded_file, SCRIPTS, id="U6-embedded-file"),
    pytest.param("response.pdf", pdf_with_launch_action, SCRIPTS, id="U6-launch-action"),
    pytest.param("response.pdf", pdf_with_obfuscated_javascript_name, SCRIPTS, id="U6-J#61vaScript"),
    pytest.param("response.pdf", encrypted_pdf, ENCRYPTED, id="U6-encrypted"),
    pytest.param("response.pdf", lambda: b"", "is empty", id="U6-empty-file"),
    pytest.param("response.pdf", lambda: pdf_bytes()[:-40], "not a complete PDF", id="U6-truncated-no-eof"),
    pytest.param("../../etc/cron.d/response.pdf", pdf_bytes, FOLDER, id="U6-name-dot-dot-slash"),
    pytest.param("..\\..\\response.pdf", pdf_bytes, FOLDER, id="U6-name-backslash"),
    pytest.param("C:\\Users\\pcc\\response.pdf", pdf_bytes, FOLDER, id="U6-name-windows-path"),
    pytest.param("response\x00.pdf", pdf_bytes, HIDDEN, id="U6-name-nul"),
    pytest.param("response\u202efdp.exe", pdf_bytes, HIDDEN, id="U6-name-rlo-really-exe"),
    pytest.param("evil\u202egpj.pdf", pdf_bytes, HIDDEN, id="U6-name-rlo-ending-pdf"),
    pytest.param("response\u200b.pdf", pdf_bytes, HIDDEN, id="U6-name-zero-width-space"),
    pytest.param("r" * 296 + ".pdf", pdf_bytes, "150 characters or fewer", id="U6-name-300-characters"),
    pytest.param("response", pdf_bytes, MUST_BE_PDF, id="U6-name-no-extension"),
    pytest.param("response.pdf.exe", pdf_bytes, MUST_BE_PDF, id="U6-name-double-extension"),
]


@pytest.mark.parametrize(("name", "make", "expected"), ATTACKS)
def test_u6_a_hostile_upload_is_refused_with_a_clear_message_and_nothing_stored(
    ready, pcc_office_a, media_root, name, make, expected
):
    message = refused_by_service(ready, pcc_office_a, raw_name_upload(name, make()))
    assert expected in message
    assert message.startswith("The ")
    assert_nothing_stored(ready, media_root)


def test_u6_the_attack_set_has_at_least_fifteen_files():
    assert len(ATTACKS) >= 15


def test_u6_one_byte_over_the_limit_is_refused_and_exactly_at_it_accepted(
    ready, pcc_office_a, media_root, monkeypatch
):
    content = pdf_bytes()
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", len(content) - 1)
    message = refused_by_service(ready, pcc_office_a, pdf_upload(content=content))
    assert "or smaller" in message
    assert_nothing_stored(ready, media_root)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", len(content))
    submission = response_submit(
        obligation=ready, upload=pdf_upload(content=content), by=pcc_office_a, now=IN_PERIOD
    )
    assert submission.size == len(content)


def test_u6_a_file_whose_declared_size_understates_it_is_still_refused(
    ready, pcc_office_a, media_root, monkeypatch
):
    """The limit is checked on the bytes read as well as on the size the upload claims."""
    content = pdf_bytes()
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", len(content) - 1)
    upload = pdf_upload(content=content)
    upload.size = 10
    assert "or smaller" in refused_by_service(ready, pcc_office_a, upload)
    assert_nothing_stored(ready, media_root)


def test_u6_the_default_upload_limit_is_20_mb(settings):
    assert not hasattr(settings, "RESPONSE_MAX_UPLOAD_BYTES")
    assert uploads.MAX_UPLOAD_BYTES == 20 * 1024 * 1024


def test_u6_a_pdf_with_no_pages_is_refused(ready, pcc_office_a, media_root):
    writer = PdfWriter()
    message = refused_by_service(ready, pcc_office_a, pdf_upload(content=_written(writer)))
    assert "no pages" in message or "could not be read" in message
    assert_nothing_stored(ready, media_root)


def test_u6_a_valid_pdf_is_accepted_and_stored_under_a_generated_name(ready, pcc_office_a, media_root):
    content = pdf_bytes()
    submission = response_submit(
        obligation=ready,
        upload=pdf_upload("Response to HMICFRS.pdf", content),
        by=pcc_office_a,
        now=IN_PERIOD,
    )
    (stored,) = stored_files(media_root)
    assert stored.parent == media_root / "responses"
    assert stored.name == submission.stored_name
    assert stored.name.endswith(".pdf")
    assert "Response" not in stored.name
    assert stored.read_bytes() == content


def test_u6_a_plain_pdf_written_with_object_streams_is_accepted(ready, pcc_office_a, media_root):
    """Control for the hidden-script case below: the hand-built compressed layout itself is a valid, accepted PDF."""
    content = pdf_in_object_streams(
        {
            2: b"<< /Type /Catalog /Pages 3 0 R >>",
            3: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            4: b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>",
        }
    )
    assert response_submit(
        obligation=ready, upload=pdf_upload(content=content), by=pcc_office_a, now=IN_PERIOD
    )


# --- What check_pdf lets through -------------------------------------------------------------------------


HIDDEN_CONTENT = [
    pytest.param(
        compressed_pdf_with_open_action_javascript,
        id="U6-javascript-inside-a-compressed-object-stream",
    ),
    pytest.param(
        lambda: pdf_bytes() + b"%" + b"x" * 1100 + b"\n<html><script>alert(1)</script></html>\n",
        id="U6-html-after-the-first-kilobyte",
    ),
    pytest.param(
        lambda: b"%PDF-1.7\n<svg onload=alert(1)>\n" + pdf_bytes()[9:],
        id="U6-svg-onload-after-the-pdf-header",
    ),
]


@pytest.mark.parametrize("make", HIDDEN_CONTENT)
def test_u6_hostile_content_hidden_from_a_byte_scan_is_refused(
    ready, pcc_office_a, media_root, make: Callable[[], bytes]
):
    refused_by_service(ready, pcc_office_a, pdf_upload(content=make()))
    assert_nothing_stored(ready, media_root)


# --- Through the upload page ----------------------------------------------------------------------------


THROUGH_THE_PAGE = [
    pytest.param("response.pdf", lambda: PNG, NOT_A_PDF, id="U6-page-png-named-pdf"),
    pytest.param("response.pdf", pdf_with_open_action_javascript, SCRIPTS, id="U6-page-openaction-js"),
    pytest.param("response.pdf", encrypted_pdf, ENCRYPTED, id="U6-page-encrypted"),
    pytest.param("response.pdf", lambda: b"", "is empty", id="U6-page-empty"),
    pytest.param("evil\u202egpj.pdf", pdf_bytes, "", id="U6-page-rlo-name"),
    pytest.param("response.exe", pdf_bytes, MUST_BE_PDF, id="U6-page-exe"),
]


@pytest.mark.parametrize(("name", "make", "expected"), THROUGH_THE_PAGE)
def test_u6_a_hostile_upload_through_the_page_is_refused_and_nothing_stored(
    ready, pcc_office_a, media_root, client_for, name, make, expected
):
    client = client_for(pcc_office_a)
    with time_machine.travel(IN_PERIOD, tick=False):
        response = client.post(
            reverse("responses:submit", kwargs={"pk": ready.pk}),
            {"file": SimpleUploadedFile(name, make(), content_type="application/pdf")},
        )
    if name.startswith("evil"):
        # Django's multipart parser drops unprintable characters from the name before the
        # view sees it ("evilgpj.pdf"); the content is a plain PDF, so it is accepted under
        # a generated name and the direction character never reaches the page or the disk.
        assert response.status_code == 302
        submission = Submission.objects.get()
        assert "\u202e" not in submission.original_name
        assert stored_files(media_root)[0].name == submission.stored_name
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert expected in page
    assert "<title>Error: " in page
    assert_nothing_stored(ready, media_root)


def test_u6_an_oversized_upload_through_the_page_is_refused(
    ready, pcc_office_a, media_root, client_for, monkeypatch
):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    with time_machine.travel(IN_PERIOD, tick=False):
        response = client_for(pcc_office_a).post(
            reverse("responses:submit", kwargs={"pk": ready.pk}), {"file": pdf_upload()}
        )
    assert response.status_code == 200
    assert "or smaller" in response.content.decode()
    assert_nothing_stored(ready, media_root)


def test_u6_a_path_in_the_name_through_the_page_never_reaches_the_disk(
    ready, pcc_office_a, media_root, client_for
):
    with time_machine.travel(IN_PERIOD, tick=False):
        response = client_for(pcc_office_a).post(
            reverse("responses:submit", kwargs={"pk": ready.pk}),
            {"file": SimpleUploadedFile("../../outside.pdf", pdf_bytes(), content_type="application/pdf")},
        )
    assert response.status_code == 302
    (stored,) = stored_files(media_root)
    assert stored.parent == media_root / "responses"
    assert "/" not in Submission.objects.get().original_name
    assert not (media_root.parent / "outside.pdf").exists()
