"""The web app's commands, added to ``transcribe``: ``serve`` and ``user add|passwd|list|disable``.

The ``transcribe`` console script is :func:`main` here: the library's commands, the service's and these.
Passwords are read from standard input (``--password-stdin``), never from the command line.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from workers.cli import _fail, _open, _settings, app, out
from workers.cli import main as _service_main

user_app = typer.Typer(help="Web app accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _password() -> str:
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise _fail("give the password on standard input (--password-stdin), e.g. from a password manager", 2)
    return password


@user_app.command("add")
def user_add(name: Annotated[str, typer.Argument(help="account name (also the officer's drop folder)")],
             role: Annotated[str, typer.Option("--role", help="officer, supervisor or admin")],
             team: Annotated[str | None, typer.Option("--team", help="team to join (supervisors supervise it)")] = None,
             password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")]
             = False) -> None:
    """Create an account."""
    from .accounts import AccountError, add_user

    if not password_stdin:
        raise _fail("pass --password-stdin and give the password on standard input", 2)
    _, registry = _open(_settings())
    try:
        add_user(registry, name, role, _password(), team, actor="cli")
    except AccountError as e:
        raise _fail(str(e), 2) from e
    out.print(f"account {name} ({role}{', team ' + team if team else ''}) added", highlight=False)


@user_app.command("passwd")
def user_passwd(name: Annotated[str, typer.Argument()],
                password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False) -> None:
    """Set an account's password (its sessions end)."""
    from .accounts import AccountError, set_password

    if not password_stdin:
        raise _fail("pass --password-stdin and give the password on standard input", 2)
    _, registry = _open(_settings())
    try:
        set_password(registry, name, _password(), actor="cli")
    except AccountError as e:
        raise _fail(str(e), 2) from e
    out.print(f"password of {name} changed", highlight=False)


@user_app.command("list")
def user_list() -> None:
    """Accounts, roles, teams and state."""
    from .accounts import users

    _, registry = _open(_settings())
    for u in users(registry):
        out.print(f"{u['name']}\t{u['role']}\t{','.join(u['teams']) or '-'}\t{'disabled' if u['disabled'] else 'active'}",
                  highlight=False)


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument()]) -> None:
    """Disable an account (its sessions end; its jobs stay)."""
    from .accounts import AccountError, set_disabled

    _, registry = _open(_settings())
    try:
        set_disabled(registry, name, True, actor="cli")
    except AccountError as e:
        raise _fail(str(e), 2) from e
    out.print(f"account {name} disabled", highlight=False)


@app.command()
def serve(host: Annotated[str | None, typer.Option("--host", help="[default: PT_WEB_HOST, 127.0.0.1]")] = None,
          port: Annotated[int | None, typer.Option("--port", help="[default: PT_WEB_PORT, 8000]")] = None,
          workers: Annotated[int, typer.Option("--workers", min=1, help="web processes")] = 1) -> None:
    """Run the web app (behind a TLS-terminating proxy for anything but this machine)."""
    import uvicorn

    settings = _settings()
    host, port = host or settings.web_host, port or settings.web_port
    _open(settings)[1].close()
    out.print(f"web app on http://{host}:{port}/ (data in {settings.data_dir})", highlight=False)
    # Forwarded headers are read by the app itself, from PT_WEB_TRUSTED_PROXIES only (see web.deps).
    uvicorn.run("web.app:create_app", factory=True, host=host, port=port, workers=workers, proxy_headers=False,
                server_header=False, access_log=False, log_level="warning")


def main() -> None:
    _service_main()


if __name__ == "__main__":
    main()
