"""A station's recording checked before it goes on air: it decodes, it is not silence, and it is not far too
short for the item it stands for (a recording wins over the automatic reading, so a bad one silences the item
in the radio feed and in every bulletin)."""

from __future__ import annotations

import math
import operator
import shutil
import subprocess
from array import array
from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

SILENT_DBFS = -50.0  # average level under this is silence (speech sits around -20 dBFS)
WORDS_PER_MINUTE = 150  # an announcer's pace; a recording under SHORT of the time its text takes is far too short
SHORT = 0.15
_LONG_ENOUGH = 100  # words: a shorter item may be read as a brief recording
_CHUNK = 1 << 16
_STRIDE = 32  # one sample in 32 (about 1,400 a second): plenty for an average level
# (path, size, mtime, inode) -> (seconds, level): a file many items share, or the preview's next load, is read once
_measured: dict[tuple, tuple[float, float | None]] = {}


def recording_refusal(file: Path, words: int) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for an MP3 that cannot go on air, or None. Other formats are published as
    they are (lame decodes MP3 only)."""
    if file.suffix.lower() != ".mp3":
        return None
    seconds, level = _measure(file)
    if seconds <= 0:
        return ("tệp ghi âm không giải mã được (không phải MP3 hợp lệ, hoặc hỏng)",
                "xuất lại tệp từ phần mềm ghi âm dưới dạng MP3; hoặc xóa dòng audio: để dùng bản đọc tự động")
    if level is not None and level < SILENT_DBFS:
        return (f"tệp ghi âm là im lặng (mức âm trung bình {_db(level)} dBFS, dài {seconds:.0f} giây)".replace(".", ","),
                "kiểm tra micro và ghi âm lại; hoặc xóa dòng audio: để dùng bản đọc tự động")
    expected = words * 60 / WORDS_PER_MINUTE
    if words >= _LONG_ENOUGH and seconds < SHORT * expected:
        return (f"tệp ghi âm dài {seconds:.0f} giây, quá ngắn so với bài ({words} chữ, đọc mất khoảng "
                f"{expected / 60:.0f} phút)",
                "ghi âm cả bài; hoặc xóa dòng audio: để dùng bản đọc tự động")
    return None


def _measure(file: Path) -> tuple[float, float | None]:
    try:
        state = file.stat()
    except OSError:
        return 0.0, None
    key = (str(file), state.st_size, state.st_mtime_ns, state.st_ino)
    if key not in _measured:
        try:
            seconds = MP3(file).info.length
        except (MutagenError, OSError, ValueError):
            seconds = 0.0
        _measured[key] = (seconds, average_dbfs(file) if seconds > 0 else None)
    return _measured[key]


def _db(level: float) -> str:
    return "-∞" if level == -math.inf else f"{level:.0f}"


def average_dbfs(file: Path) -> float | None:
    """The recording's RMS level in dBFS, decoded by lame as a stream (memory stays small whatever its length;
    a sample in _STRIDE is enough for a level); None when lame is not installed or cannot decode it."""
    if shutil.which("lame") is None:
        return None
    try:
        process = subprocess.Popen(["lame", "--decode", "--quiet", "-t", str(file), "-"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    total, count, odd = 0, 0, b""
    assert process.stdout is not None
    with process.stdout:
        while chunk := process.stdout.read(_CHUNK):
            chunk, odd = odd + chunk, b""
            if len(chunk) % 2:
                chunk, odd = chunk[:-1], chunk[-1:]
            samples = array("h", chunk)[::_STRIDE]
            total += sum(map(operator.mul, samples, samples))
            count += len(samples)
    if process.wait() != 0 or not count:
        return None
    rms = math.sqrt(total / count)
    return 20 * math.log10(rms / 32768) if rms else -math.inf
