"""Signing in and out. The sign-in form is a POST to /login with ``username`` and ``password``."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from .. import sessions
from ..accounts import authenticate
from ..app import render, set_session_cookie
from ..deps import LOGIN_COOKIE, SESSION_COOKIE, ServiceDep, SignedDep, check_csrf, client_address, over_tls

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //elsewhere or a full URL)."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _form(request: Request, error: str | None, target: str, status: int = 200):
    """The sign-in page, with a fresh token for its form (a cookie, as there is no session yet)."""
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"csrf": token, "next": _safe_next(target), "error": error}, status)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=over_tls(request),
                        max_age=3600, path="/login")
    return response


@router.get("/login")
def login_page(request: Request, next: str = "/"):  # noqa: A002 (the query parameter's name)
    return _form(request, None, next)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()], password: Annotated[str, Form()], svc: ServiceDep,
          csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"):  # noqa: A002
    settings = svc.settings
    address = client_address(request)
    name = username.strip().lower()[:64]
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return _form(request, "The sign-in form expired. Please try again.", next, 403)
    window = timedelta(minutes=settings.login_window_minutes)
    if not sessions.allowed_to_try(svc.registry, name, address, window, settings.login_failures_per_account,
                                   settings.login_failures_per_address):
        svc.registry.record("web", "user.sign_in_refused", None, {"user": name, "reason": "too many attempts"})
        return _form(request, f"Too many failed attempts. Wait {settings.login_window_minutes:.0f} minutes and try "
                              "again, or ask an administrator.", next, 429)
    who = authenticate(svc.registry, name, password)
    sessions.record_attempt(svc.registry, name, address, ok=who is not None)
    if who is None:
        svc.registry.record("web", "user.sign_in_failed", None, {"user": name})
        return _form(request, "That account name and password do not match an active account.", next, 401)
    token, _ = sessions.start(svc.registry, who, address)
    svc.registry.record(who.name, "user.signed_in", None, {})
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, svc: ServiceDep, signed: SignedDep, csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, signed, csrf_token)
    sessions.end(svc.registry, request.cookies.get(SESSION_COOKIE))
    svc.registry.record(signed.account.name, "user.signed_out", None, {})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
