"""Taking dropped files (workers.intake) and watching the drop folders (workers.watcher), on real files and a
real SQLite registry; no broker needed (dispatched jobs are collected)."""

import json
import os
import stat
import threading
import time

import pytest
from service_support import JFK

from workers.folders import DataFolders
from workers.intake import INTAKE_RECORD, Intake
from workers.registry import QUEUED, WAITING, Registry
from workers.settings import ServiceSettings
from workers.watcher import Watcher


@pytest.fixture
def service(tmp_path, monkeypatch):
    monkeypatch.setenv("PT_DATA_DIR", str(tmp_path / "data"))
    settings = ServiceSettings()
    folders = DataFolders(settings.data_dir)
    folders.create()
    registry = Registry(settings.registry_url)
    registry.migrate()
    sent = []
    intake = Intake(settings, folders, registry, sent.append)
    yield folders, registry, intake, sent
    registry.close()


def _drop(folders, relative: str, data: bytes = None):
    path = folders.inbox / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(JFK.read_bytes() if data is None else data)
    return path


def _quarantined(folders):
    return sorted(str(p.relative_to(folders.quarantine)) for p in folders.quarantine.rglob("*")
                  if p.is_file() and not p.name.endswith(".error.txt"))


def _reason(path):
    return path.with_name(path.name + ".error.txt").read_text().strip()


def test_a_recording_is_moved_into_the_store_and_queued(service):
    folders, registry, intake, sent = service
    path = _drop(folders, "jwalsh/Jo Bloggs — 12 März.wav")
    taken = intake.take(path)
    assert taken.created and not path.exists()
    stored = folders.recording(taken.job.id)
    assert stored.read_bytes() == JFK.read_bytes() and stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert not (stored.parent / INTAKE_RECORD).exists()
    job = registry.get(taken.job.id)
    assert (job.owner, job.display_name, job.state, job.size_bytes) == ("jwalsh", "Jo Bloggs — 12 März.wav", QUEUED,
                                                                        JFK.stat().st_size)
    assert [j.id for j in sent] == [job.id]
    assert "Jo Bloggs" not in str(stored)  # the name stays in the registry


def test_a_second_drop_of_the_same_recording_is_one_job(service):
    folders, registry, intake, sent = service
    first = intake.take(_drop(folders, "jwalsh/session.wav"))
    again = intake.take(_drop(folders, "jwalsh/session copy.wav"))
    assert not again.created and again.job.id == first.job.id
    assert again.quarantined.name == "session copy.wav"
    assert f"already received as job {first.job.id}" in _reason(again.quarantined)
    assert registry.counts()[QUEUED] == 1 and len(sent) == 1


@pytest.mark.parametrize("relative, reason", [
    ("stray.wav", "folder named after the officer"),
    ("Not A Name/a.wav", "not an account name"),
    ("jwalsh/old/a.wav", "only inbox/jwalsh/ and inbox/jwalsh/overnight/ are read"),
])
def test_files_outside_an_officers_folder_are_quarantined(service, relative, reason):
    folders, registry, intake, sent = service
    taken = intake.take(_drop(folders, relative))
    assert taken.job is None and reason in _reason(taken.quarantined)
    assert not sent and sum(registry.counts().values()) == 0


def test_a_symlink_is_quarantined_as_a_link_and_its_target_untouched(service, tmp_path):
    folders, registry, intake, sent = service
    secret = tmp_path / "elsewhere.wav"
    secret.write_bytes(JFK.read_bytes())
    link = folders.inbox / "jwalsh" / "innocent.wav"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    taken = intake.take(link)
    assert taken.job is None and taken.quarantined.is_symlink() and not link.exists()
    assert "symbolic links are not accepted" in _reason(taken.quarantined)
    assert secret.read_bytes() == JFK.read_bytes()
    # a whole officer folder that is a link out of the inbox is not read through
    (folders.inbox / "kpatel").symlink_to(tmp_path)
    assert intake.take(folders.inbox / "kpatel" / "elsewhere.wav").job is None
    assert secret.exists()


def test_the_sidecar_sets_speakers_terms_and_overnight(service):
    folders, registry, intake, sent = service
    path = _drop(folders, "jwalsh/interview.m4a")
    sidecar = _drop(folders, "jwalsh/interview.json", json.dumps(
        {"speakers": 2, "overnight": True, "deny": ["Blue Door", " "], "keep_names": ["Jo Walsh"]}).encode())
    taken = intake.take(path)
    job = registry.get(taken.job.id)
    assert job.state == WAITING and job.queue == "overnight" and not sent
    assert job.options == {"num_speakers": 2, "min_speakers": None, "max_speakers": None, "deny_list": ["Blue Door"],
                           "keep_names": ["Jo Walsh"]}
    assert not sidecar.exists()


def test_the_overnight_folder_waits_for_the_window(service):
    folders, registry, intake, sent = service
    taken = intake.take(_drop(folders, "jwalsh/overnight/backlog.wav"))
    assert registry.get(taken.job.id).state == WAITING and not sent


def test_a_bad_sidecar_quarantines_the_recording_with_the_reason(service):
    folders, registry, intake, sent = service
    path = _drop(folders, "jwalsh/x.wav")
    _drop(folders, "jwalsh/x.wav.json", b'{"speakers": "two", "colour": "blue"}')
    taken = intake.take(path)
    assert taken.job is None and "sidecar .json file is not valid (speakers" in _reason(taken.quarantined)


@pytest.mark.parametrize("name", ["x..wav", "a..b.wav", "with  spaces .wav", "ünïcødé 会议.wav", "x" * 251 + ".wav",
                                  "é" * 125 + ".wav"])
def test_odd_names_are_taken_and_quarantine_names_stay_valid(service, name):
    folders, registry, intake, sent = service
    taken = intake.take(_drop(folders, f"jwalsh/{name}"))
    assert taken.created and registry.get(taken.job.id).display_name == name
    refused = intake.take(_drop(folders, name))  # at the inbox's top: refused, with its reason beside it
    error = refused.quarantined.with_name(refused.quarantined.name + ".error.txt")
    assert len(error.name.encode()) <= 255 and error.exists()


def test_a_crash_between_the_store_and_the_registry_loses_nothing(service):
    folders, registry, intake, sent = service
    job_id = "0" * 32
    stored = folders.recording(job_id)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(JFK.read_bytes())
    (stored.parent / INTAKE_RECORD).write_text(json.dumps({"owner": "jwalsh", "display_name": "a.wav",
                                                           "overnight": False, "options": {}}))
    assert intake.recover() == 1
    assert registry.get(job_id).state == QUEUED and [j.id for j in sent] == [job_id]
    assert intake.recover() == 0


def test_the_watcher_waits_until_a_slowly_written_file_is_complete(service):
    folders, registry, intake, sent = service
    watcher = Watcher(folders, intake, stable_s=1.5, rescan_s=0.5)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, 0.2))
    thread.start()
    try:
        target = folders.inbox / "jwalsh" / "slow.wav"
        target.parent.mkdir(parents=True)
        data = JFK.read_bytes()
        with open(target, "wb") as f:
            for i in range(6):  # 3 s of writing, a piece every half second
                f.write(data[i * len(data) // 6:(i + 1) * len(data) // 6])
                f.flush()
                time.sleep(0.5)
                assert target.exists(), "taken while still being written"
        (folders.inbox / "jwalsh" / "copy.wav.part").write_bytes(data)  # a temporary name: never taken
        (folders.inbox / "jwalsh" / ".hidden.wav").write_bytes(data)
        deadline = time.monotonic() + 20
        while not sent and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(sent) == 1 and folders.recording(sent[0].id).read_bytes() == data
        os.rename(folders.inbox / "jwalsh" / "copy.wav.part", folders.inbox / "jwalsh" / "renamed.wav")
        kept = folders.quarantine / "jwalsh" / "renamed.wav"
        deadline = time.monotonic() + 20
        while not kept.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert kept.exists()  # taken once renamed: the same recording, so kept aside with the reason...
        assert len(sent) == 1  # ...and still one job
        assert (folders.inbox / "jwalsh" / ".hidden.wav").exists()
    finally:
        stop.set()
        thread.join()
