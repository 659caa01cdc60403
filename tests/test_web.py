"""The web app over HTTP: every permission rule, CSRF, sessions, sign-in limits, uploads, downloads, audit,
health and metrics. Real registry (SQLite), real documents made by the library, real files."""

import io
import json
import re
import time
import zipfile

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import PASSWORD, csrf_of, data_path, make_accounts, published_job, sign_in

from transcribe.render import docx_text
from workers.registry import FAILED, AuditRow


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.setenv("PT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PT_DATABASE_URL", "")
    monkeypatch.setenv("PT_MAX_FILE_MB", "1")
    from web.app import create_app

    app = create_app()
    svc = app.state.service
    make_accounts(svc.registry)
    jobs = {"jwalsh": published_job(svc, "jwalsh"), "kpatel": published_job(svc, "kpatel")}
    yield app, svc, jobs
    svc.registry.close()


def _client(app, name=None):
    client = TestClient(app, follow_redirects=True)
    if name:
        assert sign_in(client, name).status_code == 200
    return client


def _audit(svc, action=None):
    with svc.registry.session() as s:
        rows = s.scalars(select(AuditRow).order_by(AuditRow.seq))
        return [(r.actor, r.action, r.job_id, json.loads(r.detail)) for r in rows if action is None or r.action == action]


def test_pages_need_a_sign_in(site):
    app, svc, jobs = site
    client = _client(app)
    for path in ("/", "/upload", f"/jobs/{jobs['jwalsh']}", f"/jobs/{jobs['jwalsh']}/download/summary.docx", "/admin"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/jobs/progress.json").status_code == 401


def test_an_officer_sees_only_their_own_jobs_even_by_guessing_ids(site):
    app, svc, jobs = site
    client = _client(app, "jwalsh")
    listing = client.get("/").text
    assert jobs["jwalsh"][:8] in listing and jobs["kpatel"][:8] not in listing
    assert [j["id"] for j in client.get("/jobs/progress.json").json()] == [jobs["jwalsh"]]
    own = client.get(f"/jobs/{jobs['jwalsh']}")
    assert own.status_code == 200 and "[PERSON 1]" in own.text and "Kacper" not in own.text
    other = jobs["kpatel"]
    token = csrf_of(client)
    for method, path, data in [("get", f"/jobs/{other}", None), ("get", f"/jobs/{other}/download/summary.docx", None),
                               ("get", f"/jobs/{other}/download.zip", None), ("get", f"/jobs/{other}/audio", None),
                               ("post", f"/jobs/{other}/retry", {"csrf_token": token}),
                               ("post", f"/jobs/{other}/delete", {"csrf_token": token, "confirm": "yes"}),
                               ("post", f"/jobs/{other}/corrections", {"csrf_token": token, "kind": "redact",
                                                                       "term": "Leeds"}),
                               ("get", "/jobs/" + "0" * 32, None), ("get", f"/jobs/{other.upper()}", None)]:
        response = getattr(client, method)(path, data=data) if data else getattr(client, method)(path)
        assert response.status_code == 404, (method, path, response.status_code)
    assert svc.registry.get(other).corrections == [] and svc.registry.get(other).outputs_deleted_at is None


def test_an_officer_can_delete_their_own_recording_and_documents(site):
    app, svc, jobs = site
    job = published_job(svc, "jwalsh", recording=data_path("jfk.wav").read_bytes())
    client = _client(app, "jwalsh")
    token = csrf_of(client)
    assert client.post(f"/jobs/{job}/delete", data={"csrf_token": token}).status_code == 400  # not confirmed
    files = [svc.folders.root / p for p in svc.registry.get(job).outputs.values()] + [svc.folders.recording(job)]
    assert all(p.is_file() for p in files)
    page = client.get(f"/jobs/{job}").text
    assert page.count('id="confirm-delete"') == 1 and re.search(r"<title>[^<]*</title>", page)  # once, in the page
    audio = client.get(f"/jobs/{job}/audio", headers={"Range": "bytes=0-99"})  # the player seeks by ranges
    assert audio.status_code == 206 and audio.headers["content-type"] == "audio/wav" and len(audio.content) == 100
    assert client.post(f"/jobs/{job}/delete", data={"csrf_token": token, "confirm": "yes"}).status_code == 200
    assert not any(p.exists() for p in files)
    assert client.get(f"/jobs/{job}/download/summary.docx").status_code == 404
    assert "have been deleted" in client.get(f"/jobs/{job}").text
    assert {a for actor, a, j, _ in _audit(svc) if j == job and actor == "jwalsh"} >= {
        "job.audio_played", "job.audio_deleted", "job.outputs_deleted"}


def test_the_unredacted_view_is_for_the_team_supervisor_only_and_is_audited(site):
    app, svc, jobs = site
    officer, supervisor, admin = _client(app, "jwalsh"), _client(app, "sup.north"), _client(app, "boss")
    assert officer.get(f"/jobs/{jobs['jwalsh']}?view=unredacted").status_code == 403
    listing = supervisor.get("/").text
    assert jobs["jwalsh"][:8] in listing and jobs["kpatel"][:8] not in listing  # their team only
    page = supervisor.get(f"/jobs/{jobs['jwalsh']}?view=unredacted")
    assert page.status_code == 200 and "Kacper" in page.text and "Leeds" in page.text
    assert supervisor.get(f"/jobs/{jobs['kpatel']}?view=unredacted").status_code == 404
    # An administrator manages accounts but reads no transcript outside a team they supervise.
    assert admin.get(f"/jobs/{jobs['jwalsh']}").status_code == 404
    assert jobs["jwalsh"][:8] not in admin.get("/").text
    viewed = [(actor, action) for actor, action, job, _ in _audit(svc) if job == jobs["jwalsh"]]
    assert ("sup.north", "job.viewed_unredacted") in viewed and ("jwalsh", "job.unredacted_refused") in viewed


def test_administration_is_for_administrators(site):
    app, svc, jobs = site
    officer, admin = _client(app, "jwalsh"), _client(app, "boss")
    assert officer.get("/admin").status_code == 403 and officer.get("/admin/audit").status_code == 403
    page = admin.get("/admin")
    assert page.status_code == 200 and "sup.north" in page.text
    token = csrf_of(admin, "/admin")
    added = admin.post("/admin/users", data={"name": "new.officer", "role": "officer", "team": "north",
                                             "password": PASSWORD, "csrf_token": token})
    assert added.status_code == 200 and "account new.officer added" in added.text
    assert sign_in(_client(app), "new.officer").url.path == "/"
    audit = admin.get("/admin/audit?action=user.")
    assert "user.added" in audit.text and "Hash chain intact" in audit.text
    assert admin.post("/admin/retention", data={"retain_audio_days": "2", "retain_output_days": "60",
                                                "csrf_token": token}).status_code == 200
    assert svc.registry.overrides() == {"retain_audio_days": 2.0, "retain_output_days": 60.0}
    assert officer.post("/admin/retention", data={"retain_audio_days": "0", "retain_output_days": "0",
                                                  "csrf_token": csrf_of(officer)}).status_code == 403


def test_forms_without_the_session_token_are_refused(site):
    app, svc, jobs = site
    client = _client(app, "jwalsh")
    job = jobs["jwalsh"]
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(f"/jobs/{job}/corrections", data={"kind": "redact", "term": "Leeds", **data})
        assert response.status_code == 403
        assert client.post("/logout", data=data).status_code == 403
    assert svc.registry.get(job).corrections == []
    # Sign-in without the form's own token (a cross-site sign-in) is refused too.
    fresh = _client(app)
    response = fresh.post("/login", data={"username": "jwalsh", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 403 and "expired" in response.text


def test_sessions_end_on_sign_out_and_when_idle(site, monkeypatch):
    app, svc, jobs = site
    client = _client(app, "jwalsh")
    cookie = client.cookies.get("pt_session")
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    stale = TestClient(app, cookies={"pt_session": cookie})
    assert stale.get("/", follow_redirects=False).status_code == 303  # the old cookie opens nothing
    svc.settings.web_idle_minutes = 1 / 60  # one second
    client = _client(app, "jwalsh")
    assert client.get("/").status_code == 200
    time.sleep(1.5)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_is_limited_per_account(site):
    app, svc, jobs = site
    client = _client(app)
    for _ in range(svc.settings.login_failures_per_account):
        assert sign_in(client, "jwalsh", "wrong password!").status_code == 401
    refused = sign_in(client, "jwalsh")  # even the right password, for now
    assert refused.status_code == 429 and "Too many failed attempts" in refused.text
    assert sign_in(_client(app), "kpatel").status_code == 200  # other accounts are not affected
    assert ("web", "user.sign_in_refused") in [(a, b) for a, b, _, _ in _audit(svc)]


def test_the_session_cookie_and_pages_are_locked_down(site):
    app, svc, jobs = site
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": "jwalsh", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "pt_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get(f"/jobs/{jobs['jwalsh']}")
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self': no inline script
    assert "<script>" not in page.text


def test_uploads_are_checked_by_decoding_and_limited_in_size(site):
    app, svc, jobs = site
    client = _client(app, "jwalsh")
    token = csrf_of(client, "/upload")
    wav = data_path("jfk.wav").read_bytes()  # 352 kB: under the 1 MB limit
    response = client.post("/upload", data={"csrf_token": token, "speakers": "2", "deny": "Blue Door\nRed Lane",
                                            "overnight": "on"},
                           files=[("files", ("Jo Bloggs.mp3", wav, "audio/mpeg")),  # a WAV named .mp3: content decides
                                  ("files", ("notes.wav", b"Officer's notes, not a recording.\n" * 50, "audio/wav")),
                                  ("files", ("huge.wav", wav * 4, "audio/wav"))])
    assert response.status_code == 200
    results = dict(re.findall(r"<strong>(.*?)</strong>: ([^<(]*)", response.text))
    assert results["Jo Bloggs.mp3"].startswith("waiting for the overnight batch")
    assert results["notes.wav"].startswith("not a readable audio file")
    assert "larger than the limit of 1 MB" in results["huge.wav"]
    jobs_now = {j.display_name: j for j in svc.registry.jobs(owner="jwalsh")}
    good, bad = jobs_now["Jo Bloggs.mp3"], jobs_now["notes.wav"]
    assert good.state == "waiting" and good.options["num_speakers"] == 2
    assert good.options["deny_list"] == ["Blue Door", "Red Lane"]
    assert svc.folders.recording(good.id).read_bytes() == wav
    assert bad.state == FAILED and (svc.folders.quarantine / "jwalsh" / "notes.wav").exists()
    assert "huge.wav" not in jobs_now
    assert not list(svc.folders.store.glob(".upload-*"))  # nothing left behind
    too_big = client.post("/upload", data={"csrf_token": token}, files=[("files", ("a.wav", wav * 60, "audio/wav"))])
    assert too_big.status_code == 413


def test_downloads_carry_no_original_name_and_are_audited(site):
    app, svc, jobs = site
    client = _client(app, "jwalsh")
    job = jobs["jwalsh"]
    response = client.get(f"/jobs/{job}/download/summary.docx")
    assert response.status_code == 200 and "Kacper" not in response.headers["content-disposition"]
    assert "Supervision session note" in docx_text(response.content)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/jobs/{job}/download.zip").content))
    assert sorted(n.split("_", 2)[2] for n in archive.namelist()) == sorted(
        ["summary.docx", "transcript.docx", "transcript.txt", "transcript.srt", "transcript.vtt"])
    assert client.get(f"/jobs/{job}/download/transcript.json").status_code == 404  # unredacted: never a download
    downloads = [d for actor, action, j, d in _audit(svc, "job.downloaded") if j == job]
    assert {"file": "summary.docx"} in downloads and any(d.get("file") == "zip" for d in downloads)


def test_corrections_are_recorded_and_audited_without_their_words(site):
    app, svc, jobs = site
    officer, supervisor = _client(app, "jwalsh"), _client(app, "sup.north")
    job = jobs["jwalsh"]
    token = csrf_of(officer)
    assert officer.post(f"/jobs/{job}/corrections", data={"csrf_token": token, "kind": "redact",
                                                          "term": "Pennine Fencing"}).status_code == 200
    assert officer.post(f"/jobs/{job}/corrections", data={"csrf_token": token, "kind": "relabel",
                                                          "speaker": "SPEAKER_00", "role": "officer",
                                                          "name": "Jo Walsh"}).status_code == 200
    assert officer.post(f"/jobs/{job}/corrections", data={"csrf_token": token, "kind": "unredact",
                                                          "placeholder": "[PERSON 1]"}).status_code == 403
    assert officer.post(f"/jobs/{job}/corrections", data={"csrf_token": token, "kind": "note", "section": "x",
                                                          "was": "", "text": "y", "colour": "red"}).status_code == 400
    undo = supervisor.post(f"/jobs/{job}/corrections", data={"csrf_token": csrf_of(supervisor), "kind": "unredact",
                                                             "placeholder": "[PLACE 1]"})
    assert undo.status_code == 200
    assert supervisor.post(f"/jobs/{job}/corrections", data={"csrf_token": csrf_of(supervisor),
                                                             "kind": "checked"}).status_code == 403  # officer's own
    corrections = svc.registry.get(job).corrections
    assert [c["kind"] for c in corrections] == ["redact", "relabel", "unredact"]
    assert corrections[2]["term"] == "Leeds"  # the value behind [PLACE 1], looked up by the server
    trail = json.dumps(_audit(svc, "job.corrected"))
    assert "Pennine" not in trail and "Walsh" not in trail and '"kind": "redact"' in trail


def test_health_and_metrics_say_nothing_personal(site):
    app, svc, jobs = site
    client = _client(app)
    assert client.get("/healthz").text == "ok"
    metrics = client.get("/metrics").text
    assert 'pt_jobs{state="succeeded"} 2.0' in metrics and "pt_http_requests_total" in metrics
    assert "jwalsh" not in metrics and "Kacper" not in metrics


def test_single_sign_on_header_is_believed_only_from_a_trusted_proxy(site):
    app, svc, jobs = site
    svc.settings.web_sso_header = "X-Remote-User"
    header = {"X-Remote-User": "jwalsh"}
    # The test client connects from "testclient": not a trusted proxy yet, so the header opens nothing.
    assert _client(app).get("/", headers=header, follow_redirects=False).status_code == 303
    svc.settings.web_trusted_proxies = "testclient"
    via_proxy = _client(app)
    assert jobs["jwalsh"][:8] in via_proxy.get("/", headers=header).text
    assert via_proxy.get("/", headers={"X-Remote-User": "nobody"}, follow_redirects=False).status_code == 303
    # Behind the proxy, sign-in limits count the person's address (X-Forwarded-For), not the proxy's.
    svc.settings.login_failures_per_address = 2
    for _ in range(2):
        assert sign_in_from(app, "10.0.0.7", "kpatel", "wrong password!").status_code == 401
    assert sign_in_from(app, "10.0.0.7", "jwalsh").status_code == 429
    assert sign_in_from(app, "10.0.0.8", "jwalsh").status_code == 200


def sign_in_from(app, address, name, password=PASSWORD):
    client = TestClient(app, headers={"X-Forwarded-For": address})
    return sign_in(client, name, password)
