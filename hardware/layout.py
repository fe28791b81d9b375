"""Vietnamese text laid out as a 1-bit raster at the printer's dot width.

Code pages are not relied on: text is NFC, drawn with a bundled TrueType font
(DejaVu Sans covers every Vietnamese letter) and sent as an image.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FACES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


@lru_cache(maxsize=64)
def font(face: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FACES[face]), size)


def wrap(text: str, face: str, size: int, width: int) -> list[str]:
    """Break text into lines no wider than `width` pixels (long words are split)."""
    fnt = font(face, size)
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if text_length(candidate, face, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while fnt.getlength(word) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1) if fnt.getlength(word[:i]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


@lru_cache(maxsize=4096)
def text_length(text: str, face: str, size: int) -> float:
    return font(face, size).getlength(text)


LEFT_PAD = 2  # Ý, Ỵ and j reach left of the pen position
TONED_CAPITALS = "ỦỖẪẴỂỶẤẰỞỬ"


@lru_cache(maxsize=64)
def top_pad(face: str, size: int) -> int:
    """Rows above the ascender line that stacked marks on capitals (Ẫ, Ổ, Ủ) reach into."""
    return max(0, -font(face, size).getbbox(TONED_CAPITALS, anchor="la")[1]) + 1


def _blank(width: int, face: str, size: int) -> Image.Image:
    return Image.new("1", (width + LEFT_PAD + 2, top_pad(face, size) + round(size * 1.32)), 1)


def overlay(target: Image.Image, ink: Image.Image, position: tuple[int, int]) -> None:
    """Add `ink`'s black pixels onto `target` without erasing what is there (both mode "1")."""
    x, y = position
    if y < 0:  # headroom above the paper's top edge holds no ink worth keeping
        ink, y = ink.crop((0, -y, ink.width, ink.height)), 0
    box = (x, y, x + ink.width, y + ink.height)
    target.paste(ImageChops.logical_and(target.crop(box), ink), box)


@lru_cache(maxsize=1024)
def _line_bitmap(text: str, face: str, size: int) -> Image.Image:
    """A word or glyph drawn once (mode "1", 0 = ink), with room for marks above and left."""
    image = _blank(max(1, round(text_length(text, face, size))), face, size)
    ImageDraw.Draw(image).text((LEFT_PAD, top_pad(face, size)), text, font=font(face, size), fill=0)
    return image


def line_bitmap(text: str, face: str, size: int) -> Image.Image:
    """Draw a line from cached pieces: words for text, glyphs for big ticket numbers.

    The bitmap has `top_pad` rows of headroom and LEFT_PAD columns before the text.
    """
    pieces = list(text) if size >= 80 else text.split(" ")
    space = 0.0 if size >= 80 else text_length(" ", face, size)
    widths = [text_length(piece, face, size) for piece in pieces]
    image = _blank(round(sum(widths) + space * (len(pieces) - 1)), face, size)
    left = 0.0
    for piece, width in zip(pieces, widths, strict=True):
        if piece:
            overlay(image, _line_bitmap(piece, face, size), (round(left), 0))
        left += width + space
    return image


class Canvas:
    """Stack centred or left-aligned lines of text and rules down a strip of paper."""

    def __init__(self, width: int, margin: int = 8):
        self.width = width
        self.margin = margin
        self.scale = width / 576
        self.items: list[tuple] = []
        self.height = margin

    def px(self, size: float) -> int:
        return max(10, round(size * self.scale))

    def text(self, text: str, size: float, bold=False, align="center", gap=0.35) -> None:
        face = "bold" if bold else "regular"
        fnt = font(face, self.px(size))
        text = unicodedata.normalize("NFC", text)
        line_height = round(fnt.size * 1.32)  # room for stacked marks on capitals (Ể, Ỗ)
        pad = top_pad(face, fnt.size)
        self.height = max(self.height, pad)  # the first line's marks stay on the paper
        for line in wrap(text, face, fnt.size, self.width - 2 * self.margin):
            self.items.append(("text", self.height - pad, line_bitmap(line, face, fnt.size), align))
            self.height += line_height
        self.height += round(fnt.size * gap)

    def rule(self, thickness: int = 2, gap: int = 10) -> None:
        self.items.append(("rule", self.height, thickness))
        self.height += thickness + gap

    def space(self, pixels: float) -> None:
        self.height += round(pixels * self.scale)

    def render(self) -> Image.Image:
        image = Image.new("1", (self.width, self.height + self.margin), 1)
        draw = ImageDraw.Draw(image)
        for item in self.items:
            if item[0] == "rule":
                _, top, thickness = item
                draw.rectangle((self.margin, top, self.width - self.margin, top + thickness - 1), 0)
                continue
            _, top, bitmap, align = item
            text_width = bitmap.width - LEFT_PAD - 2
            left = self.margin if align == "left" else (self.width - text_width) // 2
            overlay(image, bitmap, (left - LEFT_PAD, top))  # marks may reach into the line above
        return image
