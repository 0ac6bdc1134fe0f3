#!/usr/bin/env python3
"""The benchmark's HTTP chores, standard library only (http.client, keep-alive).

  client.py cold-start PORT START_NS        polls /healthz until 200; prints ms since START_NS
  client.py tokens PORT PASSWORD PHONE...   logs each phone in; prints one access token a line
                                            (failures go to stderr with their status)
  client.py walk PORT TOKEN PATH LIMIT PAGE follows next_cursor to page PAGE (or the last one);
                                            prints `page<TAB>cursor` (cursor empty for page 1)
"""
import http.client
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def problem_code(data):
    try:
        return json.loads(data).get("code", "")
    except ValueError:
        return data[:100].decode(errors="replace")


def cold_start(port, start_ns):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                print(f"{(time.time_ns() - start_ns) / 1e6:.0f}")
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.002)
    sys.exit("the server did not answer /healthz within 30 s")


def login(port, phone, password):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"phone": phone, "password": password, "device": "bench"})
    conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    res = conn.getresponse()
    data = res.read()
    if res.status != 200:
        return None, f"{phone}: {res.status} {problem_code(data)}"
    return json.loads(data)["access_token"], None


def tokens(port, password, phones):
    # Two at a time: logins are argon2 verifications, the server runs one per core.
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda p: login(port, p, password), phones))
    for token, error in answers:
        if token:
            print(token)
        else:
            print(f"login refused: {error}", file=sys.stderr)


def walk(port, token, path, limit, page):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    cursor, reached = "", 1
    while reached < page:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        conn.request("GET", path + query, headers=headers)
        res = conn.getresponse()
        data = res.read()
        if res.status != 200:
            sys.exit(f"GET {path} page {reached}: {res.status} {problem_code(data)}")
        following = json.loads(data).get("next_cursor")
        if not following:
            break
        cursor, reached = following, reached + 1
    print(f"{reached}\t{cursor}")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "cold-start":
        cold_start(int(args[0]), int(args[1]))
    elif cmd == "tokens":
        tokens(int(args[0]), args[1], args[2:])
    elif cmd == "walk":
        walk(int(args[0]), args[1], args[2], int(args[3]), int(args[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
