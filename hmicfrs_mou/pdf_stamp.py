"""Marks for one person on a PDF rendered once for everyone: a diagonal watermark and footer lines on
every page, in a few milliseconds, so a long document is laid out by WeasyPrint once, not per copy.

`prepare(pdf)` reads the rendered PDF once (pypdf) and lays out, as bytes, everything that is the
same in every copy: the PDF's own objects as they are, then each page again with its content list
naming the watermark stream drawn under it and the footer stream drawn over it, and the pages'
resources again with the stamp font. `stamp(prepared, ...)` then writes
only what is new for the person (the font, the watermark, one footer per page) and a new
cross-reference stream after it.

Why not pypdf's `PdfWriter` and `merge_page` per copy: a tagged 55-page report has thousands of
structure objects, and cloning and writing them all costs a large part of a render. Why not an
incremental update (the base, then the changes appended): cutting the file at the base's end would
give a copy with no recipient on it. Each copy here is one complete file with one cross-reference
section, which the base's own is cut from.

The marks are decoration, outside the structure tree (PDF/UA): each is an /Artifact, like the page
headers and footers WeasyPrint draws. Their text is real text in an embedded font with a ToUnicode
map, so it can be selected and extracted. The font is the system's sans-serif bold (the one the PDF
stylesheet asks for, found through fontconfig), subset once per process; text with a character that
font lacks is printed as its base letter or "?" (`printable`): a rare name in another script loses
its letters on the marks, not the marks themselves.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
import shutil
import struct
import subprocess  # noqa: S404 (fc-match, with a fixed argument list)
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# The stylesheet's font list (static/css/pdf.css), bold; fontconfig picks the same face Pango does.
FONT_PATTERN = "Arial,Helvetica Neue,Helvetica,Liberation Sans,DejaVu Sans:bold"
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
# Subset once with every character a name, an organisation or a date is likely to need (Latin,
# Welsh ŵ ŷ ẁ ẃ ẅ ỳ, dashes and quotes), so the same font serves almost every copy.
REPERTOIRE = frozenset(
    chr(code)
    for start, end in (
        (0x20, 0x7E),
        (0xA0, 0x17F),
        (0x218, 0x21B),
        (0x1E80, 0x1E85),
        (0x1EF2, 0x1EF3),
        (0x2010, 0x2027),
        (0x2030, 0x203A),
    )
    for code in range(start, end + 1)
)
FONT_RESOURCE = "/MouStamp"
MM = 72 / 25.4


class UnexpectedPdf(ValueError):
    """The PDF is not laid out as `prepare` expects (encrypted, or a page without its own resources)."""


# --- the font -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StampFont:
    """A TrueType subset ready to embed as a Type 0 (CIDFontType2, Identity-H) font."""

    name: str
    file: bytes  # the subset TrueType, Flate-compressed
    file_length: int
    gids: dict[str, int]
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def covers(self, text: str) -> bool:
        return all(char in self.gids for char in text)

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[self.gids[char]] for char in text) * size / 1000

    def encode(self, text: str) -> bytes:
        return b"<" + "".join(f"{self.gids[char]:04X}" for char in text).encode() + b">"


@functools.cache
def font_path() -> str | None:
    """The file of the face WeasyPrint uses for bold text in the PDFs (fontconfig), else a known one."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(  # noqa: S603 (a fixed command, no shell, no user input)
                [fc_match, "--format=%{file}", FONT_PATTERN],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).suffix.lower() == ".ttf" and Path(found).is_file():
            return found
    return next((path for path in FALLBACK_FONTS if Path(path).is_file()), None)


@functools.lru_cache(maxsize=16)
def _subset(path: str, chars: frozenset[str]) -> StampFont:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools logs each table it prunes at INFO: a dozen lines per subset, of no use in the logs.
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
    font = TTFont(path)
    available = font.getBestCmap()
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = [1, 2, 6]
    # FontForge's timestamps: not needed to draw, and fontTools cannot subset them (it says so on stderr).
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(char) for char in chars if ord(char) in available})
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    raw = buffer.getvalue()
    scale = 1000 / font["head"].unitsPerEm
    gids = {chr(code): font.getGlyphID(glyph) for code, glyph in font.getBestCmap().items()}
    metrics = font["hmtx"].metrics
    widths = {gid: round(metrics[font.getGlyphName(gid)][0] * scale) for gid in set(gids.values())}
    head, hhea = font["head"], font["hhea"]
    os2 = font.get("OS/2")
    cap = getattr(os2, "sCapHeight", 0) or hhea.ascent * 0.7
    postscript = (font["name"].getDebugName(6) or "Sans-Bold").replace(" ", "")
    return StampFont(
        name=postscript,
        file=zlib.compress(raw, 6),
        file_length=len(raw),
        gids=gids,
        widths=widths,
        bbox=(
            round(head.xMin * scale),
            round(head.yMin * scale),
            round(head.xMax * scale),
            round(head.yMax * scale),
        ),
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(cap * scale),
    )


def stamp_font(texts: Sequence[str]) -> StampFont:
    """The font for these texts: the shared subset, or a wider one when they have unusual characters
    (cached too). Characters the system font lacks stay uncovered: see `printable`."""
    path = font_path()
    if path is None:
        raise UnexpectedPdf("no TrueType sans-serif font on this system for the marks")
    font = _subset(path, REPERTOIRE)
    needed = frozenset("".join(texts))
    if font.covers("".join(needed)):
        return font
    return _subset(path, REPERTOIRE | needed)


def printable(font: StampFont, text: str) -> str:
    """`text` with each character the font lacks replaced by its base letter (Ǹ -> N), else "?"."""
    if font.covers(text):
        return text
    out = []
    for char in text:
        if char not in font.gids:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            char = base if base and font.covers(base) else "?"
        out.append(char)
    return "".join(out)


def _font_objects(font: StampFont, numbers: Sequence[int]) -> list[bytes]:
    """Type 0 font, CIDFont, descriptor, font file, ToUnicode map: the objects `numbers` name."""
    type0, cid, descriptor, file, to_unicode = numbers
    tag = "MOUSTP"  # a subset's name carries a six-letter tag (PDF 1.7, 9.6.4)
    widths = " ".join(f"{gid} [{width}]" for gid, width in sorted(font.widths.items()))
    pairs = sorted((gid, char) for char, gid in font.gids.items())
    chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)]
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "".join(
            f"{len(chunk)} beginbfchar\n"
            + "".join(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>\n" for gid, char in chunk)
            + "endbfchar\n"
            for chunk in chunks
        )
        + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode()
    cmap = zlib.compress(cmap, 6)
    x0, y0, x1, y1 = font.bbox
    return [
        (
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{tag}+{font.name} /Encoding /Identity-H "
            f"/DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>"
        ).encode(),
        (
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{tag}+{font.name} "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>"
        ).encode(),
        (
            f"<< /Type /FontDescriptor /FontName /{tag}+{font.name} /Flags 32 "
            f"/FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {font.ascent} "
            f"/Descent {font.descent} /CapHeight {font.cap_height} /StemV 120 /FontFile2 {file} 0 R >>"
        ).encode(),
        _stream(font.file, f"/Filter /FlateDecode /Length1 {font.file_length}"),
        _stream(cmap, "/Filter /FlateDecode"),
    ]


# --- the base, prepared once -----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPdf:
    """A rendered PDF laid out for stamping: every object that is the same in each copy, as bytes,
    and the numbers of the objects each copy adds. Plain data, so it can go in Django's cache."""

    prefix: bytes  # header and the fixed objects
    xref_entries: bytes  # cross-reference entries (W [1 4 2]) for objects 0 .. first_new - 1
    trailer: bytes  # /Root, /Info and /ID for the cross-reference stream's dictionary
    font_numbers: tuple[int, int, int, int, int]
    watermark_numbers: tuple[int, ...]  # one per distinct page size
    footer_numbers: tuple[int, ...]  # one per page
    page_sizes: tuple[tuple[float, float, float, float], ...]  # distinct (x0, y0, x1, y1)
    page_size_index: tuple[int, ...]  # per page, into page_sizes
    xref_number: int

    @property
    def page_count(self) -> int:
        return len(self.footer_numbers)


def _stream(data: bytes, entries: str = "") -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _serialise(obj: object) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _copy(dictionary: DictionaryObject) -> DictionaryObject:
    # dict.items: the raw values, so indirect references stay references.
    return DictionaryObject(dict.items(dictionary))


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def prepare(pdf: bytes) -> PreparedPdf:
    """Lay out a rendered PDF for `stamp`, once per document.

    The PDF's own objects are kept byte for byte, up to its cross-reference section, which each copy
    replaces: only the pages (their content lists) and their resources (the stamp font) are written
    again after them, under the same numbers. The old page objects stay in the file unreferenced.
    """
    match = _STARTXREF.search(pdf, max(0, len(pdf) - 1024))
    if match is None:
        raise UnexpectedPdf("no startxref at the end")
    cut = int(match.group(1))
    reader = PdfReader(io.BytesIO(pdf))
    if "/Encrypt" in reader.trailer or "/Prev" in reader.trailer:
        raise UnexpectedPdf("encrypted, or updated incrementally")
    if any(generation != 0 and entries for generation, entries in reader.xref.items()):
        raise UnexpectedPdf("objects of a later generation")
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 0xFFFF)}
    for number, offset in reader.xref.get(0, {}).items():
        if 0 < offset < cut:  # not the cross-reference stream itself
            entries[number] = (1, offset, 0)
    for number, (stream_number, index) in reader.xref_objStm.items():
        entries[number] = (2, stream_number, index)

    pages = [page.indirect_reference.idnum for page in reader.pages]  # type: ignore[union-attr]
    sizes: list[tuple[float, float, float, float]] = []
    size_index = []
    for page in reader.pages:
        box = tuple(float(v) for v in page.mediabox)
        if box not in sizes:
            sizes.append(box)  # type: ignore[arg-type]
        size_index.append(sizes.index(box))  # type: ignore[arg-type]

    next_number = int(reader.trailer["/Size"])  # type: ignore[call-overload]
    font_numbers = tuple(range(next_number, next_number + 5))
    next_number += 5
    watermark_numbers = tuple(range(next_number, next_number + len(sizes)))
    next_number += len(sizes)
    footer_numbers = tuple(range(next_number, next_number + len(pages)))
    next_number += len(pages)

    def ref(number: int) -> IndirectObject:
        return IndirectObject(number, 0, reader)

    rewritten: dict[int, DictionaryObject] = {}

    def with_stamp_font(resources: DictionaryObject) -> DictionaryObject:
        resources = _copy(resources)
        fonts_raw = dict.get(resources, "/Font")
        if isinstance(fonts_raw, IndirectObject):
            fonts = _copy(reader.get_object(fonts_raw))  # type: ignore[arg-type]
            rewritten[fonts_raw.idnum] = fonts
        else:
            fonts = _copy(fonts_raw) if isinstance(fonts_raw, DictionaryObject) else DictionaryObject()
            resources[NameObject("/Font")] = fonts
        if FONT_RESOURCE in fonts:
            raise UnexpectedPdf("font resource name taken")
        fonts[NameObject(FONT_RESOURCE)] = ref(font_numbers[0])
        return resources

    for index, number in enumerate(pages):
        stamped = _copy(reader.get_object(number))  # type: ignore[arg-type]
        contents = dict.get(stamped, "/Contents")
        if isinstance(contents, ArrayObject):
            existing = list(contents)
        else:
            existing = [] if contents is None else [contents]
        stamped[NameObject("/Contents")] = ArrayObject(
            [ref(watermark_numbers[size_index[index]]), *existing, ref(footer_numbers[index])]
        )
        resources = dict.get(stamped, "/Resources")
        if isinstance(resources, IndirectObject):
            if resources.idnum not in rewritten:
                rewritten[resources.idnum] = with_stamp_font(reader.get_object(resources))  # type: ignore[arg-type]
        elif isinstance(resources, DictionaryObject):
            stamped[NameObject("/Resources")] = with_stamp_font(resources)
        else:
            raise UnexpectedPdf("a page inherits its resources")
        rewritten[number] = stamped

    out = bytearray(pdf[:cut])
    if not out.endswith(b"\n"):
        out += b"\n"
    for number, obj in rewritten.items():
        entries[number] = (1, len(out), 0)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, _serialise(obj))
    first_new = font_numbers[0]
    xref = b"".join(struct.pack(">BIH", *entries.get(number, (0, 0, 0))) for number in range(first_new))
    trailer = b""
    for key in ("/Root", "/Info", "/ID"):
        if key in reader.trailer:
            trailer += key.encode() + b" " + _serialise(dict.get(reader.trailer, key)) + b" "
    return PreparedPdf(
        prefix=bytes(out),
        xref_entries=xref,
        trailer=trailer,
        font_numbers=font_numbers,  # type: ignore[arg-type]
        watermark_numbers=watermark_numbers,
        footer_numbers=footer_numbers,
        page_sizes=tuple(sizes),
        page_size_index=tuple(size_index),
        xref_number=next_number,
    )


# --- the copy for one person ----------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _text_at(font: StampFont, text: str, size: float, matrix: Sequence[float]) -> bytes:
    return b"/%s %s Tf %s Tm %s Tj\n" % (
        FONT_RESOURCE[1:].encode(),
        _number(size).encode(),
        " ".join(_number(v) for v in matrix).encode(),
        font.encode(text),
    )


def _fit(font: StampFont, text: str, size: float, width: float) -> float:
    """The font size, at most `size`, at which `text` is no wider than `width`."""
    natural = font.width(text, size)
    return size if natural <= width else size * width / natural


def _watermark(font: StampFont, box: tuple[float, float, float, float], word: str, caption: str) -> bytes:
    """The diagonal word, light grey under the page's content, with a smaller caption below it:
    as templates/pdf used to draw it (21 mm and 7.8 mm letters, 55 degrees, centred)."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    cos, sin = math.cos(math.radians(55)), math.sin(math.radians(55))
    diagonal = math.hypot(x1 - x0, y1 - y0) * 0.8
    lines = []
    for text, size, drop in ((word, 21 * MM, 0.0), (caption, 7.8 * MM, 11.5 * MM)):
        if not text:
            continue
        size = _fit(font, text, size, diagonal)
        half = font.width(text, size) / 2
        # The start of the line, half its width back along the diagonal from the centre, `drop` below.
        x = cx - half * cos + drop * sin
        y = cy - half * sin - drop * cos
        lines.append(_text_at(font, text, size, (cos, sin, -sin, cos, x, y)))
    return (
        b"q\n/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n0.902 0.902 0.902 rg\nBT\n"
        + b"".join(lines)
        + b"ET\nEMC\nQ\nq\n"  # the last q keeps the page's own content from changing the footer's state
    )


def _footer(font: StampFont, box: tuple[float, float, float, float], lines: Sequence[str]) -> bytes:
    """Lines centred at the foot of the page, over its content, 8 pt (smaller if too long)."""
    x0, y0, x1, _ = box
    width = (x1 - x0) - 40 * MM
    drawn = []
    baseline = y0 + 14 * MM
    for text in lines:
        size = _fit(font, text, 8, width)
        x = x0 + ((x1 - x0) - font.width(text, size)) / 2
        drawn.append(_text_at(font, text, size, (1, 0, 0, 1, x, baseline)))
        baseline -= 11
    return (
        b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n0.043 0.047 0.047 rg\nBT\n"
        + b"".join(drawn)
        + b"ET\nQ\nEMC\n"
    )


def stamp(
    prepared: PreparedPdf,
    font: StampFont,
    *,
    watermark: str,
    caption: str,
    footer: Callable[[int, int], Sequence[str]],
) -> bytes:
    """The complete PDF with the watermark (word and caption) on every page and `footer(page,
    pages)`'s lines at the foot of each, in `font` (`stamp_font`)."""
    watermark, caption = printable(font, watermark), printable(font, caption)
    out = bytearray(prepared.prefix)
    entries = bytearray(prepared.xref_entries)

    def add(number: int, body: bytes) -> None:
        entries.extend(struct.pack(">BIH", 1, len(out), 0))
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    for number, body in zip(prepared.font_numbers, _font_objects(font, prepared.font_numbers), strict=True):
        add(number, body)
    for number, box in zip(prepared.watermark_numbers, prepared.page_sizes, strict=True):
        add(number, _stream(_watermark(font, box, watermark, caption)))
    pages = prepared.page_count
    for index, number in enumerate(prepared.footer_numbers):
        box = prepared.page_sizes[prepared.page_size_index[index]]
        lines = [printable(font, line) for line in footer(index + 1, pages)]
        add(number, _stream(_footer(font, box, lines)))
    xref_offset = len(out)
    entries.extend(struct.pack(">BIH", 1, xref_offset, 0))
    data = zlib.compress(bytes(entries), 6)
    out.extend(
        b"%d 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n"
        % (
            prepared.xref_number,
            _stream(
                data,
                f"/Type /XRef /Size {prepared.xref_number + 1} /W [1 4 2] /Filter /FlateDecode "
                + prepared.trailer.decode("latin-1"),
            ),
            xref_offset,
        )
    )
    return bytes(out)
