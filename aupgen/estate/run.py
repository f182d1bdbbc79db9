"""Run one job over every setting of an estate, in parallel across the machine's cores.

A setting's failure is its own: it becomes that setting's outcome and the others go on. If a
worker process dies outright (killed, out of memory), the settings it had not finished are reported
as failed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from aupgen.errors import UserError
from aupgen.estate.jobs import Job, library_for
from aupgen.estate.outcome import FAILED, Outcome
from aupgen.estate.progress import Progress, Silent
from aupgen.estate.settings import Setting


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_estate(settings: Sequence[Setting], job: Job, workers: int | None = None,
               progress: Progress | None = None) -> list[Outcome]:
    """``job`` for each setting; outcomes in the settings' order. ``progress`` hears each as it ends."""
    library_for(job.library_root)  # a library the user must fix stops the run here, once, before any work
    # (each worker process then loads it once, for all the settings it works on)
    workers = min(workers or default_workers(), max(1, len(settings)))
    progress = progress or Silent()
    if workers == 1:
        outcomes = []
        with progress.running(len(settings)):
            for setting in settings:
                outcomes.append(job(setting))
                progress.advance(outcomes[-1])
        return outcomes
    results: dict[int, Outcome] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=die_with,
                               initargs=(os.getpid(),))
    try:
        futures: dict[Future, int] = {pool.submit(job, setting): index for index, setting in enumerate(settings)}
        with progress.running(len(settings)):
            for future in as_completed(futures):
                index = futures[future]
                results[index] = _outcome(future, settings[index])
                progress.advance(results[index])
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        raise Interrupted(f"interrupted after {len(results)} of {len(settings)} settings; the packs of those "
                          "are complete, and no other pack was written in part (run the command again).") from None
    pool.shutdown()
    return [results[index] for index in range(len(settings))]


class Interrupted(UserError):
    """Ctrl-C during an estate run: some settings are done (each pack whole), the rest not started or dropped."""

    exit_code = 130


def _outcome(future: Future, setting: Setting) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        return Outcome(str(setting.answers), FAILED,
                       problem=f"{setting.answers}: the worker process building it stopped unexpectedly "
                               "(out of memory?); run aupgen again for this file alone.")


def die_with(parent: int) -> None:
    """Make this worker end the moment the estate run that started it does (killed outright, say),
    rather than go on writing packs nobody is waiting for: Linux's parent-death signal (the parent
    is the fork server, which itself ends with the run), and a watch on the run's process."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        pass
    threading.Thread(target=_watch, args=(parent,), name="aupgen-watch-parent", daemon=True).start()


PR_SET_PDEATHSIG = 1
WATCH_SECONDS = 0.25


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(EXIT_ORPHANED)
        except OSError:
            pass  # alive (another user's process cannot be signalled, but it exists)


EXIT_ORPHANED = 70


def _context():
    """Workers forked from a small server process that has imported aupgen (not from this process,
    whose threads a fork could copy mid-lock); plain spawning where a system has no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["aupgen.estate.jobs"])
    return context
