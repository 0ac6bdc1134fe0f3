#!/usr/bin/env python3
"""Turns the raw output of wrk, pgbench and redis-benchmark into rows of a results TSV, and the
TSV into the goals table (markdown). Standard library only.

  report.py wrk KEY CONNS FILE [--once]    wrk's output (with bench/requests.lua) -> one row
  report.py pgbench KEY FILE LOGDIR        pgbench's output and its -l logs -> one row
  report.py redis FILE                     redis-benchmark -q output -> redis_get, redis_set
  report.py row KEY CONNS RPS [NOTE]       a single figure (argon2/s, RSS MB, cold start ms)
  report.py table TSV                      the markdown table, then notes and failures

Rows are `key conns rps p50_ms p99_ms errors note`, tab-separated, `-` where there is no figure.
"""
import re
import sys

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * UNIT_MS[m.group(2)] if m else None


def emit(*fields):
    print("\t".join("-" if f is None else str(f) for f in fields))


def wrk_row(key, conns, path, once):
    text = open(path).read()
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    pct = {p: ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M)}
    statuses = re.search(r"^statuses (.*); request list wrapped (\d+) times", text, re.M)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    notes, errors = [], 0
    if statuses:
        for part in statuses.group(1).split():
            status, n = part.split("=")
            if not status.startswith("2"):
                errors += int(n)
                notes.append(f"{n}x {status}")
        if once and int(statuses.group(2)) > 0:
            # Each thread counts its own wraps; a resent redemption is an idempotent replay.
            notes.append(f"prepared requests ran out: resent ({statuses.group(2)} thread wraps)")
    else:
        notes.append("no status counts (wrk failed?)")
    if sockets:
        names = ("connect", "read", "write", "timeout")
        for name, n in zip(names, map(int, sockets.groups())):
            if n:
                errors += n
                notes.append(f"{n} socket {name} errors")
    emit(key, conns, rps and f"{float(rps.group(1)):.0f}", fmt(pct.get("50")), fmt(pct.get("99")),
         errors if rps else None, "; ".join(notes) or None)


def fmt(value):
    return None if value is None else f"{value:.2f}"


def pgbench_row(key, path, logdir):
    import glob
    text = open(path).read()
    tps = re.search(r"^tps = ([\d.]+)", text, re.M)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    lat = []
    for log in glob.glob(f"{logdir}/pgb*"):
        lat.extend(int(line.split()[2]) for line in open(log) if line.strip())
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] / 1000 if lat else None
    emit(key, 16, tps and f"{float(tps.group(1)):.0f}", fmt(pct(0.5)), fmt(pct(0.99)),
         int(failed.group(1)) if failed else 0 if tps else None, None if tps else "pgbench failed")


def redis_rows(path):
    # "SET ggh_...:key abc: 123456.79 requests per second, p50=0.199 msec"
    for line in open(path).read().replace("\r", "\n").splitlines():
        m = re.search(r"(GET|SET)\b.*: ([\d.]+) requests per second(?:, p50=([\d.]+) msec)?", line)
        if m:
            emit(f"redis_{m.group(1).lower()}", 50, f"{float(m.group(2)):.0f}", m.group(3), None, 0, None)


# key -> label; the order of the table.
LABELS = {
    "pgbench_S": "limit: pgbench -S (select only)",
    "pgbench_N": "limit: pgbench -N (simple update)",
    "redis_get": "limit: redis-benchmark GET",
    "redis_set": "limit: redis-benchmark SET",
    "argon2": "limit: argon2 verifications/s (all cores)",
    "bare": "GET /healthz (bare handler)",
    "me": "GET /api/v1/me",
    "card_code": "GET /api/v1/me/card/code",
    "redeem": "POST /api/v1/merchant/redemptions",
    "verify": "POST /api/v1/merchant/verifications",
    "nearby": "GET /api/v1/merchants nearest first (Nanchang)",
    "history_p1": "GET /merchant/redemptions/history page 1",
    "history_deep": "GET /merchant/redemptions/history page {page}",
    "settlements": "GET /api/v1/merchant/settlements (a month)",
    "stats_province": "GET /admin/stats/overview (province admin)",
    "stats_city": "GET /admin/stats/overview (city admin)",
    "cases": "GET /api/v1/legal-aid/requests (officer)",
    "login": "POST /api/v1/auth/login (password)",
    "rss": "server peak RSS (VmHWM), MB",
    "cold_start": "cold start to first /healthz 200, ms",
    "pgbench_N_end": "limit again at the end: pgbench -N",
}


def num(text):
    return None if text in (None, "-") else float(text)


def judge(row, rows):
    """(ratio text, goal text, met) for one row; met is True, False or None (no goal)."""
    key, conns = row["key"], row["conns"]
    rps, p99 = num(row["rps"]), num(row["p99"])

    def other(k, c=conns):
        found = rows.get((k, c)) or rows.get((k, "16"))
        return num(found["rps"]) if found else None

    def share(base_key, goal, same_conns=True):
        base = other(base_key) if same_conns else other(base_key, "16")
        if rps is None or not base:
            return "n/a", f">= {goal:.0%} of {base_key}", None
        r = rps / base
        return f"{r:.0%} of {base_key}", f">= {goal:.0%}", r >= goal

    def p99_below(limit):
        if conns != "16":
            return "-", "-", None
        if p99 is None:
            return "-", f"p99 < {limit} ms", None
        return "-", f"p99 < {limit} ms", p99 < limit

    if key == "me":
        return share("bare", 0.40)
    if key == "card_code":
        base = other("bare")
        return (f"{rps / base:.0%} of bare" if rps and base else "-"), "-", None
    if key == "redeem":
        ratio, goal, met = share("pgbench_N", 0.40, same_conns=False)
        if conns == "16":
            goal += ", p99 < 20 ms"
            met = None if met is None or p99 is None else met and p99 < 20
        return ratio.replace("pgbench_N", "pgbench -N"), goal, met
    if key == "verify":
        base = other("redeem")
        if rps is None or not base:
            return "n/a", ">= 4x redemptions", None
        return f"{rps / base:.1f}x redemptions", ">= 4x", rps / base >= 4
    if key == "nearby":
        return p99_below(15)
    if key == "stats_province":
        return p99_below(50)
    if key == "history_deep":
        first = rows.get(("history_p1", conns))
        base = num(first["p99"]) if first else None
        if p99 is None or not base:
            return "n/a", "p99 <= 1.5x page 1", None
        return f"p99 {p99 / base:.2f}x page 1", "<= 1.5x", p99 / base <= 1.5
    if key == "login":
        # argon2's row has no connection count: the limit is per machine, not per client.
        base = other("argon2", "-")
        if rps is None or not base:
            return "n/a", ">= 80% of argon2/s", None
        return f"{rps / base:.0%} of argon2/s", ">= 80%", rps / base >= 0.80
    if key == "rss":
        return "-", "< 150 MB", None if rps is None else rps < 150
    if key == "cold_start":
        return "-", "< 1000 ms", None if rps is None else rps < 1000
    return "-", "-", None


def table(path):
    rows, order = {}, []
    for line in open(path):
        if not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        row = dict(zip(("key", "conns", "rps", "p50", "p99", "errors", "note"), f + ["-"] * 7))
        rows[(row["key"], row["conns"])] = row
        order.append((row["key"], row["conns"]))
    rank = {k: i for i, k in enumerate(LABELS)}
    order.sort(key=lambda kc: (rank.get(kc[0], len(rank)), int(kc[1]) if kc[1].isdigit() else 0))
    print("| endpoint | conns | requests/s | p50 ms | p99 ms | errors | ratio to its limit | goal | met? |")
    print("|---|--:|--:|--:|--:|--:|---|---|---|")
    notes, missed = {}, []
    for kc in order:
        row = rows[kc]
        key = row["key"]
        label = LABELS.get(key, key)
        if key == "history_deep":
            page = re.match(r"page (\d+)", row["note"])
            label = label.format(page=f"{int(page.group(1)):,}" if page else "?")
        ratio, goal, met = judge(row, rows)
        errors = row["errors"]
        is_limit = key.startswith(("pgbench", "redis", "argon2"))
        if key in ("rss", "cold_start"):
            value = row["rps"]
            cells = ["-", value, "-", "-", "-"]
        else:
            cells = [row["conns"], row["rps"], row["p50"], row["p99"], errors]
        if not is_limit and key not in ("rss", "cold_start"):
            if errors not in ("0", "-"):
                met = False
            elif errors == "0" and met is None and goal == "-":
                goal, met = "0 errors", True
        if row["rps"] == "-" and not is_limit:
            met = None
        verdict = {True: "yes", False: "**no**", None: "-"}[met]
        if is_limit:
            goal = "limit"
        print("| " + " | ".join([label, *cells, ratio, goal, verdict]) + " |")
        note = re.sub(r"^page \d+(; |$)", "", row["note"]) if key == "history_deep" else row["note"]
        if note not in ("-", ""):
            notes.setdefault((label, note), []).append(f"c{row['conns']}" if row["conns"].isdigit() else "")
        if met is False:
            missed.append(label + (f" c{row['conns']}" if row["conns"].isdigit() else ""))
    if notes:
        print("\nNotes:")
        for (label, note), where in notes.items():
            where = ", ".join(w for w in where if w)
            print(f"- {label}{f' ({where})' if where else ''}: {note}")
    print(f"\nGoals missed: {', '.join(missed) if missed else 'none'}")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "wrk":
        wrk_row(args[0], args[1], args[2], "--once" in args)
    elif cmd == "pgbench":
        pgbench_row(*args)
    elif cmd == "redis":
        redis_rows(args[0])
    elif cmd == "row":
        emit(args[0], args[1], args[2], None, None, None, args[3] if len(args) > 3 else None)
    elif cmd == "table":
        table(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
