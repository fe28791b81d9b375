"""The dossier's QR code (Circular 01/2018 Art. 19(2)): its modules, and a PDF flowable drawing them."""

from functools import lru_cache

import segno
from reportlab.platypus import Flowable


@lru_cache(maxsize=16)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's modules (True = dark), EC level Q, with the 4-module quiet zone around them."""
    qr = segno.make_qr(payload, error="q", boost_error=False)  # never a Micro QR, never another level
    return tuple(tuple(bool(dark) for dark in row) for row in qr.matrix_iter(scale=1, border=4))


class QrCode(Flowable):
    """A QR code, EC level Q, with its 4-module quiet zone, drawn as one vector path."""

    def __init__(self, data: str, side: float):
        super().__init__()
        self.rows = qr_modules(data)
        self.width = self.height = side

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        module = self.width / len(self.rows)
        path = self.canv.beginPath()
        for y, row in enumerate(self.rows):
            top = self.height - (y + 1) * module
            x = 0
            while x < len(row):  # one rectangle per run of dark modules
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                path.rect(start * module, top, (x - start) * module, module)
        self.canv.drawPath(path, stroke=0, fill=1)
