"""`aupgen serve [--port N] [--no-browser]`: the questions as web pages, on this computer only."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HOST = "127.0.0.1"
THREADS = 4


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="answer the questions in your web browser and download your policy pack",
        description="Start aupgen's web pages on this computer only (127.0.0.1) and open them in your browser. "
                    "Press Ctrl-C to stop.")
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="the port to listen on (default: any free one)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help="a clause library folder holding clauses/ and templates/ (default: the shipped one)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import secrets  # these load only when the server starts: every other command's start-up is spared them
    import signal
    import threading
    import webbrowser

    from waitress.server import create_server

    from aupgen.errors import UserError
    from aupgen.web import create_app

    if not 0 <= args.port <= 65535:
        raise UserError(f"--port {args.port} is not a port number; expected one from 1 to 65535 (or leave it out).")
    token = secrets.token_urlsafe(24)
    app = create_app({"AUPGEN_TOKEN": token, "AUPGEN_LIBRARY": str(args.library) if args.library else None})
    try:
        server = create_server(app, host=HOST, port=args.port, threads=THREADS, ident="aupgen")
    except OSError as error:
        raise UserError(f"aupgen serve cannot listen on {HOST} port {args.port} ({error.strerror or error}); "
                        "choose another with --port, or leave --port out to take a free one.") from None
    url = f"http://{HOST}:{server.effective_port}/?token={token}"
    print(f"aupgen is running at {url}  (only this computer can open it; press Ctrl-C to stop)", flush=True)
    if not args.no_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    stopped = []

    def stop(signum, frame):  # waitress ends its loop quietly on KeyboardInterrupt: note that it was Ctrl-C
        stopped.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        stopped.append(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, previous)
        server.close()
    if stopped:
        print("aupgen: stopped; the answers typed in the browser were not kept.", file=sys.stderr)
        return 130
    return 0


def free_port() -> int:
    """A port nothing listens on now (for tests and benches that start a server)."""
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]
