#!/usr/bin/env python3
"""What one replica records, another honours at its next request: checked between two replicas
directly and through nginx. Uses the chaos run's client and probes (scripts/chaos/).

  pairs.py --a URL --b URL --via URL --codes FILE --owner PHONE
Prints one line per check and exits 1 if any failed.
"""

import argparse
import asyncio
import json
import sys
import time
import uuid

sys.path.insert(0, __file__.rsplit("/", 2)[0] + "/chaos")
import probes  # noqa: E402
from traffic import API, Client  # noqa: E402

RESULTS = []


def check(name, ok, figure):
    RESULTS.append((name, bool(ok), figure))
    print(f"  [{'ok' if ok else 'FAILED'}] {name}: {figure}")


class Pair:
    def __init__(self, label, first, second, lines):
        self.label, self.first, self.second, self.lines = label, first, second, lines

    async def sessions(self, phone):
        token = await probes.login(self.first, phone)
        me = await self.second.call("check", "GET", API + "/me", {"Authorization": "Bearer " + token})
        check(f"{self.label}: a login on one is a session on the other", me.status == 200, f"GET /me {me.status}")
        out = await self.first.call("check", "POST", API + "/auth/logout", {"Authorization": "Bearer " + token})
        again = await self.second.call("check", "GET", API + "/me", {"Authorization": "Bearer " + token})
        check(f"{self.label}: a logout on one is refused on the other", out.status == 204 and again.status == 401,
              f"logout {out.status}, then GET /me {again.status}")

    async def counter(self):
        key, _idem, body = self.lines.pop().split("\t", 3)[1:]
        idem = str(uuid.uuid4())
        headers = {"X-Api-Key": key, "Idempotency-Key": idem}
        first = await self.first.call("check", "POST", API + "/merchant/redemptions", headers, body)
        replay = await self.second.call("check", "POST", API + "/merchant/redemptions", headers, body)
        check(f"{self.label}: an Idempotency-Key replayed on the other returns the stored answer",
              first.status == 201 and replay.status == 201 and replay.json().get("id") == first.json().get("id"),
              f"{first.status} then {replay.status}, same id: {replay.json().get('id') == first.json().get('id')}")
        spent = await self.second.call(
            "check", "POST", API + "/merchant/redemptions",
            {"X-Api-Key": key, "Idempotency-Key": str(uuid.uuid4())}, body)
        check(f"{self.label}: a code spent on one is code.used on the other",
              spent.status == 409 and spent.json().get("code") == "code.used",
              f"{spent.status} {spent.json().get('code')}")

    async def limit(self):
        phone = probes.fresh_phone()
        on_first = await probes.failed_logins(self.first, phone, attempts=10)
        on_second = await probes.failed_logins(self.second, phone, attempts=2)
        check(f"{self.label}: a failed-login limit counted on one holds on the other",
              all(s == 401 for s in on_first) and on_second == [429, 429],
              f"10 on one: {sorted(set(on_first))}, then on the other: {on_second}")


async def main():
    p = argparse.ArgumentParser()
    for opt in ("--a", "--b", "--via", "--codes", "--owner"):
        p.add_argument(opt, required=True)
    args = p.parse_args()
    t0 = time.monotonic()
    a, b, via = Client(args.a, t0), Client(args.b, t0), Client(args.via, t0)
    with open(args.codes) as f:
        lines = f.read().splitlines()
    pairs = [Pair("A then B", a, b, lines), Pair("through nginx", via, via, lines)]
    for pair in pairs:
        await pair.sessions("13800000101")
        await pair.counter()
        await pair.limit()
    for c in (a, b, via):
        await c.close()
    failed = [r for r in RESULTS if not r[1]]
    print(f"  {len(RESULTS) - len(failed)} of {len(RESULTS)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
