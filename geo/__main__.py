"""`python -m geo`: a shim; the commands live in geo.cli."""
import sys

from geo.errors import GeoError

try:
    from geo.cli import main
except GeoError as exc:  # the layer catalogue is read on import: a broken one is a one-line error too
    print(f"error: data file {exc}", file=sys.stderr)
    sys.exit(1)

if __name__ == "__main__":
    main()
