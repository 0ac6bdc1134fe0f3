"""The requirements of a chaos scenario, judged from what the clients saw."""

import figures
import probes

# How long an answer may take while PostgreSQL is down.
MAX_OUTAGE_LATENCY = 2.0
# How soon after the dependency's return everything must work (and p99 be normal again).
RECOVERY_WITHIN = 10.0
# How long after a replica is killed answers may still fail (its in-flight requests).
FAILOVER_WITHIN = 2.0


class Judge:
    def __init__(self, sc, phases):
        self.sc, self.m, self.records = sc, sc.marks, sc.client.records
        self.figures, self.checks = [], []
        self.common(phases)
        if sc.redis:
            self.redis()
        elif sc.replica:
            self.replica()
        else:
            self.postgres()
        more_figures, ledger_checks = sc.ledger.verdicts()
        self.figures += more_figures
        for name, ok, figure in ledger_checks:
            self.check(name, ok, figure)

    def check(self, name, ok, figure):
        self.checks.append({"name": name, "ok": bool(ok), "figure": figure})

    def outage(self, sent, latency=0.0):
        """Whether a request sent at `sent` was in flight while the dependency was stopped."""
        return sent < self.m["start_done"] and sent + latency >= self.m["stop_issued"]

    def common(self, phases):
        m = self.m
        n = sum(p["n"] for p in phases.values())
        self.figures.append(("load", f"{n} requests in {m['end'] - m['load_start']:.0f} s "
                             f"({n / (m['end'] - m['load_start']):.0f}/s), "
                             f"dependency down {m['start_done'] - m['stop_issued']:.1f} s"))
        load = self.sc.load
        ran_out = load.redeem_codes.ran_out + load.verify_codes.ran_out
        if ran_out:
            self.figures.append(("counter requests skipped (no fresh code left)", ran_out))
        before = phases["before"]["p99_ms"] or 0.0
        self.threshold = max(2 * before, before + 10.0)
        self.recovery = figures.p99_recovery(self.records, m, self.threshold / 1000)
        self.check(
            f"p99 normal again (<= {self.threshold:.0f} ms) within {RECOVERY_WITHIN:.0f} s of the return",
            self.recovery is not None and self.recovery <= RECOVERY_WITHIN,
            "p99 before/during/after "
            + " / ".join(figures.fmt(phases[p]["p99_ms"]) for p in figures.PHASES)
            + f" ms; normal again {figures.fmt(self.recovery)} s after the return",
        )

    def watch_check(self, key, what, allowed):
        w = self.sc.watches[key]
        statuses = w.after_revocation()
        during = sum(1 for sent, _ in w.answers if sent > (w.revoked_at or 1e9) and self.outage(sent))
        wrong = [s for s in statuses if s not in allowed]
        self.check(
            what,
            w.revoked_at is not None and statuses and not wrong and during > 0,
            f"{len(statuses)} probes after revocation ({during} during the outage): "
            + (f"answered {sorted(set(wrong))}" if wrong else "all " + "/".join(map(str, sorted(allowed)))),
        )

    def live_check(self, key, what):
        w = self.sc.watches[key]
        refused = [s for _, s in w.answers if not 200 <= s < 300]
        self.check(what, not refused, f"{len(w.answers)} probes, {len(refused)} not 2xx "
                   + (str(sorted(set(refused))) if refused else ""))

    def limit_check(self, phase, kind, what):
        statuses = self.sc.limits[phase][kind]
        first = probes.first_429(statuses)
        self.check(
            what,
            probes.limit_holds(statuses),
            (f"429 from attempt {first} of {len(statuses)}" if first
             else f"no 429 in {len(statuses)} attempts (all {sorted(set(statuses))})"),
        )

    def redis(self):
        fives = [r for r in self.records if r[2] >= 500]
        lost = [r for r in self.records if r[2] < 100]
        self.check("no 5xx answer (load, probes and checks)", not fives,
                   f"{len(fives)} of {len(self.records)}")
        self.check("every request answered (no timeout, no dropped connection)", not lost,
                   f"{len(lost)} of {len(self.records)}")
        self.watch_check("session_before", "session logged out before the outage: 401 during and after", {401})
        self.watch_check("session_during", "session logged out during the outage: 401 during and after", {401})
        self.watch_check("key_before", "POS key revoked before the outage: 401 during and after", {401})
        self.watch_check("key_during", "POS key revoked during the outage: 401 during and after", {401})
        self.live_check("session_control", "a live session keeps working throughout")
        self.live_check("key_control", "a live POS key keeps working throughout")
        for phase in figures.PHASES:
            self.limit_check(phase, "logins", f"failed-login limit (10 per phone and address) holds {phase} the outage")
        for phase in figures.PHASES:
            self.limit_check(phase, "codes", f"counter wrong-code limit (10 per card) holds {phase} the outage")
        ready = self.sc.ready.answers
        down = [(s, st, c) for s, st, _l, c in ready
                if self.m["stop_done"] + 1 <= s < self.m["start_issued"]]
        ok = [1 for _s, st, c in down if st == 200 and c == "degraded"]
        self.check("/readyz 200 with cache_state degraded while Redis is down", down and len(ok) == len(down),
                   f"{len(ok)} of {len(down)} probes")

    def postgres(self):
        m = self.m
        during = [r for r in self.records if self.outage(r[0], r[1])]
        bad = [r for r in during if r[2] >= 500 and not (r[2] == 503 and r[4] and r[5])]
        lost = [r for r in during if r[2] < 100]
        n503 = sum(1 for r in during if r[2] == 503)
        self.check("during the outage every 5xx is 503 problem+json with Retry-After",
                   not bad and not lost and n503 > 0,
                   f"{len(during)} answers: {n503} x 503, {len(bad)} other 5xx or without "
                   f"Retry-After, {len(lost)} unanswered")
        slowest = max((r[1] for r in during), default=0.0)
        slow = sum(1 for r in during if r[1] > MAX_OUTAGE_LATENCY)
        self.check(f"no answer slower than {MAX_OUTAGE_LATENCY:.0f} s during the outage",
                   slow == 0 and not lost,
                   f"max {slowest * 1000:.0f} ms, {slow} slower")
        before = [r for r in self.records if r[0] + r[1] < m["stop_issued"] and (r[2] >= 500 or r[2] < 100)]
        self.check("no 5xx before the outage", not before, f"{len(before)}")
        ready = self.sc.ready.answers
        down = [(st, lat) for s, st, lat, _c in ready if m["stop_done"] <= s < m["start_issued"]]
        self.check("/readyz 503 while PostgreSQL is down", down and all(st == 503 for st, _ in down),
                   f"{sum(1 for st, _ in down if st == 503)} of {len(down)} probes, "
                   f"max {max((l for _, l in down), default=0) * 1000:.0f} ms")
        back = [(s, st) for s, st, _l, _c in ready if s >= m["start_done"]]
        first_ok = next((s for s, st in back if st == 200), None)
        relapse = first_ok is not None and any(st != 200 for s, st in back if s > first_ok)
        ready_in = None if first_ok is None else first_ok - m["start_done"]
        self.check("/readyz 200 again after the restart (and stays 200)",
                   ready_in is not None and ready_in <= RECOVERY_WITHIN and not relapse,
                   f"after {figures.fmt(ready_in)} s")
        failing = [r[0] + r[1] for r in self.records
                   if r[0] >= m["start_done"] and (r[2] >= 500 or r[2] < 100)]
        recovered = max(failing) - m["start_done"] if failing else 0.0
        late_201 = sum(1 for r in self.sc.load.redemptions
                       if r["status"] == 201 and r["sent"] > m["start_done"] + recovered)
        self.check("everything works again without restarting the API",
                   recovered <= RECOVERY_WITHIN and late_201 > 0,
                   f"last failure {recovered:.1f} s after the restart; {late_201} redemptions 201 after it")
        self.watch_check("session_before", "session logged out before: never accepted (401, or 503 while down)", {401, 503})
        self.watch_check("key_before", "POS key revoked before: never accepted (401, or 503 while down)", {401, 503})
        self.figures.append(("answers during the outage by status", status_counts(during)))


    def replica(self):
        """One of two replicas behind nginx goes away. SIGTERM: nothing may fail (in-flight
        requests finish, new ones go to the other). SIGKILL: only what was in flight on the
        killed one may fail (nginx never resends a POST it sent); the window is printed."""
        m = self.m
        # /readyz answering 503 on the stopping replica is its drain working, not a failure.
        failed = [r for r in self.records if (r[2] >= 500 or r[2] < 100) and r[3] != "readyz"]
        if self.sc.a.name == "replica-term":
            self.check("no 5xx and no dropped request while a replica shuts down (SIGTERM)",
                       not failed, f"{len(failed)} of {len(self.records)}")
        else:
            first = min((r[0] for r in failed), default=None)
            last = max((r[0] + r[1] for r in failed), default=None)
            window = 0.0 if last is None else last - m["stop_issued"]
            self.figures.append(("failover window (kill to the last failed answer)",
                                 f"{window:.2f} s, {len(failed)} failed of {len(self.records)}: "
                                 + status_counts(failed)))
            early = first is not None and first + 1.0 < m["stop_issued"]
            self.check(f"5xx only while the killed replica's requests were in flight (<= {FAILOVER_WITHIN:.0f} s), 0 after",
                       not early and window <= FAILOVER_WITHIN,
                       f"window {window:.2f} s, {len(failed)} failed")
        after = [r for r in self.sc.load.redemptions if r["status"] == 201 and r["sent"] > m["stop_done"] + FAILOVER_WITHIN]
        self.check("redemptions keep succeeding on the other replica", after,
                   f"{len(after)} redemptions 201 after the window")
        self.watch_check("session_before", "session logged out before: 401 on every replica", {401})
        self.watch_check("key_before", "POS key revoked before: 401 on every replica", {401})


def status_counts(records):
    counts = {}
    for r in records:
        counts[r[2]] = counts.get(r[2], 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
