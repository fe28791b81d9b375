"""A loopback ESC/POS printer on 127.0.0.1: records every job and answers DLE EOT.

Modes: "online" (reads, answers status), "paper_near_end", "paper_out" (reads, answers with that
status), "silent" (reads everything, never answers), "hangup" (reads up to a status question, then
closes the connection), "refuse" (nothing listens: connection refused),
"hang" (accepts, never reads or answers). `answer_delay` makes a printer busy printing: a status question
that follows job bytes on the same connection is answered that many seconds late. Jobs are kept in the
order their connections were accepted, whatever order the serving threads finish in.
`FakeSerialPrinter` is the same printer behind a pseudo-terminal.
"""

import os
import select
import socket
import termios
import threading

DLE_EOT = b"\x10\x04"
# DLE EOT n answers (Epson): 1 printer, 2 offline cause, 3 error cause, 4 paper sensor.
STATUS_BYTES = {
    "online": {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12},
    "paper_near_end": {1: 0x16, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1E, 2: 0x32, 3: 0x12, 4: 0x72},
}


def split_realtime(data: bytes) -> tuple[bytes, list[int]]:
    """Separate DLE EOT queries from job bytes, skipping GS v 0 raster payloads."""
    job, queries, i = bytearray(), [], 0
    while i < len(data):
        if data[i:i + 3] == b"\x1dv0" and i + 8 <= len(data):
            width = int.from_bytes(data[i + 4:i + 6], "little")
            height = int.from_bytes(data[i + 6:i + 8], "little")
            end = i + 8 + width * height
            job += data[i:end]
            i = end
            continue
        if data[i:i + 2] == DLE_EOT and i + 2 < len(data):
            queries.append(data[i + 2])
            i += 3
            continue
        job.append(data[i])
        i += 1
    return bytes(job), queries


def answer(mode: str, received: bytes, answered: int) -> bytes:
    """Status bytes for the DLE EOT queries in `received` after the first `answered` ones."""
    if mode == "silent":
        return b""
    answers = STATUS_BYTES.get(mode, STATUS_BYTES["online"])
    return bytes(answers.get(n, 0x12) for n in split_realtime(bytes(received))[1][answered:])


def _drain(conn: socket.socket) -> bytes:
    data = bytearray()
    conn.settimeout(0.05)
    try:
        while chunk := conn.recv(65536):
            data += chunk
    except OSError:
        pass
    return bytes(data)


class FakePrinter:
    def __init__(self, mode: str = "online", port: int = 0):
        self.mode = mode
        self.answer_delay = 0.0
        self.connections = 0
        self._jobs: dict[int, bytes] = {}  # by connection number
        self._open = 0  # connections accepted and not yet finished
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self.port = self._sock.getsockname()[1]
        self._threads = []
        if mode == "refuse":
            self._sock.close()  # the port is now closed: connect() is refused
            return
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def jobs(self) -> list[bytes]:
        """Jobs received so far, in the order their connections came."""
        with self._changed:
            return [self._jobs[n] for n in sorted(self._jobs)]

    def wait_for_jobs(self, count: int, timeout: float = 30.0) -> list[bytes]:
        """The jobs once `count` have arrived and no connection is still open (or `timeout` passed)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._jobs) >= count and not self._open, timeout)
        return self.jobs

    def wait_for_connections(self, count: int, timeout: float = 30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.connections >= count, timeout)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._changed:
                self.connections += 1
                self._open += 1
                number = self.connections
                self._changed.notify_all()
            thread = threading.Thread(target=self._serve, args=(conn, number), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket, number: int) -> None:
        received = b""
        try:
            received = self._receive(conn)
        finally:
            with self._changed:
                job = split_realtime(bytes(received))[0]
                if job:
                    self._jobs[number] = job
                self._open -= 1
                self._changed.notify_all()

    def _receive(self, conn: socket.socket) -> bytearray:
        conn.settimeout(0.2)
        received = bytearray()
        answered = 0
        with conn:
            while not self._stop.is_set():
                if self.mode == "hang":
                    self._stop.wait(0.2)  # accept, then never read nor answer
                    continue
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                received += chunk
                if self.mode == "hangup" and split_realtime(bytes(received))[1]:
                    break  # took the job and its question, then hangs up without answering
                reply = answer(self.mode, received, answered)
                if reply and self.answer_delay and split_realtime(bytes(received))[0]:
                    self._stop.wait(self.answer_delay)  # still printing the job before the question
                try:
                    conn.sendall(reply)
                except OSError:  # the sender gave up waiting and closed: the job is still here
                    break
                answered = len(split_realtime(bytes(received))[1])
            else:  # closed while bytes were still on their way: keep them, as a printer would
                if self.mode != "hang":
                    received += _drain(conn)
        return received

    def close(self) -> None:
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass
        for thread in self._threads:
            thread.join(30)


class FakeSerialPrinter:
    """A printer on a pseudo-terminal: pyserial opens `path` as it would /dev/ttyUSB0.

    Modes as FakePrinter's ("hang" never reads, so the sender's writes stall). The slave end stays
    open here too, so the line settings pyserial made can be read back after it closed the port.
    """

    def __init__(self, mode: str = "online"):
        self.mode = mode
        self.received = bytearray()
        self._master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"serial://{self.path}"

    @property
    def job(self) -> bytes:
        return split_realtime(bytes(self.received))[0]

    def line_settings(self) -> list:
        """termios attributes of the line: [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]."""
        return termios.tcgetattr(self._master)

    def _serve(self) -> None:
        answered = 0
        while not self._stop.is_set():
            if self.mode == "hang" or not select.select([self._master], [], [], 0.05)[0]:
                self._stop.wait(0.05)
                continue
            try:
                self.received += os.read(self._master, 65536)
            except OSError:
                continue
            os.write(self._master, answer(self.mode, self.received, answered))
            answered = len(split_realtime(bytes(self.received))[1])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self._master)
        os.close(self._slave)
