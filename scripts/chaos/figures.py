"""Figures of a chaos run: per-phase latency and statuses, recovery times, and the printed
table. Records are (sent s, latency s, status, kind, problem+json, Retry-After) tuples."""

LOAD_KINDS = ("me", "card", "merchants", "verify", "redeem")
PHASES = ("before", "during", "after")


def pct(values, p):
    """Nearest-rank percentile of a list of numbers (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def phase_of(sent, marks):
    if sent < marks["stop_issued"]:
        return "before"
    if sent < marks["start_done"]:
        return "during"
    return "after"


def status_class(status):
    if status < 100:
        return "errors"  # timeout or no connection
    return f"{status // 100}xx"


def phase_table(records, marks):
    rows = {p: {"n": 0, "lat": [], "2xx": 0, "4xx": 0, "5xx": 0, "errors": 0} for p in PHASES}
    for sent, latency, status, kind, _problem, _ra in records:
        if kind not in LOAD_KINDS:
            continue
        row = rows[phase_of(sent, marks)]
        row["n"] += 1
        row["lat"].append(latency)
        cls = status_class(status)
        if cls in row:
            row[cls] += 1
    out = {}
    for phase, row in rows.items():
        lat = row.pop("lat")
        row.update(
            p50_ms=ms(pct(lat, 50)), p99_ms=ms(pct(lat, 99)), max_ms=ms(max(lat) if lat else None)
        )
        out[phase] = row
    return out


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def p99_recovery(records, marks, threshold):
    """Seconds after the dependency's return until the load's p99 is normal (<= threshold) for
    two consecutive one-second windows; None if it never is before the run ends."""
    start, end = marks["start_done"], marks["end"]
    windows = []
    t = start
    while t + 1 <= end:
        lat = [l for s, l, _st, k, _p, _r in records if k in LOAD_KINDS and t <= s < t + 1]
        windows.append(pct(lat, 99))
        t += 1
    for i in range(len(windows) - 1):
        a, b = windows[i], windows[i + 1]
        if a is not None and b is not None and a <= threshold and b <= threshold:
            return float(i)
    return None


def fmt(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def print_scenario(summary):
    print(f"\n{summary['title']}")
    print(f"  {'phase':<8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'2xx':>8}{'4xx':>7}{'5xx':>7}{'errors':>8}")
    for phase in PHASES:
        row = summary["phases"][phase]
        print(f"  {phase:<8}{row['n']:>10}{fmt(row['p50_ms']):>9}{fmt(row['p99_ms']):>9}"
              f"{fmt(row['max_ms']):>9}{row['2xx']:>8}{row['4xx']:>7}{row['5xx']:>7}"
              f"{row['errors']:>8}")
    for name, value in summary["figures"]:
        print(f"  {name}: {value}")


def print_requirements(summaries):
    width = max(len(c["name"]) for s in summaries for c in s["checks"]) + 2
    print(f"\n{'':<3}{'requirement':<{width}}{'result':<8}figure")
    failed = 0
    for s in summaries:
        for c in s["checks"]:
            verdict = "PASS" if c["ok"] else "FAIL"
            failed += 0 if c["ok"] else 1
            print(f"{s['tag']:<3}{c['name']:<{width}}{verdict:<8}{c['figure']}")
    total = sum(len(s["checks"]) for s in summaries)
    print(f"\n{total - failed} passed, {failed} failed")
    return failed
