#!/usr/bin/env python3
"""Synthesise the supervision scripts in scripts.json into recordings with two distinct espeak-ng voices.

Usage: synthesise.py [SESSION_ID ...] (none: all). Writes <id>.ogg (Opus, 16 kHz mono) and <id>.lines.json
(each line's role and start/end in seconds).
Needs espeak-ng (Debian package) and ffmpeg (the system's, or FFMPEG=path). The committed files were
made with espeak-ng 1.51. Officer: British RP voice, lowered; person on probation: a female variant, raised
(the formant shift makes the two voices far enough apart for speaker diarisation).
"""

import json
import os
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

HERE = Path(__file__).parent
FFMPEG = os.environ.get("FFMPEG", "ffmpeg")
VOICES = {"O": ("en-gb-x-rp", 40, 0.88), "P": ("en-gb+f4", 60, 1.18)}
PAUSE_S = 0.6
RATE_WPM = 145


def _line_wav(tmp: Path, n: int, role: str, text: str) -> Path:
    voice, pitch, shift = VOICES[role]
    raw, out = tmp / f"{n}.raw.wav", tmp / f"{n}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(RATE_WPM), "-w", str(raw), text], check=True)
    subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-i", str(raw), "-af",
                    f"asetrate=22050*{shift},aresample=16000,atempo=1/{shift}", "-ar", "16000", "-ac", "1",
                    "-c:a", "pcm_s16le", str(out)], check=True)
    return out


def synthesise(session: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        frames, timeline, position = [], [], 0.0
        silence = b"\0\0" * int(16000 * PAUSE_S)
        for n, (role, text) in enumerate(session["lines"]):
            with wave.open(str(_line_wav(tmp, n, role, text))) as w:
                data = w.readframes(w.getnframes())
            duration = len(data) / 2 / 16000
            timeline.append({"role": role, "start": round(position, 3), "end": round(position + duration, 3),
                             "text": text})
            frames += [data, silence]
            position += duration + PAUSE_S
        joined = tmp / "session.wav"
        with wave.open(str(joined), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(b"".join(frames))
        subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-i", str(joined), "-c:a", "libopus",
                        "-b:a", "24k", str(HERE / f"{session['id']}.ogg")], check=True)
    (HERE / f"{session['id']}.lines.json").write_text(json.dumps(timeline, indent=1) + "\n")


if __name__ == "__main__":
    wanted = set(sys.argv[1:])  # session ids; none means all
    for s in json.loads((HERE / "scripts.json").read_text())["sessions"]:
        if not wanted or s["id"] in wanted:
            synthesise(s)
            print(s["id"])
