"""The demo identities the contract checks call as, on a server seeded with `seed --demo`.

As a module: `login` and `Session` (hooks.py uses them). As a script, run before any fuzzing (the
fuzzer's failed logins soon lock logins from this address, as they should): opens the sessions of
the member, the union admin, the legal-aid officer, the shop owner and the member whose card code the counter presents,
each in a file under the given directory, and prints a POS key for the shell.
"""
import json
import sys
import time
import urllib.error
import urllib.request

PASSWORD = "demo2026pw"
MEMBER, CODE_MEMBER = "13800000101", "13800000103"
ADMIN, OWNER = "13900000101", "13700000101"
OFFICER = "13600000101"  # legal-aid officer of Nanchang


def call(base, method, path, body=None, token=None):
    req = urllib.request.Request(base.rstrip("/") + "/api/v1" + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def refresh(base, refresh_token):
    """New tokens for a session (the refresh token rotates: use the new one next time)."""
    return call(base, "POST", "/auth/refresh", {"refresh_token": refresh_token})


def sign_in(base, phone):
    return call(base, "POST", "/auth/login", {"phone": phone, "password": PASSWORD})


def login(base, phone):
    """A fresh access token; waits out a 429 (the fuzzer's failed logins share our address)."""
    for _ in range(5):
        try:
            return sign_in(base, phone)["access_token"]
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            time.sleep(min(float(e.headers.get("Retry-After", "1")), 30))
    raise RuntimeError(f"could not log in {phone}")


class Session:
    """A session kept in a file, so every schemathesis pass (one process each) uses it and renews
    it through /auth/refresh (the refresh token rotates) before its 15-minute access token ends."""

    RENEW_AFTER = 600

    def __init__(self, base, path):
        self.base, self.path = base, path

    def open(self, phone):
        self._save(sign_in(self.base, phone))

    def access_token(self):
        with open(self.path) as f:
            state = json.load(f)
        if time.time() - state["at"] > self.RENEW_AFTER:
            self._save(refresh(self.base, state["refresh_token"]))
            return self.access_token()
        return state["access_token"]

    def _save(self, tokens):
        with open(self.path, "w") as f:
            json.dump({**tokens, "at": time.time()}, f)


if __name__ == "__main__":
    base, sessions = sys.argv[1], sys.argv[2]
    for name, phone in [("member", MEMBER), ("admin", ADMIN), ("owner", OWNER), ("officer", OFFICER),
                        ("code", CODE_MEMBER)]:
        Session(base, f"{sessions}/{name}.json").open(phone)
    owner = Session(base, f"{sessions}/owner.json").access_token()
    pos = call(base, "POST", "/merchant/api-keys", {"label": "contract checks"}, token=owner)
    print(f"POS_KEY={pos['key']}")
