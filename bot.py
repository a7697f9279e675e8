"""Tawasul's one entry point: `python bot.py [command …]` (see README)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
