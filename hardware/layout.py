"""Vietnamese text laid out as a 1-bit raster at the printer's dot width.

Code pages are not relied on: text is NFC, drawn with a bundled TrueType font
(DejaVu Sans covers every Vietnamese letter) and sent as an image.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

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


@lru_cache(maxsize=1024)
def _line_bitmap(text: str, face: str, size: int) -> Image.Image:
    """A line of text drawn once (mode "1", 0 = ink); tickets repeat most of their lines."""
    fnt = font(face, size)
    height = round(size * 1.32)
    image = Image.new("1", (max(1, round(fnt.getlength(text))) + 2, height), 1)
    ImageDraw.Draw(image).text((0, 0), text, font=fnt, fill=0)
    return image


def line_bitmap(text: str, face: str, size: int) -> Image.Image:
    """Draw a line from cached pieces: words for text, glyphs for big ticket numbers."""
    pieces = list(text) if size >= 80 else text.split(" ")
    space = 0.0 if size >= 80 else text_length(" ", face, size)
    widths = [text_length(piece, face, size) for piece in pieces]
    image = Image.new("1", (round(sum(widths) + space * len(pieces)) + 2, round(size * 1.32)), 1)
    left = 0.0
    for piece, width in zip(pieces, widths, strict=True):
        if piece:
            image.paste(_line_bitmap(piece, face, size), (round(left), 0))
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
        for line in wrap(text, face, fnt.size, self.width - 2 * self.margin):
            self.items.append(("text", self.height, line_bitmap(line, face, fnt.size), align))
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
            left = self.margin if align == "left" else (self.width - bitmap.width) // 2
            image.paste(bitmap, (left, top))
        return image
