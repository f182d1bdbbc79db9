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
    try:
        from aupgen.cli import main as run_command

        signal.signal(signal.SIGINT, signal.default_int_handler)
        code = run_command()
    except KeyboardInterrupt:  # between loading and the command's own handling
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    return code
