"""Rebuild what a thermal printer would print from the ESC/POS bytes (GS v 0 rasters)."""

from PIL import Image

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
