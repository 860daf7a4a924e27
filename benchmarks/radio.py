"""The radio's automatic readings, measured side by side in one run.

    .venv/bin/python benchmarks/radio.py [--size 5000] [--repeat 3]

1. Synthesis: seconds to read 1,000 words of the synthetic corpus aloud and encode them (espeak-ng + lame,
   one thread, no cache), the audio's length, and the real-time factor; median of --repeat texts.
2. Builds of the same --size-item corpus, each in its own process: readings off (the build before this
   feature) and on (the radio feed's 50 items voiced, bulletins joined), both on a warm cache (items,
   renders, readings), alternated --repeat times. Reports medians, the ratio on/off (target: within 10 %),
   and the readings made and found in the cache on every warm build (target: 100 % found).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
PY = sys.executable

from make_corpus import write_corpus  # noqa: E402

from cchc.content.model import VoiceSettings  # noqa: E402
from cchc.radio.speech import speak  # noqa: E402
from cchc.radio.voice import Readings, seconds_of  # noqa: E402


def texts_of_1000_words(project: Path, count: int) -> list[str]:
    """Spoken text of the corpus' items, cut into pieces of exactly 1,000 words."""
    words: list[str] = []
    for path in sorted((project / "docs" / "tin-tuc").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        words += speak(re.sub(r"[#*>\[\]()]", " ", body), {}).split()
        if len(words) >= 1000 * count:
            break
    return [" ".join(words[n * 1000:(n + 1) * 1000]) for n in range(count)]


def synthesis(project: Path, repeat: int) -> tuple[float, float]:
    """(median seconds to make 1,000 words, median seconds of audio they give)."""
    made, heard = [], []
    for text in texts_of_1000_words(project, repeat):
        with tempfile.TemporaryDirectory() as cache:
            readings = Readings(VoiceSettings("espeak-ng", "vi-vn-x-south"), Path(cache), workers=1)
            started = time.monotonic()
            frames = readings.frames(readings.request(text))
            made.append(time.monotonic() - started)
            heard.append(seconds_of(frames))
            readings.close()
    return statistics.median(made), statistics.median(heard)


def with_voice(project: Path, voice: str) -> None:
    config = project / "mkdocs.yml"
    text = re.sub(r"(\n    voice: )[^\n#]*", rf"\g<1>{voice}  ", config.read_text(encoding="utf-8"), count=1)
    config.write_text(text, encoding="utf-8")


def build(project: Path, site: Path) -> dict:
    env = dict(os.environ, CCHC_AUDIO_CACHE=str(project / "build" / "cache" / "audio"))
    run = subprocess.run([PY, str(ROOT / "benchmarks" / "_build_once.py"), str(project), str(site)],
                         capture_output=True, text=True, env=env)
    shutil.rmtree(site, ignore_errors=True)
    if run.returncode:
        sys.exit(f"build of {project} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("CCHC_NOW", "2026-06-30 12:00")
    with tempfile.TemporaryDirectory() as tmp:
        on = write_corpus(args.size, Path(tmp) / "doc")
        off = Path(tmp) / "tat"
        shutil.copytree(on, off)
        with_voice(on, "vi-vn-x-south")
        with_voice(off, "tắt")
        made, heard = synthesis(on, args.repeat)
        print(f"synthesis (espeak-ng vi-vn-x-south + lame, 1 thread): {made:.2f} s per 1,000 words, "
              f"{heard:.0f} s of audio, {heard / made:.0f}x real time")
        cold_on, cold_off = build(on, Path(tmp) / "site"), build(off, Path(tmp) / "site")  # fill every cache
        print(f"cold builds: readings on {cold_on['wall']:.1f} s ({cold_on['stages'].get('readings_made', 0)} readings "
              f"made), off {cold_off['wall']:.1f} s")
        times = {"on": [], "off": []}
        found = []
        for _ in range(args.repeat):
            for name, project in (("off", off), ("on", on)):
                result = build(project, Path(tmp) / "site")
                times[name].append(result["wall"])
                if name == "on":
                    found.append((result["stages"]["readings_cached"], result["stages"]["readings_made"]))
        median_on, median_off = statistics.median(times["on"]), statistics.median(times["off"])
        print(f"{'warm build of ' + str(args.size) + ' items':<32} {'median s':>9}  runs")
        print(f"{'readings off':<32} {median_off:>9.2f}  {', '.join(f'{t:.1f}' for t in times['off'])}")
        print(f"{'readings on (50 voiced)':<32} {median_on:>9.2f}  {', '.join(f'{t:.1f}' for t in times['on'])}")
        print(f"ratio on/off: {median_on / median_off:.3f} (target ≤ 1.10)")
        rates = [hits / (hits + made) if hits + made else 1.0 for hits, made in found]
        print("warm readings found in the cache: " + ", ".join(f"{h}/{h + m}" for h, m in found)
              + f" ({min(rates):.0%} at worst; target 100 %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
