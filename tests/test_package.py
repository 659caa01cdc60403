"""The public surface: `import transcribe` is light, and every exported name resolves."""

import subprocess
import sys

import transcribe


def test_all_exports_resolve():
    for name in transcribe.__all__:
        assert getattr(transcribe, name) is not None


def test_import_loads_no_model_library():
    code = ("import sys, transcribe; heavy = [m for m in ('torch', 'ctranslate2', 'pyannote', 'faster_whisper') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
