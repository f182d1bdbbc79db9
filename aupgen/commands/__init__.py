"""One module per `aupgen` sub-command; each has ``register(subparsers)`` setting ``run``."""

PROCESS: list[str] = []
"""Holds "aupgen" when this process is the `aupgen` command (aupgen.commands.console), which ends as soon
as its command returns."""
