"""What every route needs: the service's parts, the signed-in account, CSRF checks, permissions and audit.

Only this module and the routes raise ``HTTPException``. Errors shown to people say what to do, in plain words.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from workers.folders import DataFolders
from workers.registry import JobView, Registry
from workers.settings import ServiceSettings

from . import sessions
from .accounts import ADMIN, Account, can_see_unredacted, can_view

SESSION_COOKIE = "pt_session"
LOGIN_COOKIE = "pt_login"  # the sign-in form's CSRF token, before there is a session


@dataclass
class Service:
    """The web app's share of the service, built once per app."""

    settings: ServiceSettings
    folders: DataFolders
    registry: Registry
    templates: Jinja2Templates


class SignInRequired(Exception):
    """Raised by :func:`signed_in` for pages: the app redirects to the sign-in page."""


def service(request: Request) -> Service:
    return request.app.state.service


def _from_trusted_proxy(request: Request) -> bool:
    """Whether the connection itself comes from a configured proxy (only then are its headers believed)."""
    peer = request.client.host if request.client else ""
    return peer in request.app.state.service.settings.trusted_proxies


def client_address(request: Request) -> str:
    """The person's address: the connection's, or the one a trusted proxy appended to X-Forwarded-For."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and _from_trusted_proxy(request):
        return forwarded.rsplit(",", 1)[-1].strip() or "unknown"
    return request.client.host if request.client else "unknown"


def over_tls(request: Request) -> bool:
    """HTTPS to the browser: directly, or at a trusted proxy that says so (X-Forwarded-Proto)."""
    if request.url.scheme == "https":
        return True
    return _from_trusted_proxy(request) and request.headers.get("x-forwarded-proto", "") == "https"


def signed_in(request: Request, svc: Annotated[Service, Depends(service)]) -> sessions.Signed:
    """The live session, or a redirect to sign in (pages) / 401 (the JSON progress feed).

    Behind a single sign-on proxy, the account its header names wins over any session cookie."""
    found = getattr(request.state, "signed", None)
    if found is None:
        found = sessions.resume(svc.registry, request.cookies.get(SESSION_COOKIE),
                                timedelta(minutes=svc.settings.web_idle_minutes))
        named = _named_by_proxy(request, svc)
        if named is not None and (found is None or found.account.name != named):
            found = _single_sign_on(request, svc, named)
        request.state.signed = found
    if found is None:
        if request.url.path.endswith(".json"):
            raise HTTPException(401, "sign in again")
        raise SignInRequired()
    return found


def _named_by_proxy(request: Request, svc: Service) -> str | None:
    """The account a trusted proxy's header names (single sign-on is off unless PT_WEB_SSO_HEADER and
    PT_WEB_TRUSTED_PROXIES are set; the header is ignored from any other address)."""
    header = svc.settings.web_sso_header
    if not header or not _from_trusted_proxy(request):
        return None
    return request.headers.get(header, "").strip().lower() or None


def _single_sign_on(request: Request, svc: Service, name: str) -> sessions.Signed | None:
    """A new session for the account the proxy named; None when there is no such active account."""
    from sqlalchemy import select

    from .accounts import User, account

    with svc.registry.session() as s:
        user = s.scalars(select(User).where(User.name == name)).first()
        user_id = user.id if user else None
    who = account(svc.registry, user_id) if user_id else None
    if who is None:
        return None
    token, csrf = sessions.start(svc.registry, who, client_address(request))
    request.state.new_session_token = token
    svc.registry.record(who.name, "user.signed_in", None, {"via": "proxy header"})
    return sessions.Signed(who, csrf, "")


def require_admin(signed: Annotated[sessions.Signed, Depends(signed_in)]) -> sessions.Signed:
    if signed.account.role != ADMIN:
        raise HTTPException(403, "only administrators can open this page")
    return signed


def check_csrf(request: Request, signed: sessions.Signed, submitted: str | None) -> None:
    """Every state-changing request carries the session's CSRF token (form field or X-CSRF-Token header)."""
    token = submitted or request.headers.get("x-csrf-token", "")
    if not token or not secrets.compare_digest(token, signed.csrf):
        raise HTTPException(403, "the form has expired or did not come from this site: reload the page and try again")


def visible_job(svc: Service, who: Account, job_id: str) -> JobView:
    """The job if ``who`` may see it; 404 otherwise (whether it exists or not, so ids cannot be probed)."""
    job = svc.registry.get(job_id) if len(job_id) == 32 and job_id.isalnum() else None
    if job is None or not can_view(who, job):
        raise HTTPException(404, "no such job")
    return job


def unredacted_allowed(who: Account, job: JobView) -> bool:
    return can_see_unredacted(who, job)


# For route signatures: the service, the signed-in account, an administrator.
ServiceDep = Annotated[Service, Depends(service)]
SignedDep = Annotated[sessions.Signed, Depends(signed_in)]
AdminDep = Annotated[sessions.Signed, Depends(require_admin)]
