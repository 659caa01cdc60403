"""The web app in tests: a data folder with accounts, teams and published jobs, and signed-in clients."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from transcribe.publish import write_outputs
from transcribe.records import Segment, Source, Speaker, Transcript, Word
from transcribe.redact import Redactor, redact_segments
from transcribe.summary import assign_roles
from workers.registry import SUCCEEDED, Job, new_job_id, utcnow

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# North: officer jwalsh, supervised by sup.north. South: officer kpatel. boss: administrator.
ACCOUNTS = [("jwalsh", "officer", "north"), ("kpatel", "officer", "south"), ("sup.north", "supervisor", "north"),
            ("boss", "admin", None)]
LINES = [("SPEAKER_00", "Morning Kacper, how have you been since I last saw you?"),
         ("SPEAKER_01", "Not bad. I moved in with my sister in Leeds last week."),
         ("SPEAKER_00", "Good. Bring your tenancy letter next time please."),
         ("SPEAKER_01", "I will. I also started at Pennine Fencing on Monday.")]


def make_accounts(registry) -> None:
    from web.accounts import add_user

    for name, role, team in ACCOUNTS:
        add_user(registry, name, role, PASSWORD, team)


def published_job(svc, owner: str, lines=LINES, recording: bytes | None = None) -> str:
    """A job that went through the publishing half for real (redaction, roles, note, documents, leak check)."""
    job_id = new_job_id()
    svc.registry.add_job("test", job_id=job_id, owner=owner, display_name="Kacper Nowak 12 March.m4a",
                         sha256=job_id * 2, size_bytes=1)
    segments = [Segment(4.0 * i, 4.0 * i + 3, speaker, text, [Word(4.0 * i, 4.0 * i + 3, text, 0.9, speaker)],
                        redacted_text=text) for i, (speaker, text) in enumerate(lines)]
    transcript = Transcript(Source("x.m4a", "0" * 64, 4.0 * len(lines)), "en", {"asr": "test", "diarisation": "test"},
                            [Speaker("SPEAKER_00", 6.0), Speaker("SPEAKER_01", 6.0)], [], segments)
    transcript.redactions = redact_segments(Redactor(), transcript.segments)
    transcript.speakers = assign_roles(transcript)
    folder = svc.folders.outbox_dir(owner, job_id, date.today())
    write_outputs(transcript, folder)
    work = svc.folders.work_dir(job_id)
    work.mkdir(parents=True)
    os.replace(folder / "transcript.json", work / "transcript.json")
    if recording is not None:
        svc.folders.recording(job_id).parent.mkdir(parents=True)
        svc.folders.recording(job_id).write_bytes(recording)
    outputs = {p.name: svc.folders.relative(p) for p in folder.iterdir()}
    outputs["transcript.json"] = svc.folders.relative(work / "transcript.json")
    with svc.registry.session() as s:
        job = s.get(Job, job_id)
        job.state, job.stage, job.outputs, job.finished_at = SUCCEEDED, None, outputs, utcnow()
    return job_id


def sign_in(client, name: str, password: str = PASSWORD):
    """Sign in through the form, as a browser does; returns the response after the redirect."""
    page = client.get("/login")
    token = CSRF.search(page.text).group(1)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token, "next": "/"})


def csrf_of(client, path: str = "/") -> str:
    return CSRF.search(client.get(path).text).group(1)


def data_path(*parts: str) -> Path:
    return Path(__file__).parent / "data" / Path(*parts)
