"""Allow ``python -m aupgen``."""

from aupgen.commands.console import main

raise SystemExit(main())
