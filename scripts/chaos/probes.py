"""What a chaos run watches besides the load: credentials that must stay refused once revoked,
readiness, and the rate limits that must hold whether or not Redis answers."""

import asyncio
import random

from traffic import API

DEMO_PASSWORD = "demo2026pw"
PROBE_EVERY = 0.25


async def login(client, phone, password=DEMO_PASSWORD):
    r = await client.call("setup", "POST", API + "/auth/login", body={"phone": phone, "password": password})
    if r.status != 200:
        raise SystemExit(f"login {phone}: HTTP {r.status} {r.text[:200]}")
    return r.json()["access_token"]


async def create_key(client, owner_token, label):
    r = await client.call(
        "setup", "POST", API + "/merchant/api-keys",
        {"Authorization": "Bearer " + owner_token}, {"label": label},
    )
    if r.status != 201:
        raise SystemExit(f"creating POS key {label}: HTTP {r.status} {r.text[:200]}")
    return r.json()


class Watch:
    """A credential probed every 250 ms. Once revoked (`revoked_at`, seconds since t0, set when
    the revocation was answered), every answer to a request sent later must be 401; before, a
    control credential must keep working."""

    def __init__(self, client, name, headers, path):
        self.client, self.name, self.headers, self.path = client, name, headers, path
        self.revoked_at = None
        self.answers = []  # (sent, status)

    async def once(self):
        r = await self.client.call("probe", "GET", self.path, self.headers)
        self.answers.append((r.sent, r.status))
        return r.status

    async def run(self, stop):
        while not stop.is_set():
            await self.once()
            await asyncio.sleep(PROBE_EVERY)

    def after_revocation(self):
        if self.revoked_at is None:
            return []
        return [status for sent, status in self.answers if sent > self.revoked_at]


def session_watch(client, name, token):
    return Watch(client, name, {"Authorization": "Bearer " + token}, API + "/me")


def key_watch(client, name, key):
    return Watch(client, name, {"X-Api-Key": key}, API + "/merchant/redemptions?limit=1")


async def logout(client, watch):
    r = await client.call("check", "POST", API + "/auth/logout", watch.headers)
    if r.status == 204:
        watch.revoked_at = client.now()
    return r.status


async def revoke_key(client, owner_token, key_id, watch):
    r = await client.call(
        "check", "DELETE", f"{API}/merchant/api-keys/{key_id}",
        {"Authorization": "Bearer " + owner_token},
    )
    if r.status == 204:
        watch.revoked_at = client.now()
    return r.status


class Readiness:
    """/readyz every 250 ms: (sent, status, latency, cache_state)."""

    def __init__(self, client):
        self.client, self.answers = client, []

    async def run(self, stop):
        while not stop.is_set():
            r = await self.client.call("readyz", "GET", "/readyz")
            self.answers.append((r.sent, r.status, r.latency, r.json().get("cache_state")))
            await asyncio.sleep(PROBE_EVERY)


def fresh_phone():
    """A phone number no account has: the failed-login limit counts it all the same."""
    return "135" + "".join(random.choice("0123456789") for _ in range(8))


async def failed_logins(client, phone, attempts=12):
    """Statuses of `attempts` wrong passwords for one phone, one after another."""
    out = []
    for _ in range(attempts):
        r = await client.call(
            "check", "POST", API + "/auth/login",
            body={"phone": phone, "password": "not-the-password-1"},
        )
        out.append(r.status)
    return out


async def wrong_codes(client, key, card_no, attempts=12):
    """Statuses of `attempts` distinct wrong codes for one card at the counter."""
    out, tried = [], set()
    while len(out) < attempts:
        digits = "".join(random.choice("0123456789") for _ in range(6))
        if digits in tried:
            continue
        tried.add(digits)
        r = await client.call(
            "check", "POST", API + "/merchant/verifications",
            {"X-Api-Key": key}, {"code": card_no + digits},
        )
        out.append(r.status)
    return out


def limit_holds(statuses, limit=10):
    """The documented limit holds: every attempt past `limit` is refused with 429."""
    return len(statuses) > limit and all(s == 429 for s in statuses[limit:])


def first_429(statuses):
    return next((i + 1 for i, s in enumerate(statuses) if s == 429), None)
