"""Allow ``python -m aupgen``."""

from aupgen.console import main

raise SystemExit(main())
