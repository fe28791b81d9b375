"""The links behind a printer URL: each sends a job's bytes and answers "how is the printer?".

Every call is bounded by its `timeout` (python-escpos would wait 60 s on a Network and forever on a Usb).
TCP, USB and serial carry DLE EOT questions; we read the answer bytes ourselves, because an empty read is
"unknown", never "paper OK" as `paper_status()` would say. A device file reads nothing back, a CUPS queue
reports only its own state, and a preview has no printer at all.
"""

import errno
import os
import re
import select
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Network, Serial, Usb

DLE_EOT_PRINTER = b"\x10\x04\x01"  # answer bit 3: offline; sent last, it proves the job was read
DLE_EOT_PAPER = b"\x10\x04\x04"  # answer bits 2-3: near end, bits 5-6: out
PAPER_NOTES = {"near_end": "Sắp hết giấy", "out": "Hết giấy"}
CUPS_STATES = {3: "sẵn sàng", 4: "đang in", 5: "đã dừng"}
# What a file:// printer may write to: printer and serial device nodes, /dev/null, and files in the
# instance folder (a test bench). Anything else (/etc/shadow, the database) is refused when the URL is
# saved and again before every job, after symlinks are resolved.
DEVICE_NODES = re.compile(r"/dev/(?:usb/lp[0-9]+|lp[0-9]+|ttyUSB[0-9]+|ttyACM[0-9]+|ttyS[0-9]+|null)")
NOT_A_DEVICE = ("Máy in file:// chỉ ghi được vào thiết bị máy in (/dev/usb/lp*, /dev/lp*, /dev/ttyUSB*, "
                "/dev/ttyACM*, /dev/ttyS*, /dev/null) hoặc tệp trong thư mục instance; "
                "“{path}” không được phép.")


class PrinterError(Exception):
    """A printer that could not take a job; `message` is Vietnamese for staff."""

    def __init__(self, message: str, **params):
        super().__init__(message.format(**params))
        self.message = message
        self.params = params


class PrinterUnconfirmed(PrinterError):
    """Every byte of the job was written but the printer did not confirm it: it may have printed, so
    the job must not simply be sent again."""


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None  # None: the printer did not say
    paper: str | None  # "ok" | "near_end" | "out"; None: unknown
    detail: str


def decode_status(printer: bytes, paper: bytes) -> PrinterStatus:
    """Read DLE EOT 1 and 4 answers; a missing or malformed byte stays unknown."""
    online = not printer[0] & 0x08 if _is_status(printer) else None
    paper_state = None
    if _is_status(paper):
        paper_state = "out" if paper[0] & 0x60 else "near_end" if paper[0] & 0x0C else "ok"
    notes = []
    if online is None:
        notes.append("Máy in không trả lời lệnh hỏi trạng thái")
    elif not online:
        notes.append("Máy in báo ngoại tuyến (mở nắp, hết giấy hoặc lỗi)")
    if paper_state in PAPER_NOTES:
        notes.append(PAPER_NOTES[paper_state])
    elif paper_state is None and online is not None:
        notes.append("Máy in không báo tình trạng giấy")
    return PrinterStatus(online, paper_state, "; ".join(notes) or "Sẵn sàng")


def _is_status(answer: bytes) -> bool:
    return len(answer) > 0 and answer[0] & 0x93 == 0x12  # fixed bits of every DLE EOT answer: 0xx1xx10


def _timed_out(printer: str, timeout: float) -> PrinterError:
    return PrinterError("Máy in {printer} không phản hồi sau {t:g} giây.", printer=printer, t=timeout)


def _lost(printer: str, exc: Exception) -> PrinterError:
    return PrinterError("Mất kết nối với máy in {printer}: {err}", printer=printer,
                        err=getattr(exc, "strerror", None) or exc)


class Answering:
    """A link that reads back (TCP, USB, serial): send, optionally confirm, and ask for status."""

    confirm: bool
    label: str

    def send(self, data: bytes, timeout: float) -> None:
        """Deliver the job; with `confirm`, wait until the printer answers the DLE EOT behind it."""
        link = self._open(timeout)
        try:
            self._write(link, data, timeout)
            if self.confirm:
                self._confirm(link, timeout)
        finally:
            self._close(link)

    def _confirm(self, link, timeout: float) -> None:
        """Ask DLE EOT 1 behind the job; whatever goes wrong now, the job's bytes were all written."""
        try:
            self._write(link, DLE_EOT_PRINTER, timeout)
            answer = self._read(link, time.monotonic() + timeout)
        except PrinterError as exc:
            raise PrinterUnconfirmed(exc.message, **exc.params) from exc
        if answer is None:
            raise PrinterUnconfirmed("Máy in đóng kết nối trước khi xác nhận.")
        if not answer:
            raise PrinterUnconfirmed("Máy in {printer} không phản hồi sau {t:g} giây.", printer=self.label,
                                     t=timeout)

    def status(self, timeout: float) -> PrinterStatus:
        """Ask DLE EOT 1 then 4, all within `timeout`; no answer means unknown."""
        deadline = time.monotonic() + timeout
        link = self._open(timeout)
        try:
            self._write(link, DLE_EOT_PRINTER, timeout)
            printer = self._read(link, deadline) or b""
            paper = b""
            if printer:  # a printer that said nothing will not say more
                self._write(link, DLE_EOT_PAPER, timeout)
                paper = self._read(link, deadline) or b""
        finally:
            self._close(link)
        return decode_status(printer, paper)


@dataclass(frozen=True)
class TcpPrinter(Answering):
    host: str
    port: int = 9100
    confirm: bool = True

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    def _open(self, timeout: float) -> Network:
        try:  # connect ourselves: Network.open() leaks the socket when the connect fails
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
        except OSError as exc:
            raise PrinterError("Không kết nối được máy in {printer} (máy tắt hoặc sai địa chỉ).",
                               printer=self.label) from exc
        link = Network(self.host, self.port, timeout=timeout)
        link.device = sock
        return link

    def _write(self, link: Network, data: bytes, timeout: float) -> None:
        try:
            link.device.settimeout(timeout)  # since 3.5 this bounds the whole sendall
            link._raw(data)
        except TimeoutError as exc:
            raise _timed_out(self.label, timeout) from exc
        except OSError as exc:
            raise _lost(self.label, exc) from exc

    def _read(self, link: Network, deadline: float) -> bytes | None:
        """One answer byte; b"" when none came in time, None when the printer hung up."""
        try:
            link.device.settimeout(max(deadline - time.monotonic(), 0.01))
            return link.device.recv(1) or None
        except TimeoutError:
            return b""
        except OSError as exc:
            raise _lost(self.label, exc) from exc

    def _close(self, link: Network) -> None:
        link.close()


@dataclass(frozen=True)
class UsbPrinter(Answering):
    vendor_id: int
    product_id: int
    in_ep: int = 0x82
    out_ep: int = 0x01
    confirm: bool = True

    @property
    def label(self) -> str:
        return f"usb://{self.vendor_id:04x}:{self.product_id:04x}"

    def _open(self, timeout: float) -> Usb:
        import usb.core  # present: parse_printer_url checked Usb.is_usable()

        link = Usb(self.vendor_id, self.product_id, timeout=int(timeout * 1000), in_ep=self.in_ep,
                   out_ep=self.out_ep)
        try:
            link.open()
        except usb.core.NoBackendError as exc:  # pyusb is there, the libusb library is not
            raise PrinterError("Máy in USB {url} cần thư viện libusb/pyusb, chưa được cài trên máy này.",
                               url=self.label) from exc
        except DeviceNotFoundError as exc:
            raise PrinterError("Không tìm thấy máy in USB {printer} (chưa cắm cáp, máy tắt hoặc sai mã "
                               "VID:PID).", printer=self.label) from exc
        return link

    def _write(self, link: Usb, data: bytes, timeout: float) -> None:
        import usb.core

        try:
            link._raw(data)
        except usb.core.USBTimeoutError as exc:
            raise _timed_out(self.label, timeout) from exc
        except usb.core.USBError as exc:
            raise _lost(self.label, exc) from exc

    def _read(self, link: Usb, deadline: float) -> bytes:
        import usb.core

        wait = max(int((deadline - time.monotonic()) * 1000), 1)
        try:
            return bytes(link.device.read(self.in_ep, 16, wait))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise _lost(self.label, exc) from exc

    def _close(self, link: Usb) -> None:
        link.close()


@dataclass(frozen=True)
class SerialPrinter(Answering):
    """A serial line is slow (52 KB takes 54 s at 9600 baud): each 4 KB gets its transfer time on top."""

    device: str
    baud: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    dsrdtr: bool = True
    confirm: bool = True
    chunk: int = 4096

    @property
    def label(self) -> str:
        return f"serial://{self.device}"

    def seconds_for(self, size: int) -> float:
        """Time the line needs for `size` bytes: start bit, data bits, parity, stop bits."""
        return size * (1 + self.bytesize + (self.parity != "N") + self.stopbits) / self.baud

    def _open(self, timeout: float) -> Serial:
        link = Serial(self.device, self.baud, self.bytesize, timeout, self.parity, self.stopbits,
                      dsrdtr=self.dsrdtr)
        try:
            link.open()
        except DeviceNotFoundError as exc:
            code = getattr(exc.__context__, "errno", None)  # pyserial's SerialException keeps the OS errno
            if code == errno.ENOENT:
                raise PrinterError("Không thấy cổng {printer} (cáp chưa cắm hoặc sai đường dẫn).",
                                   printer=self.label) from exc
            if code in (errno.EACCES, errno.EPERM):
                raise PrinterError("Không có quyền mở cổng {printer} (cần thêm người dùng vào nhóm dialout).",
                                   printer=self.label) from exc
            raise PrinterError("Không mở được cổng {printer}: {err}", printer=self.label,
                               err=os.strerror(code) if code else exc.__context__ or exc) from exc
        link.device.reset_input_buffer()  # a late answer to an earlier question is not ours
        return link

    def _write(self, link: Serial, data: bytes, timeout: float) -> None:
        import serial

        port = link.device
        try:
            for start in range(0, len(data), self.chunk):
                piece = data[start:start + self.chunk]
                port.write_timeout = timeout + self.seconds_for(len(piece))
                port.write(piece)
            deadline = time.monotonic() + timeout + self.seconds_for(port.out_waiting)
            while port.out_waiting and time.monotonic() < deadline:
                time.sleep(0.02)
            if port.out_waiting:
                raise serial.SerialTimeoutException("drain")
        except serial.SerialTimeoutException as exc:
            port.reset_output_buffer()  # or closing the port waits for the stuck bytes
            raise _timed_out(self.label, timeout) from exc
        except (serial.SerialException, OSError) as exc:
            raise _lost(self.label, exc) from exc

    def _read(self, link: Serial, deadline: float) -> bytes:
        import serial

        link.device.timeout = max(deadline - time.monotonic(), 0.01)
        try:
            return link.device.read(1)
        except serial.SerialException as exc:  # e.g. the USB-serial adapter was pulled out
            raise _lost(self.label, exc) from exc

    def _close(self, link: Serial) -> None:
        port = link.device
        if port is not None and port.is_open:  # not Serial.close(): its tcdrain has no time limit
            port.close()
        link.device = False


@dataclass(frozen=True)
class FilePrinter:
    """A device file such as /dev/usb/lp0, opened O_NONBLOCK so a stuck printer costs `timeout`, not the
    worker: a writing thread could be abandoned but would keep the device, and its job, forever."""

    path: str

    @property
    def label(self) -> str:
        return f"file://{self.path}"

    def send(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        fd = self._open()
        try:
            view = memoryview(data)
            while view:
                if not select.select([], [fd], [], max(deadline - time.monotonic(), 0))[1]:
                    raise _timed_out(self.label, timeout)
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    continue
                except OSError as exc:
                    raise _lost(self.label, exc) from exc
        finally:
            os.close(fd)

    def status(self, timeout: float) -> PrinterStatus:
        os.close(self._open())  # a missing or unwritable device is an error, as for a send
        return PrinterStatus(None, None, "Máy in nối qua tệp thiết bị không báo được trạng thái")

    def _open(self) -> int:
        if not device_file_allowed(self.path):
            raise PrinterError(NOT_A_DEVICE, path=self.path)
        try:  # no O_CREAT: an unplugged /dev/usb/lp0 must not come back as a plain file
            return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
        except FileNotFoundError as exc:
            raise PrinterError("Không thấy thiết bị {printer} (máy in chưa cắm hoặc sai đường dẫn).",
                               printer=self.label) from exc
        except PermissionError as exc:
            raise PrinterError("Không có quyền ghi vào {printer} (cần thêm người dùng vào nhóm lp).",
                               printer=self.label) from exc
        except OSError as exc:
            raise PrinterError("Không mở được {printer}: {err}", printer=self.label,
                               err=exc.strerror or exc) from exc


def device_file_allowed(path: str) -> bool:
    """True for a printer device node, /dev/null or a file inside the app's instance folder."""
    real = os.path.realpath(path)  # a symlink (/dev/serial/by-id/…) counts where it points
    if DEVICE_NODES.fullmatch(real):
        return True
    folder = _instance_folder()
    return folder is not None and real.startswith(folder + os.sep)


def _instance_folder() -> str | None:
    from flask import current_app, has_app_context  # hardware stays usable without an app

    return os.path.realpath(current_app.instance_path) if has_app_context() else None


@dataclass(frozen=True)
class CupsQueue:
    """A CUPS queue, sent raw. pycups has no time limit and libcups may retry a dead cupsd for long, so
    each call runs in a daemon thread we stop waiting for."""

    queue: str

    @property
    def label(self) -> str:
        return f"cups://{self.queue}"

    def send(self, data: bytes, timeout: float) -> None:
        def submit():
            printer = CupsPrinter(self.queue)
            try:
                printer.open(job_name="motcua")
                printer._raw(data)
                printer.close()  # submits the buffered job
            finally:
                printer.tmpfile.close()

        self._bounded(submit, timeout)

    def status(self, timeout: float) -> PrinterStatus:
        def ask():
            import cups  # present: parse_printer_url checked CupsPrinter.is_usable()

            return cups.Connection().getPrinters().get(self.queue)

        queue = self._bounded(ask, timeout)
        if queue is None:
            raise PrinterError("Không có hàng đợi CUPS {printer} trên máy này.", printer=self.label)
        state = queue.get("printer-state")
        detail = f"Hàng đợi CUPS {CUPS_STATES.get(state, 'không rõ trạng thái')}"
        if queue.get("printer-state-message"):
            detail += f": {queue['printer-state-message']}"
        return PrinterStatus({3: True, 4: True, 5: False}.get(state), None, detail)

    def _bounded(self, call, timeout: float):
        outcome = {}

        def run():
            try:
                outcome["value"] = call()
            except Exception as exc:  # reported in the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, name=f"cups {self.queue}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise _timed_out(self.label, timeout)
        if "error" in outcome:
            raise PrinterError("Hàng đợi CUPS {printer} không nhận lệnh: {err}", printer=self.label,
                               err=outcome["error"]) from outcome["error"]
        return outcome["value"]


@dataclass(frozen=True)
class PreviewPrinter:
    """preview://: nothing leaves the machine; the job is kept for the screen when a folder is given."""

    def send(self, data: bytes, timeout: float, folder: Path | None = None, job_name: str = "job",
             image=None) -> None:
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{job_name}.bin").write_bytes(data)
        if image is not None:
            image.save(folder / f"{job_name}.png", compress_level=1)  # 0.9 ms, not 2.1 ms a ticket

    def status(self, timeout: float) -> PrinterStatus:
        return PrinterStatus(True, None, "Xem trước trên màn hình")
