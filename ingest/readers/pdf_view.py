"""A page of the PDF a body published, as an image with a cited span marked where it sits.

The canonical text is built from the page's characters (ingest/readers/pdf.py), so a quote is
found again among them: both sides compared without white space, NFKC (Kangxi radicals, full-width
digits), which is also how a table row's tab-joined cells are found in the cells' characters. The
boxes are the characters' own (pdfplumber), scaled to the image. A quote that cannot be found is
not guessed at: the page is shown without a mark.
"""
from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

RESOLUTION = 110  # dpi: an A4 page at ~900 px wide, readable beside the answer, ~150 KB as PNG
MARK = (255, 196, 0, 90)  # translucent amber over the cited characters
OUTLINE = (214, 120, 0, 255)


@dataclass(frozen=True)
class PageView:
    page: int  # 1-based
    pages: int  # pages in the file
    png: bytes
    width: int
    height: int
    boxes: tuple[tuple[int, int, int, int], ...]  # marked character boxes, image pixels (x0, top, x1, bottom)


def _flat(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", ch) if not c.isspace())


def quote_boxes(chars: list[dict], quote: str) -> list[tuple[float, float, float, float]]:
    """The boxes (PDF points) of the characters that spell the quote, white space ignored; [] when
    the page does not hold it."""
    stream, owner = [], []
    for i, ch in enumerate(chars):
        for c in _flat(ch.get("text", "")):
            stream.append(c)
            owner.append(i)
    hay, needle = "".join(stream), _flat(quote)
    if not needle:
        return []
    at = hay.find(needle)
    if at < 0:
        return []
    hit = sorted(set(owner[at:at + len(needle)]))
    return [(chars[i]["x0"], chars[i]["top"], chars[i]["x1"], chars[i]["bottom"]) for i in hit]


def page_view(path: str | Path, page: int, quote: str = "", *, resolution: int = RESOLUTION) -> PageView | None:
    """Page `page` (1-based) of the PDF at path, with the quote marked; None when the file is gone,
    is not a PDF, or has no such page."""
    import pdfplumber

    path = Path(path)
    if not path.is_file():
        return None
    try:
        with pdfplumber.open(path) as pdf:
            if not 1 <= page <= len(pdf.pages):
                return None
            pdf_page = pdf.pages[page - 1]
            boxes = quote_boxes(pdf_page.chars, quote) if quote else []
            image = pdf_page.to_image(resolution=resolution).original.convert("RGBA")
            scale = image.width / float(pdf_page.width)
            pixel_boxes = tuple(tuple(int(round(v * scale)) for v in box) for box in boxes)
            if pixel_boxes:
                image = _marked(image, pixel_boxes)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG", optimize=True)
            return PageView(page, len(pdf.pages), out.getvalue(), image.width, image.height, pixel_boxes)
    except Exception as exc:  # a damaged or replaced file: the answer stands without its picture
        log.warning("%s: page %d could not be shown: %s", path.name, page, exc)
        return None


def _marked(image, boxes):
    """The cited characters under a translucent mark, the whole span outlined."""
    from PIL import Image, ImageDraw

    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for x0, top, x1, bottom in boxes:
        draw.rectangle((x0 - 1, top - 1, x1 + 1, bottom + 1), fill=MARK)
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    upper, lower = min(b[1] for b in boxes), max(b[3] for b in boxes)
    draw.rectangle((left - 4, upper - 4, right + 4, lower + 4), outline=OUTLINE, width=2)
    return Image.alpha_composite(image, layer)
