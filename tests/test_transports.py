"""Every printer link behind one URL, against real parts: a loopback TCP printer, a pseudo-terminal
serial printer, real files and FIFOs, the machine's own USB bus."""

import os
import termios
import time

import pytest
from escpos.printer import CupsPrinter, Serial, Usb
from flask import Flask

from hardware.printers import PrinterError, parse_printer_url, query_status, send_to_printer
from hardware.transports import FilePrinter, PrinterStatus, SerialPrinter, UsbPrinter

from .support.fake_printer import FakePrinter, FakeSerialPrinter

TIMEOUT = 1.0
SLACK = 0.5  # thread start-up and polling on a loaded CI machine
JOB = b"\x1b@" + "Phiếu số A001".encode() + b"\n\x1dV\x01"
STATUSES = [("online", True, "ok"), ("paper_near_end", True, "near_end"), ("paper_out", False, "out"),
            ("silent", None, None)]


def send(url: str, data: bytes = JOB, timeout: float = TIMEOUT) -> None:
    send_to_printer(parse_printer_url(url), data, timeout, None, "job")


def status(url: str, timeout: float = TIMEOUT) -> PrinterStatus:
    return query_status(parse_printer_url(url), timeout)


def message_of(call, *args) -> str:
    with pytest.raises(PrinterError) as error:
        call(*args)
    return str(error.value)


class Timer:
    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.monotonic() - self.started


@pytest.fixture(autouse=True)
def instance_folder(tmp_path):
    """file:// printers write only to device nodes or the instance folder: here, the test's tmp_path."""
    with Flask(__name__, instance_path=str(tmp_path)).app_context():
        yield tmp_path


@pytest.fixture
def fake_printer():
    printers = []

    def start(mode, kind=FakePrinter):
        printers.append(kind(mode))
        return printers[-1]

    yield start
    for printer in printers:
        printer.close()


@pytest.mark.parametrize(("mode", "online", "paper"), STATUSES)
def test_tcp_status_reads_the_answer_bytes(fake_printer, mode, online, paper):
    printer = fake_printer(mode)
    with Timer() as timer:
        result = status(printer.url)
    assert (result.online, result.paper) == (online, paper)
    assert timer.elapsed < TIMEOUT + SLACK  # a silent printer costs the timeout once, not per question
    if mode == "silent":
        assert result.detail == "Máy in không trả lời lệnh hỏi trạng thái"


def test_tcp_job_lands_and_is_confirmed(fake_printer):
    printer = fake_printer("online")
    send(f"{printer.url}?width=384&profile=POS-5890")
    assert printer.wait_for_jobs(1) == [JOB]


def test_tcp_silent_printer_fails_confirmation_but_takes_an_unconfirmed_job(fake_printer):
    printer = fake_printer("silent")
    with Timer() as timer:
        problem = message_of(send, printer.url)
    assert "không phản hồi sau 1 giây" in problem and timer.elapsed < TIMEOUT + SLACK
    send(f"{printer.url}?confirm=0")
    assert printer.wait_for_jobs(2) == [JOB, JOB]


def test_tcp_printer_that_hangs_up_before_answering(fake_printer):
    printer = fake_printer("hangup")
    assert message_of(send, printer.url) == "Máy in đóng kết nối trước khi xác nhận."
    assert status(printer.url).online is None


def test_tcp_refusing_printer_is_an_error_for_jobs_and_status(fake_printer):
    printer = fake_printer("refuse")
    for call in (send, status):
        assert "Không kết nối được máy in 127.0.0.1:" in message_of(call, printer.url)


def test_tcp_hanging_printer_times_out_within_the_bound(fake_printer):
    printer = fake_printer("hang")
    with Timer() as timer:
        result = status(printer.url)
    assert result.online is None and timer.elapsed < TIMEOUT + SLACK
    with Timer() as timer:  # far more than the socket buffers hold: sendall itself must give up
        problem = message_of(send, printer.url, b"\0" * 64_000_000)
    assert "không phản hồi sau 1 giây" in problem and timer.elapsed < TIMEOUT + SLACK


def test_serial_job_and_status_over_a_pseudo_terminal(fake_printer):
    printer = fake_printer("paper_near_end", FakeSerialPrinter)
    send(f"{printer.url}?baud=9600&stopbits=2&dsrdtr=0")
    assert printer.job == JOB
    settings = printer.line_settings()
    assert settings[4] == settings[5] == termios.B9600  # what pyserial set on the line
    assert settings[2] & termios.CSTOPB  # two stop bits (a pty keeps only 8N, whatever is asked)
    result = status(f"{printer.url}?baud=115200")
    assert (result.online, result.paper, result.detail) == (True, "near_end", "Sắp hết giấy")
    assert printer.line_settings()[4] == termios.B115200


@pytest.mark.parametrize(("mode", "online", "paper"), STATUSES[2:])
def test_serial_status_out_of_paper_or_silent(fake_printer, mode, online, paper):
    printer = fake_printer(mode, FakeSerialPrinter)
    with Timer() as timer:
        result = status(printer.url)
    assert (result.online, result.paper) == (online, paper) and timer.elapsed < TIMEOUT + SLACK


def test_serial_printer_that_stops_reading_times_out(fake_printer):
    printer = fake_printer("hang", FakeSerialPrinter)
    url = f"{printer.url}?baud=115200&confirm=0"
    allowance = SerialPrinter(printer.path, 115200).seconds_for(4096)  # one chunk's own transfer time
    with Timer() as timer:
        problem = message_of(send, url, b"\0" * 4_000_000)
    assert "không phản hồi sau 1 giây" in problem
    assert timer.elapsed < TIMEOUT + allowance + SLACK


def test_serial_port_that_does_not_exist(tmp_path):
    problem = message_of(send, f"serial://{tmp_path}/ttyUSB9")
    assert problem == f"Không thấy cổng serial://{tmp_path}/ttyUSB9 (cáp chưa cắm hoặc sai đường dẫn)."
    not_a_tty = tmp_path / "ttyUSB0"
    not_a_tty.write_bytes(b"")
    assert message_of(send, f"serial://{not_a_tty}").startswith(f"Không mở được cổng serial://{not_a_tty}: ")


def test_file_jobs_land_in_the_file_and_status_is_unknown(tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    send(f"file://{device}")
    send(f"file://{device}", b"second")
    assert device.read_bytes() == JOB + b"second"
    result = status(f"file://{device}")
    assert (result.online, result.paper) == (None, None) and "không báo được trạng thái" in result.detail


def test_file_that_does_not_exist_is_not_created(tmp_path):
    missing = tmp_path / "usb" / "lp0"
    for call in (send, status):
        assert f"Không thấy thiết bị file://{missing}" in message_of(call, f"file://{missing}")
    assert not missing.exists()


def test_file_device_that_never_reads_costs_the_timeout_only(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    assert "Không mở được file://" in message_of(send, f"file://{fifo}")  # no reader: like a switched-off lp
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a printer that takes 64 KB, then nothing
    try:
        with Timer() as timer:
            problem = message_of(send, f"file://{fifo}", b"\0" * 1_000_000)
    finally:
        os.close(reader)
    assert "không phản hồi sau 1 giây" in problem and timer.elapsed < TIMEOUT + SLACK


def test_usb_printer_that_is_not_plugged_in():
    url = "usb://04b8:0e28?in_ep=0x81"  # an Epson TM-T20III nobody plugged into a test machine
    for call in (send, status):
        problem = message_of(call, url)
        assert ("Không tìm thấy máy in USB usb://04b8:0e28" in problem
                or "Máy in USB usb://04b8:0e28?in_ep=0x81 cần thư viện libusb/pyusb" in problem)


@pytest.mark.skipif(CupsPrinter.is_usable(), reason="pycups is installed here")
def test_cups_without_pycups_says_so():
    assert message_of(send, "cups://TM-T20") == ("Máy in CUPS cups://TM-T20 cần thư viện pycups, "
                                                 "chưa được cài trên máy này.")


@pytest.mark.parametrize(("printer_class", "url", "problem"), [
    (Usb, "usb://04b8:0202", "Máy in USB usb://04b8:0202 cần thư viện libusb/pyusb"),
    (Serial, "serial:///dev/ttyUSB0", "Máy in cổng nối tiếp serial:///dev/ttyUSB0 cần thư viện pyserial"),
])
def test_missing_library_is_named(monkeypatch, printer_class, url, problem):
    monkeypatch.setattr(printer_class, "is_usable", staticmethod(lambda: False))  # as on a bare machine
    assert message_of(parse_printer_url, url).startswith(problem)


def test_preview_is_online_and_options_are_read():
    preview = parse_printer_url("preview://")
    assert query_status(preview, 1) == PrinterStatus(True, None, "Xem trước trên màn hình")
    assert (preview.width, preview.dot_width(), preview.dot_width(384)) == (None, 576, 384)
    assert not preview.confirm
    usb = parse_printer_url("usb://0x04B8:0202?in_ep=0x81&out_ep=2&width=512&profile=tm-t88v&compact=1"
                            "&confirm=0")
    assert usb.transport == UsbPrinter(0x04B8, 0x0202, 0x81, 0x02, confirm=False)
    assert (usb.width, usb.dot_width(), usb.profile, usb.compact) == (512, 512, "TM-T88V", True)
    assert not usb.confirm
    line = parse_printer_url("serial:///dev/ttyS0?baud=115200&bytesize=7&parity=e&stopbits=1.5&dsrdtr=no")
    assert line.transport == SerialPrinter("/dev/ttyS0", 115200, 7, "E", 1.5, dsrdtr=False)
    assert parse_printer_url("serial://COM3").transport.device == "COM3"
    assert parse_printer_url("file:///dev/usb/lp0").transport == FilePrinter("/dev/usb/lp0")


def test_file_printers_write_only_to_devices_and_the_instance_folder(tmp_path):
    for device in ("/dev/usb/lp0", "/dev/lp1", "/dev/ttyUSB0", "/dev/ttyACM2", "/dev/ttyS0", "/dev/null"):
        assert parse_printer_url(f"file://{device}").transport == FilePrinter(device)
    outside = tmp_path.parent / "elsewhere"
    outside.write_bytes(b"")
    sneaky = tmp_path / "lp0"
    sneaky.symlink_to(outside)  # inside the folder by name, outside by what it points to
    refused = ("/etc/shadow", "/dev/usb/../../etc/passwd", "/dev/sda", "/tmp/lp0", str(outside), str(sneaky))
    for path in refused:
        assert "không được phép" in message_of(parse_printer_url, f"file://{path}")
        # Refused again when a job is sent, should the URL have been saved before this check existed.
        assert "không được phép" in message_of(FilePrinter(path).send, b"x", TIMEOUT)
    assert outside.read_bytes() == b""


@pytest.mark.parametrize(("url", "problem"), [
    ("", "Địa chỉ máy in “” không đúng định dạng."),
    ("tcp://[::1/", "Địa chỉ máy in “tcp://[::1/” không đúng định dạng."),
    ("tcp://printer:99999", "thiếu tên máy hoặc cổng (1–65535)"),
    ("tcp://prin\x00ter", "chỉ gồm chữ không dấu"),
    ("tcp://máy-in", "chỉ gồm chữ không dấu"),
    ("lpt1", "Địa chỉ máy in “lpt1” không đúng định dạng."),
    ("tcp://", "Địa chỉ máy in “tcp://” thiếu tên máy hoặc cổng (1–65535)."),
    ("tcp://printer:notaport", "thiếu tên máy hoặc cổng"),
    ("tcp://printer?width=600", "Độ rộng in “600” không hợp lệ (384, 512 hoặc 576)."),
    ("tcp://printer?width=", "Độ rộng in “” không hợp lệ"),
    ("tcp://printer?confirm=maybe", "Tùy chọn “confirm=maybe” không hợp lệ; dùng 0, 1."),
    ("preview://?compact=2", "Tùy chọn “compact=2” không hợp lệ"),
    ("tcp://printer?profile=TM-T20", "Không có hồ sơ máy in “TM-T20” trong python-escpos; ví dụ: TM-T20II"),
    ("tcp://printer?widht=576", "Tùy chọn “widht” không dùng được với máy in tcp://."),
    ("tcp://printer?baud=9600", "Tùy chọn “baud” không dùng được với máy in tcp://."),
    ("usb://04b8", "Mã USB “04b8” trong “usb://04b8” không hợp lệ: cần VID:PID hệ 16, ví dụ usb://04b8:0202."),
    ("usb://04b8:zz02", "Mã USB “04b8:zz02”"),
    ("usb://0000:0202", "Mã USB “0000:0202”"),
    ("usb://04b8:12345", "Mã USB “04b8:12345”"),
    ("usb://04b8:0202?in_ep=0x01", "Tùy chọn “in_ep=0x01” không hợp lệ; dùng 0x81…0x8f."),
    ("usb://04b8:0202?out_ep=one", "Tùy chọn “out_ep=one” không hợp lệ"),
    ("serial://", "Địa chỉ máy in “serial://” thiếu đường dẫn thiết bị, ví dụ serial:///dev/ttyUSB0."),
    ("serial://dev/ttyUSB0", "thiếu đường dẫn thiết bị"),
    ("serial:///dev/ttyUSB0?baud=9601",
     "Tốc độ baud “9601” không hợp lệ; thường dùng 9600, 38400 hoặc 115200."),
    ("serial:///dev/ttyUSB0?baud=fast", "Tốc độ baud “fast” không hợp lệ"),
    ("serial:///dev/ttyUSB0?parity=X", "Tùy chọn “parity=X” không hợp lệ; dùng N, E, O, M, S."),
    ("serial:///dev/ttyUSB0?stopbits=3", "Tùy chọn “stopbits=3” không hợp lệ; dùng 1, 1.5, 2."),
    ("serial:///dev/ttyUSB0?bytesize=9", "Tùy chọn “bytesize=9” không hợp lệ; dùng 5, 6, 7, 8."),
    ("serial:///dev/ttyUSB0?dsrdtr=2", "Tùy chọn “dsrdtr=2” không hợp lệ"),
    ("file://", "Địa chỉ máy in “file://” thiếu đường dẫn thiết bị, ví dụ file:///dev/usb/lp0."),
    ("file:relative/lp0", "thiếu đường dẫn thiết bị"),
    ("cups://", "Địa chỉ máy in “cups://” thiếu tên hàng đợi CUPS, ví dụ cups://TM-T20."),
    ("cups://office/TM-T20", "thiếu tên hàng đợi CUPS"),
])
def test_bad_printer_urls_say_what_is_wrong(url, problem):
    assert problem in message_of(parse_printer_url, url)

