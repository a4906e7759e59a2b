"""Median, p10 and p90 of a series (linear interpolation between the closest ranks, like numpy's default)."""
from __future__ import annotations

import math


def quantile(values, q: float) -> float | None:
    data = sorted(v for v in values if v is not None and not math.isnan(v))
    if not data:
        return None
    position = (len(data) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


def summary(values) -> dict:
    values = [v for v in values if v is not None]
    return {"median": quantile(values, 0.5), "p10": quantile(values, 0.1), "p90": quantile(values, 0.9),
            "n": len(values), "min": min(values) if values else None, "max": max(values) if values else None}
