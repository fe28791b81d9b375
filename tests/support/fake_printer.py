"""A loopback ESC/POS printer on 127.0.0.1: records every job and answers DLE EOT.

Modes: "online" (reads, answers status), "refuse" (nothing listens: connection
refused), "hang" (accepts, never reads or answers).
"""

import socket
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


class FakePrinter:
    def __init__(self, mode: str = "online", port: int = 0):
        self.mode = mode
        self.jobs: list[bytes] = []
        self.connections = 0
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

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
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
                job, queries = split_realtime(bytes(received))
                answers = STATUS_BYTES.get(self.mode, STATUS_BYTES["online"])
                for n in queries[answered:]:
                    conn.sendall(bytes([answers.get(n, 0x12)]))
                answered = len(queries)
        if received:
            job, _ = split_realtime(bytes(received))
            if job:
                self.jobs.append(job)

    def close(self) -> None:
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass
        for thread in self._threads:
            thread.join(2)
