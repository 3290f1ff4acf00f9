"""Checking an uploaded PDF by its content, not its name (U6 responses, M4 plans, M8 toolkit).

A file is accepted only if it is a real, unencrypted PDF within the size limit
with no JavaScript, embedded files or launch actions. The name the person gave
is kept for display only, after it too has been checked; the file is stored
under a generated name.

What is refused (each with a plain message; tests/core/test_upload_corpus.py holds the corpus):
- any action that runs code, opens or fetches other files or sends data: JavaScript (names tree,
  OpenAction, AA on the catalog, pages, annotations and fields), Launch, SubmitForm, ImportData,
  GoToE, GoToR, Rendition, RichMedia, XFA forms and embedded files; a web link (URI) is allowed
  only when a person clicks it (never as an OpenAction or additional action) and only to http,
  https or mailto;
- names escaped with #xx (/J#61vaScript) and objects hidden in compressed object streams, found
  both by a raw byte scan and by walking what pypdf parses;
- damaged structure: a cross-reference table whose offsets do not point at the objects they name,
  data after the end of the PDF (polyglots with ZIP, HTML or JPEG), a page count that disagrees;
- compression bombs (streams that expand past UPLOAD_MAX_EXPANDED_BYTES), nesting or object counts
  past what a response needs, more pages than UPLOAD_MAX_PAGES, encryption;
- when CLAMD_SOCKET or CLAMD_HOST is set, anything the antivirus scanner (clamd) reports, and every
  file while the scanner cannot be reached (fail closed).
"""

from __future__ import annotations

import hashlib
import io
import re
import socket
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

MAX_UPLOAD_BYTES = getattr(settings, "RESPONSE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_NAME_LENGTH = 150
# A response, plan or toolkit runs to tens of pages; a file past these is refused.
MAX_PAGES = getattr(settings, "UPLOAD_MAX_PAGES", 2000)
MAX_EXPANDED_BYTES = getattr(settings, "UPLOAD_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
MAX_OBJECTS = 200_000
MAX_NESTING = 100
# Names a PDF can carry that run code, carry or open other files, or send data out.
DANGEROUS_NAMES = (
    b"/JavaScript",
    b"/JS",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/Launch",
    b"/RichMedia",
    b"/RichMediaExecute",
    b"/XFA",
    b"/SubmitForm",
    b"/ImportData",
    b"/GoToE",
    b"/GoToR",
    b"/Rendition",
)
# The short names (/JS) can occur by chance inside compressed binary data; only the long ones are looked
# for inside stream bodies, and every one in the dictionaries themselves.
_LONG_DANGEROUS = tuple(name for name in DANGEROUS_NAMES if len(name) > 4) + (b"/Encrypt",)
# Keys whose actions run without anyone clicking.
_AUTOMATIC = {"/OpenAction", "/AA"}
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_BIDI_AND_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Names Windows keeps for devices ("CON.pdf" opens the console on some systems).
_RESERVED_WINDOWS = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}
# Extensions that make "report.exe.pdf" or "page.html.pdf" a trick on the reader.
_RISKY_INNER_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "pif", "js", "jse", "vbs", "vbe", "wsf", "ps1", "msi", "dll", "jar",
    "hta", "html", "htm", "xhtml", "svg", "php", "sh", "lnk", "docm", "xlsm", "zip", "iso", "apk", "app",
}  # fmt: skip
# Slashes and dots that only look like them.
_LOOKALIKE_SEPARATORS = "\u2215\u2044\uff0f\uff3c\u29f5\u29f8\u29f9\u2216\ufe68"
SCRIPTS_MESSAGE = (
    "The selected file contains scripts or attached files, which are not allowed: save it as a plain PDF."
)
DAMAGED_MESSAGE = "The selected file is damaged (its internal index is broken): save it again as a PDF."
COMPLEX_MESSAGE = "The selected file is too complex to check: save it as a plain PDF."


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    original_name: str
    size: int
    sha256: str


def check_file_name(name: str) -> str:
    """The name as given, refused if it could mislead or escape: paths, control or direction characters,
    look-alike characters, device names of Windows, hidden double extensions."""
    if not name:
        raise ValidationError("The file has no name.")
    if len(name) > MAX_NAME_LENGTH or len(name.encode("utf-8", "surrogatepass")) > 255:
        raise ValidationError(f"The file name must be {MAX_NAME_LENGTH} characters or fewer.")
    if any(unicodedata.category(ch) in _BIDI_AND_CONTROL for ch in name):
        raise ValidationError("The file name contains hidden control or direction characters.")
    folded = unicodedata.normalize("NFKC", name)
    if any(sep in name or sep in folded for sep in ("/", "\\", *_LOOKALIKE_SEPARATORS)):
        raise ValidationError("The file name must not contain a folder path.")
    if name.strip(". ") == "" or ".." in name or ":" in folded:
        raise ValidationError("The file name must not contain a folder path.")
    if name.startswith((".", " ", "-")):
        raise ValidationError("The file name must start with a letter or a number.")
    if name != folded and folded.lower().endswith(".pdf") and not name.lower().endswith(".pdf"):
        raise ValidationError("The file name uses characters that only look like letters: rename the file.")
    if not name.lower().endswith(".pdf") or name.endswith((" .pdf", "..pdf")):
        raise ValidationError("The selected file must be a PDF.")
    stem = name[: -len(".pdf")]
    scripts = {unicodedata.name(ch, "?").split()[0] for ch in stem if ch.isalpha()}
    if len(scripts & {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}) > 1:
        raise ValidationError("The file name uses characters that only look like letters: rename the file.")
    parts = [part.strip().lower() for part in stem.split(".")]
    if parts[0] in _RESERVED_WINDOWS:
        raise ValidationError("The file name is one that Windows keeps for itself: rename the file.")
    if any(part in _RISKY_INNER_EXTENSIONS for part in parts[1:]):
        raise ValidationError(
            "The file name has a second, hidden file type in it: rename it to end only in .pdf."
        )
    return unicodedata.normalize("NFC", name)


def _unescape(token: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token)


def _pdf_keys(content: bytes) -> set[bytes]:
    """Every PDF name token in the file, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    return {_unescape(match.group(0)) for match in re.finditer(rb"/[A-Za-z0-9#_.+-]+", content)}


_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")


def _outside_streams(content: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The file with stream bodies taken out, and each (dictionary before it, raw body)."""
    outside, bodies, at = [], [], 0
    for match in _STREAM.finditer(content):
        if match.start() < at:
            continue
        end = content.find(b"endstream", match.end())
        if end < 0:
            break
        before = content[at : match.start()]
        outside.append(before)
        bodies.append((before[-600:], content[match.end() : end]))
        outside.append(b" endstream")
        at = end + len(b"endstream")
    outside.append(content[at:])
    return b"".join(outside), bodies


def _inflate(data: bytes, budget: int) -> bytes:
    """Flate-decode within `budget` bytes of output; a stream that would expand further is a bomb."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, budget + 1)
    except zlib.error:
        return b""
    if len(out) > budget or inflater.unconsumed_tail:
        raise ValidationError(
            "The selected file expands to far more data than it holds (a compression bomb): "
            "save it as a plain PDF."
        )
    return out


def _check_raw(content: bytes) -> None:
    """Byte-level checks: encryption, dangerous names (escaped or not, in compressed object streams too),
    web pages or archives hidden in the file, bombs."""
    outside, bodies = _outside_streams(content)
    keys = _pdf_keys(outside)
    if b"/Encrypt" in keys:
        raise ValidationError(
            "The selected file is password-protected or encrypted: upload an unprotected PDF."
        )
    if keys & set(DANGEROUS_NAMES) or _pdf_keys(content) & set(_LONG_DANGEROUS) - {b"/Encrypt"}:
        raise ValidationError(SCRIPTS_MESSAGE)
    budget = MAX_EXPANDED_BYTES
    for dictionary, body in bodies:
        names = _pdf_keys(dictionary[dictionary.rfind(b"<<") :] if b"<<" in dictionary else dictionary)
        if b"/FlateDecode" not in names and b"/Fl" not in names:
            continue
        inflated = _inflate(body, budget)
        budget -= len(inflated)
        # A second layer of compression, as a bomb inside a bomb uses.
        if inflated[:1] == b"\x78" and names.intersection({b"/FlateDecode", b"/Fl"}):
            try:
                budget -= len(_inflate(inflated, budget))
            except ValidationError:
                raise
        if b"/ObjStm" in names and _pdf_keys(inflated) & set(DANGEROUS_NAMES):
            raise ValidationError(SCRIPTS_MESSAGE)
        if b"/ObjStm" in names and b"/Encrypt" in _pdf_keys(inflated):
            raise ValidationError(
                "The selected file is password-protected or encrypted: upload an unprotected PDF."
            )
    tail = content[content.rfind(b"%%EOF") + 5 :]
    if tail.strip(b"\r\n\t \x00"):
        raise ValidationError(
            "The selected file has other data after the end of the PDF: save it as a plain PDF."
        )
    lowered = outside.lower()
    markers = (
        b"<html",
        b"<script",
        b"<!doctype",
        b"<svg",
        b"<iframe",
        b"<body",
        b"<object",
        b"<embed",
        b"<meta",
    )
    if any(marker in lowered for marker in markers):
        raise ValidationError("The selected file is not a plain PDF (it also contains a web page).")
    if b"javascript:" in lowered:
        raise ValidationError(SCRIPTS_MESSAGE)
    if zipfile.is_zipfile(io.BytesIO(content)) or (b"PK\x03\x04" in content and b"PK\x05\x06" in content):
        raise ValidationError("The selected file is not a plain PDF (it also contains a zip archive).")


def _check_cross_references(content: bytes) -> None:
    """Every object a classic cross-reference table names must sit at the offset it gives.

    A viewer that repairs a broken table can see different objects from the ones checked here.
    """
    at = content.rfind(b"startxref")
    match = re.match(rb"startxref\s+(\d+)", content[at:]) if at >= 0 else None
    if match is None:
        raise ValidationError(DAMAGED_MESSAGE)
    seen: set[int] = set()
    offset = int(match.group(1))
    while True:
        if offset in seen or offset >= len(content) or len(seen) > 1000:
            raise ValidationError(DAMAGED_MESSAGE)
        seen.add(offset)
        section = content[offset : offset + 32]
        if re.match(rb"\d+\s+\d+\s+obj", section):
            return  # a cross-reference stream: pypdf reads and checks it below
        if not section.startswith(b"xref"):
            raise ValidationError(DAMAGED_MESSAGE)
        position = offset + 4
        subsection = re.compile(rb"\s*(\d+)\s+(\d+)\s*(?:\r\n|\n|\r)")
        entry = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s{1,2}")
        while (head := subsection.match(content, position)) is not None:
            first, count = int(head.group(1)), int(head.group(2))
            position = head.end()
            if count > MAX_OBJECTS:
                raise ValidationError(DAMAGED_MESSAGE)
            for number in range(first, first + count):
                row = entry.match(content, position)
                if row is None:
                    raise ValidationError(DAMAGED_MESSAGE)
                position = row.end()
                if row.group(3) == b"n":
                    where = int(row.group(1))
                    found = re.match(rb"\s*(\d+)\s+(\d+)\s+obj", content[where : where + 40])
                    if found is None or int(found.group(1)) != number:
                        raise ValidationError(DAMAGED_MESSAGE)
        trailer = re.match(rb"\s*trailer\s*<<", content[position : position + 64])
        if trailer is None:
            raise ValidationError(DAMAGED_MESSAGE)
        end = content.find(b"startxref", position)
        dictionary = content[position : end if end > 0 else len(content)]
        previous = re.search(rb"/Prev\s+(\d+)", dictionary)
        if previous is None:
            return
        offset = int(previous.group(1))


def _parsed_names(reader: object, limit: int = MAX_OBJECTS) -> set[bytes]:
    """Every dictionary key and name value reachable from the document, object streams included.

    Refuses on the way: an action that runs by itself and opens a web address, a link to anything but
    a web or mail address, nesting deeper than any real document needs, and streams that expand too far.
    """
    found: set[bytes] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[object, bool, int]] = [(reader.trailer, False, 0)]  # type: ignore[attr-defined]
    visited = 0
    budget = MAX_EXPANDED_BYTES
    while stack and visited < limit:
        item, automatic, depth = stack.pop()
        visited += 1
        if depth > MAX_NESTING:
            raise ValidationError(COMPLEX_MESSAGE)
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001, S112 - a broken reference is not followed
                continue
        if isinstance(item, StreamObject):
            filters = item.get("/Filter")
            filters = list(filters) if isinstance(filters, ArrayObject) else [filters]
            data = bytes(item._data or b"")
            for name in filters:
                if str(name) not in ("/FlateDecode", "/Fl"):
                    break
                data = _inflate(data, budget)
            budget -= len(data)
        if isinstance(item, DictionaryObject):
            if automatic and str(item.get("/S", "")) == "/URI":
                raise ValidationError(
                    "The selected file opens a web address by itself when it is opened: save it as a plain PDF."
                )
            target = item.get("/URI")
            if target is not None:
                address = str(target.get_object() if isinstance(target, IndirectObject) else target)
                if not address.strip().lower().startswith(_LINK_SCHEMES):
                    raise ValidationError(SCRIPTS_MESSAGE)
            for name, value in item.items():
                found.add(str(name).encode())
                stack.append((value, automatic or str(name) in _AUTOMATIC, depth + 1))
        elif isinstance(item, ArrayObject):
            stack.extend((value, automatic, depth + 1) for value in item)
        elif isinstance(item, NameObject):
            found.add(str(item).encode())
    if stack:
        raise ValidationError(COMPLEX_MESSAGE)
    return found


def _limit_words() -> str:
    if MAX_UPLOAD_BYTES >= 1024 * 1024:
        return f"{MAX_UPLOAD_BYTES / (1024 * 1024):g} MB"
    return f"{MAX_UPLOAD_BYTES / 1024:g} KB"


# --- The antivirus scanner (clamd) -------------------------------------------------------------------


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not answer as clamd does."""


def scanner_address() -> str | tuple[str, int] | None:
    """Where clamd listens, from CLAMD_SOCKET (a Unix socket path) or CLAMD_HOST ("host:port"); None: off."""
    path = getattr(settings, "CLAMD_SOCKET", "") or ""
    if path:
        return str(path)
    host = getattr(settings, "CLAMD_HOST", "") or ""
    if host:
        name, _, port = str(host).rpartition(":")
        return (name or "127.0.0.1", int(port))
    return None


def clamd_scan(content: bytes, address: str | tuple[str, int], timeout: float | None = None) -> str | None:
    """Send `content` to clamd with INSTREAM; the name of what it found, or None when clean.

    The protocol: "zINSTREAM\\0", then chunks each led by its length as a 4-byte big-endian integer, then
    a zero length; clamd answers "stream: OK", "stream: <name> FOUND" or "... ERROR", ended by NUL.
    """
    timeout = timeout if timeout is not None else getattr(settings, "CLAMD_TIMEOUT", 30)
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(address)
            connection.sendall(b"zINSTREAM\0")
            view = memoryview(content)
            for start in range(0, len(content), 64 * 1024):
                chunk = view[start : start + 64 * 1024]
                connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            connection.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = connection.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(str(error)) from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip() or "unknown"
    if answer.endswith("OK"):
        return None
    raise ScannerUnavailable(answer or "no answer")


def scan_for_viruses(content: bytes) -> None:
    """Refuse the file if the configured scanner finds something, or cannot be asked (fail closed)."""
    address = scanner_address()
    if address is None:
        return
    try:
        found = clamd_scan(content, address)
    except ScannerUnavailable:
        raise ValidationError(
            "The file could not be checked for viruses just now, so it has not been uploaded: try again later."
        ) from None
    if found:
        raise ValidationError(
            "The selected file contains a virus or other harmful content, so it has not been uploaded."
        )


# --- How often one person may upload -------------------------------------------------------------------


def check_upload_rate(by: object, now: object = None) -> None:
    """A person may upload UPLOAD_RATE_LIMIT files per UPLOAD_RATE_WINDOW seconds (default 20 an hour)."""
    from hmicfrs_mou.ratelimit import hit

    hit(
        by,
        "upload",
        limit=getattr(settings, "UPLOAD_RATE_LIMIT", 20),
        window=getattr(settings, "UPLOAD_RATE_WINDOW", 60 * 60),
        message="You have uploaded too many files in a short time. Wait an hour, then try again.",
    )


def check_pdf(upload: UploadedFile[bytes], *, by: object = None) -> CheckedPdf:
    """Read and check an upload; raise ValidationError with a message for the person if it is refused.

    With `by` (the person uploading), the upload counts towards that person's rate limit.
    """
    if by is not None:
        check_upload_rate(by)
    name = check_file_name(upload.name or "")
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The selected file must be {_limit_words()} or smaller.")
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The selected file must be {_limit_words()} or smaller.")
    if not content:
        raise ValidationError("The selected file is empty.")
    # A PDF starts with its header; a file that only calls itself .pdf does not.
    if not content.startswith(b"%PDF-"):
        raise ValidationError("The selected file is not a PDF (its content is not a PDF document).")
    if b"%%EOF" not in content[-2048:]:
        raise ValidationError("The selected file is not a complete PDF.")
    _check_raw(content)
    _check_cross_references(content)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "The selected file is password-protected or encrypted: upload an unprotected PDF."
            )
        # Names hidden in compressed object streams are only visible once pypdf has parsed them.
        if _parsed_names(reader) & set(DANGEROUS_NAMES):
            raise ValidationError(SCRIPTS_MESSAGE)
        root_pages = reader.root_object["/Pages"].get_object()
        if not isinstance(root_pages, DictionaryObject):
            raise ValidationError(DAMAGED_MESSAGE)
        declared = int(root_pages.get("/Count", 0))
        if declared > MAX_PAGES:
            raise ValidationError(f"The selected file has more than {MAX_PAGES} pages: upload a shorter PDF.")
        pages = len(reader.pages)
        if pages == 0:
            raise ValidationError("The selected file has no pages.")
        if pages > MAX_PAGES:
            raise ValidationError(f"The selected file has more than {MAX_PAGES} pages: upload a shorter PDF.")
        if pages != declared:
            raise ValidationError(DAMAGED_MESSAGE)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure (deep nesting included) means it is not a usable PDF
        raise ValidationError("The selected file could not be read as a PDF.") from None
    scan_for_viruses(content)
    return CheckedPdf(
        content=content, original_name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
