"""Uploading recordings in the browser: several files at once, streamed to disk inside the data folder under a
size limit, checked by decoding (not by their extension), then taken exactly like drop-folder files."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from python_multipart.multipart import FormParser, parse_options_header

from transcribe.audio import check_decodable
from transcribe.errors import InputError
from workers.execution import fail_input
from workers.intake import Intake, Sidecar

from ..accounts import ADMIN
from ..app import render
from ..deps import Service, ServiceDep, SignedDep, check_csrf
from ..sessions import Signed

router = APIRouter()
MAX_FILES = 20
_TERMS = re.compile(r"[,\n]")


@router.get("/upload")
def upload_page(request: Request, signed: SignedDep):
    _may_upload(signed)
    return render(request, "upload.html", {"results": None})


def _may_upload(signed: Signed) -> None:
    if signed.account.role == ADMIN:
        raise HTTPException(403, "administrators do not own recordings: sign in as the officer to upload")


@router.post("/upload")
async def upload(request: Request, svc: ServiceDep, signed: SignedDep):
    _may_upload(signed)
    limit = int(svc.settings.max_file_mb * 1_000_000)
    total_limit = limit * MAX_FILES
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise HTTPException(400, "send the recordings from the upload form")
    if int(request.headers.get("content-length") or 0) > total_limit:
        raise HTTPException(413, f"too large: each recording may be at most {svc.settings.max_file_mb:.0f} MB")
    staging = Path(tempfile.mkdtemp(dir=svc.folders.store, prefix=".upload-"))
    try:
        fields, files = await _receive(request, staging, params[b"boundary"], limit, total_limit)
        check_csrf(request, signed, fields.get("csrf_token"))
        options = _options(fields)
        results = [await run_in_threadpool(_take, svc, signed, name, path, options) for name, path in files[:MAX_FILES]]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return render(request, "upload.html", {"results": results}, status_code=200 if results else 400)


async def _receive(request: Request, staging: Path, boundary: bytes, limit: int, total_limit: int):
    """Parse the form as it arrives, files straight to disk in ``staging``; 413 past the limits."""
    fields: dict[str, str] = {}
    files: list[tuple[str, Path]] = []

    def on_field(field) -> None:
        if field.field_name and field.value is not None and len(field.value) <= 10_000:
            fields[field.field_name.decode()] = field.value.decode("utf-8", "replace")

    def on_file(file) -> None:
        if file.actual_file_name and file.size <= limit:
            name = (file.file_name or b"recording").decode("utf-8", "replace")
            files.append((name, Path(file.actual_file_name.decode() if isinstance(file.actual_file_name, bytes)
                                     else file.actual_file_name)))
        elif file.size > limit:
            files.append((f"too large: {(file.file_name or b'').decode('utf-8', 'replace')}", Path()))

    parser = FormParser("multipart/form-data", on_field, on_file, boundary=boundary,
                        config={"UPLOAD_DIR": str(staging), "MAX_MEMORY_FILE_SIZE": 0, "UPLOAD_DELETE_TMP": False,
                                "MAX_FIELDS": 100})
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > total_limit:
            raise HTTPException(413, "too large: upload fewer or smaller recordings at a time")
        parser.write(chunk)
    parser.finalize()
    return fields, files


def _options(fields: dict[str, str]) -> tuple[dict, bool]:
    speakers = fields.get("speakers", "").strip()
    try:
        sidecar = Sidecar(speakers=int(speakers) if speakers else None, overnight=fields.get("overnight") == "on",
                          deny=[t for t in _TERMS.split(fields.get("deny", "")) if t.strip()],
                          keep_names=[t for t in _TERMS.split(fields.get("keep_names", "")) if t.strip()])
    except ValueError as e:
        raise HTTPException(400, f"the form's options are not valid: {e}") from e
    return sidecar.options(), sidecar.overnight


def _take(svc: Service, signed: Signed, name: str, path: Path, options: tuple[dict, bool]) -> dict:
    """One uploaded file: decoded to check it, then taken (a bad one becomes a failed, quarantined job that is
    never sent to a worker)."""
    from workers.service import dispatch

    if name.startswith("too large: "):
        return {"name": name.removeprefix("too large: "), "ok": False,
                "message": f"larger than the limit of {svc.settings.max_file_mb:.0f} MB: not kept"}
    try:
        check_decodable(path)
        problem = None
    except InputError as e:
        problem = str(e)
    job_options, overnight = options
    send = (lambda job: None) if problem else (lambda job: dispatch(svc.registry, job))
    intake = Intake(svc.settings, svc.folders, svc.registry, send, actor=signed.account.name)
    taken = intake.take(path, owner=signed.account.name, overnight=overnight, name=name, options=job_options)
    if taken.job is None:
        return {"name": name, "ok": False, "message": "not accepted (see your quarantine folder)"}
    if not taken.created:
        return {"name": name, "ok": False, "job": taken.job.id,
                "message": "this recording was already received: it is the job linked here"}
    if problem:
        fail_input(svc.registry, svc.folders, taken.job, signed.account.name, problem)
        return {"name": name, "ok": False, "job": taken.job.id,
                "message": f"{problem}. The file was kept in your quarantine folder."}
    return {"name": name, "ok": True, "job": taken.job.id,
            "message": "waiting for the overnight batch" if overnight else "queued"}
