"""`aupgen serve`: the questions of `aupgen new` as web pages (Flask), for people who never open a terminal.

``create_app()`` is the application factory, for `aupgen serve` and for a WSGI server such as gunicorn.
Nothing in a build imports this package.
"""

from aupgen.web.app import create_app

__all__ = ["create_app"]
