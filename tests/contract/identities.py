"""Logs in the identities the contract checks call as, on a server seeded with `seed --demo`.

Prints shell assignments: MEMBER, ADMIN, OWNER (bearer access tokens), POS_KEY, OFFER_ID.
"""
import json
import sys
import urllib.request

BASE = sys.argv[1].rstrip("/") + "/api/v1"
PASSWORD = "demo2026pw"


def call(method, path, body=None, token=None, headers=None):
    req = urllib.request.Request(BASE + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as resp:
        text = resp.read()
        return json.loads(text) if text else None


def login(phone):
    return call("POST", "/auth/login", {"phone": phone, "password": PASSWORD})["access_token"]


member = login("13800000101")
admin = login("13900000101")
owner = login("13700000101")
pos = call("POST", "/merchant/api-keys", {"label": "contract checks"}, token=owner)
offers = call("GET", "/merchant/offers", token=owner)["items"]
print(f"MEMBER={member}")
print(f"ADMIN={admin}")
print(f"OWNER={owner}")
print(f"POS_KEY={pos['key']}")
print(f"OFFER_ID={offers[0]['id']}")
