"""One module per `aupgen` sub-command; each has ``register(subparsers)`` setting ``run``."""

