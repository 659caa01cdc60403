"""A full pipeline run attempts no network connection beyond loopback, and telemetry is off."""

import json
import os
import subprocess
import sys
from pathlib import Path

GUARD = Path(__file__).parent / "netguard"


def _run_guarded(tmp_path, code_or_args):
    log = tmp_path / "netguard.json"
    env = dict(os.environ, PYTHONPATH=f"{GUARD}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
               NETGUARD_LOG=str(log))
    # Deliberately unset: the library must switch these on by itself.
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("PYANNOTE_METRICS_ENABLED", None)
    result = subprocess.run([sys.executable, *code_or_args], env=env, capture_output=True, text=True, timeout=600)
    return result, json.loads(log.read_text())


def test_guard_detects_an_outbound_attempt(tmp_path):
    """The guard itself works (otherwise the real test below could never fail)."""
    code = "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.invalid/', timeout=1)\nexcept Exception:\n    pass"
    _, log = _run_guarded(tmp_path, ["-c", code])
    assert log["attempts"], "netguard failed to notice an outbound request"


def test_full_pipeline_run_makes_no_outbound_connection(tmp_path, model_root, two_speaker_wav):
    result, log = _run_guarded(tmp_path, ["-m", "transcribe.cli", "run", "--quiet", str(two_speaker_wav),
                                          "--out", str(tmp_path / "out")])
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "out" / "pyannote_sample" / "transcript.docx").is_file()
    assert log["attempts"] == []
    assert log["environment"] == {"HF_HUB_OFFLINE": "1", "PYANNOTE_METRICS_ENABLED": "0"}
