"""One way to make a PDF (STYLE.md §17): `render_pdf(template, context) -> bytes` around WeasyPrint.

WeasyPrint fetches every stylesheet, image, font and attachment the HTML names,
with urllib, from anywhere: `file:///etc/passwd`, an internal address, the
metadata service. The fetcher here serves the project's static files and
nothing else, from disk, without touching the network:

- `/static/...` (what `{% static %}` writes), resolved against `PDF_BASE_URL`,
  or an absolute STATIC_URL, is looked up with the staticfiles finders, then in
  STATIC_ROOT (where hashed names from the manifest storage live);
- `file://` URLs are served only when the file lies inside STATICFILES_DIRS or
  STATIC_ROOT;
- `/generated/<name>`: a file the caller made for this one render (an image
  drawn for this document), from the dict it passed, and only those names;
- anything else (`http:`, `https:` elsewhere, `data:`, `ftp:`, a `..` step)
  raises ValueError, which WeasyPrint logs and skips.

Every PDF is tagged PDF/UA-1 (`pdf_variant`): a structure tree of headings and
paragraphs in reading order, the document's language from `<html lang>`, its
title from `<title>` shown as the window title, and XMP metadata saying so.
Whatever is decoration (page backgrounds, page headers and footers) is an artifact,
outside the structure, so a screen reader does not read it into the text.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# A reserved name (RFC 2606 .invalid) that never resolves: relative and root-relative
# URLs in a PDF template resolve against it, and the fetcher maps it to files on disk.
PDF_BASE_URL = "https://pdf.mou-portal.invalid/"


def _allowed_roots() -> list[Path]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        # An entry may be a (prefix, path) pair.
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _static_prefixes() -> list[str]:
    prefixes = [urljoin(PDF_BASE_URL, settings.STATIC_URL)]
    if urlsplit(settings.STATIC_URL).scheme:
        prefixes.append(settings.STATIC_URL)
    return prefixes


def _static_file(relative: str) -> Path:
    """The file behind a static path such as `css/pdf.css`, or ValueError."""
    relative = unquote(relative)
    parts = relative.split("/")
    if (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise ValueError(f"Not a static file path: {relative!r}")
    found = finders.find(relative)
    if found:
        return Path(found).resolve()
    if settings.STATIC_ROOT:
        # Hashed names written by collectstatic (manifest storage) exist only here.
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_file() and candidate.is_relative_to(root):
            return candidate
    raise ValueError(f"No such static file: {relative!r}")


def static_path_for(url: str) -> Path:
    """The local file a PDF may load for `url`; ValueError for every other URL."""
    split = urlsplit(url)
    if split.scheme == "file":
        if split.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to fetch {url!r}: remote file URL")
        path = Path(url2pathname(split.path)).resolve()
        if path.is_file() and _inside(path, _allowed_roots()):
            return path
        raise ValueError(f"Refused to fetch {url!r}: only the project's static files are served")
    plain = url.split("#", 1)[0].split("?", 1)[0]
    for prefix in _static_prefixes():
        if plain.startswith(prefix):
            return _static_file(plain[len(prefix) :])
    raise ValueError(f"Refused to fetch {url!r}: only the project's static files are served")


GENERATED_PREFIX = urljoin(PDF_BASE_URL, "/generated/")


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads the project's static files (and the files made for this
    render) and refuses every other URL."""

    def __init__(self, generated: Mapping[str, bytes] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.generated = dict(generated or {})

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        # Never calls the parent's fetch: no urllib, so no network and no arbitrary files.
        if url.startswith(GENERATED_PREFIX):
            name = url[len(GENERATED_PREFIX) :]
            if name not in self.generated:
                raise ValueError(f"Refused to fetch {url!r}: not made for this document")
            mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, self.generated[name], {"Content-Type": mime_type})
        path = static_path_for(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})


class _OwnObject(pydyf.Dictionary):
    """A dictionary written as an object of its own, not inside the PDF's compressed object stream."""

    @property
    def compressible(self) -> bool:
        return False


def _object(pdf: pydyf.PDF, value: Any) -> Any:
    """The object a reference (b"4 0 R") names, or the value itself when it is not a reference."""
    if isinstance(value, bytes) and value.endswith(b" 0 R"):
        return pdf.objects[int(value.split()[0])]
    return value


def _pages_as_own_objects(document: Any, pdf: pydyf.PDF) -> None:
    """WeasyPrint's finisher: the catalogue, the page tree, each page and its resources and fonts are written
    as objects of their own. In the object stream (where pydyf puts every object that is not a stream),
    reading any one of them makes pypdf parse all of the stream's objects, 3,384 for a 55-page report with
    its PDF/UA tags: most of the 290 ms that laying out an embargoed copy for stamping took
    (hmicfrs_mou.pdf_stamp). Every other object, the tags included, stays compressed. Called after
    WeasyPrint has built the PDF (its PDF/UA metadata included) and before pydyf writes it."""
    own: list[Any] = [pdf.catalog, pdf.pages]
    kids = pdf.pages["Kids"]
    for number in kids[0::3]:  # [number, 0, "R", number, 0, "R", ...]
        page = pdf.objects[number]
        resources = _object(pdf, page.get("Resources"))
        own += [page, resources]
        if isinstance(resources, dict):
            own.append(_object(pdf, resources.get("Font")))
    for obj in own:  # the pages share one resources and one fonts dictionary: the first time changes them
        if type(obj) is pydyf.Dictionary:
            obj.__class__ = _OwnObject


def html_to_pdf(html: str, *, generated: Mapping[str, bytes] | None = None) -> bytes:
    """A PDF/UA-1 tagged PDF from HTML, loading only static files and the `generated` ones
    (named in the HTML as `/generated/<name>`)."""
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher(generated))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, finisher=_pages_as_own_objects)
    return pdf


def render_pdf(
    template: str, context: dict[str, Any], *, generated: Mapping[str, bytes] | None = None
) -> bytes:
    """Render a template under `templates/pdf/` with its context to PDF bytes."""
    return html_to_pdf(render_to_string(template, context), generated=generated)
