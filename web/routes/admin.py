"""Administration: accounts and teams, the audit trail (filtered), retention settings. Administrators see no
transcript content here: the audit trail holds who did what to which job, never names or words."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from workers.audit import verify
from workers.registry import AuditRow

from .. import accounts
from ..app import render
from ..deps import AdminDep, ServiceDep, check_csrf

router = APIRouter(prefix="/admin")
RETENTION_KEYS = ("retain_audio_days", "retain_output_days")


@router.get("")
def admin_page(request: Request, svc: ServiceDep, signed: AdminDep):
    overrides = svc.registry.overrides()
    return render(request, "admin.html", {
        "users": accounts.users(svc.registry), "roles": accounts.ROLES, "message": request.query_params.get("done"),
        "retention": {k: overrides.get(k, getattr(svc.settings, k)) for k in RETENTION_KEYS}})


def _done(message: str) -> RedirectResponse:
    from urllib.parse import quote

    return RedirectResponse(f"/admin?done={quote(message)}", status_code=303)


@router.post("/users")
def add_user(request: Request, name: Annotated[str, Form()], role: Annotated[str, Form()], password: Annotated[str, Form()], svc: ServiceDep, signed: AdminDep, team: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, signed, csrf_token)
    try:
        accounts.add_user(svc.registry, name.strip().lower(), role, password, team.strip().lower() or None,
                          actor=signed.account.name)
    except accounts.AccountError as e:
        raise HTTPException(400, str(e)) from e
    return _done(f"account {name.strip().lower()} added")


@router.post("/users/{name}")
def change_user(request: Request, name: str, action: Annotated[str, Form()], svc: ServiceDep, signed: AdminDep, password: Annotated[str, Form()] = "", team: Annotated[str, Form()] = "", supervisor: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, signed, csrf_token)
    actor = signed.account.name
    try:
        if action == "disable":
            if name == actor:
                raise accounts.AccountError("you cannot disable your own account")
            accounts.set_disabled(svc.registry, name, True, actor)
        elif action == "enable":
            accounts.set_disabled(svc.registry, name, False, actor)
        elif action == "password":
            accounts.set_password(svc.registry, name, password, actor)
        elif action == "team":
            accounts.join_team(svc.registry, name, team.strip().lower(), supervisor == "on", actor)
        else:
            raise accounts.AccountError("unknown action")
    except accounts.AccountError as e:
        raise HTTPException(400, str(e)) from e
    return _done(f"account {name} changed ({action})")


@router.post("/retention")
def set_retention(request: Request, retain_audio_days: Annotated[float, Form(ge=0, le=3650)], retain_output_days: Annotated[float, Form(ge=0, le=3650)], svc: ServiceDep, signed: AdminDep, csrf_token: Annotated[str, Form()] = ""):
    check_csrf(request, signed, csrf_token)
    values = {"retain_audio_days": retain_audio_days, "retain_output_days": retain_output_days}
    svc.registry.set_overrides(signed.account.name, {k: str(v) for k, v in values.items()})
    return _done("retention settings saved")


@router.get("/audit")
def audit_page(request: Request, svc: ServiceDep, signed: AdminDep, action: str = "", job: str = "", actor: str = "", limit: int = 200):
    with svc.registry.session() as s:
        query = select(AuditRow).order_by(AuditRow.seq.desc()).limit(min(max(limit, 1), 1000))
        if action:
            query = query.where(AuditRow.action.startswith(action))
        if job:
            query = query.where(AuditRow.job_id == job)
        if actor:
            query = query.where(AuditRow.actor.startswith(actor))
        rows = [{"seq": r.seq, "at": r.at[:19].replace("T", " "), "actor": r.actor, "action": r.action,
                 "job": r.job_id, "detail": json.loads(r.detail)} for r in s.scalars(query)]
        check = verify(s)
    svc.registry.record(signed.account.name, "audit.viewed", None, {"filters": bool(action or job or actor)})
    return render(request, "audit.html", {"rows": rows, "check": check,
                                          "filters": {"action": action, "job": job, "actor": actor}})
