"""Schemathesis hooks of the contract checks (loaded through SCHEMATHESIS_HOOKS).

Identities that cannot be a fixed header:
- the POS pass sends its key only as the `api_key` scheme says (X-Api-Key), never a bearer token;
- the pass over operations that end the caller's own session (logout, logout-all, ...) logs in
  afresh for every case, so one case's logout does not turn the next into a 401.

Realistic values for what a schema cannot generate (positive cases only):
- the spec's custom formats `cn-resident-id` and `cn-credit-code` (check characters);
- counter codes: a schema-valid code is almost never a live one, so counter calls present the
  live code of a demo member (13800000103) as a real counter would;
- `Idempotency-Key`: a real client sends a new key for each new request (the examples phase
  would otherwise send the spec's one example key with many different bodies);
- offers: `ends_at` after `starts_at` and in the future, and a 满减 threshold not below its
  discount, as the spec's descriptions say (the only rules there JSON Schema cannot state).
"""
import datetime as dt
import json
import os
import time
import urllib.error
import urllib.request
import uuid

import schemathesis
from hypothesis import strategies as st

BASE = os.environ.get("GGH_CONTRACT_BASE", "")
POS_KEY = os.environ.get("GGH_CONTRACT_POS_KEY")
FRESH_LOGIN = os.environ.get("GGH_CONTRACT_FRESH_LOGIN")
PASSWORD = "demo2026pw"


def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + "/api/v1" + path, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(req, data) as resp:
        return json.load(resp)


def login(phone):
    return call("POST", "/auth/login", {"phone": phone, "password": PASSWORD})["access_token"]


# --- formats ---------------------------------------------------------------------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


@st.composite
def resident_ids(draw):
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()))
    area = draw(st.sampled_from(["360102", "360730", "110105", "440305"]))
    seq = draw(st.integers(0, 999))
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS)) % 11]


CC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@st.composite
def credit_codes(draw):
    body = "".join(draw(st.lists(st.sampled_from(CC_CHARSET), min_size=17, max_size=17)))
    total = sum(CC_CHARSET.index(c) * w for c, w in zip(body, CC_WEIGHTS))
    return body + CC_CHARSET[(31 - total % 31) % 31]


schemathesis.openapi.format("cn-resident-id", resident_ids())
schemathesis.openapi.format("cn-credit-code", credit_codes())

# --- realistic values ------------------------------------------------------------------------

_member = {}


def live_code():
    """The member's code to show now, fetched again only when spent or about to expire (the
    code endpoint is rate-limited like a real phone's refresh)."""
    cached = _member.get("code")
    if cached and cached[1] > time.time() + 5:
        return cached[0]
    for _ in range(2):
        if "token" not in _member:
            _member["token"] = login("13800000103")
        try:
            shown = call("GET", "/me/card/code", token=_member["token"])
        except urllib.error.HTTPError as e:
            if e.code == 429 and cached:
                time.sleep(float(e.headers.get("Retry-After", "1")))
                continue
            if e.code != 401:
                raise
            _member.pop("token")
            continue
        expires = parse_time(shown["expires_at"]).timestamp()
        _member["code"] = (shown["code"], expires)
        return shown["code"]
    raise RuntimeError("no live counter code")


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.definition.raw.get("operationId") == "create_redemption":
        if response.status_code == 201 or '"code.used"' in response.text:
            _member.pop("code", None)


def rfc3339(value):
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def parse_time(text):
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not BASE:
        return
    op = case.operation.definition.raw.get("operationId")
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return
    if op in ("create_verification", "create_redemption") and isinstance(body.get("code"), str):
        body["code"] = live_code()
    now = dt.datetime.now(dt.timezone.utc)
    if op == "create_offer":
        starts, ends = parse_time(body.get("starts_at")), parse_time(body.get("ends_at"))
        if starts and ends and not (starts < ends and ends > now):
            body["ends_at"] = rfc3339(max(starts, now) + dt.timedelta(days=1))
        off, threshold = body.get("off_fen"), body.get("threshold_fen")
        numbers = (int, float)
        if body.get("kind") == "amount_off" and isinstance(off, numbers) and isinstance(threshold, numbers):
            body["threshold_fen"] = max(off, threshold)  # 满减: the threshold covers the discount
    if op == "update_offer" and parse_time(body.get("ends_at")):
        body["ends_at"] = "9999-12-31T23:59:59Z"


# --- identities ------------------------------------------------------------------------------

if POS_KEY:

    @schemathesis.auth(refresh_interval=None)
    class PosKey:
        def get(self, case, context):
            return POS_KEY

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["X-Api-Key"] = data


if FRESH_LOGIN:

    @schemathesis.auth(refresh_interval=None)
    class FreshLogin:
        def get(self, case, context):
            return login("13800000102")

        def set(self, case, data, context):
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"
