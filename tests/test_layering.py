"""Import layering (issue 10): the publishing half and the package's light parts load no model library, so the
web app can import them; and the tree reads as the pipeline."""

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("ctranslate2", "faster_whisper", "pyannote", "torch")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["transcribe.summary", "transcribe.redact", "transcribe.render",
                                    "transcribe.publish", "transcribe.records", "transcribe.diarise.voiceprint"])
def test_importing_loads_no_model_library(module):
    code = f"import sys, {module}; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"importing {module} loaded {out.strip()}"


def test_the_guard_sees_a_heavy_import():
    """The check above can fail: importing the recogniser does load CTranslate2."""
    code = f"import sys, transcribe.asr; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "ctranslate2" in out


def test_the_tree_reads_as_the_pipeline():
    package = ROOT / "transcribe"
    for module in ("audio.py", "asr.py", "align.py", "spelling.py", "pipeline.py", "publish.py", "records.py",
                   "options.py", "settings.py", "errors.py", "runtime.py", "models.py", "cli.py"):
        assert (package / module).is_file(), module
    for subpackage in ("diarise", "redact", "summary", "render"):
        assert (package / subpackage / "__init__.py").is_file(), subpackage
    assert (ROOT / "benchmarks" / "bench_pipeline.py").is_file()
