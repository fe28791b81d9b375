"""Printer URLs: one address names the link and how to print on it.

    preview://                                  keep each job (PNG + raw bytes) in the instance folder
    tcp://host:9100                             raw TCP ("JetDirect")
    usb://04b8:0202?in_ep=0x82&out_ep=0x01      VID:PID in hex, through pyusb/libusb
    serial:///dev/ttyUSB0?baud=115200           also bytesize=8, parity=N, stopbits=1, dsrdtr=1
    file:///dev/usb/lp0                         a device file (Linux usblp); cannot report status
    cups://queue                                a CUPS queue, sent raw

On every URL: width=384|512|576 (dots; absent: the caller takes the profile's), profile=<python-escpos
profile>, compact=0|1, confirm=0|1 (wait for the printer to answer after the job; TCP, USB and serial only).
"""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from escpos.capabilities import CAPABILITIES
from escpos.printer import CupsPrinter, Serial, Usb

from .transports import (
    NOT_A_DEVICE,
    CupsQueue,
    FilePrinter,
    PreviewPrinter,
    PrinterError,
    PrinterStatus,
    SerialPrinter,
    TcpPrinter,
    UsbPrinter,
    device_file_allowed,
)

__all__ = ["PrinterAddress", "PrinterError", "PrinterStatus", "parse_printer_url", "query_status",
           "send_to_printer"]

DOT_WIDTHS = (384, 512, 576)
MAX_URL = 300  # counter.printer_url and kiosk.printer_url are String(300)
COMMON_OPTIONS = {"width", "profile", "compact", "confirm"}
SCHEME_OPTIONS = {"preview": set(), "tcp": set(), "usb": {"in_ep", "out_ep"}, "file": set(), "cups": set(),
                  "serial": {"baud", "bytesize", "parity", "stopbits", "dsrdtr"}}
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)
FLAGS = {"1": True, "true": True, "yes": True, "on": True,
         "0": False, "false": False, "no": False, "off": False}
USB_IDS = re.compile(r"(?:0x)?([0-9a-f]{1,4}):(?:0x)?([0-9a-f]{1,4})", re.IGNORECASE)


@dataclass(frozen=True)
class PrinterAddress:
    scheme: str
    transport: object  # TcpPrinter, UsbPrinter, SerialPrinter, FilePrinter, CupsQueue or PreviewPrinter
    width: int | None = None  # None: not in the URL
    profile: str | None = None
    compact: bool = False
    confirm: bool = True
    url: str = ""

    def dot_width(self, default: int = 576) -> int:
        """The URL's dot width, or `default` (say, the profile's) when it gives none."""
        return self.width or default


def parse_printer_url(url: str) -> PrinterAddress:
    """Parse a printer URL, or raise PrinterError saying what is wrong with it."""
    text = (url or "").strip()
    if not (text.isascii() and text.isprintable()) or len(text) > MAX_URL:
        # Device names, hosts and options are plain ASCII; a control character would reach a socket.
        raise PrinterError("Địa chỉ máy in chỉ gồm chữ không dấu, chữ số và dấu câu, tối đa {n} ký tự.",
                           n=MAX_URL)
    try:
        parts = urlsplit(text)
    except ValueError:  # "tcp://[::1/": an unbalanced "[" in the host
        parts = None
    if parts is None or parts.scheme not in SCHEME_OPTIONS:
        raise PrinterError("Địa chỉ máy in “{url}” không đúng định dạng.", url=text)
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = sorted(query.keys() - COMMON_OPTIONS - SCHEME_OPTIONS[parts.scheme])
    if unknown:
        raise PrinterError("Tùy chọn “{option}” không dùng được với máy in {scheme}://.", option=unknown[0],
                           scheme=parts.scheme)
    transport = BUILDERS[parts.scheme](parts, query, text)
    _require_library(parts.scheme, text)
    return PrinterAddress(parts.scheme, transport, _width(query), _profile(query),
                          _flag(query, "compact", False), getattr(transport, "confirm", False), text)


def send_to_printer(address: PrinterAddress, data: bytes, timeout: float, preview_dir: Path,
                    job_name: str, image=None) -> None:
    """Deliver one job's ESC/POS bytes, or raise PrinterError."""
    if isinstance(address.transport, PreviewPrinter):
        address.transport.send(data, timeout, preview_dir, job_name, image)
    else:
        address.transport.send(data, timeout)


def query_status(address: PrinterAddress, timeout: float = 3.0) -> PrinterStatus:
    """Ask the printer how it is; unknown fields are None. Raises PrinterError when it cannot be reached."""
    return address.transport.status(timeout)


def _tcp(parts, query, url):
    try:
        port = parts.port or 9100
    except ValueError:  # not a number, or above 65535
        port = None
    if not parts.hostname or port is None:
        raise PrinterError("Địa chỉ máy in “{url}” thiếu tên máy hoặc cổng (1–65535).", url=url)
    return TcpPrinter(parts.hostname, port, _flag(query, "confirm", True))


def _usb(parts, query, url):
    ids = USB_IDS.fullmatch(parts.netloc)
    vendor, product = (int(ids[1], 16), int(ids[2], 16)) if ids else (0, 0)
    if not (vendor and product):  # python-escpos drops a zero id and would take any USB device
        raise PrinterError("Mã USB “{ids}” trong “{url}” không hợp lệ: cần VID:PID hệ 16, ví dụ "
                           "usb://04b8:0202.", ids=parts.netloc, url=url)
    in_ep = _number(query, "in_ep", 0x82, range(0x81, 0x90), "0x81…0x8f")
    out_ep = _number(query, "out_ep", 0x01, range(0x01, 0x10), "0x01…0x0f")
    return UsbPrinter(vendor, product, in_ep, out_ep, _flag(query, "confirm", True))


def _serial(parts, query, url):
    baud = query.get("baud", "9600")
    if not baud.isdigit() or int(baud) not in BAUD_RATES:
        raise PrinterError("Tốc độ baud “{value}” không hợp lệ; thường dùng 9600, 38400 hoặc 115200.",
                           value=baud)
    return SerialPrinter(_device(parts, url, "serial:///dev/ttyUSB0"), int(baud),
                         _number(query, "bytesize", 8, range(5, 9), "5, 6, 7, 8"),
                         _choice(query, "parity", "N", ("N", "E", "O", "M", "S")),
                         _choice(query, "stopbits", 1, (1, 1.5, 2)), _flag(query, "dsrdtr", True),
                         _flag(query, "confirm", True))


def _file(parts, query, url):
    path = _device(parts, url, "file:///dev/usb/lp0")
    if not device_file_allowed(path):
        raise PrinterError(NOT_A_DEVICE, path=path)
    return FilePrinter(path)


def _cups(parts, query, url):
    if not parts.netloc or parts.path.strip("/"):
        raise PrinterError("Địa chỉ máy in “{url}” thiếu tên hàng đợi CUPS, ví dụ cups://TM-T20.", url=url)
    return CupsQueue(parts.netloc)


BUILDERS = {"preview": lambda parts, query, url: PreviewPrinter(), "tcp": _tcp, "usb": _usb,
            "serial": _serial, "file": _file, "cups": _cups}


def _device(parts, url, example):
    """serial:///dev/ttyUSB0 gives a path; serial://COM3 (Windows) a bare name; serial://dev/x is a slip."""
    if parts.netloc and not parts.path:
        return parts.netloc
    if parts.netloc or not parts.path.startswith("/") or parts.path == "/":
        raise PrinterError("Địa chỉ máy in “{url}” thiếu đường dẫn thiết bị, ví dụ {example}.", url=url,
                           example=example)
    return parts.path


def _require_library(scheme, url):
    """Checked on every parse, not at import: the library may be installed after the app started."""
    if scheme == "usb" and not Usb.is_usable():
        raise PrinterError("Máy in USB {url} cần thư viện libusb/pyusb, chưa được cài trên máy này.", url=url)
    if scheme == "serial" and not Serial.is_usable():
        raise PrinterError("Máy in cổng nối tiếp {url} cần thư viện pyserial, chưa được cài trên máy này.",
                           url=url)
    if scheme == "cups" and not CupsPrinter.is_usable():
        raise PrinterError("Máy in CUPS {url} cần thư viện pycups, chưa được cài trên máy này.", url=url)


def _width(query):
    if "width" not in query:
        return None
    width = query["width"]
    if not width.isdigit() or int(width) not in DOT_WIDTHS:
        raise PrinterError("Độ rộng in “{w}” không hợp lệ (384, 512 hoặc 576).", w=width)
    return int(width)


def _profile(query):
    name = query.get("profile")
    if name is None:
        return None
    profiles = {known.casefold(): known for known in CAPABILITIES["profiles"]}
    if name.casefold() in profiles:
        return profiles[name.casefold()]
    close = difflib.get_close_matches(name, list(profiles.values()), n=3, cutoff=0.5)
    examples = [*close, *(p for p in ("TM-T20II", "TM-T88V", "POS-5890", "default") if p not in close)]
    raise PrinterError("Không có hồ sơ máy in “{name}” trong python-escpos; ví dụ: {examples}.", name=name,
                       examples=", ".join(examples[:5]))


def _bad_option(option, value, allowed):
    return PrinterError("Tùy chọn “{option}={value}” không hợp lệ; dùng {allowed}.", option=option,
                        value=value, allowed=allowed)


def _flag(query, option, default):
    value = query.get(option)
    if value is None:
        return default
    if value.lower() not in FLAGS:
        raise _bad_option(option, value, "0, 1")
    return FLAGS[value.lower()]


def _number(query, option, default, allowed, hint):
    value = query.get(option)
    if value is None:
        return default
    try:
        number = int(value, 0)
    except ValueError:
        number = None
    if number not in allowed:
        raise _bad_option(option, value, hint)
    return number


def _choice(query, option, default, allowed):
    value = query.get(option)
    if value is None:
        return default
    match = [a for a in allowed if str(a) == value.upper()]
    if not match:
        raise _bad_option(option, value, ", ".join(map(str, allowed)))
    return match[0]
