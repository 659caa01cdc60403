"""Review and correct: relabel or merge speakers, edit the note, add a redaction (every mention) or undo a wrong
one (supervisors), mark the note checked. Each correction is recorded on the job, audited (its kind, never the
words), and every document is rendered again by a worker with all corrections applied in order."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from transcribe.review import Checked, Unredact, parse, to_json
from workers.registry import SUCCEEDED

from ..accounts import can_undo_redaction
from ..deps import Service, ServiceDep, SignedDep, check_csrf, visible_job
from .jobs import load_transcript

router = APIRouter()
_OPTIONAL = ("role", "name", "deadline", "date", "time", "place")
_FIELDS = ("kind", "speaker", "role", "name", "into", "term", "section", "was", "text", "owner", "deadline", "date",
           "time", "place", "placeholder")


@router.post("/jobs/{job_id}/corrections")
async def correct(request: Request, job_id: str, svc: ServiceDep, signed: SignedDep):
    form = await request.form()
    check_csrf(request, signed, form.get("csrf_token"))
    who = signed.account
    job = visible_job(svc, who, job_id)
    if job.state != SUCCEEDED or job.outputs_deleted_at:
        raise HTTPException(409, "this job has no published documents to correct")
    item = {k: str(form[k]).strip() for k in _FIELDS if k in form}
    for key in _OPTIONAL:  # left empty: not set
        if key in item and not item[key]:
            item[key] = None
    kind = item.get("kind")
    if kind == "unredact":
        if not can_undo_redaction(who, job):
            raise HTTPException(403, "only a supervisor of this officer's team can undo a redaction")
        corrections = _undo(svc, job, item.get("placeholder", ""))
    elif kind == "checked":
        if who.name != job.owner:
            raise HTTPException(403, "only the officer whose session it is can mark the note checked")
        corrections = [Checked(by=who.name, at=datetime.now(UTC).isoformat(timespec="seconds"))]
    else:
        item.pop("placeholder", None)
        try:
            corrections = [parse(item)]
        except ValueError as e:
            raise HTTPException(400, f"that correction is not valid: {e}") from e
    for correction in corrections:
        svc.registry.add_correction(job.id, who.name, to_json(correction))
    _rerender(svc, job.id)
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"queued": len(corrections)})
    return RedirectResponse(f"/jobs/{job.id}#review", status_code=303)


def _undo(svc: Service, job, placeholder: str) -> list[Unredact]:
    """Keep every value redacted under ``placeholder`` (a wrongly redacted name or place)."""
    transcript = load_transcript(svc, job)
    if transcript is None:
        raise HTTPException(409, "the transcript is not available")
    values = {transcript.segments[r.segment].text[r.start:r.end] for r in transcript.redactions
              if r.placeholder == placeholder}
    if not values:
        raise HTTPException(404, "no such placeholder in this transcript")
    if not placeholder.startswith(("[PERSON", "[PLACE", "[ADDRESS", "[REDACTED")):
        raise HTTPException(400, "only names, places and addresses can be undone; numbers and codes stay redacted")
    return [Unredact(term=value) for value in sorted(values) if len(value.strip()) >= 2]


def _rerender(svc: Service, job_id: str) -> None:
    from workers.service import dispatch_revision

    dispatch_revision(svc.registry, job_id)

