"""The installed ``aupgen`` command (and ``python -m aupgen``): Ctrl-C at any moment ends with one line.

Python's own handler turns Ctrl-C into a traceback wherever it lands outside a ``try``. This
module is the first of aupgen's to load, and before anything else it makes Ctrl-C end the process
with one line (a Ctrl-C while it loads the signal module is caught as the KeyboardInterrupt it is);
the libraries load only then (most of the first 0.2 s), and the command runs with the usual
KeyboardInterrupt, which aupgen.cli turns into one line saying what was written.
"""

import os
import sys

INTERRUPTED = "aupgen: interrupted; nothing was written."
EXIT_INTERRUPTED = 130
EXIT_WORK = ("multiprocessing", "concurrent.futures")
"""Modules that leave work for Python's exit (worker processes' temporary folders, their threads)."""


def _quit_while_loading(signum=None, frame=None) -> None:
    """Ctrl-C while Python loads aupgen: nothing has been read or written yet."""
    os.write(2, (INTERRUPTED + "\n").encode())
    os._exit(EXIT_INTERRUPTED)


try:
    import signal

    signal.signal(signal.SIGINT, _quit_while_loading)
except KeyboardInterrupt:  # before the handler was in place
    _quit_while_loading()
except (ValueError, OSError):  # not the main thread (imported, not run): leave the handler alone
    pass


def main() -> int:
    from aupgen.commands import PROCESS

    PROCESS.append("aupgen")  # this process ends when the command returns (see end)
    try:
        from aupgen.cli import main as run_command

        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = run_command()
    except KeyboardInterrupt:  # between loading and the command's own handling
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    return end(code)


def end(code: int) -> int:
    """End the process with ``code`` now the command is done, without Python's tidying up on the way
    out (freeing every loaded module's objects one by one: about a twentieth of a build's time).

    Every file a command writes is closed before it returns (aupgen.files.outputs); the output is
    flushed here. Where a thread is still running, where worker processes were used (their tidying up
    runs at exit) or the output cannot be flushed, Python ends as usual.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return code
    if any(name in sys.modules for name in EXIT_WORK):
        return code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe, say: Python's own exit reports it
        return code
    os._exit(code)
