"""Scanned documents attached to a dossier: checked by content, images re-encoded, PDFs inspected."""

import io
import re
import stat
import struct
import time
import unicodedata
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen import canvas

from domain import DomainError, NotFound
from domain.uploads import check_and_store, read_stored

MAX_BYTES = 2 * 1_048_576
MAX_PIXELS = 10_000_000
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png)")


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "instance" / "uploads"  # not created yet: storing makes it


def store(data, name, directory, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS):
    return check_and_store(data, name, directory, max_bytes=max_bytes, max_pixels=max_pixels)


def refuse(data, name, directory, **limits) -> DomainError:
    """Expect a refusal and check that it left nothing behind, not even a temporary file."""
    directory.mkdir(parents=True, exist_ok=True)
    before = set(directory.iterdir())
    with pytest.raises(DomainError) as caught:
        store(data, name, directory, **limits)
    assert set(directory.iterdir()) == before
    return caught.value


def jpeg(size=(60, 40), orientation=1) -> bytes:
    """A phone photo of a page: left half dark, EXIF with camera, orientation and GPS, a comment."""
    image = Image.new("RGB", size, "white")
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 42.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 51.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"Nguyen Van A, phuong X", quality=95)
    return buffer.getvalue()


def png(size=(30, 20)) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Nguyễn Văn A")
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(buffer, "PNG", pnginfo=text, icc_profile=icc)
    return buffer.getvalue()


def pdf(pages=2) -> bytes:
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer)
    for number in range(1, pages + 1):
        document.drawString(72, 720, f"Giay to so {number}")
        document.showPage()
    document.save()
    return buffer.getvalue()


def rewritten_pdf(change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_header(width, height) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_jpeg_is_stored_without_exif_or_gps(uploads):
    original = jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    stored = store(original, "ảnh chụp.jpg", uploads)

    content = (uploads / stored.stored_name).read_bytes()
    assert (stored.media_type, stored.width, stored.height, stored.pages) == ("image/jpeg", 60, 40, None)
    assert stored.stored_name.endswith(".jpg") and stored.size == len(content)
    assert b"Exif" not in content and b"PhoneMaker" not in content and b"Nguyen" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert not image.getexif() and "exif" not in image.info


def test_exif_orientation_is_applied_before_stripping(uploads):
    # Orientation 6: the camera held sideways; viewers turn it 90° clockwise, so the dark left half
    # of the stored pixels belongs at the top.
    stored = store(jpeg(size=(60, 40), orientation=6), "scan.jpg", uploads)

    assert (stored.width, stored.height) == (40, 60)
    with Image.open(uploads / stored.stored_name) as image:
        assert image.size == (40, 60)
        assert image.convert("L").getpixel((20, 10)) < 50
        assert image.convert("L").getpixel((20, 50)) > 200
        assert not image.getexif()  # so no viewer turns it a second time


def test_png_is_reencoded_without_text_or_profile(uploads):
    stored = store(png(), "scan.png", uploads)

    content = (uploads / stored.stored_name).read_bytes()
    assert (stored.media_type, stored.width, stored.height) == ("image/png", 30, 20)
    assert b"Author" not in content and b"iCCP" not in content
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG" and image.getpixel((0, 0)) == (10, 120, 200, 255)


def encoded(image, pillow_format, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, mode",
    [
        (encoded(Image.new("CMYK", (20, 10), (0, 0, 0, 255)), "JPEG"), "RGB"),
        (encoded(Image.new("L", (20, 10), 128), "JPEG"), "L"),
        (encoded(Image.new("P", (20, 10), 3), "PNG"), "P"),
        (encoded(Image.new("I;16", (20, 10), 40_000), "PNG"), "I;16"),
    ],
    ids=["cmyk-jpeg", "grey-jpeg", "palette-png", "16-bit-png"],
)
def test_image_modes_survive_reencoding(uploads, data, mode):
    stored = store(data, "scan", uploads)

    with Image.open(uploads / stored.stored_name) as image:
        assert image.mode == mode and image.size == (20, 10)


def test_palette_transparency_is_kept(uploads):
    image = Image.new("P", (20, 10), 0)
    image.putpalette([255, 255, 255, 0, 0, 0])
    image.paste(1, (0, 0, 10, 10))

    stored = store(encoded(image, "PNG", transparency=0), "scan.png", uploads)

    with Image.open(uploads / stored.stored_name) as image:
        assert image.convert("RGBA").getpixel((0, 0)) == (0, 0, 0, 255)
        assert image.convert("RGBA").getpixel((15, 5))[3] == 0


def test_type_comes_from_content_not_name(uploads):
    stored = store(png(), "scan.pdf", uploads)

    assert stored.media_type == "image/png" and stored.stored_name.endswith(".png")


def test_pdf_is_stored_as_uploaded_with_its_page_count(uploads):
    original = pdf(pages=3)

    stored = store(original, "hồ sơ.pdf", uploads)

    assert (stored.media_type, stored.pages, stored.width) == ("application/pdf", 3, None)
    assert (uploads / stored.stored_name).read_bytes() == original
    assert read_stored(uploads, stored.stored_name) == original


def test_stored_names_are_random_hex_and_private(uploads):
    names = {store(png(), "scan.png", uploads).stored_name for _ in range(5)}

    assert len(names) == 5 and all(STORED_NAME.fullmatch(name) for name in names)
    assert {path.name for path in uploads.iterdir()} == names
    assert all(stat.S_IMODE((uploads / name).stat().st_mode) == 0o600 for name in names)


def test_failed_write_leaves_no_temporary_file(uploads, monkeypatch):
    def full_disk(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("domain.uploads.os.replace", full_disk)

    with pytest.raises(OSError):
        store(png(), "scan.png", uploads)
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize(
    "data",
    [
        b"\x7fELF\x02\x01\x01\x00" + bytes(200),  # Linux executable
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200),  # Windows executable
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b" %PDF-1.7\n",  # a header that is not at the start
    ],
    ids=["elf", "mz", "html", "svg", "gif", "late-pdf-header"],
)
@pytest.mark.parametrize("name", ["scan.pdf", "scan.jpg"])
def test_other_content_is_refused_whatever_its_name(uploads, data, name):
    error = refuse(data, name, uploads)

    assert error.message == "Tệp “{name}” không phải PDF, JPEG hoặc PNG."
    assert error.params == {"name": name}


def test_oversized_and_empty_files_are_refused(uploads):
    error = refuse(png() + bytes(MAX_BYTES), "scan.png", uploads)
    assert error.message == "Tệp “{name}” lớn hơn {mb} MB." and error.params["mb"] == "2"

    assert refuse(b"", "scan.png", uploads).message == "Tệp “{name}” rỗng."


@pytest.mark.parametrize(
    "width, height",
    [(50_000, 50_000), (5_000, 5_000)],
    ids=["beyond-pillow-guard", "beyond-our-limit"],
)
def test_pixel_bomb_is_refused_before_decoding(uploads, width, height):
    started = time.monotonic()

    error = refuse(png_header(width, height), "bomb.png", uploads)

    assert time.monotonic() - started < 2
    assert error.message == "Ảnh “{name}” quá lớn: hơn {limit} triệu điểm ảnh."
    assert error.params == {"name": "bomb.png", "limit": "10"}


def test_pixel_limit_is_the_callers(uploads):
    error = refuse(png(size=(300, 200)), "scan.png", uploads, max_pixels=50_000)

    assert error.params["limit"] == "0.05"


@pytest.mark.parametrize(
    "data",
    [
        jpeg()[:400],  # the upload cut off mid-way
        jpeg()[:-200],
        png()[:-30],
        png().replace(b"IDAT", b"IDAX"),  # no pixel data
        b"%PDF-1.7\nnot really a pdf",
        pdf()[:300],
    ],
    ids=["jpeg-head", "jpeg-tail", "png-tail", "png-no-data", "pdf-garbage", "pdf-head"],
)
def test_corrupt_files_are_refused(uploads, data):
    error = refuse(data, "scan", uploads)

    assert error.message == "Tệp “{name}” bị hỏng hoặc không đọc được."


def open_action(action: dict):
    def change(writer):
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(key): value for key, value in action.items()}
        )

    return change


def additional_page_action(writer):
    """/AA on a page, even one that only goes to another page: refused for what it could do."""
    destination = ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
    go_to = DictionaryObject({NameObject("/S"): NameObject("/GoTo"), NameObject("/D"): destination})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): go_to})


JAVASCRIPT_PDF = rewritten_pdf(lambda writer: writer.add_open_action(JavaScript("app.alert(1);")))


@pytest.mark.parametrize(
    "data",
    [
        JAVASCRIPT_PDF,  # the document-level JavaScript name tree
        JAVASCRIPT_PDF.replace(b"/JavaScript", b"/J#61vaScript"),  # the same, spelt to dodge a byte search
        rewritten_pdf(
            lambda writer: writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1);"))
        ),
        rewritten_pdf(
            open_action({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")})
        ),
        rewritten_pdf(open_action({"/S": NameObject("/Launch"), "/F": TextStringObject("cmd.exe")})),
        rewritten_pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00")),
        pdf() + b"\n99 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n",  # an orphan object
        rewritten_pdf(open_action({"/S": NameObject("/GoToR"), "/F": TextStringObject("\\\\evil\\x.pdf"),
                                   "/D": ArrayObject([])})),
        rewritten_pdf(open_action({"/S": NameObject("/URI"), "/URI": TextStringObject("http://evil.example")})),
        rewritten_pdf(open_action({"/S": NameObject("/SubmitForm"),
                                   "/F": TextStringObject("http://evil.example")})),
        rewritten_pdf(additional_page_action),
    ],
    ids=["names-tree", "escaped-name", "page-open", "open-action", "launch", "embedded-file", "orphan",
         "go-to-remote", "uri", "submit-form", "additional-actions"],
)
def test_pdf_with_scripts_actions_or_attachments_is_refused(uploads, data):
    error = refuse(data, "scan.pdf", uploads)

    assert error.message == ("Tệp PDF “{name}” có mã lệnh, hành động tự động, liên kết ra ngoài hoặc tệp "
                             "đính kèm, không được chấp nhận. Hãy in ra giấy rồi quét lại.")


def test_pdf_opening_at_a_page_is_accepted(uploads):
    def open_at_second_page(writer):
        destination = ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
        open_action({"/S": NameObject("/GoTo"), "/D": destination})(writer)

    assert store(rewritten_pdf(open_at_second_page), "scan.pdf", uploads).pages == 2


@pytest.mark.parametrize("user_password", ["secret", ""], ids=["user-password", "owner-password-only"])
def test_encrypted_pdf_is_refused(uploads, user_password):
    data = rewritten_pdf(lambda writer: writer.encrypt(user_password, "owner", algorithm="RC4-128"))

    assert refuse(data, "scan.pdf", uploads).message == "Tệp PDF “{name}” được đặt mật khẩu."


def test_name_in_messages_is_normalised_and_shortened(uploads):
    declared = "C:\\Users\\an\\" + unicodedata.normalize("NFD", "giấy khai sinh ") * 10 + "\u202egpj.exe"

    name = refuse(b"MZ", declared, uploads).params["name"]

    assert len(name) == 80 and name.endswith("…")
    assert name == unicodedata.normalize("NFC", name) and name.startswith("giấy khai sinh")
    assert "\u202e" not in name and "Users" not in name


@pytest.mark.parametrize(
    "stored_name",
    ["../x", "../../etc/passwd", "/etc/passwd", "0" * 32 + ".exe", "A" * 32 + ".pdf", "0" * 32 + ".pdf\n"],
)
def test_read_stored_only_looks_up_names_it_made(uploads, stored_name):
    with pytest.raises(NotFound):
        read_stored(uploads, stored_name)


def test_read_stored_missing_file(uploads):
    with pytest.raises(NotFound):
        read_stored(uploads, "0" * 32 + ".pdf")
