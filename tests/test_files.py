"""Private files are written atomically and never through a planted symlink (issue 10)."""

import os
import stat

import pytest

from transcribe.files import write_private


def test_written_owner_only_and_replaced_atomically(tmp_path):
    target = tmp_path / "transcript.json"
    write_private(target, b"first")
    write_private(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["transcript.json"]  # no temporary file left behind


@pytest.mark.parametrize("planted", ["transcript.json", ".transcript.json.tmp", ".transcript.json.{pid}.tmp",
                                     "transcript.json.tmp", "transcript.tmp"])
def test_a_planted_symlink_never_receives_data(tmp_path, planted):
    """Someone who can write the folder plants a link at a path the writer might use, pointing at a file of
    theirs (or one they want overwritten): the link is replaced or ignored, its target never written."""
    victim = tmp_path / "elsewhere.txt"
    victim.write_text("untouched")
    out = tmp_path / "out"
    out.mkdir()
    link = out / planted.format(pid=os.getpid())
    link.symlink_to(victim)
    write_private(out / "transcript.json", b"unredacted words")
    assert victim.read_text() == "untouched"
    written = out / "transcript.json"
    assert not written.is_symlink() and written.read_bytes() == b"unredacted words"


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    with pytest.raises(OSError):
        write_private(tmp_path / "missing-folder" / "x.json", b"data")
    assert os.listdir(tmp_path) == []


def test_published_outputs_never_follow_a_planted_symlink(tmp_path):
    """Through the real publishing step: links planted at every output's name and at the predictable
    temporary names an earlier version used (``.<name>.<pid>.tmp``) are never written through."""
    from transcribe.publish import write_outputs
    from transcribe.records import Segment, Source, Transcript, Word

    text = "I'll ring the housing office tomorrow."
    segment = Segment(0.0, 2.0, "SPEAKER_00", text, [Word(0.0, 2.0, text, 0.9, "SPEAKER_00")], redacted_text=text)
    transcript = Transcript(Source("x.wav", "0" * 64, 2.0), "en", {"asr": "a", "diarisation": "d"}, [], [], [segment])
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    names = ("transcript.json", "transcript.docx", "summary.docx", "transcript.txt", "transcript.srt", "transcript.vtt")
    for name in names:
        (out / f".{name}.{os.getpid()}.tmp").symlink_to(victim)
    (out / "transcript.json").symlink_to(victim)
    write_outputs(transcript, out)
    assert victim.read_text() == "untouched"
    for name in names:
        assert (out / name).is_file() and not (out / name).is_symlink()
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600
