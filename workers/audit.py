"""The audit trail: append-only rows, each holding the hash of the one before, so an edited, inserted or
deleted row breaks the chain (:func:`verify`, ``transcribe audit verify``).

Rows say who did what to which job, never transcript text or file names. The database refuses updates and
deletes of audit rows (triggers created by the migration); the chain catches what someone with direct write
access to the database does anyway. The head row (last number and hash) catches rows cut off the end; record
:func:`verify`'s head hash elsewhere to catch a rewrite of the whole chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

GENESIS = "0" * 64


def canonical(value) -> str:
    """The JSON form that is hashed: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, job_id: str | None, detail: str) -> str:
    body = canonical({"seq": seq, "at": at, "actor": actor, "action": action, "job": job_id, "detail": detail})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append(session: Session, actor: str, action: str, job_id: str | None, detail: dict) -> None:
    """Add a row in ``session``'s transaction, after locking the chain's head so appends are serialised."""
    from .registry import AuditHead, AuditRow

    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    seq = head.seq + 1
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    text = canonical(detail)
    digest = row_hash(head.hash, seq, at, actor, action, job_id, text)
    session.add(AuditRow(seq=seq, at=at, actor=actor, action=action, job_id=job_id, detail=text,
                         prev_hash=head.hash, hash=digest))
    head.seq, head.hash = seq, digest
    session.flush()


@dataclass(frozen=True)
class Verification:
    ok: bool
    rows: int
    head_hash: str
    problem: str | None = None  # the first break found, e.g. "row 17 was changed"


def verify(session: Session) -> Verification:
    """Walk the chain from the first row: every number present, every hash recomputed, the head matching."""
    from .registry import AuditHead, AuditRow

    previous, expected_seq, count = GENESIS, 1, 0
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        if row.seq != expected_seq:
            return Verification(False, count, previous, f"row {expected_seq} is missing (next is {row.seq})")
        if row.prev_hash != previous:
            return Verification(False, count, previous, f"row {row.seq} does not follow row {row.seq - 1}")
        if row_hash(previous, row.seq, row.at, row.actor, row.action, row.job_id, row.detail) != row.hash:
            return Verification(False, count, previous, f"row {row.seq} was changed")
        previous, expected_seq, count = row.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq, head.hash) != (count, previous):
        return Verification(False, count, previous, f"rows after {count} were deleted (the head says {head.seq})")
    return Verification(True, count, previous)
