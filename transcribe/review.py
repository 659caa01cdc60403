"""A person's corrections to a published transcript, kept as a list and applied in order on every re-render.

Each correction is a small record (JSON ``{"kind": ..., ...}``):

=============  ==============================================  ============================================
kind           fields                                          effect
=============  ==============================================  ============================================
relabel        speaker, role, name                             the speaker's role and name, set by a person
merge          speaker, into                                   two diarised speakers are one person
redact         term                                            every mention of the term is redacted
unredact       term                                            a wrong redaction undone (a name kept)
note           section, was, text                              a note point edited ("" deletes; was "" adds)
action         was, text, owner, deadline                      an action edited ("" deletes; was "" adds)
appointment    date, time, place                               the next appointment set
checked        by, at                                          the officer checked the note
=============  ==============================================  ============================================

Edits name the text they change (``was``), not its position, so a later relabel that changes the note does
not make an earlier edit land on another point; an edit whose text is gone is reported in the note's caveats.
The note is "checked" while no content correction follows the last ``checked``: change it, check it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .align import speaker_talk_times
from .options import RedactionOptions
from .records import CRISSA_SECTIONS, Action, Appointment, Point, Recognised, Review, Summary, Transcript
from .summary import ROLES, relabel


@dataclass(frozen=True)
class Relabel:
    speaker: str
    role: str | None = None
    name: str | None = None
    kind: str = field(default="relabel", init=False)


@dataclass(frozen=True)
class Merge:
    speaker: str
    into: str
    kind: str = field(default="merge", init=False)


@dataclass(frozen=True)
class Redact:
    term: str
    kind: str = field(default="redact", init=False)


@dataclass(frozen=True)
class Unredact:
    term: str
    kind: str = field(default="unredact", init=False)


@dataclass(frozen=True)
class EditPoint:
    section: str
    was: str
    text: str
    kind: str = field(default="note", init=False)


@dataclass(frozen=True)
class EditAction:
    was: str
    text: str
    owner: str = "person_on_probation"
    deadline: str | None = None
    kind: str = field(default="action", init=False)


@dataclass(frozen=True)
class SetAppointment:
    date: str | None
    time: str | None
    place: str | None
    kind: str = field(default="appointment", init=False)


@dataclass(frozen=True)
class Checked:
    by: str
    at: str
    kind: str = field(default="checked", init=False)


Correction = Relabel | Merge | Redact | Unredact | EditPoint | EditAction | SetAppointment | Checked
KINDS = {"relabel": Relabel, "merge": Merge, "redact": Redact, "unredact": Unredact, "note": EditPoint,
         "action": EditAction, "appointment": SetAppointment, "checked": Checked}
_MAX_TEXT = 500


def parse(item: dict) -> Correction:
    """A correction from its JSON form.

    Raises:
        ValueError: an unknown kind, a missing or unexpected field, or a value out of range.
    """
    cls = KINDS.get(item.get("kind"))
    if cls is None:
        raise ValueError(f"unknown correction kind {item.get('kind')!r}; one of {sorted(KINDS)}")
    names = {f.name for f in fields(cls) if f.init}
    unknown = set(item) - names - {"kind"}
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    try:
        correction = cls(**{k: v for k, v in item.items() if k in names})
    except TypeError as e:
        raise ValueError(f"{item['kind']}: {e}") from e
    for f in fields(correction):
        value = getattr(correction, f.name)
        if value is not None and (not isinstance(value, str) or len(value) > _MAX_TEXT):
            raise ValueError(f"{item['kind']}.{f.name} must be text of at most {_MAX_TEXT} characters")
    if isinstance(correction, Relabel) and correction.role is not None and correction.role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if isinstance(correction, EditPoint) and correction.section not in CRISSA_SECTIONS:
        raise ValueError(f"section must be one of {list(CRISSA_SECTIONS)}")
    if isinstance(correction, EditAction) and correction.owner not in ("officer", "person_on_probation"):
        raise ValueError("an action's owner is the officer or the person on probation")
    if isinstance(correction, (Redact, Unredact)) and len(correction.term.strip()) < 2:
        raise ValueError("a term to redact or keep needs at least two characters")
    return correction


def to_json(correction: Correction) -> dict:
    return {f.name: getattr(correction, f.name) for f in fields(correction)}


def _content(corrections: list[Correction]) -> list[Correction]:
    return [c for c in corrections if not isinstance(c, Checked)]


def redaction_options(base: RedactionOptions, corrections: list[Correction]) -> RedactionOptions:
    """``base`` with the terms people asked to redact added to the deny list and those to keep to the kept
    names (a term redacted then kept again ends as its last correction says)."""
    last: dict[str, str] = {}
    for c in corrections:
        if isinstance(c, (Redact, Unredact)):
            last[c.term.strip().lower()] = c.kind
    deny = [c.term.strip() for c in corrections if isinstance(c, Redact) and last[c.term.strip().lower()] == "redact"]
    keep = [c.term.strip() for c in corrections if isinstance(c, Unredact)
            and last[c.term.strip().lower()] == "unredact"]
    return replace(base, deny_list=(*base.deny_list, *dict.fromkeys(deny)),
                   keep_names=(*base.keep_names, *dict.fromkeys(keep)))


def merge_speakers(recognised: Recognised, corrections: list[Correction]) -> Recognised:
    """The recognition with speakers merged as people said (words, utterances, turns and talk times)."""
    into = {}
    for c in corrections:
        if isinstance(c, Merge) and c.speaker != c.into:
            into[c.speaker] = c.into
    if not into:
        return recognised

    def final(speaker: str) -> str:
        seen = set()
        while speaker in into and speaker not in seen:
            seen.add(speaker)
            speaker = into[speaker]
        return speaker

    segments = [replace(s, speaker=final(s.speaker), words=[replace(w, speaker=final(w.speaker or s.speaker))
                                                             for w in s.words]) for s in recognised.segments]
    turns = [replace(t, speaker=final(t.speaker)) for t in recognised.speaker_turns]
    return replace(recognised, segments=segments, speaker_turns=turns, speakers=speaker_talk_times(turns, segments),
                   voices={k: v for k, v in recognised.voices.items() if k not in into})


def apply_relabels(transcript: Transcript, corrections: list[Correction]) -> tuple[Transcript, bool]:
    """Roles and names set by people; returns the transcript and whether anything changed."""
    changed = False
    known = {s.id for s in transcript.speakers}
    for c in corrections:
        if isinstance(c, Relabel) and c.speaker in known:
            transcript = relabel(transcript, c.speaker, role=c.role, name=c.name)
            changed = True
    return transcript, changed


def apply_note_edits(summary: Summary, corrections: list[Correction]) -> Summary:
    """The note with people's edits to points, actions and the appointment."""
    crissa = {k: list(v) for k, v in summary.crissa.items()}
    actions = list(summary.actions)
    appointment, notes = summary.appointment, list(summary.notes)
    for c in corrections:
        if isinstance(c, EditPoint):
            points = crissa.setdefault(c.section, [])
            if not _edit(points, c.was, c.text, lambda p, text: replace(p, text=text), Point(c.text, [], [])):
                notes.append(f"An edit to the {c.section.replace('_', ' ')} section no longer applies: the point "
                             "it changed is not in the note any more.")
        elif isinstance(c, EditAction):
            edited = Action(c.owner, c.text, c.deadline, [], [])
            if not _edit(actions, c.was, c.text, lambda a, text, c=c: replace(a, text=text, owner=c.owner,
                                                                             deadline=c.deadline), edited):
                notes.append("An edit to an action no longer applies: the action it changed is not in the note any "
                             "more.")
        elif isinstance(c, SetAppointment):
            cited = (appointment.timestamps, appointment.segments) if appointment else ([], [])
            appointment = Appointment(c.date, c.time, c.place, *cited) if (c.date or c.time or c.place) else None
    if "set_task" in crissa:
        crissa["set_task"] = [Point(a.text + (f" (by {a.deadline})" if a.deadline and a.deadline not in a.text else ""),
                                    a.timestamps, a.segments) for a in actions]
    if "appointment" in crissa:
        from .summary.appointment import describe_appointment

        crissa["appointment"] = [Point(describe_appointment(appointment), appointment.timestamps,
                                       appointment.segments)] if appointment else []
    return replace(summary, crissa=crissa, actions=actions, appointment=appointment, notes=notes)


def _edit(items: list, was: str, text: str, change, new) -> bool:
    """Edit, delete (``text`` empty) or add (``was`` empty) the item whose text is ``was``; False if not found."""
    if not was:
        if text:
            items.append(new)
        return True
    for i, item in enumerate(items):
        if item.text == was:
            if text:
                items[i] = change(item, text)
            else:
                del items[i]
            return True
    return False


def review_of(corrections: list[Correction]) -> Review:
    """Who checked the note and when, if no content correction came after."""
    checked = None
    for c in corrections:
        checked = c if isinstance(c, Checked) else None
    return Review(checked_by=checked.by if checked else None, checked_at=checked.at if checked else None,
                  corrections=len(_content(corrections)))


def revise(pipeline, recognised: Recognised, corrections: list[Correction],
           redaction: RedactionOptions | None = None) -> Transcript:
    """Publish again from the recognition with every correction applied, with ``pipeline``'s models.

    Args:
        pipeline: a :class:`transcribe.pipeline.Pipeline` (its publishing half is used).
        recognised: the recognition checkpoint.
        corrections: in the order they were made.
        redaction: this recording's redaction options (default: the pipeline's).
    """
    base = redaction or pipeline.options.redaction
    transcript = pipeline.prepare(merge_speakers(recognised, corrections),
                                  redaction=redaction_options(base, corrections))
    transcript, relabelled = apply_relabels(transcript, corrections)
    if relabelled:  # owners of actions follow the roles
        transcript.summary = pipeline.summarise(transcript)
    transcript.summary = apply_note_edits(transcript.summary, corrections)
    transcript.review = review_of(corrections)
    return transcript


__all__ = ["Checked", "Correction", "EditAction", "EditPoint", "Merge", "Redact", "Relabel", "SetAppointment",
           "Unredact", "apply_note_edits", "merge_speakers", "parse", "redaction_options", "review_of", "revise",
           "to_json"]
