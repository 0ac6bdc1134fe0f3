"""What the client smoke scripts share: signing in with the generated client and checking that an
answer has the status and the generated type the spec documents."""
from ggh_client import AuthenticatedClient, Client
from ggh_client.api.auth import login
from ggh_client.models import PasswordLogin, TokensDto

PASSWORD = "demo2026pw"


def expect(resp, status, cls):
    assert resp.status_code == status, f"want {status}, got {resp.status_code}: {resp.content[:300]!r}"
    assert isinstance(resp.parsed, cls), f"want {cls.__name__}, got {type(resp.parsed).__name__}"
    return resp.parsed


def step(msg):
    print(f"ok  {msg}", flush=True)


def sign_in(base, phone):
    """The tokens and an authenticated client of a demo account."""
    anon = Client(base_url=base, raise_on_unexpected_status=True)
    tokens = expect(login.sync_detailed(client=anon, body=PasswordLogin(phone=phone, password=PASSWORD)), 200, TokensDto)
    return tokens, AuthenticatedClient(base_url=base, token=tokens.access_token, raise_on_unexpected_status=True)
