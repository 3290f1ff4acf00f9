"""Checking an uploaded PDF by its content, not its name (U6 responses, M4 plans, M8 toolkit).

A file is accepted only if it is a real, unencrypted PDF within the size limit
with no JavaScript, embedded files or launch actions. The name the person gave
is kept for display only, after it too has been checked; the file is stored
under a generated name.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_UPLOAD_BYTES = getattr(settings, "RESPONSE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_NAME_LENGTH = 150
# Names a PDF can carry that run code or carry other files.
DANGEROUS_NAMES = (
    b"/JavaScript",
    b"/JS",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/Launch",
    b"/RichMedia",
    b"/XFA",
)
_BIDI_AND_CONTROL = {"Cc", "Cf"}


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    original_name: str
    size: int
    sha256: str


def check_file_name(name: str) -> str:
    """The name as given, refused if it could mislead or escape: paths, control or direction characters."""
    if not name:
        raise ValidationError("The file has no name.")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"The file name must be {MAX_NAME_LENGTH} characters or fewer.")
    if "/" in name or "\\" in name or name.strip(".") == "":
        raise ValidationError("The file name must not contain a folder path.")
    if any(unicodedata.category(ch) in _BIDI_AND_CONTROL for ch in name):
        raise ValidationError("The file name contains hidden control or direction characters.")
    if not name.lower().endswith(".pdf"):
        raise ValidationError("The selected file must be a PDF.")
    return unicodedata.normalize("NFC", name)


def _pdf_keys(content: bytes) -> set[bytes]:
    """Every PDF name token in the file, with #xx escapes decoded (/J#61vaScript is /JavaScript)."""
    names = set()
    for match in re.finditer(rb"/[A-Za-z0-9#_.-]+", content):
        token = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group(0))
        names.add(token)
    return names


def _parsed_names(reader: object, limit: int = 50_000) -> set[bytes]:
    """Every dictionary key and name value reachable from the document, object streams included."""
    found: set[bytes] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]  # type: ignore[attr-defined]
    visited = 0
    while stack and visited < limit:
        item = stack.pop()
        visited += 1
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()
            except Exception:  # noqa: BLE001, S112 - a broken reference is not followed
                continue
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                found.add(str(name).encode())
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject):
            found.add(str(item).encode())
    if stack:
        raise ValidationError("The selected file is too complex to check: save it as a plain PDF.")
    return found


def _limit_words() -> str:
    if MAX_UPLOAD_BYTES >= 1024 * 1024:
        return f"{MAX_UPLOAD_BYTES / (1024 * 1024):g} MB"
    return f"{MAX_UPLOAD_BYTES / 1024:g} KB"


def check_pdf(upload: UploadedFile) -> CheckedPdf:
    """Read and check an upload; raise ValidationError with a message for the person if it is refused."""
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
    keys = _pdf_keys(content)
    if b"/Encrypt" in keys:
        raise ValidationError(
            "The selected file is password-protected or encrypted: upload an unprotected PDF."
        )
    dangerous = [key.decode() for key in DANGEROUS_NAMES if key in keys]
    if dangerous:
        raise ValidationError(
            "The selected file contains scripts or attached files, which are not allowed: save it as a plain PDF."
        )
    lowered = content.lower()
    if any(marker in lowered for marker in (b"<html", b"<script", b"<!doctype", b"<svg", b"<iframe")):
        raise ValidationError("The selected file is not a plain PDF (it also contains a web page).")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "The selected file is password-protected or encrypted: upload an unprotected PDF."
            )
        if len(reader.pages) == 0:
            raise ValidationError("The selected file has no pages.")
        # Names hidden in compressed object streams are only visible once pypdf has parsed them.
        if _parsed_names(reader) & set(DANGEROUS_NAMES):
            raise ValidationError(
                "The selected file contains scripts or attached files, which are not allowed: save it as a plain PDF."
            )
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any parse failure means it is not a usable PDF
        raise ValidationError("The selected file could not be read as a PDF.") from None
    return CheckedPdf(
        content=content, original_name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
