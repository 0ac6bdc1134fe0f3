#!/usr/bin/env python3
"""One chaos scenario against a running server, under load: stops a dependency (Redis or
PostgreSQL) with a shell command, keeps it down, starts it again, and judges what the clients
saw. Writes the figures and verdicts as JSON; `report` prints them as one table.

  load.py scenario --name redis|pg|redis-freeze --base URL --codes DIR --owner PHONE --psql URL \
      --before S --outage S --after S --stop CMD --start CMD --out FILE
  load.py report FILE...      (exit status 1 if any requirement failed)
"""

import argparse
import asyncio
import json
import sys
import time

import figures
import judge
import probes
from ledger import Ledger
from traffic import RESERVED_CARDS, Client, Codes, Load

TITLES = {
    "redis": "a: Redis stopped for {outage:.0f} s under load, then started again (empty)",
    "pg": "b: PostgreSQL stopped (pg_ctl stop -m fast) for {outage:.0f} s under load, then started again",
    "redis-freeze": "c: Redis frozen (SIGSTOP: connections open, no answers) for {outage:.0f} s "
    "under load, then resumed with its data",
    "replica-term": "r1: replica B stopped with SIGTERM under load through nginx, "
    "started again {outage:.0f} s later",
    "replica-kill": "r2: replica A killed (SIGKILL) under load through nginx, "
    "started again {outage:.0f} s later",
}
TAGS = {"redis": "a", "pg": "b", "redis-freeze": "c", "replica-term": "r1", "replica-kill": "r2"}


async def run_cmd(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)
    if await proc.wait() != 0:
        raise SystemExit(f"command failed: {cmd}")


class Scenario:
    def __init__(self, args):
        self.a = args
        self.redis = args.name.startswith("redis")
        self.replica = args.name.startswith("replica")
        self.client = None  # made inside the event loop, by run()
        self.marks = {}
        self.limits = {}  # phase -> {"logins": [...], "codes": [...]}

    def now(self):
        return self.client.now()

    async def until(self, at):
        await asyncio.sleep(max(0.0, at - self.now()))

    async def identities(self):
        c = self.client
        self.members = [await probes.login(c, p) for p in ("13800000101", "13800000102")]
        self.owner = await probes.login(c, self.a.owner)
        labels = ["control", "before", "during", "rl-before", "rl-during", "rl-after"]
        self.keys = {l: await probes.create_key(c, self.owner, f"chaos-{l}") for l in labels}
        self.watches = {
            "session_control": probes.session_watch(c, "live session", self.members[0]),
            "key_control": probes.key_watch(c, "live POS key", self.keys["control"]["key"]),
            "session_before": probes.session_watch(c, "session", await probes.login(c, "13800000103")),
            "key_before": probes.key_watch(c, "POS key", self.keys["before"]["key"]),
        }
        if self.redis:
            self.watches["session_during"] = probes.session_watch(
                c, "session", await probes.login(c, "13800000103"))
            self.watches["key_during"] = probes.key_watch(c, "POS key", self.keys["during"]["key"])
        for w in self.watches.values():
            await w.once()  # each is cached as live before it is revoked
        await self.revoke("before")

    async def revoke(self, when):
        s, k = self.watches[f"session_{when}"], self.watches[f"key_{when}"]
        out = await probes.logout(self.client, s)
        out2 = await probes.revoke_key(self.client, self.owner, self.keys[when]["id"], k)
        if out != 204 or out2 != 204:
            print(f"  revocation {when} the outage: logout HTTP {out}, key revoke HTTP {out2}")

    async def limit_checks(self, phase, card):
        logins = await probes.failed_logins(self.client, probes.fresh_phone())
        codes = await probes.wrong_codes(self.client, self.keys[f"rl-{phase}"]["key"], card)
        self.limits[phase] = {"logins": logins, "codes": codes}

    async def run(self):
        a = self.a
        self.client = Client(a.base, time.monotonic())
        await self.identities()
        redeem = Codes(f"{a.codes}/redeem.tsv")
        verify = Codes(f"{a.codes}/verify.tsv", reserve=RESERVED_CARDS)
        cards = verify.reserved_cards(3)
        self.load = Load(self.client, self.members, redeem, verify)
        self.ready = probes.Readiness(self.client)
        stop = self.load.stop
        tasks = self.load.start()
        tasks += [asyncio.create_task(w.run(stop)) for w in self.watches.values()]
        tasks.append(asyncio.create_task(self.ready.run(stop)))
        m = self.marks
        m["load_start"] = self.now()
        self.wall_start = time.time()

        await asyncio.sleep(a.before / 3)
        if self.redis:
            await self.limit_checks("before", cards[0])
        await self.until(m["load_start"] + a.before)

        m["stop_issued"] = self.now()
        await run_cmd(a.stop)
        m["stop_done"] = self.now()
        print(f"  {a.name} stopped at +{m['stop_done']:.1f} s")
        await asyncio.sleep(min(1.0, a.outage / 4))
        if self.redis:
            await self.revoke("during")
            await self.limit_checks("during", cards[1])
        await self.until(m["stop_done"] + a.outage)

        m["start_issued"] = self.now()
        await run_cmd(a.start)
        m["start_done"] = self.now()
        print(f"  {a.name} started again at +{m['start_done']:.1f} s")
        if self.redis:
            # Once the breaker and the reconnect have settled: a burst in the first second or
            # two after the return is counted partly in-process and partly in Redis (see
            # README.md, known problems), which this check is not about.
            await asyncio.sleep(3.0)
            await self.limit_checks("after", cards[2])
        await self.until(m["start_done"] + a.after)

        stop.set()
        await asyncio.gather(*tasks)
        m["end"] = self.now()
        self.ledger = Ledger(self.client, a.psql, self.wall_start)
        await self.ledger.settle(self.load.redemptions)
        await self.client.close()

    def summary(self):
        a, m = self.a, self.marks
        records = self.client.records
        phases = figures.phase_table(records, m)
        verdicts = judge.Judge(self, phases)
        return {
            "tag": TAGS[a.name],
            "title": TITLES[a.name].format(outage=m["start_done"] - m["stop_issued"]),
            "marks": m,
            "phases": phases,
            "figures": verdicts.figures,
            "checks": verdicts.checks,
        }


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sc = sub.add_parser("scenario")
    sc.add_argument("--name", choices=sorted(TITLES), required=True)
    for opt in ("--base", "--codes", "--owner", "--psql", "--stop", "--start", "--out"):
        sc.add_argument(opt, required=True)
    for opt in ("--before", "--outage", "--after"):
        sc.add_argument(opt, type=float, required=True)
    rep = sub.add_parser("report")
    rep.add_argument("files", nargs="+")
    args = parser.parse_args()

    if args.cmd == "scenario":
        scenario = Scenario(args)
        asyncio.run(scenario.run())
        summary = scenario.summary()
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
        figures.print_scenario(summary)
        return 0
    summaries = []
    for path in args.files:
        with open(path) as f:
            summaries.append(json.load(f))
    for s in summaries:
        figures.print_scenario(s)
    return 1 if figures.print_requirements(summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
