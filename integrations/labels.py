"""Box labels as PDF: typed label data in, PDF bytes out. No database, no network.

One page per box, 4 x 3 or 4 x 6 inches, for the label printers farms use. Text is
set in Bitstream Vera (shipped with reportlab) embedded as TrueType, so names such
as "Flores La Ñusta" print and copy correctly; the barcode is Code 128 of the box
code Cargo Master assigned. Text that does not fit is shortened at a character
boundary and ends with an ellipsis, so nothing is clipped mid-character.
"""

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REGULAR = "KometVera"
BOLD = "KometVera-Bold"
ELLIPSIS = "…"
FONT_DIR = Path(reportlab.__file__).parent / "fonts"

# Narrowest bar we draw: 10 mil (0.01 inch), two dots on a 203 dpi printer.
MIN_BAR_WIDTH = 0.01 * inch
# Widest: 20 mil; wider bars only make the code longer than scanners need.
MAX_BAR_WIDTH = 0.02 * inch


class LabelError(ValueError):
    """Label data that cannot be printed (a box code too long to scan, say)."""


@dataclass(frozen=True)
class LabelData:
    """Everything printed on one box's label."""

    importer: str
    vendor_name: str
    vendor_code: str
    po_number: int
    reservation_number: str
    ship_date: dt.date
    origin: str
    destination: str
    product: str
    box_type: str
    mark_code: str
    box_number: int
    box_total: int
    box_code: str
    reprint: bool = False


@dataclass(frozen=True)
class Layout:
    """Sizes in points for one label size; text rows are set from the top."""

    width: float
    height: float
    margin: float
    title: float  # importer name
    text: float  # vendor, PO, dates
    product: float
    box: float  # "Box n of N"
    caption: float  # the box code under the bars
    bar_height: float


LAYOUTS: dict[str, Layout] = {
    "4x3": Layout(
        width=4 * inch,
        height=3 * inch,
        margin=10,
        title=12,
        text=9,
        product=11,
        box=13,
        caption=8,
        bar_height=0.7 * inch,
    ),
    "4x6": Layout(
        width=4 * inch,
        height=6 * inch,
        margin=14,
        title=16,
        text=12,
        product=15,
        box=20,
        caption=11,
        bar_height=1.6 * inch,
    ),
}


def render_labels(labels: Iterable[LabelData], *, size: str = "4x3") -> bytes:
    """A PDF with one page per label, in the order given."""
    if size not in LAYOUTS:
        raise LabelError(f"Unknown label size {size!r}; use one of {sorted(LAYOUTS)}.")
    layout = LAYOUTS[size]
    _register_fonts()

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.width, layout.height))
    canvas.setTitle("Box labels")
    canvas.setCreator("Komet Cargo")
    pages = 0
    for label in labels:
        _draw_label(canvas, label, layout)
        canvas.showPage()
        pages += 1
    if not pages:
        raise LabelError("There are no labels to print.")
    canvas.save()
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "VeraBd.ttf")))


def _draw_label(canvas: Canvas, label: LabelData, layout: Layout) -> None:
    left, right = layout.margin, layout.width - layout.margin
    width = right - left
    y = layout.height - layout.margin

    y -= layout.title
    reprint_box = _draw_reprint_mark(canvas, label, layout, top=y + layout.title)
    _row(canvas, y, left, width - reprint_box, (label.importer, BOLD, layout.title))

    rows = [
        (label.vendor_name, label.vendor_code),
        (
            f"PO {label.po_number}",
            f"Reservation {label.reservation_number}",
        ),
        (
            f"Ship {label.ship_date:%b %d, %Y}",
            f"{label.origin} > {label.destination}",
        ),
    ]
    for left_text, right_text in rows:
        y -= layout.text * 1.45
        _row(
            canvas,
            y,
            left,
            width,
            (left_text, REGULAR, layout.text),
            (right_text, BOLD, layout.text),
        )

    y -= layout.product * 1.6
    _row(
        canvas,
        y,
        left,
        width,
        (label.product, BOLD, layout.product),
        (label.box_type, BOLD, layout.product),
    )
    y -= layout.box * 1.4
    _row(
        canvas,
        y,
        left,
        width,
        (f"Mark {label.mark_code}" if label.mark_code else "", REGULAR, layout.text),
        (f"Box {label.box_number} of {label.box_total}", BOLD, layout.box),
    )

    _draw_barcode(canvas, label.box_code, layout)


def _draw_reprint_mark(
    canvas: Canvas, label: LabelData, layout: Layout, *, top: float
) -> float:
    """A white "R" on black at the top right; returns the width it takes."""
    if not label.reprint:
        return 0
    side = layout.title * 1.6
    x = layout.width - layout.margin - side
    canvas.rect(x, top - side, side, side, stroke=0, fill=1)
    canvas.setFillGray(1)
    canvas.setFont(BOLD, layout.title * 1.3)
    canvas.drawCentredString(x + side / 2, top - side * 0.8, "R")
    canvas.setFillGray(0)
    return side + 6


def _row(
    canvas: Canvas,
    y: float,
    left: float,
    width: float,
    start: tuple[str, str, float],
    end: tuple[str, str, float] | None = None,
) -> None:
    """Text on the left, optional text flush right; the left text gives way."""
    room = width
    if end is not None and end[0]:
        end_text = fit(end[0], end[1], end[2], width)
        canvas.setFont(end[1], end[2])
        canvas.drawRightString(left + width, y, end_text)
        room = width - pdfmetrics.stringWidth(end_text, end[1], end[2]) - 8
    text, font, size = start
    if text and room > 0:
        canvas.setFont(font, size)
        canvas.drawString(left, y, fit(text, font, size, room))


def _draw_barcode(canvas: Canvas, box_code: str, layout: Layout) -> None:
    width = layout.width - 2 * layout.margin
    probe = Code128(box_code, barWidth=1, barHeight=layout.bar_height)
    bar_width = min(MAX_BAR_WIDTH, width / probe.width)
    if bar_width < MIN_BAR_WIDTH:
        raise LabelError(
            f"Box code {box_code!r} is too long for a scannable barcode on a "
            f"{layout.width / inch:.0f} inch label."
        )
    barcode = Code128(box_code, barWidth=bar_width, barHeight=layout.bar_height)
    x = (layout.width - barcode.width) / 2
    caption_y = layout.margin
    barcode.drawOn(canvas, x, caption_y + layout.caption * 1.3)
    canvas.setFont(REGULAR, layout.caption)
    canvas.drawCentredString(layout.width / 2, caption_y, box_code)


@lru_cache(maxsize=4096)
def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` if it fits in `width` points, else its longest start that fits + "…".

    Cuts only between whole characters (never before an accent mark that belongs
    to the previous letter), and drops characters the font cannot draw in favour
    of their unaccented form, so no empty boxes print.
    """
    _register_fonts()
    text = printable(text, font)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        candidate = _prefix(text, middle) + ELLIPSIS
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return _prefix(text, low) + ELLIPSIS if low else ELLIPSIS


def _prefix(text: str, length: int) -> str:
    while 0 < length < len(text) and unicodedata.combining(text[length]):
        length -= 1
    return text[:length].rstrip()


@lru_cache(maxsize=4096)
def printable(text: str, font: str) -> str:
    """`text` in composed form, with characters the font lacks replaced.

    A missing accented letter falls back to its base letter, and an accent mark
    with no composed form is dropped (its letter stays); anything else becomes
    "?", so the reader sees something was there.
    """
    glyphs = pdfmetrics.getFont(font).face.charToGlyph
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    out = []
    for char in text:
        if ord(char) in glyphs:
            out.append(char)
            continue
        if unicodedata.combining(char):
            continue
        base = unicodedata.normalize("NFKD", char)[:1]
        out.append(base if base and ord(base) in glyphs else "?")
    return "".join(out)
