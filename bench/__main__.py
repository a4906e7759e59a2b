"""Shim: `python -m bench` runs bench.cli.main."""
from bench.cli import main

raise SystemExit(main())
