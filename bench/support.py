"""tests/browser_support.py, imported (not copied): Chromium, the Streamlit server, the outside-request guard."""
from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.browser_support import (
    CHROMIUM,
    block_outside_requests,
    launch_chromium,
    streamlit_server,
)

__all__ = ["CHROMIUM", "REPO_ROOT", "block_outside_requests", "launch_chromium", "streamlit_server"]
