"""`pipeline serve`: the web workspace under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli.common import WorkspaceOpt, echo, settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(
        help="Address to listen on. Keep 127.0.0.1 and put an https reverse proxy in front.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    proxy_headers: Annotated[bool, typer.Option(
        "--proxy-headers",
        help="Trust X-Forwarded-Proto/-For from the proxy at --forwarded-allow-ips (https "
             "cookies, client address for sign-in limits).")] = False,
    forwarded_allow_ips: Annotated[str, typer.Option(
        help="Addresses of the reverse proxy whose forwarded headers are trusted.")]
    = "127.0.0.1",
    workspace: WorkspaceOpt = None,
) -> None:
    """Run the review workspace in the browser for translators, reviewers and editors."""
    import uvicorn

    from pipeline import accounts
    from pipeline.store import open_store
    from pipeline.web.app import create_app

    s = settings(workspace)
    app = create_app(s)
    with open_store(s.database) as store:
        if not accounts.list_users(store):
            echo("note: no users yet; create the first admin with "
                 "`pipeline users add NAME --role admin`", err=True)
    echo(f"serving {s.root} on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, proxy_headers=proxy_headers,
                forwarded_allow_ips=forwarded_allow_ips if proxy_headers else None,
                log_level="info", access_log=False, server_header=False)
