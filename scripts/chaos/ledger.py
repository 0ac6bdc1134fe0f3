"""Redemptions after a chaos run: every one the load sent that got no final answer (5xx, timeout,
no connection) is sent again with the same Idempotency-Key and body once the server is ready, a
sample of the 201s is replayed, and the database is compared with what the clients were told."""

import asyncio
import random
import subprocess
from datetime import datetime, timezone

from traffic import API

REPLAYS = 40


def unanswered(status):
    return status >= 500 or status < 100


class Ledger:
    def __init__(self, client, psql_url, wall_start):
        self.client, self.psql_url, self.wall_start = client, psql_url, wall_start
        self.retried = []  # (status, id) of each unanswered redemption sent again
        self.replays = []  # (first id, replayed status, replayed id)

    async def _send(self, r):
        reply = await self.client.call(
            "ledger", "POST", API + "/merchant/redemptions",
            {"X-Api-Key": r["key"], "Idempotency-Key": r["idem"]}, r["body"],
        )
        return reply.status, (reply.json().get("id") if reply.status == 201 else None)

    async def settle(self, redemptions):
        self.sent = redemptions
        for _ in range(60):
            if (await self.client.call("ledger", "GET", "/readyz")).status == 200:
                break
            await asyncio.sleep(0.5)
        for r in redemptions:
            if unanswered(r["status"]):
                self.retried.append(await self._send(r))
        answered = [r for r in redemptions if r["status"] == 201]
        for r in random.sample(answered, min(REPLAYS, len(answered))):
            status, rid = await self._send(r)
            self.replays.append((r["id"], status, rid))
        self.db_rows, self.codes_twice = self._database()

    def _psql(self, sql):
        out = subprocess.run(
            ["psql", self.psql_url, "-AtXq", "-c", sql], check=True, capture_output=True, text=True
        ).stdout
        return [line for line in out.splitlines() if line]

    def _database(self):
        # Only this scenario's: the load starts after the previous scenario's last redemption.
        since = datetime.fromtimestamp(self.wall_start, timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S.%f"
        )
        rows = self._psql(f"SELECT id FROM redemptions WHERE created_at >= '{since}'")
        twice = self._psql(
            "SELECT count(*) FROM (SELECT card_id, code_step FROM redemptions "
            "GROUP BY card_id, code_step HAVING count(*) > 1) AS spent_twice"
        )
        return rows, int(twice[0])

    def verdicts(self):
        """(figures, checks) as judge.Judge lists them."""
        ids = [r["id"] for r in self.sent if r["status"] == 201]
        ids += [rid for status, rid in self.retried if status == 201]
        distinct, db = set(ids), set(self.db_rows)
        missing, unannounced = distinct - db, db - distinct
        answered_twice = len(ids) - len(distinct)
        retried_201 = sum(1 for s, _ in self.retried if s == 201)
        retried_4xx = sum(1 for s, _ in self.retried if 400 <= s < 500)
        retried_bad = sum(1 for s, _ in self.retried if unanswered(s))
        same = sum(1 for first, status, rid in self.replays if status == 201 and rid == first)
        exact = not missing and not unannounced and answered_twice == 0 and self.codes_twice == 0
        checks = [
            (
                "every redemption answered 201 is in the database exactly once",
                exact and len(ids) > 0,
                f"{len(ids)} answered 201 ({retried_201} on retry), {len(db)} rows; "
                f"missing {len(missing)}, rows never answered 201 {len(unannounced)}, "
                f"ids answered twice {answered_twice}, codes spent twice {self.codes_twice}",
            ),
            (
                "unanswered redemptions settle on retry (same Idempotency-Key)",
                retried_bad == 0,
                f"{len(self.retried)} retried: {retried_201} x 201, {retried_4xx} x 4xx, "
                f"{retried_bad} still 5xx/no answer",
            ),
            (
                "a 201 replays with the same redemption id",
                same == len(self.replays) and self.replays,
                f"{same} of {len(self.replays)} replays",
            ),
        ]
        figures = [("redemptions sent", len(self.sent))]
        return figures, checks
