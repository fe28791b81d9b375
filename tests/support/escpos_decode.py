"""Rebuild what a thermal printer would print from the ESC/POS bytes (GS v 0 rasters, and for
compact jobs also printer-font text and GS ( k QR codes)."""

from dataclasses import dataclass, field

from PIL import Image, ImageOps

GS_V0 = b"\x1dv0"


def raster_images(data: bytes) -> list[Image.Image]:
    """Every GS v 0 band in `data`, as 1-bit images (black = 0)."""
    bands, i = [], 0
    while (i := data.find(GS_V0, i)) != -1:
        width_bytes = int.from_bytes(data[i + 4:i + 6], "little")
        height = int.from_bytes(data[i + 6:i + 8], "little")
        raw = data[i + 8:i + 8 + width_bytes * height]
        inverted = bytes(255 - b for b in raw)
        bands.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        i += 8 + width_bytes * height
    return bands


def printed_page(data: bytes) -> Image.Image:
    """All bands stacked, as the paper would come out."""
    bands = raster_images(data)
    page = Image.new("1", (max(b.width for b in bands), sum(b.height for b in bands)), 1)
    top = 0
    for band in bands:
        page.paste(band, (0, top))
        top += band.height
    return page


def has_partial_cut(data: bytes) -> bool:
    return data.rstrip().endswith(b"\x1dV\x01") or b"\x1dV\x01" in data[-8:]


# Compact jobs (hardware.compact): printer-font text, GS ( k QR codes and cropped raster bands.

ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
FIXED = {b"\x1b@": 0, b"\x1ba": 1, b"\x1bE": 1, b"\x1bd": 1, b"\x1bJ": 1, b"\x1d!": 1}


@dataclass
class Printed:
    """One thing the printer puts on paper, with the style it was sent in."""

    kind: str  # "text", "raster", "qr", "cut"
    align: str = "left"
    text: str = ""
    bold: bool = False
    magnify: tuple[int, int] = (1, 1)  # width, height
    image: Image.Image | None = None
    qr: dict = field(default_factory=dict)  # data, module dots, EC level ("L", "M", "Q", "H")


def decode(data: bytes) -> list[Printed]:
    """Walk a job command by command; an unknown command raises, so nothing slips through unread."""
    out, state, line, qr, i = [], {"align": "left", "bold": False, "magnify": (1, 1)}, bytearray(), {}, 0
    while i < len(data):
        two = data[i:i + 2]
        if data[i] == 0x0A:
            out.append(Printed("text", text=line.decode("ascii"), **state))
            line.clear()
            i += 1
        elif 0x20 <= data[i] < 0x7F:
            line.append(data[i])
            i += 1
        elif line:
            raise ValueError(f"command {bytes(two)!r} at {i} inside a text line")
        elif two in FIXED:
            arg = data[i + 2] if FIXED[two] else None
            if two == b"\x1b@":
                state = {"align": "left", "bold": False, "magnify": (1, 1)}
            elif two == b"\x1ba":
                state["align"] = ALIGN[arg]
            elif two == b"\x1bE":
                state["bold"] = bool(arg & 1)
            elif two == b"\x1d!":
                state["magnify"] = ((arg >> 4) + 1, (arg & 7) + 1)
            i += 2 + FIXED[two]
        elif data.startswith(GS_V0, i):
            width_bytes = int.from_bytes(data[i + 4:i + 6], "little")
            height = int.from_bytes(data[i + 6:i + 8], "little")
            raw = bytes(255 - b for b in data[i + 8:i + 8 + width_bytes * height])
            image = Image.frombytes("1", (width_bytes * 8, height), raw)
            out.append(Printed("raster", state["align"], image=image))
            i += 8 + width_bytes * height
        elif data.startswith(b"\x1d(k", i):
            size = int.from_bytes(data[i + 3:i + 5], "little")
            fn, body = data[i + 6], data[i + 7:i + 5 + size]
            if fn == 67:
                qr["dots"] = body[0]
            elif fn == 69:
                qr["ec"] = "LMQH"[body[0] - 48]
            elif fn == 80:
                qr["data"] = body[1:].decode("utf-8")
            elif fn == 81:
                out.append(Printed("qr", state["align"], qr=dict(qr)))
            i += 5 + size
        elif two == b"\x1dV":
            mode = data[i + 2]
            out.append(Printed("cut", text="partial" if mode in (1, 49, 66) else "full"))
            i += 4 if mode in (65, 66) else 3
        else:
            raise ValueError(f"unknown command {bytes(data[i:i + 3])!r} at {i}")
    return out


def native_text(data: bytes) -> list[str]:
    """The lines printed in the printer's own font."""
    return [item.text for item in decode(data) if item.kind == "text"]


def placed_bands(data: bytes, width: int) -> list[Image.Image]:
    """Each raster band with ink, on a strip `width` dots wide where ESC a puts it."""
    strips = []
    for item in decode(data):
        if item.kind != "raster" or ImageOps.invert(item.image.convert("L")).getbbox() is None:
            continue  # text, or a blank band that only feeds paper
        band = item.image
        left = {"left": 0, "center": (width - band.width) // 2, "right": width - band.width}[item.align]
        strip = Image.new("1", (width, band.height), 1)
        strip.paste(band, (left, 0))
        strips.append(strip)
    return strips
