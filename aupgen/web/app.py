"""The Flask application: configuration, the secret-token gate, security headers and error pages."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException

from aupgen.web.packs import ANSWERS_LIMIT, WORD_LIMIT
from aupgen.web.store import Store

NAME = "aupgen"
SERVICE_NAME = "Write your acceptable use policy"
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")
_ERRORS = {
    400: ("Something went wrong with that form", "The page could not accept what was sent, perhaps because it "
          "was open too long. Go back to the page, reload it and try again."),
    403: ("You cannot open this page", "Open aupgen with the full web address it printed when it started "
          "(the one with the secret token), in the browser it opened."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Page not found", "If you typed the web address, check it is correct."),
    410: ("That download has gone", "Your files are deleted once downloaded, or after an hour."),
    413: ("That file is too big", f"An answers file can be at most {ANSWERS_LIMIT // 1_000_000} MB and a Word "
          f"document or last year's .zip at most {WORD_LIMIT // 1_000_000} MB."),
    500: ("Sorry, there is a problem", "Something went wrong in aupgen. Your answers are still here: go back "
          "and try again. If it happens again, please report it."),
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The web wizard. Settings (``config``, or environment variables of the same name):

    ``AUPGEN_TOKEN``: the secret a local server's address carries; without it every request is
    refused (403). Unset for hosted use. ``AUPGEN_LIBRARY``: a clause library folder (default: the
    shipped one). ``AUPGEN_PDF``: also put PDFs in packs (default: when LibreOffice is installed).
    ``SECRET_KEY`` (or ``AUPGEN_SECRET_KEY``): signs the session cookie (default: random per process).
    """
    app = Flask(__name__)
    settings = dict(config or {})
    app.config.update(
        SECRET_KEY=settings.get("SECRET_KEY") or os.environ.get("AUPGEN_SECRET_KEY") or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=WORD_LIMIT + ANSWERS_LIMIT + 100_000,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="aupgen_session",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session: a long form is not refused
        AUPGEN_TOKEN=os.environ.get("AUPGEN_TOKEN"),
        AUPGEN_LIBRARY=os.environ.get("AUPGEN_LIBRARY"),
        AUPGEN_PDF=_env_flag("AUPGEN_PDF"),
        AUPGEN_TODAY=None,
    )
    app.config.update(settings)
    if app.config.get("AUPGEN_PROXY") or os.environ.get("AUPGEN_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.jinja_loader = ChoiceLoader([
        PackageLoader("aupgen.web", "templates"),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
    app.extensions["aupgen_store"] = Store()
    CSRFProtect(app)
    _guard(app)
    _versioned_static(app)
    _handle_errors(app)
    from aupgen.web import pages, uploads

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(uploads.blueprint)
    return app


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    return None if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _guard(app: Flask) -> None:
    @app.before_request
    def check_token():
        g.nonce = secrets.token_urlsafe(16)
        token = app.config.get("AUPGEN_TOKEN")
        if not token:
            return None
        offered = request.args.get("token")
        if offered is not None and request.method == "GET" and hmac.compare_digest(offered, token):
            session["authorised"] = True
            return redirect(url_for("pages.start"))  # the address bar (and history) lose the token
        if not session.get("authorised"):
            abort(403)
        return None

    @app.after_request
    def secure(response):
        nonce = getattr(g, "nonce", "")
        response.headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def names():
        return {"serviceName": SERVICE_NAME, "cspNonce": getattr(g, "nonce", ""), "product": NAME}


YEAR = 365 * 24 * 3600


def _versioned_static(app: Flask) -> None:
    """Pages name their static files with a digest of the file's bytes (``static_url``: ``?v=...``), and a
    request for the file that carries its current digest may be kept by the browser for a year without
    asking again: after the first page, a page loads no stylesheet or script. A request without the
    digest, or with an old one, is answered as Flask answers it (the browser asks again each time)."""
    digests: dict[str, str] = {}

    def digest(filename: str) -> str:
        if filename not in digests:
            data = (Path(app.static_folder or "") / filename).read_bytes()
            digests[filename] = hashlib.sha256(data).hexdigest()[:16]
        return digests[filename]

    @app.template_global()
    def static_url(filename: str) -> str:
        return url_for("static", filename=filename, v=digest(filename))

    @app.after_request
    def cacheable(response):
        filename = (request.view_args or {}).get("filename") if request.endpoint == "static" else None
        if filename and response.status_code == 200 and request.args.get("v") == digest(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response


def _handle_errors(app: Flask) -> None:
    def page(code: int, detail: str | None = None):
        title, text = _ERRORS.get(code, _ERRORS[500])
        return render_template("error.html", title=title, text=detail or text, code=code), code

    @app.errorhandler(CSRFError)
    def csrf(error):
        return page(400, "This form had expired or was sent from somewhere else, so nothing was changed. "
                         "Go back to the page, reload it and try again.")

    @app.errorhandler(HTTPException)
    def http(error):
        return page(error.code or 500)

    @app.errorhandler(Exception)
    def crash(error):
        app.logger.exception("aupgen serve: internal error")  # the details go to the server's log only
        return page(500)
