"""The load of a chaos run: paced workers per kind of request, every answer recorded with the
time it was sent, so each can be put in its phase (before, during, after an outage)."""

import asyncio
import json
import os
import random
import time

import aiohttp

API = "/api/v1"
# A request that takes longer than this is a hang, whatever the server meant.
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=10)
# Pseudo statuses for requests that got no HTTP answer.
TIMED_OUT = 0
NO_CONNECTION = 1
STEP_SECS = 30
# The last lines of every verification file are never sent by the load: their cards are kept
# for the counter's rate-limit checks, which lock a card for 15 minutes.
RESERVED_CARDS = 40


class Reply:
    def __init__(self, status, text, headers, latency, sent):
        self.status, self.text, self.headers = status, text, headers
        # seconds: how long it took, and when it was sent (since the run's t0)
        self.latency, self.sent = latency, sent

    def json(self):
        try:
            return json.loads(self.text)
        except ValueError:
            return {}


class Client:
    """One HTTP client for the load, the probes and the checks. `records` holds one tuple per
    request: (sent at s since t0, latency s, status, kind, is problem+json, has Retry-After)."""

    def __init__(self, base, t0):
        self.base, self.t0 = base, t0
        self.records = []
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=256), timeout=CLIENT_TIMEOUT
        )

    def now(self):
        return time.monotonic() - self.t0

    async def call(self, kind, method, path, headers=None, body=None):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, str) else json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        sent = time.monotonic()
        status, text, got = TIMED_OUT, "", {}
        try:
            async with self.session.request(
                method, self.base + path, headers=headers, data=data
            ) as r:
                text = await r.text()
                status, got = r.status, r.headers
        except asyncio.TimeoutError:
            status = TIMED_OUT
        except aiohttp.ClientError:
            status = NO_CONNECTION
        latency = time.monotonic() - sent
        problem = got.get("Content-Type", "").startswith("application/problem+json")
        self.records.append(
            (sent - self.t0, latency, status, kind, problem, "Retry-After" in got)
        )
        return Reply(status, text, got, latency, sent - self.t0)

    async def close(self):
        await self.session.close()


class Codes:
    """Counter requests prepared by `bench-counter` with BENCH_STEPS: one file per 30 s step,
    read while that step is current, each line sent once (a card's codes are spent in order)."""

    def __init__(self, prefix, reserve=0):
        self.prefix, self.reserve = prefix, reserve
        self.step, self.lines, self.next = None, [], 0
        self.ran_out = 0

    def _load(self, step):
        path = f"{self.prefix}.{step}"
        if not os.path.exists(path):
            return []
        with open(path) as f:
            lines = f.read().splitlines()
        return lines[: max(0, len(lines) - self.reserve)]

    def take(self):
        step = int(time.time()) // STEP_SECS
        if step != self.step:
            self.step, self.next, self.lines = step, 0, self._load(step)
        if self.next >= len(self.lines):
            self.ran_out += 1
            return None
        line = self.lines[self.next]
        self.next += 1
        _path, key, idem, body = line.split("\t", 3)
        return key, idem, body

    def reserved_cards(self, n):
        """Card numbers of the reserved tail of the current step's file (never sent by the load)."""
        path = f"{self.prefix}.{int(time.time()) // STEP_SECS}"
        with open(path) as f:
            lines = f.read().splitlines()
        tail = lines[len(lines) - self.reserve :]
        return [json.loads(l.split("\t", 3)[3])["code"][:16] for l in tail][:n]


class Load:
    """Paced workers: each kind of request at its own rate, until `stop` is set."""

    # requests per second of each kind; a busy counter's mix of reads and writes
    RATES = {"me": 120, "card": 40, "merchants": 40, "verify": 80, "redeem": 80}

    def __init__(self, client, member_tokens, redeem, verify):
        self.client = client
        self.tokens = member_tokens
        self.redeem_codes, self.verify_codes = redeem, verify
        # every redemption sent: idempotency key, api key, body, status, id if 201
        self.redemptions = []
        self.stop = asyncio.Event()

    def _bearer(self):
        return {"Authorization": "Bearer " + random.choice(self.tokens)}

    async def me(self):
        await self.client.call("me", "GET", API + "/me", self._bearer())

    async def card(self):
        await self.client.call("card", "GET", API + "/me/card", self._bearer())

    async def merchants(self):
        await self.client.call("merchants", "GET", API + "/merchants?city=360100&limit=20")

    async def verify(self):
        line = self.verify_codes.take()
        if line:
            key, _, body = line
            await self.client.call(
                "verify", "POST", API + "/merchant/verifications", {"X-Api-Key": key}, body
            )

    async def redeem(self):
        line = self.redeem_codes.take()
        if not line:
            return
        key, idem, body = line
        r = await self.client.call(
            "redeem",
            "POST",
            API + "/merchant/redemptions",
            {"X-Api-Key": key, "Idempotency-Key": idem},
            body,
        )
        rid = r.json().get("id") if r.status == 201 else None
        self.redemptions.append(
            {"idem": idem, "key": key, "body": body, "status": r.status, "id": rid, "sent": r.sent}
        )

    async def _paced(self, rate, fn):
        loop = asyncio.get_running_loop()
        interval = 1.0 / rate
        due = loop.time() + random.random() * interval
        while not self.stop.is_set():
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            elif wait < -1:
                due = loop.time()  # fell behind (a hang): no burst to catch up
            due += interval
            await fn()

    def start(self, workers_per_kind=6):
        tasks = []
        for kind, rate in self.RATES.items():
            fn = getattr(self, kind)
            for _ in range(workers_per_kind):
                tasks.append(asyncio.create_task(self._paced(rate / workers_per_kind, fn)))
        return tasks
