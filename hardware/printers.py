"""Printer URLs and the transports behind them.

    preview://                 keep each job (PNG + raw bytes) in the instance folder
    tcp://host:9100?width=576  raw TCP ("JetDirect"), python-escpos Network
"""

import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from escpos.printer import Network

DOT_WIDTHS = (384, 512, 576)
DLE_EOT_PRINTER = b"\x10\x04\x01"  # real-time status: answered only once earlier bytes were read


class PrinterError(Exception):
    """A printer that could not take a job; `message` is Vietnamese for staff."""

    def __init__(self, message: str, **params):
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


@dataclass(frozen=True)
class PrinterAddress:
    scheme: str
    host: str = ""
    port: int = 0
    width: int = 576
    confirm: bool = True  # wait for a status byte after the job: proves it was read
    options: dict = field(default_factory=dict)


def parse_printer_url(url: str) -> PrinterAddress:
    """Parse a printer URL, or raise PrinterError saying what is wrong with it."""
    parts = urlsplit((url or "").strip())
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        width = int(query.get("width", 576))
    except ValueError:
        width = 0
    if width not in DOT_WIDTHS:
        raise PrinterError("Độ rộng in “{w}” không hợp lệ (384, 512 hoặc 576).", w=query["width"])
    confirm = query.get("confirm", "1") not in ("0", "no", "false")
    if parts.scheme == "preview":
        return PrinterAddress("preview", width=width, confirm=False)
    if parts.scheme == "tcp":
        try:
            port = parts.port or 9100
        except ValueError:
            port = None
        if not parts.hostname or port is None:
            raise PrinterError("Địa chỉ máy in “{url}” thiếu tên máy hoặc cổng.", url=url)
        return PrinterAddress("tcp", parts.hostname, port, width, confirm)
    if parts.scheme in ("usb", "serial", "file", "cups"):
        raise PrinterError("Kiểu kết nối máy in “{s}” chưa được hỗ trợ ở phiên bản này.", s=parts.scheme)
    raise PrinterError("Địa chỉ máy in “{url}” không đúng định dạng.", url=url)


def send_to_printer(address: PrinterAddress, data: bytes, timeout: float, preview_dir: Path,
                    job_name: str, image=None) -> None:
    """Deliver one job's ESC/POS bytes, or raise PrinterError."""
    if address.scheme == "preview":
        preview_dir.mkdir(parents=True, exist_ok=True)
        (preview_dir / f"{job_name}.bin").write_bytes(data)
        if image is not None:
            image.save(preview_dir / f"{job_name}.png")
        return
    _send_tcp(address, data, timeout)


def _send_tcp(address: PrinterAddress, data: bytes, timeout: float) -> None:
    try:  # connect ourselves: Network.open() leaks the socket when the connect fails
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except OSError as exc:
        raise PrinterError("Không kết nối được máy in {host}:{port} (máy tắt hoặc sai địa chỉ).",
                           host=address.host, port=address.port) from exc
    printer = Network(address.host, address.port, timeout=timeout)
    printer.device = sock
    try:
        printer._raw(data)
        if address.confirm:
            printer._raw(DLE_EOT_PRINTER)
            if not sock.recv(1):
                raise PrinterError("Máy in đóng kết nối trước khi xác nhận.")
    except TimeoutError as exc:
        raise PrinterError("Máy in {host}:{port} không phản hồi sau {t:g} giây.",
                           host=address.host, port=address.port, t=timeout) from exc
    except OSError as exc:
        raise PrinterError("Mất kết nối với máy in {host}:{port}: {err}",
                           host=address.host, port=address.port, err=exc.strerror or exc) from exc
    finally:
        printer.close()
