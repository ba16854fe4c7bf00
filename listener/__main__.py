"""python -m listener: the same as `pgchatter listener`."""

from __future__ import annotations

import sys

from pgchatter.cli import main

if __name__ == "__main__":
    sys.exit(main(["listener", *sys.argv[1:]]))
