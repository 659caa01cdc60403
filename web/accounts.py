"""Local accounts, teams and who may see what.

Passwords are hashed with Argon2id (argon2-cffi). Roles:

- **officer**: their own jobs (those of ``inbox/<name>/`` and their uploads);
- **supervisor**: also the jobs of the officers in the teams they supervise, and the unredacted view of those;
- **admin**: users, teams, the audit trail and retention settings; no transcript content unless they also
  supervise the owner's team.

Permissions are decided here, once, for every route (:func:`can_view`, :func:`can_see_unredacted`...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Boolean, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from workers.registry import Base, JobView, Registry, UTCDateTime, utcnow

OFFICER, SUPERVISOR, ADMIN = "officer", "supervisor", "admin"
ROLES = (OFFICER, SUPERVISOR, ADMIN)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")  # the same rule as drop-folder names
MIN_PASSWORD = 12

_hasher = PasswordHasher()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Membership(Base):
    __tablename__ = "memberships"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    supervisor: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass(frozen=True)
class Account:
    """Who is signed in: name, role, and whose jobs they may see."""

    id: int
    name: str
    role: str
    supervises: frozenset[str]  # officers whose jobs (and unredacted text) this account may see
    teams: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


class AccountError(ValueError):
    """A request about accounts that cannot be done (the message says why)."""


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise AccountError("an account name is 1-64 lower-case letters, digits, '.', '_' or '-' (it is also the "
                           "drop folder's name)")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def add_user(registry: Registry, name: str, role: str, password: str, team: str | None = None,
             actor: str = "cli") -> None:
    """Create an account (and its team membership: supervisors supervise the team, others are members)."""
    check_name(name)
    check_password(password)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    with registry.session() as s:
        if s.scalars(select(User).where(User.name == name)).first():
            raise AccountError(f"there is already an account {name}")
        user = User(name=name, role=role, password_hash=_hasher.hash(password), disabled=False, created_at=utcnow())
        s.add(user)
        s.flush()
        if team:
            _join(s, user, team, supervisor=role == SUPERVISOR)
        from workers import audit

        audit.append(s, actor, "user.added", None, {"user": name, "role": role, "team": team})


def join_team(registry: Registry, name: str, team: str, supervisor: bool, actor: str) -> None:
    with registry.session() as s:
        user = _user(s, name)
        _join(s, user, team, supervisor)
        from workers import audit

        audit.append(s, actor, "team.joined", None, {"user": name, "team": team, "supervisor": supervisor})


def _join(s: Session, user: User, team_name: str, supervisor: bool) -> None:
    check_name(team_name)
    team = s.scalars(select(Team).where(Team.name == team_name)).first()
    if team is None:
        team = Team(name=team_name)
        s.add(team)
        s.flush()
    membership = s.get(Membership, (team.id, user.id))
    if membership is None:
        s.add(Membership(team_id=team.id, user_id=user.id, supervisor=supervisor))
    else:
        membership.supervisor = supervisor


def _user(s: Session, name: str) -> User:
    user = s.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise AccountError(f"no account {name}")
    return user


def set_password(registry: Registry, name: str, password: str, actor: str) -> None:
    check_password(password)
    with registry.session() as s:
        _user(s, name).password_hash = _hasher.hash(password)
        from workers import audit

        audit.append(s, actor, "user.password_changed", None, {"user": name})
    end_sessions(registry, name)


def set_disabled(registry: Registry, name: str, disabled: bool, actor: str) -> None:
    with registry.session() as s:
        _user(s, name).disabled = disabled
        from workers import audit

        audit.append(s, actor, "user.disabled" if disabled else "user.enabled", None, {"user": name})
    if disabled:
        end_sessions(registry, name)


def end_sessions(registry: Registry, name: str) -> None:
    from .sessions import WebSession

    with registry.session() as s:
        user = _user(s, name)
        for session in s.scalars(select(WebSession).where(WebSession.user_id == user.id)):
            s.delete(session)


def users(registry: Registry) -> list[dict]:
    """Every account with its role, teams and state (no password hashes)."""
    with registry.session() as s:
        rows = []
        for user in s.scalars(select(User).order_by(User.name)):
            teams = s.execute(select(Team.name, Membership.supervisor).join(Membership, Membership.team_id == Team.id)
                              .where(Membership.user_id == user.id).order_by(Team.name)).all()
            rows.append({"name": user.name, "role": user.role, "disabled": user.disabled,
                         "teams": [f"{t}{' (supervisor)' if sup else ''}" for t, sup in teams],
                         "last_login_at": user.last_login_at})
        return rows


def authenticate(registry: Registry, name: str, password: str) -> Account | None:
    """The account if the password is right and the account enabled; None otherwise (same time either way)."""
    with registry.session() as s:
        user = s.scalars(select(User).where(User.name == name)).first()
        digest = user.password_hash if user else _DUMMY_HASH
        try:
            _hasher.verify(digest, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = utcnow()
        return _account(s, user)


_DUMMY_HASH = _hasher.hash("no such account: the same work as a real check")


def account(registry: Registry, user_id: int) -> Account | None:
    with registry.session() as s:
        user = s.get(User, user_id)
        return None if user is None or user.disabled else _account(s, user)


def _account(s: Session, user: User) -> Account:
    supervised_teams = select(Membership.team_id).where(Membership.user_id == user.id, Membership.supervisor)
    officers = s.scalars(select(User.name).join(Membership, Membership.user_id == User.id)
                         .where(Membership.team_id.in_(supervised_teams))).all()
    teams = s.scalars(select(Team.name).join(Membership, Membership.team_id == Team.id)
                      .where(Membership.user_id == user.id).order_by(Team.name)).all()
    return Account(user.id, user.name, user.role, frozenset(officers) - {user.name}, tuple(teams))


# -- who may see what ---------------------------------------------------------------------------------------
def can_view(who: Account, job: JobView) -> bool:
    """The job's redacted transcript, note and documents: its officer, and supervisors of the officer's team."""
    return job.owner == who.name or job.owner in who.supervises


def can_see_unredacted(who: Account, job: JobView) -> bool:
    """The unredacted text: supervisors (or admins) of the officer's team only; never the officer."""
    return who.role in (SUPERVISOR, ADMIN) and job.owner in who.supervises


def can_undo_redaction(who: Account, job: JobView) -> bool:
    return can_see_unredacted(who, job)


def visible_owners(who: Account) -> set[str]:
    return {who.name, *who.supervises}
