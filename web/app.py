"""The web app for officers, supervisors and administrators: FastAPI, server-rendered Jinja2 pages.

``create_app()`` builds it over the service's registry and data folder (``PT_*`` settings); ``transcribe serve``
runs it with uvicorn. Routes live in :mod:`web.routes`, one module per area.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from prometheus_client import Counter, Histogram

from workers.service import folders_and_registry
from workers.settings import ServiceSettings

from .deps import SESSION_COOKIE, Service, SignInRequired, over_tls

HERE = Path(__file__).parent
REQUESTS = Counter("pt_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("pt_http_request_seconds", "Time to answer HTTP requests", ["route"])
# Pages may show what was said: never cached, never framed, scripts and styles from this site only.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store", "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    folders, registry = folders_and_registry(settings)
    templates = Jinja2Templates(directory=HERE / "templates")
    app = FastAPI(title="probation-transcribe", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.service = Service(settings, folders, registry, templates)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from .routes import admin, auth, jobs, ops, review, upload

    for module in (auth, jobs, upload, review, admin, ops):
        app.include_router(module.router)

    @app.middleware("http")
    async def _around(request: Request, call_next):
        started = time.perf_counter()
        response: Response = await call_next(request)
        for key, value in _HEADERS.items():
            response.headers.setdefault(key, value)
        token = getattr(request.state, "new_session_token", None)
        if token:
            set_session_cookie(response, request, token)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        REQUESTS.labels(request.method, name, str(response.status_code)).inc()
        LATENCY.labels(name).observe(time.perf_counter() - started)
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _error(request: Request, exc: HTTPException):
        if request.url.path.endswith(".json") or request.url.path in ("/healthz", "/metrics"):
            return Response(str(exc.detail), status_code=exc.status_code, media_type="text/plain")
        signed = getattr(request.state, "signed", None)
        return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "message": exc.detail,
                                                                  "signed": signed}, status_code=exc.status_code)

    return app


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    settings: ServiceSettings = request.app.state.service.settings
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=over_tls(request),
                        max_age=int(settings.web_idle_minutes * 60 * 12), path="/")


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """A page, with the signed-in account and its CSRF token available to the template."""
    svc = request.app.state.service
    return svc.templates.TemplateResponse(request, template, {"signed": getattr(request.state, "signed", None),
                                                              **context}, status_code=status_code)
