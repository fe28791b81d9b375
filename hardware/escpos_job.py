"""Turn a raster image into the ESC/POS bytes of one job.

Raster bands are written as GS v 0 straight from Pillow's packed 1-bit data
(the same bytes python-escpos's `image(impl="bitImageRaster")` produces, at a
fraction of the cost); the control sequences come from python-escpos.
"""

from escpos.constants import GS, HW_INIT, PAPER_PART_CUT
from PIL import Image

BAND_ROWS = 960  # python-escpos's default fragment height; some printers choke on taller
FEED_BEFORE_CUT = b"\x1bd\x06"  # ESC d 6: move the last line past the cutter
_INVERT = bytes(255 - i for i in range(256))


def raster_bands(image: Image.Image) -> bytes:
    """Encode a 1-bit image (0 = black) as GS v 0 bands."""
    if image.mode != "1":
        image = image.convert("1")
    width_bytes = (image.width + 7) // 8
    out = bytearray()
    for top in range(0, image.height, BAND_ROWS):
        band = image.crop((0, top, image.width, min(image.height, top + BAND_ROWS)))
        data = band.tobytes().translate(_INVERT)  # Pillow: 1 = white; ESC/POS: 1 = black
        out += GS + b"v0\x00"
        out += width_bytes.to_bytes(2, "little") + band.height.to_bytes(2, "little")
        out += data
    return bytes(out)


def encode_raster_job(image: Image.Image, cut: bool = True) -> bytes:
    """Initialise, print the image, feed and partially cut."""
    job = HW_INIT + raster_bands(image)
    if cut:
        job += FEED_BEFORE_CUT + PAPER_PART_CUT
    return job
