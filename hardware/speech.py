"""Spoken announcements rendered on the server, so the board needs no internet.

espeak-ng (Debian package, voice `vi`) speaks the text; a two-tone chime is
synthesised here and put in front. Without espeak-ng the board falls back to
the chime plus the browser's own speech.
"""

import hashlib
import io
import math
import shutil
import struct
import subprocess
import wave
from functools import lru_cache
from pathlib import Path

RATE = 22050  # espeak-ng's output rate

LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "E": "e", "G": "giê", "H": "hát", "K": "ca",
    "L": "e lờ", "M": "em mờ", "N": "en nờ", "P": "pê", "Q": "quy", "S": "ét xì", "T": "tê",
    "V": "vê", "X": "ích xì",
}
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def announcement_text(code: str, counter_number: int) -> str:
    """'A015', 2 → 'Mời công dân có số a, không một năm, đến quầy số 2'."""
    letter, digits = code[:1], code[1:]
    spoken = ", ".join([LETTER_NAMES.get(letter, letter)] + [DIGITS[int(d)] for d in digits])
    return f"Mời công dân có số {spoken}, đến quầy số {counter_number}"


def display_text(code: str, counter_number: int) -> str:
    return f"Mời công dân có số {code} đến quầy số {counter_number}"


@lru_cache(maxsize=1)
def chime_frames() -> bytes:
    """Two soft tones (ding-dong), 16-bit mono PCM."""
    frames = bytearray()
    for freq, seconds in ((880.0, 0.35), (659.25, 0.55)):
        count = int(RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 400) * (1 - i / count) ** 1.5
            frames += struct.pack("<h", int(12000 * fade * math.sin(2 * math.pi * freq * i / RATE)))
    return bytes(frames)


def _wav(frames: bytes) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)
    return buffer.getvalue()


def chime_wav() -> bytes:
    return _wav(chime_frames())


def speech_available(binary: str = "espeak-ng") -> bool:
    return shutil.which(binary) is not None


def announcement_wav(text: str, cache_dir: Path, binary: str = "espeak-ng") -> bytes | None:
    """Chime + spoken text as one WAV, cached by text; None when espeak-ng is missing or fails."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / (hashlib.sha1(text.encode()).hexdigest() + ".wav")
    if path.exists():
        return path.read_bytes()
    if not speech_available(binary):
        return None
    try:
        spoken = subprocess.run([binary, "-v", "vi", "-s", "140", "--stdout", text],
                                capture_output=True, timeout=5, check=True).stdout
        with wave.open(io.BytesIO(spoken)) as voice:
            if voice.getframerate() != RATE or voice.getsampwidth() != 2:
                return None
            voice_frames = voice.readframes(voice.getnframes())
    except (OSError, subprocess.SubprocessError, wave.Error, EOFError):
        return None
    data = _wav(chime_frames() + b"\x00\x00" * (RATE // 5) + voice_frames)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data
