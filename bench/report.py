"""The figures: rows of (metric, median, p10, p90, unit, target, met), printed as a table and kept as JSON."""
from __future__ import annotations

from bench.stats import summary

KB = 1000.0  # kB: 1000 bytes
MB = 1e6


def row(key: str, label: str, values, unit: str, target: str = "", check=None, scale: float = 1.0) -> dict:
    """A metric over repeated runs; `check(summary) -> bool` decides `met` (None when there is no target)."""
    stats = summary([v / scale for v in values if v is not None])
    met = None
    if check is not None and stats["n"]:
        met = bool(check(stats))
    return {"key": key, "metric": label, **stats, "unit": unit, "target": target, "met": met}


def single(key: str, label: str, value, unit: str, target: str = "", check=None) -> dict:
    """A figure computed once (a ratio, a difference): median holds it, p10/p90 stay empty."""
    met = bool(check(value)) if check is not None and value is not None else None
    return {"key": key, "metric": label, "median": value, "p10": None, "p90": None, "n": 1 if value is not None else 0,
            "min": value, "max": value, "unit": unit, "target": target, "met": met}


def failed(key: str, label: str, unit: str, target: str, reason: str) -> dict:
    return {"key": key, "metric": label, "median": None, "p10": None, "p90": None, "n": 0, "min": None,
            "max": None, "unit": unit, "target": target, "met": False if target else None, "failed": reason}


def na(key: str, label: str, unit: str, reason: str) -> dict:
    """A measurement that does not apply to this app (`reason` says why, e.g. "n/a: the map has no levels of
    detail"): no figure, no target; the table shows the reason."""
    return {"key": key, "metric": label, "median": None, "p10": None, "p90": None, "n": 0, "min": None, "max": None,
            "unit": unit, "target": "", "met": None, "na": reason}


def _label(r: dict) -> str:
    return r["metric"] + (f" [{r['na']}]" if r.get("na") else "")


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1000):
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: list[dict]) -> str:
    header = ("metric", "median", "p10", "p90", "unit", "target", "met")
    lines = [(_label(r) + (f" [n={r['n']}]" if r["n"] > 1 else ""), "n/a" if r.get("na") else _fmt(r["median"]),
              _fmt(r["p10"]), _fmt(r["p90"]), r["unit"], r["target"] or "-",
              "FAILED" if r.get("failed") else {True: "yes", False: "NO", None: ""}[r["met"]]) for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    fmt = lambda cells: "  ".join(
        str(c).ljust(w) if i in (0, 4, 5, 6) else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    out = [fmt(header), fmt(["-" * w for w in widths])]
    out += [fmt(cells) for cells in lines]
    return "\n".join(out)


def markdown(rows: list[dict]) -> str:
    out = ["| metric | median | p10 | p90 | unit | target | met |", "|---|--:|--:|--:|---|---|---|"]
    for r in rows:
        met = "FAILED" if r.get("failed") else {True: "yes", False: "**no**", None: ""}[r["met"]]
        n = f" (n={r['n']})" if r["n"] > 1 else ""
        label = "↳ " + _label(r).strip() if r["metric"].startswith(" ") else _label(r)
        median = "n/a" if r.get("na") else _fmt(r["median"])
        out.append(f"| {label}{n} | {median} | {_fmt(r['p10'])} | {_fmt(r['p90'])} | {r['unit']} "
                   f"| {r['target'] or '-'} | {met} |")
    return "\n".join(out)
