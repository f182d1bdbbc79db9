"""The sandbox's timer (aupgen/library/sandbox.py): one repeating processor-time timer watches every
budget of the main thread, so entering a budget costs next to nothing; it puts back what it replaced
once no budget is running, a process that used it exits cleanly, and a forked process gets its own."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import time

import pytest

from aupgen.library import expressions, sandbox

LOOP = ("{% set l = [0] * 10000 %}{% for i in l %}{% for j in l %}{% for k in l %}"
        "{% endfor %}{% endfor %}{% endfor %}")  # calls nothing and writes nothing: only the timer stops it


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


@pytest.mark.skipif(not hasattr(signal, "SIGPROF"), reason="no profiling timer here")
def test_the_timer_puts_back_the_handler_it_replaced_once_no_budget_runs():
    seen = []
    mine = lambda signum, frame: seen.append(signum)  # noqa: E731
    _burn(3 * sandbox.WATCH_INTERVAL)  # a timer armed by an earlier test in this process disarms first
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    previous = signal.signal(signal.SIGPROF, mine)
    try:
        assert expressions.evaluate("1 + 1 == 2", {}) is True
        _burn(3 * sandbox.WATCH_INTERVAL)  # a tick with no budget running disarms the timer
        assert signal.getsignal(signal.SIGPROF) is mine
        assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
        assert not seen  # our own ticks never reached the handler we replaced
    finally:
        signal.signal(signal.SIGPROF, previous)


def test_a_process_that_used_a_budget_exits_cleanly():
    """Python puts the default SIGPROF handler back as it exits: a timer still armed then would kill it."""
    code = ("from aupgen.library.expressions import render_text\n"
            "for i in range(2000): render_text('{{ x }}', {'x': i})\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stderr) == (0, "")


def _loop_in_child(queue) -> None:
    try:
        expressions.render_text(LOOP, {})
        queue.put("finished")
    except expressions.BudgetExceeded as error:
        queue.put(str(error))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_a_forked_process_arms_its_own_timer():
    """A child inherits the handler but not the timer: a loop that calls nothing is still stopped there."""
    expressions.render_text("{{ 'armed' }}", {})  # the timer is armed in this process as it forks
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_loop_in_child, args=(queue,))
    child.start()
    message = queue.get(timeout=120)
    child.join(timeout=60)
    assert "seconds to work out its text" in message
