"""Server-side sessions and login rate limits, kept in the registry's database.

The browser holds a random token in an HttpOnly, SameSite=Lax cookie (Secure behind TLS); the database holds
only its sha256, the account, a CSRF token for the session's forms, and when it was last used. A session idle
longer than the idle timeout is gone; logging out or disabling the account ends it.

Sign-in attempts are counted per account and per address over a window: past the limit, further attempts
are refused (without checking the password) until the window has moved on.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from workers.registry import Base, Registry, UTCDateTime, utcnow

from .accounts import Account, account


class WebSession(Base):
    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64))


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    account: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)


@dataclass(frozen=True)
class Signed:
    """A live session: the account and the session's CSRF token."""

    account: Account
    csrf: str
    session_id: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(registry: Registry, who: Account, address: str) -> tuple[str, str]:
    """A new session for ``who``; returns (cookie token, CSRF token)."""
    token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), utcnow()
    with registry.session() as s:
        s.add(WebSession(id=_digest(token), user_id=who.id, csrf=csrf, created_at=now, last_seen_at=now,
                         address=address[:64]))
    return token, csrf


def resume(registry: Registry, token: str | None, idle: timedelta) -> Signed | None:
    """The session behind a cookie, touched; None when unknown, idle too long, or its account disabled."""
    if not token:
        return None
    now = utcnow()
    with registry.session() as s:
        session = s.get(WebSession, _digest(token))
        if session is None:
            return None
        if now - session.last_seen_at > idle:
            s.delete(session)
            return None
        if (now - session.last_seen_at).total_seconds() > 30:  # one write a minute at most per session
            session.last_seen_at = now
        user_id, csrf, session_id = session.user_id, session.csrf, session.id
    who = account(registry, user_id)
    return Signed(who, csrf, session_id) if who else None


def end(registry: Registry, token: str | None) -> None:
    if token:
        with registry.session() as s:
            s.execute(delete(WebSession).where(WebSession.id == _digest(token)))


def allowed_to_try(registry: Registry, name: str, address: str, window: timedelta, per_account: int,
                   per_address: int) -> bool:
    """Whether another sign-in attempt may be checked now (failures within ``window`` under both limits)."""
    since = utcnow() - window
    with registry.session() as s:
        failures = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since,
                                                                      LoginAttempt.ok.is_(False))
        by_account = s.execute(failures.where(LoginAttempt.account == name[:64])).scalar_one()
        by_address = s.execute(failures.where(LoginAttempt.address == address[:64])).scalar_one()
    return by_account < per_account and by_address < per_address


def record_attempt(registry: Registry, name: str, address: str, ok: bool) -> None:
    with registry.session() as s:
        s.add(LoginAttempt(at=utcnow(), account=name[:64], address=address[:64], ok=ok))
        s.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=30)))
