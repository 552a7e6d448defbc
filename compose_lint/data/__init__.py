"""Knowledge that is data (end-of-life dates, image ports, secret patterns...),
shipped as JSON files beside this module, each with its sources and dates."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    """The parsed contents of data file `name` (read once per process)."""
    return json.loads((_HERE / name).read_text(encoding="utf-8"))
