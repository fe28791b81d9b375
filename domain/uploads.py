"""Check a scanned document attached to a dossier (số hóa hồ sơ) and store it under a random name.

Only PDF, JPEG and PNG are accepted, decided by the file's first bytes, never by its name or the
browser's Content-Type. Images are decoded within a pixel limit and re-encoded from their pixels,
which leaves EXIF (with GPS), XMP, ICC profiles, comments and text chunks behind. PDFs are parsed
with pypdf and refused if encrypted or carrying scripts, actions (launch, remote go-to, URI, form
submission, additional actions) or attached files; a clean
PDF is stored byte for byte, because re-writing it would break the digital signature of an
electronic certified copy (bản sao điện tử có chứng thực).

The caller passes `<instance>/uploads`, outside `static/`, and serves files as attachments.
`attach_scan` then adds the checked file to its dossier, with its event.
"""

import hashlib
import io
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from models import Attachment
from motcua.extensions import db

from . import DomainError, NotFound
from .events import record

NAME_LIMIT = 80  # characters of the citizen's file name shown in a message
_KINDS = (  # (magic bytes, media type, extension, Pillow format or None for PDF)
    (b"%PDF-", "application/pdf", ".pdf", None),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", "PNG"),
)
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png)")
# "/AA" (additional actions: on page open, on focus…) is refused whatever it does; an /OpenAction is
# refused by what it does (a GoTo to a page is fine, JavaScript is not).
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia", "/AA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/GoToE", "/GoToR", "/URI", "/ImportData", "/SubmitForm",
                   "/ResetForm", "/RichMediaExecute", "/Rendition", "/Movie", "/Sound"}
ACTIVE_MESSAGE = ("Tệp PDF “{name}” có mã lệnh, hành động tự động, liên kết ra ngoài hoặc tệp đính kèm, "
                  "không được chấp nhận. Hãy in ra giấy rồi quét lại.")
# Also searched in the raw bytes: an old revision or an orphan object pypdf skips may still be
# found by a lenient viewer. "/JS" is left out: three bytes recur by chance in compressed scans.
_ACTIVE_BYTES = re.compile(rb"/(?:JavaScript|EmbeddedFiles|Launch|GoToR|SubmitForm|URI)(?![A-Za-z0-9#])")


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # random hex + extension, never the citizen's file name
    media_type: str
    size: int  # bytes as stored (images after re-encoding)
    sha256: str
    pages: int | None = None  # PDF only
    width: int | None = None  # images only, upright
    height: int | None = None


def check_and_store(
    data: bytes, declared_name: str, directory: Path, max_bytes: int, max_pixels: int
) -> StoredFile:
    """Refuse anything but a clean PDF, JPEG or PNG within the limits, then store it atomically."""
    name = _shown_name(declared_name)
    if not data:
        raise DomainError("Tệp “{name}” rỗng.", name=name)
    if len(data) > max_bytes:
        raise DomainError("Tệp “{name}” lớn hơn {mb} MB.", name=name, mb=f"{max_bytes / 1_048_576:g}")
    kind = next((kind for kind in _KINDS if data.startswith(kind[0])), None)
    if kind is None:
        raise DomainError("Tệp “{name}” không phải PDF, JPEG hoặc PNG.", name=name)
    _, media_type, extension, pillow_format = kind
    pages = width = height = None
    if pillow_format is None:
        content, pages = data, _count_clean_pages(data, name)
    else:
        content, (width, height) = _reencode_image(data, pillow_format, name, max_pixels)
    stored_name = secrets.token_hex(16) + extension
    _write_atomically(directory / stored_name, content)
    return StoredFile(
        stored_name, media_type, len(content), hashlib.sha256(content).hexdigest(), pages, width, height
    )


def attach_scan(dossier, officer, document: str, stored: StoredFile) -> Attachment:
    """Attach a checked, stored scan to `dossier` and record that it was scanned."""
    attachment = Attachment(site_id=dossier.site_id, dossier_id=dossier.id, document=document,
                            stored_name=stored.stored_name, media_type=stored.media_type, size=stored.size,
                            sha256=stored.sha256, uploaded_by_id=officer.id)
    db.session.add(attachment)
    record("dossier.document_scanned", attachment, actor=officer)
    return attachment


def read_stored(directory: Path, stored_name: str) -> bytes:
    """Return a stored file's bytes; only names this module makes are looked up."""
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise NotFound("Không tìm thấy tệp.")
    try:
        return (directory / stored_name).read_bytes()
    except FileNotFoundError as error:
        raise NotFound("Không tìm thấy tệp.") from error


def _shown_name(declared_name: str) -> str:
    # Drop any client-side folder and control or bidi characters (a U+202E can make "gpj.exe" read
    # as "exe.jpg"); the result only ever appears in messages, escaped by the template.
    text = unicodedata.normalize("NFC", re.split(r"[\\/]", declared_name)[-1])
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1] + "…"


def _unreadable(name: str) -> DomainError:
    return DomainError("Tệp “{name}” bị hỏng hoặc không đọc được.", name=name)


def _too_many_pixels(name: str, limit: int) -> DomainError:
    return DomainError(
        "Ảnh “{name}” quá lớn: hơn {limit} triệu điểm ảnh.", name=name, limit=f"{limit / 1e6:g}"
    )


def _reencode_image(
    data: bytes, pillow_format: str, name: str, max_pixels: int
) -> tuple[bytes, tuple[int, int]]:
    try:
        with _open_image(data, pillow_format, name, max_pixels) as image:
            image.verify()  # checks what it can without decoding (PNG CRCs); unusable afterwards
        with _open_image(data, pillow_format, name, max_pixels) as image:
            upright = ImageOps.exif_transpose(image)  # decodes: a truncated file fails here
        return _encode(upright, pillow_format), upright.size
    except DomainError:
        raise
    except Exception as error:  # Pillow raises many types on hostile input; each means unreadable
        raise _unreadable(name) from error


def _open_image(data: bytes, pillow_format: str, name: str, max_pixels: int) -> Image.Image:
    # Opening reads only the header. Pillow's own bomb guard (the global MAX_IMAGE_PIXELS) stays as a
    # second line and counts as a refusal; its warning is a refusal only where warnings are errors,
    # but then our tighter limit refuses the same image just below.
    try:
        image = Image.open(io.BytesIO(data), formats=[pillow_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise _too_many_pixels(name, min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from bomb
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise _too_many_pixels(name, max_pixels)
    return image


def _encode(image: Image.Image, pillow_format: str) -> bytes:
    # Keep only what drawing the pixels needs (palette transparency) and the scan resolution, so the
    # stored copy prints at its true size; everything else in `info` is metadata.
    dpi = image.info.get("dpi")
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    options = {"dpi": dpi} if dpi else {}
    if pillow_format == "JPEG":
        image = image if image.mode in ("RGB", "L") else image.convert("RGB")
        options["quality"] = 90
    buffer = io.BytesIO()
    image.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


def _count_clean_pages(data: bytes, name: str) -> int:
    # pypdf is imported here, when a PDF is first checked: it loads OpenSSL's bindings (~7 MB of
    # memory) that a server giving out tickets all day never needs.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DomainError("Tệp PDF “{name}” được đặt mật khẩu.", name=name)
        if _has_active_content(reader) or _ACTIVE_BYTES.search(data):
            raise DomainError(ACTIVE_MESSAGE, name=name)
        pages = len(reader.pages)
    except DomainError:
        raise
    except Exception as error:  # pypdf raises many types on hostile input; each means unreadable
        raise _unreadable(name) from error
    if pages == 0:
        raise _unreadable(name)
    return pages


def _has_active_content(reader) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    # Walk every object reachable from the trailer; streams are looked at by their dictionary only,
    # so page contents are never decompressed.
    stack, seen = [reader.trailer], set()
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            action = node.get("/S")  # like values(), get() leaves a reference unresolved
            action = action.get_object() if isinstance(action, IndirectObject) else action
            if _ACTIVE_KEYS & node.keys() or (isinstance(action, str) and action in _ACTIVE_ACTIONS):
                return True
            stack.extend(node.values())  # unresolved, so references go through `seen`
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0o600; the rename makes it appear whole or not at all.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the new name itself survive a power cut
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
