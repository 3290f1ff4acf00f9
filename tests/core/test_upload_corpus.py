"""U6, M4, M8: the hostile-upload corpus, the antivirus hook and the upload and form rate limits.

Every file below is generated here (nothing hostile is checked in). Each goes through a real writing
service, the APCC's toolkit upload (monitoring.services.toolkit_upload, which stores the file's bytes
in a row), and must be refused with a plain message (no rule codes) and leave nothing behind: no
toolkit row, no audit row, no file under MEDIA_ROOT. tests/responses/test_uploads.py holds the first
24 (through response_submit and its page); this corpus goes wider, as the PDF specification allows:

- actions in every place an action may sit: the catalog's OpenAction and AA, a page's AA, a link
  annotation's A and AA, a form field's AA, the JavaScript names tree, an action's Next chain,
  JavaScript held in a stream; XFA; Launch; embedded files (names tree and file-attachment
  annotations); RichMedia; URI (opening by itself, or to javascript: or file:); SubmitForm,
  ImportData, GoToE, GoToR, Rendition;
- obfuscation: #xx escapes in names, objects in compressed object streams, a stream nobody refers to;
- structure: cross-reference tables that lie, loops, page trees that lie or loop, huge page counts,
  deep nesting, compression bombs (one and two layers);
- polyglots: PDF/ZIP, PDF/HTML, PDF/JPEG, PDF/PE;
- encryption, plain and escaped, in a classic trailer and in a cross-reference stream;
- file names: path traversal, NUL, direction overrides, double extensions, Windows device names,
  overlong names, control characters, Unicode look-alikes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import socket
import struct
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from hmicfrs_mou import uploads
from hmicfrs_mou.deadlines import LONDON
from hmicfrs_mou.models import AuditEvent
from monitoring.models import ToolkitVersion
from monitoring.services import toolkit_upload

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 12, 10, 0, tzinfo=LONDON)
DEFAULT_EXPANDED = uploads.MAX_EXPANDED_BYTES  # before the fixture below lowers it

SCRIPTS = "contains scripts or attached files"
WEB_PAGE = "also contains a web page"
ZIP_ARCHIVE = "also contains a zip archive"
AFTER_END = "other data after the end of the PDF"
NOT_A_PDF = "is not a PDF"
DAMAGED = "is damaged"
COMPLEX = "too complex to check"
UNREADABLE = "could not be read as a PDF"
BOMB = "compression bomb"
ENCRYPTED = "password-protected or encrypted"
OPENS_WEB = "opens a web address by itself"
TOO_MANY_PAGES = "more than"
FOLDER = "must not contain a folder path"
HIDDEN = "hidden control or direction characters"
MUST_BE_PDF = "must be a PDF"
LOOK_ALIKE = "only look like letters"
RESERVED = "Windows keeps for itself"
SECOND_TYPE = "second, hidden file type"
TOO_LONG = "150 characters or fewer"
START = "must start with a letter or a number"


# --- A hand-built PDF with correct offsets -------------------------------------------------------------


def build(
    objects: dict[int, bytes], *, root: int = 1, trailer: bytes = b"", header: bytes = b"%PDF-1.7\n"
) -> bytes:
    """A classic PDF: the objects in order, a cross-reference table with true offsets, the trailer."""
    out = bytearray(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root,
        trailer,
        xref_at,
    )
    return bytes(out)


def stream(data: bytes, extra: bytes = b"", *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s>>"


def doc(catalog: bytes = b"", page: bytes = b"", extra: dict[int, bytes] | None = None, **kwargs) -> bytes:
    """Catalog 1, pages 2, one page 3; `catalog` and `page` add entries; objects from 4 on in `extra`."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: PAGE % page,
        **(extra or {}),
    }
    return build(objects, **kwargs)


JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


def plain() -> bytes:
    return doc()


def link(action: bytes, key: bytes = b"/A") -> bytes:
    """A page with one link annotation (object 4) carrying `action` under `key`."""
    return doc(
        page=b"/Annots [4 0 R] ",
        extra={4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] %s %s >>" % (key, action)},
    )


def field(trigger: bytes) -> bytes:
    """An AcroForm text field (object 4) with an additional action on `trigger`."""
    return doc(
        catalog=b"/AcroForm << /Fields [4 0 R] >> ",
        page=b"/Annots [4 0 R] ",
        extra={
            4: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /Rect [0 0 100 20] /P 3 0 R /AA << %s %s >> >>"
            % (trigger, JS)
        },
    )


def in_object_stream(objects: dict[int, bytes], *, xref_extra: bytes = b"", orphan: bytes = b"") -> bytes:
    """Every object in one compressed object stream, with a cross-reference stream (as Word writes);
    `orphan` adds a second object stream that nothing refers to."""
    numbers = sorted(objects)
    header = body = b""
    for number in numbers:
        header += b"%d %d " % (number, len(body))
        body += objects[number] + b"\n"
    packed = zlib.compress(header + body)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += b"100 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(numbers),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    if orphan:
        hidden = zlib.compress(b"50 0 " + orphan)
        out += (
            b"101 0 obj\n<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(hidden)
        )
        out += hidden + b"\nendstream\nendobj\n"
    xref_at = len(out)
    size = max(numbers) + 1
    rows = [b"\x00" + struct.pack(">IH", 0, 65535)]
    rows += [
        b"\x02" + struct.pack(">IH", 100, numbers.index(n))
        if n in objects
        else b"\x00" + struct.pack(">IH", 0, 0)
        for n in range(1, size)
    ]
    rows.append(b"\x01" + struct.pack(">IH", stream_at, 0))  # object `size`: the object stream's entry
    rows.append(b"\x01" + struct.pack(">IH", xref_at, 0))
    xref = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /Index [0 %d] /W [1 4 2] /Root 1 0 R %s/Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % (size + 1, size + 2, size + 2, xref_extra, len(xref))
    )
    out += xref + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def objstm_doc(catalog: bytes = b"", extra: dict[int, bytes] | None = None, **kwargs) -> bytes:
    return in_object_stream(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: PAGE % b"",
            **(extra or {}),
        },
        **kwargs,
    )


def shifted_xref() -> bytes:
    """Every offset in the table off by seven bytes: a viewer's repair would read something else."""
    content = plain()
    return re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), content)


def startxref_to(where: Callable[[bytes], int]) -> bytes:
    content = plain()
    at = content.rindex(b"startxref")
    return content[:at] + b"startxref\n%d\n%%%%EOF\n" % where(content)


def prev_loop() -> bytes:
    content = plain()
    xref_at = content.rindex(b"xref\n0 ")
    return content.replace(b"trailer\n<< ", b"trailer\n<< /Prev %d " % xref_at)


def short_subsection() -> bytes:
    """The subsection says it has nine entries and has four."""
    return plain().replace(b"xref\n0 4\n", b"xref\n0 9\n")


def no_startxref() -> bytes:
    content = plain()
    return content[: content.rindex(b"startxref")] + b"%%EOF\n"


def lying_page_count() -> bytes:
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 1 >>",
            3: PAGE % b"",
            4: PAGE % b"",
            5: PAGE % b"",
        }
    )


def page_tree_loop() -> bytes:
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            3: PAGE % b"",
        }
    )


def declared_million_pages() -> bytes:
    return build(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1000000 >>",
            3: PAGE % b"",
        }
    )


def many_pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
    }
    objects.update({3 + i: PAGE % b"" for i in range(count)})
    return build(objects)


def nested_arrays(depth: int) -> bytes:
    return doc(page=b"/Junk " + b"[" * depth + b"]" * depth + b" ")


def nested_dicts(depth: int) -> bytes:
    return doc(page=b"/Junk " + b"<< /A " * depth + b"1" + b" >>" * depth + b" ")


@functools.cache
def bomb(layers: int = 1) -> bytes:
    """A content stream of zeros that expands past the limit (set to 16 MB below: 20 MB from 20 KB)."""
    data = zlib.compress(b"\0" * (20 * 1024 * 1024), 9)
    filters = b"/FlateDecode"
    if layers == 2:
        data = zlib.compress(data, 9)
        filters = b"[/FlateDecode /FlateDecode]"
    contents = b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"
    return doc(page=b"/Contents 4 0 R ", extra={4: contents})


def zip_bytes(comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ not really a program")
        archive.comment = comment
    return buffer.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def pypdf_encrypted(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pypdf_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypt_dict() -> bytes:
    return b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"


# (id, file name, content maker, the words the refusal must contain)
CONTENT_CORPUS: list[tuple[str, str, Callable[[], bytes], str]] = [
    # JavaScript wherever an action may sit
    ("js-catalog-openaction", "a.pdf", lambda: doc(catalog=b"/OpenAction 4 0 R ", extra={4: JS}), SCRIPTS),
    ("js-catalog-aa-will-close", "a.pdf", lambda: doc(catalog=b"/AA << /WC %s >> " % JS), SCRIPTS),
    ("js-catalog-aa-will-print", "a.pdf", lambda: doc(catalog=b"/AA << /WP %s >> " % JS), SCRIPTS),
    ("js-catalog-aa-did-save", "a.pdf", lambda: doc(catalog=b"/AA << /DS %s >> " % JS), SCRIPTS),
    ("js-page-aa-open", "a.pdf", lambda: doc(page=b"/AA << /O %s >> " % JS), SCRIPTS),
    ("js-page-aa-close", "a.pdf", lambda: doc(page=b"/AA << /C %s >> " % JS), SCRIPTS),
    ("js-link-annotation-action", "a.pdf", lambda: link(JS), SCRIPTS),
    ("js-link-annotation-aa-mouse-enter", "a.pdf", lambda: link(b"<< /E %s >>" % JS, b"/AA"), SCRIPTS),
    ("js-field-keystroke", "a.pdf", lambda: field(b"/K"), SCRIPTS),
    ("js-field-calculate", "a.pdf", lambda: field(b"/C"), SCRIPTS),
    ("js-field-format", "a.pdf", lambda: field(b"/F"), SCRIPTS),
    (
        "js-names-tree",
        "a.pdf",
        lambda: doc(catalog=b"/Names << /JavaScript << /Names [(run) 4 0 R] >> >> ", extra={4: JS}),
        SCRIPTS,
    ),
    (
        "js-next-of-a-goto",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 4 0 R >> ", extra={4: JS}),
        SCRIPTS,
    ),
    (
        "js-held-in-a-stream",
        "a.pdf",
        lambda: doc(
            catalog=b"/OpenAction << /S /JavaScript /JS 4 0 R >> ", extra={4: stream(b"app.alert(1)")}
        ),
        SCRIPTS,
    ),
    ("js-only-key-no-subtype", "a.pdf", lambda: doc(catalog=b"/AA << /WC << /JS (x) >> >> "), SCRIPTS),
    (
        "xfa-form",
        "a.pdf",
        lambda: doc(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >> ", extra={4: stream(b"<xdp:xdp/>")}),
        SCRIPTS,
    ),
    (
        "launch-openaction",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >> "),
        SCRIPTS,
    ),
    ("launch-link", "a.pdf", lambda: link(b"<< /S /Launch /Win << /F (calc.exe) >> >>"), SCRIPTS),
    ("embedded-files-names-tree", "a.pdf", pypdf_attachment, SCRIPTS),
    (
        "embedded-file-attachment-annotation",
        "a.pdf",
        lambda: doc(
            page=b"/Annots [4 0 R] ",
            extra={
                4: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS << /Type /Filespec /F (x.exe) "
                b"/EF << /F 5 0 R >> >> >>",
                5: stream(b"MZ", b" /Type /EmbeddedFile"),
            },
        ),
        SCRIPTS,
    ),
    (
        "richmedia-annotation",
        "a.pdf",
        lambda: doc(
            page=b"/Annots [4 0 R] ",
            extra={4: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] /RichMediaContent << >> >>"},
        ),
        SCRIPTS,
    ),
    (
        "uri-openaction",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /URI /URI (https://x.invalid/t) >> "),
        OPENS_WEB,
    ),
    (
        "uri-page-aa-open",
        "a.pdf",
        lambda: doc(page=b"/AA << /O << /S /URI /URI (https://x.invalid/) >> >> "),
        OPENS_WEB,
    ),
    (
        "uri-javascript-scheme-link",
        "a.pdf",
        lambda: link(b"<< /S /URI /URI (javascript:alert\\(1\\)) >>"),
        SCRIPTS,
    ),
    (
        "uri-file-scheme-link",
        "a.pdf",
        lambda: link(b"<< /S /URI /URI (file:///C:/Windows/calc.exe) >>"),
        SCRIPTS,
    ),
    (
        "uri-data-scheme-hex",
        "a.pdf",
        lambda: link(b"<< /S /URI /URI <646174613a746578742f68746d6c2c78> >>"),
        SCRIPTS,
    ),
    (
        "submitform-link",
        "a.pdf",
        lambda: link(b"<< /S /SubmitForm /F (https://x.invalid/collect) >>"),
        SCRIPTS,
    ),
    (
        "importdata-openaction",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /ImportData /F (x.fdf) >> "),
        SCRIPTS,
    ),
    ("gotoe-link", "a.pdf", lambda: link(b"<< /S /GoToE /T << /R /C /N (x) >> >>"), SCRIPTS),
    (
        "gotor-link",
        "a.pdf",
        lambda: link(b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\x.pdf) /D [0 /Fit] >>"),
        SCRIPTS,
    ),
    (
        "rendition-with-js",
        "a.pdf",
        lambda: link(b"<< /S /Rendition /OP 0 /JS (app.alert\\(1\\)) >>"),
        SCRIPTS,
    ),
    # Obfuscated names and hidden objects
    (
        "obfuscated-J#61vaScript",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (x) >> "),
        SCRIPTS,
    ),
    ("obfuscated-all-hex-JS", "a.pdf", lambda: doc(catalog=b"/AA << /WC << /#4A#53 (x) >> >> "), SCRIPTS),
    (
        "obfuscated-L#61unch",
        "a.pdf",
        lambda: doc(catalog=b"/OpenAction << /S /L#61unch /F (cmd.exe) >> "),
        SCRIPTS,
    ),
    (
        "obfuscated-Embedded#46iles",
        "a.pdf",
        lambda: doc(catalog=b"/Names << /Embedded#46iles << >> >> "),
        SCRIPTS,
    ),
    (
        "objstm-openaction-js",
        "a.pdf",
        lambda: objstm_doc(catalog=b"/OpenAction 4 0 R ", extra={4: JS}),
        SCRIPTS,
    ),
    (
        "objstm-launch",
        "a.pdf",
        lambda: objstm_doc(catalog=b"/OpenAction 4 0 R ", extra={4: b"<< /S /Launch /F (cmd.exe) >>"}),
        SCRIPTS,
    ),
    (
        "objstm-escaped-js",
        "a.pdf",
        lambda: objstm_doc(extra={4: b"<< /S /J#61vaScript /J#53 (x) >>"}),
        SCRIPTS,
    ),
    ("objstm-nobody-refers-to", "a.pdf", lambda: objstm_doc(orphan=JS), SCRIPTS),
    # Structure that lies
    ("xref-offsets-shifted", "a.pdf", shifted_xref, DAMAGED),
    ("startxref-past-the-end", "a.pdf", lambda: startxref_to(lambda c: len(c) + 5000), DAMAGED),
    ("startxref-into-an-object", "a.pdf", lambda: startxref_to(lambda c: c.index(b"2 0 obj") + 3), DAMAGED),
    ("xref-prev-loop", "a.pdf", prev_loop, DAMAGED),
    ("xref-short-subsection", "a.pdf", short_subsection, DAMAGED),
    ("no-startxref", "a.pdf", no_startxref, DAMAGED),
    ("page-count-lies", "a.pdf", lying_page_count, DAMAGED),
    ("page-tree-loop", "a.pdf", page_tree_loop, UNREADABLE),
    ("declares-a-million-pages", "a.pdf", declared_million_pages, TOO_MANY_PAGES),
    ("2001-real-pages", "a.pdf", lambda: many_pages(2001), TOO_MANY_PAGES),
    ("nested-arrays-5000-deep", "a.pdf", lambda: nested_arrays(5000), UNREADABLE),
    ("nested-dictionaries-150-deep", "a.pdf", lambda: nested_dicts(150), COMPLEX),
    ("compression-bomb", "a.pdf", bomb, BOMB),
    ("compression-bomb-two-layers", "a.pdf", lambda: bomb(2), BOMB),
    # Polyglots
    ("pdf-then-zip", "a.pdf", lambda: plain() + zip_bytes(), AFTER_END),
    ("pdf-zip-with-eof-in-comment", "a.pdf", lambda: plain() + zip_bytes(b"\n%%EOF\n"), ZIP_ARCHIVE),
    (
        "zip-inside-a-stream",
        "a.pdf",
        lambda: doc(extra={4: stream(zip_bytes())}),
        ZIP_ARCHIVE,
    ),
    ("pdf-then-html", "a.pdf", lambda: plain() + b"<html><script>alert(1)</script></html>\n", AFTER_END),
    ("html-in-a-comment", "a.pdf", lambda: doc(catalog=b"\n%<html><body onload=alert(1)>\n"), WEB_PAGE),
    (
        "script-in-a-string",
        "a.pdf",
        lambda: doc(catalog=b"/Title (<script>alert\\(1\\)</script>) "),
        WEB_PAGE,
    ),
    ("html-first-then-pdf", "a.pdf", lambda: b"<!DOCTYPE html><html>" + plain(), NOT_A_PDF),
    ("jpeg-first-then-pdf", "a.pdf", lambda: JPEG + plain(), NOT_A_PDF),
    ("pdf-then-jpeg", "a.pdf", lambda: plain() + JPEG, AFTER_END),
    ("windows-program-first", "a.pdf", lambda: b"MZ\x90\x00\x03" + plain(), NOT_A_PDF),
    # Encryption
    ("encrypted-with-a-password", "a.pdf", lambda: pypdf_encrypted("open-sesame"), ENCRYPTED),
    ("encrypted-empty-password", "a.pdf", lambda: pypdf_encrypted(""), ENCRYPTED),
    ("encrypted-escaped-name", "a.pdf", lambda: doc(trailer=b"/Encr#79pt %s " % encrypt_dict()), ENCRYPTED),
    (
        "encrypted-in-xref-stream",
        "a.pdf",
        lambda: objstm_doc(xref_extra=b"/Encrypt %s " % encrypt_dict()),
        ENCRYPTED,
    ),
]

NAME_CORPUS: list[tuple[str, str, str]] = [
    ("name-dot-dot-slash", "../../etc/cron.d/job.pdf", FOLDER),
    ("name-dot-dot-backslash", "..\\..\\job.pdf", FOLDER),
    ("name-absolute", "/etc/job.pdf", FOLDER),
    ("name-windows-drive", "C:\\Users\\job.pdf", FOLDER),
    ("name-drive-relative", "C:job.pdf", FOLDER),
    ("name-stream-colon", "job.pdf:Zone.Identifier.pdf", FOLDER),
    ("name-fullwidth-solidus", "..\uff0fjob.pdf", FOLDER),
    ("name-division-slash", "a\u2215b.pdf", FOLDER),
    ("name-nul", "job\x00.pdf", HIDDEN),
    ("name-rtl-override", "job\u202efdp.exe", HIDDEN),
    ("name-rtl-override-ending-pdf", "evil\u202egpj.pdf", HIDDEN),
    ("name-ltr-embedding", "job\u202a.pdf", HIDDEN),
    ("name-zero-width-joiner", "jo\u200db.pdf", HIDDEN),
    ("name-byte-order-mark", "\ufeffjob.pdf", HIDDEN),
    ("name-line-separator", "job\u2028.pdf", HIDDEN),
    ("name-escape-sequence", "\x1b[31mjob.pdf", HIDDEN),
    ("name-newline", "job\n.pdf", HIDDEN),
    ("name-tab", "job\t.pdf", HIDDEN),
    ("name-delete", "job\x7f.pdf", HIDDEN),
    ("name-double-extension-exe", "job.pdf.exe", MUST_BE_PDF),
    ("name-trailing-dot", "job.pdf.", MUST_BE_PDF),
    ("name-trailing-space", "job.pdf ", MUST_BE_PDF),
    ("name-hidden-exe", "job.exe.pdf", SECOND_TYPE),
    ("name-hidden-html", "page.html.pdf", SECOND_TYPE),
    ("name-hidden-js", "run.js.pdf", SECOND_TYPE),
    ("name-windows-con", "CON.pdf", RESERVED),
    ("name-windows-com1", "com1.pdf", RESERVED),
    ("name-windows-lpt1-double", "lpt1.report.pdf", RESERVED),
    ("name-windows-aux-upper", "AUX.PDF", RESERVED),
    ("name-151-characters", "j" * 147 + ".pdf", TOO_LONG),
    ("name-over-255-bytes", "\u5831" * 100 + ".pdf", TOO_LONG),
    ("name-fullwidth-letters", "\uff4a\uff4f\uff42\uff0e\uff50\uff44\uff46", LOOK_ALIKE),
    ("name-cyrillic-in-latin", "r\u0435port.pdf", LOOK_ALIKE),
    ("name-cyrillic-extension", "report.\u0440df", MUST_BE_PDF),
    ("name-leading-dot", ".hidden.pdf", START),
    ("name-leading-dash", "-rf.pdf", START),
    ("name-only-dots", "....pdf", FOLDER),
    ("name-empty", "", "has no name"),
]


@pytest.fixture(autouse=True)
def _smaller_expansion_limit(monkeypatch):
    """Bombs here expand to 20 MB against a 16 MB limit, so the corpus runs in seconds; the real
    default (200 MB) is asserted in its own test."""
    monkeypatch.setattr(uploads, "MAX_EXPANDED_BYTES", 16 * 1024 * 1024)


def test_u6_the_default_limits():
    assert DEFAULT_EXPANDED == 200 * 1024 * 1024
    assert uploads.MAX_PAGES == 2000


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_named(name: str, content: bytes) -> SimpleUploadedFile:
    """An upload carrying `name` exactly (Django would otherwise keep only its last path part)."""
    upload = SimpleUploadedFile("placeholder.pdf", content, content_type="application/pdf")
    upload._name = name
    return upload


def refused(by, name: str, content: bytes) -> str:
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refusal:
        toolkit_upload(upload=upload_named(name, content), by=by, now=NOW)
    (message,) = refusal.value.messages
    assert AuditEvent.objects.count() == audit_before
    return message


def assert_nothing_stored(media_root: Path) -> None:
    assert not ToolkitVersion.objects.exists()
    assert not media_root.exists() or [p for p in media_root.rglob("*") if p.is_file()] == []


def assert_plain(message: str) -> None:
    """A sentence for a person: it starts with "The" or "You", and carries no rule code or jargon."""
    assert message.startswith(("The ", "You ")), message
    assert not re.search(r"\b[A-Z]\d+\b", message), message
    for jargon in ("xref", "ObjStm", "Traceback", "Error", "errno", "/J", "FOUND"):
        assert jargon not in message, message


@pytest.mark.parametrize(
    ("name", "make", "expected"), [pytest.param(n, m, e, id=i) for i, n, m, e in CONTENT_CORPUS]
)
def test_u6_m8_a_hostile_file_is_refused_with_a_plain_message_and_nothing_stored(
    apcc_lead, media_root, name, make, expected
):
    message = refused(apcc_lead, name, make())
    assert expected in message, message
    assert_plain(message)
    assert_nothing_stored(media_root)


@pytest.mark.parametrize(("name", "expected"), [pytest.param(n, e, id=i) for i, n, e in NAME_CORPUS])
def test_u6_m8_a_tricky_file_name_is_refused_with_a_plain_message_and_nothing_stored(
    apcc_lead, media_root, name, expected
):
    message = refused(apcc_lead, name, plain())
    assert expected in message, message
    assert_plain(message)
    assert_nothing_stored(media_root)


def test_u6_the_corpus_holds_at_least_sixty_hostile_files():
    assert len(CONTENT_CORPUS) + len(NAME_CORPUS) >= 60
    assert len(CONTENT_CORPUS) >= 60


CONTROLS = [
    pytest.param(plain, id="plain-hand-built"),
    pytest.param(lambda: objstm_doc(), id="plain-object-streams"),
    pytest.param(
        lambda: link(b"<< /S /URI /URI (https://www.justiceinspectorates.gov.uk/hmicfrs/) >>"), id="web-link"
    ),
    pytest.param(lambda: link(b"<< /S /URI /URI (mailto:someone@example.invalid) >>"), id="mail-link"),
    pytest.param(lambda: doc(catalog=b"/OpenAction [3 0 R /Fit] "), id="open-at-page-one"),
    pytest.param(lambda: many_pages(40), id="forty-pages"),
    pytest.param(
        lambda: doc(page=b"/Contents 4 0 R ", extra={4: stream(b"BT /F1 12 Tf (Hi) Tj ET" * 50, flate=True)}),
        id="compressed-content",
    ),
    pytest.param(lambda: nested_dicts(20), id="nesting-a-real-file-has"),
]


@pytest.mark.parametrize("make", CONTROLS)
def test_u6_m8_the_controls_are_accepted_so_the_checks_are_not_refusing_everything(apcc_lead, make):
    """Each refusal above differs from one of these accepted files by the hostile part only."""
    version = toolkit_upload(upload=upload_named("Engage toolkit.pdf", make()), by=apcc_lead, now=NOW)
    assert version.file_name == "Engage toolkit.pdf"


@pytest.mark.parametrize(
    "name", ["Response to HMICFRS (July 2026).pdf", "Ymateb Comisiynydd – Dyfed-Powys.pdf", "Résumé.PDF"]
)
def test_u6_ordinary_names_are_kept(name):
    assert uploads.check_file_name(name) == name


def test_u6_m8_a_hostile_file_through_the_toolkit_page_is_refused_with_the_message_on_the_field(
    apcc_lead, client_for, media_root
):
    client = client_for(apcc_lead)
    for _id, _name, make, expected in CONTENT_CORPUS[:6]:
        with time_machine.travel(NOW, tick=False):
            response = client.post(
                reverse("monitoring:toolkit"),
                {
                    "file": SimpleUploadedFile("toolkit.pdf", make(), content_type="application/pdf"),
                    "note": "",
                },
            )
        page = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in page
        assert expected in page
    assert_nothing_stored(media_root)


# --- The antivirus scanner (clamd over its socket) ---------------------------------------------------


EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    """A thread listening on a Unix socket that speaks clamd's INSTREAM protocol.

    It reassembles the chunks as clamd does, answers "stream: Eicar-Signature FOUND" when the EICAR test
    string is in the bytes and "stream: OK" otherwise, and records every file it was sent.
    """

    def __init__(self, path: Path, answer: bytes | None = None) -> None:
        self.path = str(path)
        self.answer = answer
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.server.settimeout(0.05)
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read(self, connection: socket.socket, count: int) -> bytes:
        data = b""
        while len(data) < count:
            part = connection.recv(count - len(data))
            if not part:
                raise ConnectionError("closed")
            data += part
        return data

    def _serve(self) -> None:
        while not self.stopped:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(5)
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += self._read(connection, 1)
                assert command == b"zINSTREAM\0"
                content = b""
                while (length := struct.unpack(">I", self._read(connection, 4))[0]) > 0:
                    content += self._read(connection, length)
                self.received.append(content)
                answer = self.answer or (
                    b"stream: Eicar-Signature FOUND" if EICAR in content else b"stream: OK"
                )
                connection.sendall(answer + b"\0")

    def close(self) -> None:
        self.stopped = True
        self.thread.join(timeout=5)
        self.server.close()
        self.thread.join(timeout=5)


@pytest.fixture
def clamd(settings):
    # A short path: Unix socket paths are limited to about 100 bytes, and tmp_path can be longer.
    folder = Path(tempfile.mkdtemp(prefix="clamd-"))
    path = folder / "clamd.sock"
    path.unlink(missing_ok=True)
    server = FakeClamd(path)
    settings.CLAMD_SOCKET = str(path)
    yield server
    server.close()
    path.unlink(missing_ok=True)
    folder.rmdir()


def with_eicar() -> bytes:
    """A plain PDF whose page content carries the EICAR test string: clean to every check but the scanner."""
    return doc(page=b"/Contents 4 0 R ", extra={4: stream(b"% " + EICAR + b"\n")})


def test_u6_the_scanner_is_off_unless_configured(settings, apcc_lead):
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = ""
    assert uploads.scanner_address() is None
    assert toolkit_upload(upload=upload_named("t.pdf", with_eicar()), by=apcc_lead, now=NOW)


def test_u6_when_configured_the_scanner_sees_every_upload_and_a_clean_file_is_accepted(clamd, apcc_lead):
    content = many_pages(30)  # over one 64 KB chunk? no: but several chunks are tested below
    toolkit_upload(upload=upload_named("t.pdf", content), by=apcc_lead, now=NOW)
    assert clamd.received == [content]


def test_u6_large_files_are_sent_to_the_scanner_in_chunks_and_reassembled(clamd):
    content = b"%PDF-" + os.urandom(300 * 1024)
    assert uploads.clamd_scan(content, clamd.path) is None
    assert clamd.received == [content]


def test_u6_a_file_the_scanner_finds_harmful_is_refused_and_nothing_stored(clamd, apcc_lead, media_root):
    message = refused(apcc_lead, "t.pdf", with_eicar())
    assert (
        message == "The selected file contains a virus or other harmful content, so it has not been uploaded."
    )
    assert_plain(message)
    assert_nothing_stored(media_root)
    assert len(clamd.received) == 1


def test_u6_a_virus_through_the_page_is_refused_on_the_field(clamd, apcc_lead, client_for, media_root):
    with time_machine.travel(NOW, tick=False):
        response = client_for(apcc_lead).post(
            reverse("monitoring:toolkit"),
            {
                "file": SimpleUploadedFile("toolkit.pdf", with_eicar(), content_type="application/pdf"),
                "note": "",
            },
        )
    assert response.status_code == 200
    assert "contains a virus" in response.content.decode()
    assert_nothing_stored(media_root)


def test_u6_an_unreachable_scanner_refuses_the_upload_fail_closed(settings, apcc_lead, media_root, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    message = refused(apcc_lead, "t.pdf", plain())
    assert message == (
        "The file could not be checked for viruses just now, so it has not been uploaded: try again later."
    )
    assert_nothing_stored(media_root)


def test_u6_a_scanner_that_answers_an_error_refuses_the_upload(clamd, apcc_lead, media_root):
    clamd.answer = b"INSTREAM size limit exceeded. ERROR"
    assert "could not be checked for viruses" in refused(apcc_lead, "t.pdf", plain())
    assert_nothing_stored(media_root)


def test_u6_the_scanner_over_tcp_from_clamd_host(settings, apcc_lead):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def answer_once() -> None:
        connection, _ = server.accept()
        with connection:
            data = b""
            while not data.endswith(struct.pack(">I", 0)):
                data += connection.recv(65536)
            connection.sendall(b"stream: Win.Test.Fake FOUND\0")

    thread = threading.Thread(target=answer_once, daemon=True)
    thread.start()
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST = f"127.0.0.1:{port}"
    try:
        assert uploads.scanner_address() == ("127.0.0.1", port)
        assert "contains a virus" in refused(apcc_lead, "t.pdf", plain())
    finally:
        thread.join(timeout=5)
        server.close()


# --- Rate limits ---------------------------------------------------------------------------------------


def test_u6_uploads_are_limited_per_person_per_hour_and_the_limit_lifts_after_it(settings, apcc_lead):
    settings.UPLOAD_RATE_LIMIT = 3
    settings.UPLOAD_RATE_WINDOW = 3600
    start = dt.datetime(2026, 5, 12, 10, 0, 5, tzinfo=LONDON)
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(3):
            toolkit_upload(upload=upload_named("t.pdf", plain()), by=apcc_lead, now=NOW)
        traveller.shift(dt.timedelta(minutes=30))
        message = refused(apcc_lead, "t.pdf", plain())
        assert message == "You have uploaded too many files in a short time. Wait an hour, then try again."
        assert ToolkitVersion.objects.count() == 3
        traveller.shift(dt.timedelta(minutes=31))
        toolkit_upload(upload=upload_named("t.pdf", plain()), by=apcc_lead, now=NOW)
    assert ToolkitVersion.objects.count() == 4


def test_u6_the_upload_limit_is_per_person(settings, apcc_lead, apcc):
    from contacts.models import Role
    from tests.conftest import make_person

    other = make_person("apcc_lead_2", apcc, Role.APCC_JOINT_PERFORMANCE_LEAD)
    settings.UPLOAD_RATE_LIMIT = 1
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, 0, 5, tzinfo=LONDON), tick=False):
        toolkit_upload(upload=upload_named("t.pdf", plain()), by=apcc_lead, now=NOW)
        assert "too many files" in refused(apcc_lead, "t.pdf", plain())
        toolkit_upload(upload=upload_named("t.pdf", plain()), by=other, now=NOW)


def test_m3_forms_that_send_notices_are_limited_per_person_with_a_clear_message(
    settings, hmi_a, other_hmi, force_a, force_b, client_for
):
    """Every form page (hmicfrs_mou.form_pages.form_page) counts towards FORM_RATE_LIMIT per window:
    here the HMI's concern, which notifies the chief and the PCC at once."""
    from monitoring.models import RoutineConcern

    settings.FORM_RATE_LIMIT = 2
    settings.FORM_RATE_WINDOW = 600
    start = dt.datetime(2026, 5, 12, 10, 0, 5, tzinfo=LONDON)

    def send(user, area):
        return client_for(user).post(
            reverse("monitoring:concern-new", kwargs={"pk": area.pk}),
            {"summary": "Call handling", "text": "Slow answering of 101 calls."},
        )

    with time_machine.travel(start, tick=False) as traveller:
        assert send(hmi_a, force_a).status_code == 302
        assert send(hmi_a, force_a).status_code == 302
        third = send(hmi_a, force_a)
        assert third.status_code == 200
        page = third.content.decode()
        assert "There is a problem" in page
        assert "You have sent too many forms in a short time. Wait a few minutes, then try again." in page
        assert RoutineConcern.objects.count() == 2
        assert send(other_hmi, force_b).status_code == 302  # another person has a limit of their own
        traveller.shift(dt.timedelta(minutes=10))
        assert send(hmi_a, force_a).status_code == 302
    assert RoutineConcern.objects.count() == 4
