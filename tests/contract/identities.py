"""The demo identities the contract checks call as, on a server seeded with `seed --demo`.

As a module: `login(base, phone)` (hooks.py uses it). As a script: creates a POS key for the demo
shop owner and prints `POS_KEY=...` for the shell.
"""
import json
import sys
import time
import urllib.error
import urllib.request

PASSWORD = "demo2026pw"
MEMBER, SPARE_MEMBER, CODE_MEMBER = "13800000101", "13800000102", "13800000103"
ADMIN, OWNER = "13900000101", "13700000101"


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(base.rstrip("/") + "/api/v1" + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def login(base, phone):
    """A fresh access token; waits out a 429 (the fuzzer's failed logins share our address)."""
    for _ in range(5):
        try:
            return call(base, "POST", "/auth/login", {"phone": phone, "password": PASSWORD})["access_token"]
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            time.sleep(min(float(e.headers.get("Retry-After", "1")), 30))
    raise RuntimeError(f"could not log in {phone}")


if __name__ == "__main__":
    base = sys.argv[1]
    pos = call(base, "POST", "/merchant/api-keys", {"label": "contract checks"}, token=login(base, OWNER))
    print(f"POS_KEY={pos['key']}")
