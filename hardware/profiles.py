"""Printer profiles: what a model can do, read from python-escpos's bundled escpos-printer-db.

A profile fixes the dot width (a TM-T88 is 512 dots wide, not 576; a 58 mm clone is 384) and
says whether the printer draws QR codes itself (`GS ( k`) and which cut it has. 58 mm clones
(POS-5890, NT-5890K, ZJ-5870) declare neither native QR nor any cut.
"""

from dataclasses import dataclass, replace

from escpos.capabilities import CAPABILITIES

from .printers import PrinterError

DEFAULT_WIDTH = 576  # 80 mm paper at 203 dpi, the usual kiosk printer


@dataclass(frozen=True)
class Profile:
    name: str
    dot_width: int | None  # None only before `resolve` fills in a width the database does not know
    native_qr: bool
    partial_cut: bool
    full_cut: bool
    raster: bool  # GS v 0 raster images: needed for every Vietnamese line
    graphics: bool  # GS ( L
    dpi: int | None = None
    note: str = ""  # why the width was chosen, for the admin page


def load(name: str) -> Profile:
    """The named profile as the database describes it (case-insensitive), or PrinterError."""
    names = {known.casefold(): known for known in CAPABILITIES["profiles"]}
    canonical = names.get((name or "").strip().casefold())
    if canonical is None:
        raise PrinterError(
            "Không có hồ sơ máy in “{name}” (ví dụ đúng: TM-T20II, TM-T88V, POS-5890).", name=name
        )
    data = CAPABILITIES["profiles"][canonical]
    features, media = data.get("features", {}), data.get("media", {})
    pixels, dpi = media.get("width", {}).get("pixels"), media.get("dpi")
    return Profile(
        name=canonical,
        dot_width=pixels if isinstance(pixels, int) else None,
        native_qr=bool(features.get("qrCode")),
        partial_cut=bool(features.get("paperPartCut")),
        full_cut=bool(features.get("paperFullCut")),
        raster=bool(features.get("bitImageRaster")),
        graphics=bool(features.get("graphics")),
        dpi=dpi if isinstance(dpi, int) else None,
    )


def resolve(name: str | None, width: int | None = None) -> Profile:
    """The profile to print with: its own dot width, else `width`, else 576 dots."""
    profile = load(name or "default")
    if not profile.raster:  # customer displays and impact printers in the database
        raise PrinterError(
            "Máy “{name}” không in được ảnh nên không in được chữ tiếng Việt.", name=profile.name
        )
    if width is not None and (not isinstance(width, int) or width <= 0):
        raise PrinterError("Độ rộng in “{w}” không hợp lệ.", w=width)
    if profile.dot_width:
        note = ""
        if width and width != profile.dot_width:  # a 576-dot image on a TM-T88 is refused or cut
            note = (
                f"Độ rộng {width} khác với hồ sơ {profile.name} ({profile.dot_width} điểm); "
                f"dùng {profile.dot_width}."
            )
        return replace(profile, note=note)
    if width:
        return replace(profile, dot_width=width)
    note = f"Hồ sơ {profile.name} không ghi độ rộng in; dùng {DEFAULT_WIDTH} điểm (giấy 80 mm)."
    return replace(profile, dot_width=DEFAULT_WIDTH, note=note)
