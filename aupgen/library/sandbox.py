"""Jinja's immutable sandbox, with budgets: a clause library cannot make a build run for ever or fill memory.

Jinja's sandbox stops templates reaching Python; it does not stop them from working hard. Here:

- every number given to a function or filter (``range``, ``lipsum``, ``center``, ``ljust``…) is
  at most :data:`MAX_NUMBER`, and so is the number of values spread into a call (``*range(…)``);
- ``**``, ``*`` and ``%`` refuse results that would be enormous (``10**(10**8)``, ``'x' * 10**9``,
  ``'%999999999d' % 1``) before Python starts on them, ``str.format`` refuses huge widths, and
  no single operation (``~``, a filter, a call) may make a value longer than :data:`MAX_VALUE_CHARS`;
- what is worked out inside a :func:`budget` (a clause, a document) has a time limit and a limit
  on the text it writes. Time is processor time (this process's, user and system), so a busy
  machine, or many builds at once, never stops a template that would finish; it is checked at every
  call, every ``range`` step and every piece of output, and, in the main thread, by a repeating
  profiling timer signal (SIGPROF, which also counts processor time) that stops loops doing none of
  those. A budget costs next to nothing to enter, so every condition and text can have its own.

A template that goes over a limit raises :class:`BudgetExceeded`, whose message says which limit.
"""

from __future__ import annotations

import atexit
import functools
import math
import os
import re
import signal
import threading
import time
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_NUMBER = 10_000
"""Largest number a template may pass to a function or filter, and longest ``range``."""

MAX_VALUE_CHARS = 1_000_000
"""Longest text or list a single operation in a template may make."""

_HUGE_FORMAT = re.compile(r"\d{5,}")
_INTEGER_BITS = 4096
"""Largest integer (in bits, about 1,200 digits) that ``**`` and ``*`` may make."""


def _cpu_seconds() -> float:
    """Processor time this process has used (what a budget measures; wall time depends on the machine's load)."""
    return time.process_time()


class BudgetExceeded(Exception):
    """A template went over one of its limits; the message says which, in words a library author can act on."""


class Budget:
    """What one thing being worked out (``what``: "its text", a document) may use: processor time until
    ``deadline`` and ``max_chars`` of output. Entering it starts its clock; budgets nest."""

    __slots__ = ("what", "seconds", "max_chars", "deadline", "written", "_depth")

    def __init__(self, what: str, seconds: float, max_chars: int) -> None:
        self.what, self.seconds, self.max_chars = what, seconds, max_chars
        self.deadline = math.inf
        self.written = 0
        self._depth = 0

    def __enter__(self) -> Budget:
        self.deadline = _cpu_seconds() + self.seconds
        stack = _ACTIVE.stack
        self._depth = len(stack)
        stack.append(self)
        if not _WATCH.armed:
            _watch()
        return self

    def __exit__(self, *exc_info: object) -> None:
        del _ACTIVE.stack[self._depth:]  # also tidies after an inner budget whose own tidying was cut short


class _Budgets(threading.local):
    def __init__(self) -> None:
        self.stack: list[Budget] = []


_ACTIVE = _Budgets()


def budget(what: str, seconds: float, max_chars: int) -> Budget:
    """Work out ``what`` (e.g. "its text") within ``seconds`` and ``max_chars`` of output:
    ``with budget("its text", 2.0, 100_000): …``.

    Budgets nest: a clause's budget runs inside its document's, and both hold. Entering and leaving
    one costs a list append and a clock reading (no system call to set a timer: see :func:`_watch`),
    so a build can give each of its thousands of conditions and texts its own.
    """
    return Budget(what, seconds, max_chars)


def check_time() -> None:
    """Raise BudgetExceeded if the budget of anything being worked out has run out."""
    stack = _ACTIVE.stack
    if not stack:
        return
    now = _cpu_seconds()
    for entry in stack:
        if now > entry.deadline:
            raise BudgetExceeded(f"it took longer than {entry.seconds:g} seconds to work out {entry.what}; "
                                 "simplify its loops")


def count_output(text: str) -> None:
    """Count ``text`` against every active budget's output limit, and check the time."""
    count_chars(len(text))


def count_chars(length: int) -> None:
    """Count ``length`` characters of output against every active budget's limit, and check the time."""
    for entry in _ACTIVE.stack:
        entry.written += length
        if entry.written > entry.max_chars:
            raise BudgetExceeded(f"{entry.what} came to more than {entry.max_chars:,} characters")
    check_time()


# ------------------------------------------------------------------ the timer (main thread only)

WATCH_INTERVAL = 0.05
"""Processor seconds between the timer's looks at the budgets (so a budget is stopped at most this late)."""


class _Watch:
    """The profiling timer's state in this process: whether it is armed, and what it replaced."""

    armed = False
    registered = False
    previous: Any = None
    outer: tuple[float, float] = (0.0, 0.0)


_WATCH = _Watch()


def _watch() -> None:
    """Arm a repeating profiling timer (SIGPROF, every WATCH_INTERVAL of processor time) that checks the
    budgets of the main thread, stopping loops that call nothing and write nothing.

    It stays armed while budgets keep being entered, and disarms itself (putting back whatever handler
    and timer were there) at its first tick with no budget running, so entering a budget sets no timer
    most of the time. Elsewhere than the main thread there is no timer: calls, loops and output check the time.
    """
    if not _HAS_TIMER or threading.current_thread() is not threading.main_thread():
        return
    try:
        previous = signal.signal(signal.SIGPROF, _on_timer)
    except (ValueError, OSError):
        return
    if previous is not _on_timer:  # (after a fork the handler is inherited but the timer is not)
        _WATCH.previous = previous
    if not _WATCH.registered:  # Python puts the default handler back as it exits, which a tick would kill
        atexit.register(_unwatch)
        _WATCH.registered = True
    _WATCH.outer = signal.setitimer(signal.ITIMER_PROF, WATCH_INTERVAL, WATCH_INTERVAL)
    _WATCH.armed = True


def _on_timer(signum, frame) -> None:
    if _ACTIVE.stack:
        check_time()
    else:
        _unwatch()


def _unwatch() -> None:
    """Disarm the timer, putting back the handler and timer it replaced."""
    if not _WATCH.armed:
        return
    signal.setitimer(signal.ITIMER_PROF, 0)
    _WATCH.armed = False
    previous, outer = _WATCH.previous, _WATCH.outer
    signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)
    if outer[0] > 0:
        signal.setitimer(signal.ITIMER_PROF, *outer)


def _after_fork() -> None:
    _WATCH.armed = False  # a child process inherits the handler, not the timer: arm it again when needed


_HAS_TIMER = hasattr(signal, "setitimer") and hasattr(signal, "SIGPROF")
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


# ------------------------------------------------------------------------- the environment

def _check_number(value: object, where: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        raise BudgetExceeded(f"{where} was given the number {_short_number(value)}; at most {MAX_NUMBER:,} is allowed")
    if isinstance(value, float) and math.isfinite(value) and abs(value) > MAX_NUMBER * 1e6:
        raise BudgetExceeded(f"{where} was given an enormous number")


def _short_number(value: int) -> str:
    return f"{value:,}" if value.bit_length() < 64 else f"with about {int(value.bit_length() * 0.30103)} digits"


def _check_size(value: object, where: str) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE_CHARS:
        raise BudgetExceeded(f"{where} made a value of more than {MAX_VALUE_CHARS:,} characters or items")


def _check_format(text: object, where: str) -> None:
    if isinstance(text, str) and _HUGE_FORMAT.search(text) and ("%" in text or "{" in text):
        raise BudgetExceeded(f"{where} was given a format with an enormous width or precision")


def _name(obj: object) -> str:
    return f"'{getattr(obj, '_undefined_name', None) or getattr(obj, '__name__', type(obj).__name__)}'"


def budgeted_range(*args: int) -> range:
    """``range`` as templates see it: at most MAX_NUMBER steps, and the time checked as it goes."""
    for value in args:
        _check_number(value, "range")
    steps = range(*args)
    if len(steps) > MAX_NUMBER:
        raise BudgetExceeded(f"range was asked for {len(steps):,} steps; at most {MAX_NUMBER:,} are allowed")
    return _TimedRange(steps)


class _TimedRange:
    """A range that checks the time every 256 steps as a loop goes through it."""

    def __init__(self, steps: range) -> None:
        self._steps = steps

    def __iter__(self):
        for index, value in enumerate(self._steps):
            if index & 255 == 255:
                check_time()
            yield value

    def __len__(self) -> int:
        return len(self._steps)

    def __getitem__(self, index):
        return self._steps[index]

    def __contains__(self, value) -> bool:
        return value in self._steps

    def __reversed__(self):
        return iter(_TimedRange(self._steps[::-1]))


class _CheckedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` going through BudgetedSandbox.checked_concat."""

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.checked_concat(context.eval_ctx.autoescape, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


SAFE_ATTRIBUTES_KEPT = 4096
"""(type, attribute) answers of is_safe_attribute remembered per environment."""


class BudgetedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the limits described in this module's docstring."""

    code_generator_class = _CheckedCodeGenerator

    intercepted_binops = frozenset({"**", "*", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        where = f"the operator {operator}"
        if operator == "**" and _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
            if right * math.log2(abs(left)) > _INTEGER_BITS:
                raise BudgetExceeded(f"{where} would make a number of more than {_INTEGER_BITS} bits")
        if operator == "*":
            if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > _INTEGER_BITS:
                raise BudgetExceeded(f"{where} would make a number of more than {_INTEGER_BITS} bits")
            for items, count in ((left, right), (right, left)):
                if isinstance(items, (str, list, tuple)) and _is_int(count) and len(items) * count > MAX_VALUE_CHARS:
                    raise BudgetExceeded(f"{where} would make a value of more than {MAX_VALUE_CHARS:,} "
                                         "characters or items")
        if operator == "%":
            _check_format(left, where)
        check_time()
        result = super().call_binop(context, operator, left, right)
        _check_size(result, where)
        return result

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's answer, remembered: it depends only on the object's type and the attribute's name
        (is_internal_attribute and modifies_known_mutable look at nothing else), and a document asks
        it a thousand times about the same few."""
        key = (type(obj), attr)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = super().is_safe_attribute(obj, attr, value)
            if len(self._safe_attributes) < SAFE_ATTRIBUTES_KEPT:
                self._safe_attributes[key] = safe
        return safe

    def wrap_str_format(self, value: Any):
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__, f"'{value.__name__}'")
        return wrapped

    def checked_concat(self, autoescape: bool, parts: tuple) -> str:
        """The ``~`` operator (see _CheckedCodeGenerator): its result is held to MAX_VALUE_CHARS."""
        result = markup_join(parts) if autoescape else str_join(parts)
        _check_size(result, "the operator ~")
        check_time()
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        where = _name(__obj)
        if len(args) > MAX_NUMBER:
            raise BudgetExceeded(f"{where} was given {len(args):,} values; at most {MAX_NUMBER:,} are allowed")
        for value in (*args, *kwargs.values()):
            _check_number(value, where)
        check_time()
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(result, where)
        return result


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def budget_filters(env: BudgetedSandbox) -> None:
    """Wrap every filter so that its numbers, formats and results are held to the same limits."""
    for name, function in list(env.filters.items()):
        env.filters[name] = _budgeted_filter(name, function)
    env.globals["range"] = budgeted_range


def _budgeted_filter(name: str, function):
    where = f"the filter '{name}'"

    # @pass_context / @pass_eval_context / @pass_environment mark a filter with jinja_pass_arg: it takes that first
    skip = 2 if getattr(function, "jinja_pass_arg", None) is not None else 1  # then the value filtered

    @functools.wraps(function)  # keeps jinja_pass_arg, so Jinja passes the context as before
    def run(*args, **kwargs):
        for value in (*args[skip:], *kwargs.values()):
            _check_number(value, where)
        if name == "format" and args:
            _check_format(next((a for a in args if isinstance(a, str)), None), where)
        check_time()
        result = function(*args, **kwargs)
        _check_size(result, where)
        return result

    return run
