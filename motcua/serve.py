"""`make run`'s server: waitress on the site's app, stopped cleanly with Ctrl+C.

Ctrl+C in a terminal interrupts the whole foreground process group, make included, and make then
reports "*** [run] Interrupt" although the server stopped as asked. While it serves, this process
takes the terminal's foreground for its own group, so Ctrl+C reaches the server alone; it stops,
hands the terminal back to make and exits 0.
"""

import argparse
import contextlib
import os
import signal
import sys

from waitress import serve


@contextlib.contextmanager
def own_terminal_foreground():
    """Make this process's group the terminal's foreground one for the block (no-op without a tty)."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
        previous = os.tcgetpgrp(tty)
    except OSError:
        yield
        return
    handler = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may not set it
    try:
        os.setpgid(0, 0)
        os.tcsetpgrp(tty, os.getpgrp())
    except OSError:
        pass
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(tty, previous)
        signal.signal(signal.SIGTTOU, handler)
        os.close(tty)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    with own_terminal_foreground():
        from wsgi import app  # after taking the terminal: the site's workers start with the app

        with contextlib.suppress(KeyboardInterrupt):  # waitress itself ends on Ctrl+C
            serve(app, host=args.host, port=args.port, threads=args.threads)
    print("motcua: đã dừng máy chủ (server stopped).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
