"""python -m listener: the delivery daemon, the same as `pgchatter listener` (listener/cli.py)."""

from __future__ import annotations

import sys

from listener.cli import main

if __name__ == "__main__":
    sys.exit(main())
