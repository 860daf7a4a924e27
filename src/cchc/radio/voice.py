"""Automatic readings for the radio: text to MP3 with an offline speech engine, cached by what was read.

espeak-ng (Debian's, Vietnamese northern/central/southern voices) is the default; a Piper voice file a
province has on disk may replace it (mkdocs.yml `extra.radio.piper`). Nothing is downloaded. lame encodes
every reading to one format — MPEG-2 Layer III, mono, 22.05 kHz, constant 48 kbit/s, no Info frame — so a
bulletin is its readings' frames one after another (each starts with an empty bit reservoir) and every
duration is exact: frames × 576 / 22 050 s. A reading is cached under the hash of its text, engine, voice
and format, so an unchanged item is never synthesised twice; synthesis runs on every core, in the
background of the page build.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TIT2, TLAN, TPE1, CTOCFlags

from ..content.model import VoiceSettings

FORMAT = "mpeg2-l3-mono-22050-48k-noinfo-1"  # part of every cache key: change it with the lame options below
RATE, SAMPLES_PER_FRAME = 22050, 576
_LAME = ["lame", "--quiet", "--nohist", "-m", "m", "--resample", "22.05", "--cbr", "-b", "48", "-t", "--noreplaygain"]
_TIMEOUT = 600  # seconds for one reading: far more than espeak-ng or Piper needs for the longest article


class VoiceError(Exception):
    """The engine or the encoder failed; the message is Vietnamese, for the build's report."""


@dataclass(frozen=True)
class Audio:
    """A published MP3: site-relative path, bytes, exact seconds."""

    path: str
    size: int
    seconds: float


def missing_programs(voice: VoiceSettings) -> list[str]:
    """Programs this voice needs that the machine lacks."""
    needed = ["lame", "espeak-ng" if voice.engine == "espeak-ng" else voice.command]
    return [p for p in needed if shutil.which(p) is None]


def frame_count(frames: bytes) -> int:
    """MPEG audio frames in `frames` (our format; any ID3 tag already stripped). Stops at the first byte
    that is not a frame header, so a broken file counts as far as it is whole."""
    count = at = 0
    bitrates = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)  # MPEG-2/2.5 Layer III, kbit/s
    rates = (22050, 24000, 16000)
    while at + 4 <= len(frames) and frames[at] == 0xFF and frames[at + 1] & 0xF6 == 0xF2:
        header = frames[at + 2]
        index, rate_index = header >> 4, (header >> 2) & 3
        if index in (0, 15) or rate_index == 3:
            break
        at += 72000 * bitrates[index] // rates[rate_index] + ((header >> 1) & 1)
        count += 1
    return count


def seconds_of(frames: bytes) -> float:
    return frame_count(frames) * SAMPLES_PER_FRAME / RATE


def strip_id3(data: bytes) -> bytes:
    """The audio frames of an MP3 file: without a leading ID3v2 tag."""
    if data[:3] == b"ID3" and len(data) >= 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        return data[10 + size + (10 if data[5] & 0x10 else 0):]
    return data


class Readings:
    """Readings made in the background and kept in the cache directory (build/cache/audio/ by default)."""

    def __init__(self, voice: VoiceSettings, cache_dir: Path, workers: int | None = None) -> None:
        self.voice, self.cache_dir = voice, cache_dir
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1)  # engines are subprocesses
        self._jobs: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return bool(self.voice.engine)

    def key(self, text: str) -> str:
        v = self.voice
        model = ""
        if v.engine == "piper" and Path(v.model).is_file():  # a replaced voice file is a new voice
            stat = Path(v.model).stat()
            model = f"{v.model}:{stat.st_size}:{stat.st_mtime_ns}"
        digest = hashlib.sha256("\n".join([FORMAT, v.engine, v.voice, str(v.speed), model, v.command, text]).encode())
        return digest.hexdigest()[:32]

    def request(self, text: str) -> str:
        """Start the reading of `text` unless it is cached or on its way; its key."""
        key = self.key(text)
        self._start(key, self._synthesise, text, key)
        return key

    def recorded(self, file: Path) -> str:
        """A recorded MP3 re-encoded to our format (for joining into a bulletin); its key."""
        data = file.read_bytes()
        key = hashlib.sha256(f"{FORMAT}\nrecorded\n".encode() + data).hexdigest()[:32]
        self._start(key, self._encode, ["--mp3input"], strip_id3(data), key)
        return key

    def _start(self, key: str, make, *args) -> None:
        with self._lock:
            if key in self._jobs:
                return
            if self._file(key).is_file():
                self.hits += 1
                self._jobs[key] = done = Future()
                done.set_result(None)
            else:
                self.misses += 1
                self._jobs[key] = self._pool.submit(make, *args)

    def frames(self, key: str) -> bytes:
        """The audio frames of a requested reading, once made (raises VoiceError if it could not be)."""
        self._jobs[key].result()
        return self._file(key).read_bytes()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- making one -------------------------------------------------------------------------------

    def _file(self, key: str) -> Path:
        return self.cache_dir / key[:2] / f"{key}.mp3"

    def _synthesise(self, text: str, key: str) -> None:
        v = self.voice
        with tempfile.TemporaryDirectory(prefix="cchc-voice-") as tmp:
            wav = Path(tmp) / "doc.wav"
            if v.engine == "piper":
                command = [v.command, "--model", v.model, "--output_file", str(wav)]
            else:
                command = ["espeak-ng", "-v", v.voice, "-s", str(v.speed), "-b", "1", "-w", str(wav)]
            _run(command, text.encode("utf-8"), f"Bộ đọc {v.engine or 'espeak-ng'}")
            self._encode([], wav, key)  # lame reads the file itself: the sound never sits in this process

    def _encode(self, options: list[str], data: bytes | Path, key: str) -> None:
        source, given = (str(data), b"") if isinstance(data, Path) else ("-", data)
        out = strip_id3(_run(_LAME + options + [source, "-"], given, "Bộ mã hóa MP3 (lame)"))
        if out[-128:-125] == b"TAG":  # an ID3v1 tag lame copied from a recording
            out = out[:-128]
        if not frame_count(out):
            raise VoiceError("Bộ mã hóa MP3 (lame) không tạo ra âm thanh — kiểm tra tệp giọng đọc hoặc tệp ghi âm")
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        tmp.write_bytes(out)
        tmp.replace(target)  # atomic: a build sharing the cache never reads half a file


def _run(command: list[str], given: bytes, what: str) -> bytes:
    try:
        done = subprocess.run(command, input=given, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise VoiceError(f"{what} không chạy được ({command[0]}): {exc}") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"mã lỗi {done.returncode}"]
        raise VoiceError(f"{what} báo lỗi: {detail[0]}")
    return done.stdout


# -- published files ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tags:
    title: str
    artist: str
    album: str
    comment: str = ""


def write_mp3(target: Path, segments: list[tuple[str, bytes]], tags: Tags) -> float:
    """An MP3 of the segments' frames in order, with ID3v2.3 tags, and one chapter (CHAP, listed in a CTOC)
    per segment when there are several; its seconds."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TLAN(encoding=3, text="vie"))
    if tags.comment:
        id3.add(COMM(encoding=3, lang="vie", desc="", text=tags.comment))
    audio, start = io.BytesIO(), 0
    if len(segments) > 1:
        ids = [f"chp{n}" for n in range(len(segments))]
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text=tags.title)]))
    for n, (title, frames) in enumerate(segments):
        end = start + frame_count(frames)
        if len(segments) > 1:
            id3.add(CHAP(element_id=f"chp{n}", start_time=_ms(start), end_time=_ms(end),
                         sub_frames=[TIT2(encoding=3, text=title)]))
        audio.write(frames)
        start = end
    tag = io.BytesIO()
    id3.save(tag, v2_version=3, padding=lambda info: 0)  # no padding: the same tags give the same bytes
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(tag.getvalue() + audio.getvalue())
    return start * SAMPLES_PER_FRAME / RATE


def _ms(frames: int) -> int:
    return frames * SAMPLES_PER_FRAME * 1000 // RATE
