"""The jobs list (with live progress), a job's page (transcript, note, risk flags), retry, downloads, audio.

Every view of a transcript, every unredacted view, every download and every play of the audio is audited.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from transcribe.records import Transcript, format_timestamp, from_dict
from transcribe.render import speaker_display_name
from workers.registry import FAILED, SUCCEEDED, JobView

from ..accounts import visible_owners
from ..app import render
from ..deps import Service, ServiceDep, SignedDep, check_csrf, unredacted_allowed, visible_job
from ..sessions import Signed

router = APIRouter()

SHARED = ("summary.docx", "transcript.docx", "transcript.txt", "transcript.srt", "transcript.vtt")
_MEDIA = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".txt": "text/plain; charset=utf-8", ".srt": "application/x-subrip", ".vtt": "text/vtt"}
LOW_CONFIDENCE = 0.5
STAGE_LABELS = {"decode": "Decode", "asr": "Speech", "diarise": "Speakers", "align": "Align", "redact": "Redact",
                "summarise": "Note", "render": "Documents"}
ERROR_WORDS = {"failed the leak check": "An identifier was still visible in the documents, so nothing was published. "
               "A supervisor should look at this recording."}


def _jobs_for(svc: Service, signed: Signed) -> list[JobView]:
    owners = visible_owners(signed.account)
    return [j for j in svc.registry.jobs(limit=500) if j.owner in owners]


def plain_error(job: JobView) -> str | None:
    """The job's error for people: the message as recorded, with a word of advice where there is one."""
    if not job.error:
        return None
    advice = next((text for key, text in ERROR_WORDS.items() if key in job.error), "")
    return f"{job.error}. {advice}".strip() if advice else job.error


def progress_of(job: JobView) -> dict:
    return {"id": job.id, "state": job.state, "stage": job.stage, "progress": job.progress,
            "stages": {STAGE_LABELS[k]: v for k, v in job.stage_progress.items() if k in STAGE_LABELS},
            "error": plain_error(job), "pending_changes": len(job.corrections) > job.revision}


@router.get("/")
def jobs_page(request: Request, svc: ServiceDep, signed: SignedDep):
    jobs = _jobs_for(svc, signed)
    return render(request, "jobs.html", {"jobs": jobs, "progress": {j.id: progress_of(j) for j in jobs},
                                         "plain_error": plain_error, "stage_labels": STAGE_LABELS})


@router.get("/jobs/progress.json")
def progress_feed(svc: ServiceDep, signed: SignedDep):
    """Live state and per-stage progress of the jobs the page shows (polled every few seconds)."""
    return JSONResponse([progress_of(j) for j in _jobs_for(svc, signed)])


@router.post("/jobs/{job_id}/retry")
def retry(request: Request, job_id: str, svc: ServiceDep, signed: SignedDep, csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, signed, csrf_token)
    job = visible_job(svc, signed.account, job_id)
    if job.state != FAILED or job.retryable is False:
        raise HTTPException(409, "only a job that failed for a reason that can be fixed can be retried")
    from workers.service import dispatch

    svc.registry.requeue(job.id, signed.account.name, "retried in the web app")
    dispatch(svc.registry, svc.registry.get(job.id))
    return RedirectResponse("/", status_code=303)


@router.post("/jobs/{job_id}/delete")
def delete(request: Request, job_id: str, svc: ServiceDep, signed: SignedDep, csrf_token: Annotated[str, Form()] = "",
           confirm: Annotated[str, Form()] = ""):
    """Delete a finished job's recording and documents now (a wrong recording, a session that should not be
    kept). The job stays in the registry, and in the audit trail, without its files."""
    check_csrf(request, signed, csrf_token)
    job = visible_job(svc, signed.account, job_id)
    if job.state not in (SUCCEEDED, FAILED):
        raise HTTPException(409, "this recording is still being worked on: delete it when it has finished")
    if confirm != "yes":
        raise HTTPException(400, "tick the box to confirm that the recording and documents should be deleted")
    from workers.retention import delete_audio, delete_outputs

    who = signed.account.name
    delete_audio(svc.registry, svc.folders, job.id, who, why="job")
    delete_outputs(svc.registry, svc.folders, job, who, why="job")
    return RedirectResponse("/", status_code=303)


def load_transcript(svc: Service, job: JobView) -> Transcript | None:
    path = job.outputs.get("transcript.json")
    if not path or job.outputs_deleted_at:
        return None
    try:
        return from_dict(Transcript, json.loads((svc.folders.root / path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _utterance(transcript: Transcript, index: int, unredacted: bool) -> dict:
    segment = transcript.segments[index]
    speakers = [s.id for s in transcript.speakers]
    if unredacted or segment.redacted_text == segment.text:
        # Words the recogniser was unsure of are marked (as in the Word file) where nothing was redacted.
        parts = [Markup('<mark class="unsure" title="low confidence">{}</mark>').format(w.word)
                 if w.probability < LOW_CONFIDENCE else escape(w.word) for w in segment.words]
        text = Markup(" ").join(parts) if segment.words else escape(segment.text if unredacted else segment.redacted_text)
    else:
        text = escape(segment.redacted_text)
    return {"index": index, "time": format_timestamp(segment.start), "start": segment.start,
            "speaker": speaker_display_name(transcript, segment.speaker), "speaker_id": segment.speaker,
            "colour": speakers.index(segment.speaker) % 6 if segment.speaker in speakers else 0,
            "text": text, "overlap": segment.overlap}


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, svc: ServiceDep, signed: SignedDep, view: str = "redacted"):
    job = visible_job(svc, signed.account, job_id)
    unredacted = view == "unredacted"
    if unredacted and not unredacted_allowed(signed.account, job):
        svc.registry.record(signed.account.name, "job.unredacted_refused", job.id, {})
        raise HTTPException(403, "only a supervisor of this officer's team can see the unredacted transcript")
    transcript = load_transcript(svc, job)
    svc.registry.record(signed.account.name, "job.viewed_unredacted" if unredacted else "job.viewed", job.id, {})
    from ..accounts import can_undo_redaction

    context = {
        "job": job, "transcript": transcript, "unredacted": unredacted, "progress": progress_of(job),
        "may_unredact": unredacted_allowed(signed.account, job), "may_undo": can_undo_redaction(signed.account, job),
        "utterances": [_utterance(transcript, i, unredacted) for i in range(len(transcript.segments))]
        if transcript else [],
        "audio": svc.folders.recording(job.id).is_file(), "shared": [n for n in SHARED if n in job.outputs],
        "placeholders": sorted({r.placeholder for r in transcript.redactions}) if transcript else [],
        "error": plain_error(job), "speakers": transcript.speakers if transcript else [],
        "display": (lambda sid: speaker_display_name(transcript, sid)) if transcript else str,
    }
    return render(request, "job.html", context)


def _file_name(job: JobView, name: str) -> str:
    """Download names carry the job, never the recording's own name (it can hold a person's)."""
    return f"{job.created_at:%Y-%m-%d}_{job.id[:8]}_{name}"


@router.get("/jobs/{job_id}/download/{name}")
def download(job_id: str, name: str, svc: ServiceDep, signed: SignedDep):
    job = visible_job(svc, signed.account, job_id)
    if name not in SHARED or name not in job.outputs or job.outputs_deleted_at:
        raise HTTPException(404, "no such document for this job (it may have been deleted by the retention policy)")
    path = svc.folders.root / job.outputs[name]
    if not path.is_file():
        raise HTTPException(404, "the document is no longer on the server")
    svc.registry.record(signed.account.name, "job.downloaded", job.id, {"file": name})
    return FileResponse(path, media_type=_MEDIA[path.suffix], filename=_file_name(job, name))


@router.get("/jobs/{job_id}/download.zip")
def download_zip(job_id: str, svc: ServiceDep, signed: SignedDep):
    job = visible_job(svc, signed.account, job_id)
    names = [n for n in SHARED if n in job.outputs and (svc.folders.root / job.outputs[n]).is_file()]
    if not names or job.outputs_deleted_at:
        raise HTTPException(404, "this job has no documents to download")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(svc.folders.root / job.outputs[name], _file_name(job, name))
    svc.registry.record(signed.account.name, "job.downloaded", job.id, {"file": "zip", "files": len(names)})
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{_file_name(job, "documents.zip")}"'})


@router.get("/jobs/{job_id}/audio")
def audio(job_id: str, svc: ServiceDep, signed: SignedDep):
    """The recording, while the retention policy keeps it (range requests let the player seek)."""
    job = visible_job(svc, signed.account, job_id)
    path = svc.folders.recording(job.id)
    if not path.is_file():
        raise HTTPException(404, "the recording has been deleted by the retention policy")
    svc.registry.record(signed.account.name, "job.audio_played", job.id, {})
    return FileResponse(path, media_type=_audio_type(path))


def _audio_type(path) -> str:
    head = path.open("rb").read(12)
    if head[:4] == b"RIFF":
        return "audio/wav"
    if head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"\x1aE\xdf\xa3":
        return "audio/webm"
    return "application/octet-stream"
