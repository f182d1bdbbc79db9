"""Allow ``python -m aupgen``."""

from aupgen.cli import main

raise SystemExit(main())
