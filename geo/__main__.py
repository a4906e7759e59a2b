"""`python -m geo`: a shim; the commands live in geo.cli."""
from geo.cli import main

if __name__ == "__main__":
    main()
