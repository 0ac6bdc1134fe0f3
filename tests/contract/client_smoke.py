"""Drives a counter redemption with ONLY the client openapi-python-client generated from the served
spec (plus the stdlib): every request is built from generated models and every answer is parsed
into the generated type its status documents, with typed fields checked, not only the status.
A status the spec does not document raises (raise_on_unexpected_status), and a problem `code`
outside the operation's documented enum fails to parse. Run by tests/contract/client-smoke.sh.
Usage: client_smoke.py BASE_URL (with the generated package `ggh_client` on PYTHONPATH)
"""
import datetime
import sys
import uuid

from client_common import expect, step
from client_common import sign_in as common_sign_in
from ggh_client.api.cards import get_card, get_card_code
from ggh_client.api.merchant import create_redemption, create_verification, list_offers
from ggh_client.models import (
    CardDto,
    CardStatus,
    CounterCodeDto,
    CreateVerificationResponse422,
    CreateVerificationResponse422Code,
    OfferListDto,
    OfferStatus,
    OfferType,
    RedeemBody,
    RedemptionDto,
    VerificationDto,
    VerifyBody,
)

BASE = sys.argv[1]


def sign_in(phone):
    tokens, client = common_sign_in(BASE, phone)
    assert tokens.token_type == "Bearer" and tokens.access_token and tokens.refresh_token and tokens.expires_in > 0
    return tokens, client


tokens, member = sign_in("13800000101")
step(f"login member 13800000101: TokensDto, session {tokens.session_id}, expires_in {tokens.expires_in}s")

card = expect(get_card.sync_detailed(client=member), 200, CardDto)
assert card.status == CardStatus.ACTIVE and len(card.card_no) == 16 and card.card_no.isdigit(), card
assert isinstance(card.issued_at, datetime.datetime) and card.holder_name
step(f"GET /me/card: CardDto {card.card_no} status={card.status.value}")

code = expect(get_card_code.sync_detailed(client=member), 200, CounterCodeDto)
assert len(code.code) == 22 and code.code.startswith(card.card_no) and code.qr_payload == "GGH1:" + code.code, code
assert code.expires_at > datetime.datetime.now(datetime.timezone.utc), code.expires_at
step(f"GET /me/card/code: CounterCodeDto {code.code}, expires_at {code.expires_at.isoformat()}")

tokens, owner = sign_in("13700000101")
step(f"login merchant owner 13700000101: TokensDto, session {tokens.session_id}")

offers = expect(list_offers.sync_detailed(client=owner), 200, OfferListDto)
assert offers.items, "the demo merchant has no offers"
offer = offers.items[0]
assert offer.status == OfferStatus.ACTIVE and isinstance(offer.kind, OfferType), offer
assert offer.starts_at <= datetime.datetime.now(datetime.timezone.utc) < offer.ends_at, offer
step(f"GET /merchant/offers: OfferListDto, {len(offers.items)} offers; first {offer.id} {offer.kind.value} {offer.title!r}")

verification = expect(create_verification.sync_detailed(client=owner, body=VerifyBody(code=code.code)), 200, VerificationDto)
assert verification.card_status == CardStatus.ACTIVE and "*" in verification.holder_name, verification
assert offer.id in [e.offer_id for e in verification.eligible_offers], verification.eligible_offers
step(f"POST /merchant/verifications: VerificationDto holder={verification.holder_name}, "
     f"{len(verification.eligible_offers)} eligible offers incl. {offer.id}")

threshold = offer.threshold_fen if isinstance(offer.threshold_fen, int) else 0
amount = threshold + 5000
body = RedeemBody(amount_fen=amount, code=code.code, offer_id=offer.id)
key = str(uuid.uuid4())
first = expect(create_redemption.sync_detailed(client=owner, body=body, idempotency_key=key), 201, RedemptionDto)
assert first.offer_id == offer.id and first.merchant_id == offer.merchant_id and first.original_fen == amount, first
assert 0 < first.discount_fen <= amount and first.payable_fen == amount - first.discount_fen, first
if offer.kind == OfferType.AMOUNT_OFF:
    assert first.discount_fen == offer.off_fen, (first, offer)
else:  # percent_off_bp: 1200 = 12 % off, capped by max_discount_fen; allow one fen of rounding
    want = amount * offer.percent_off_bp / 10000
    if isinstance(offer.max_discount_fen, int):
        want = min(want, offer.max_discount_fen)
    assert abs(first.discount_fen - want) <= 1, (first, offer)
step(f"POST /merchant/redemptions: RedemptionDto {first.id} original={first.original_fen} "
     f"discount={first.discount_fen} payable={first.payable_fen} (threshold {threshold})")

replay = expect(create_redemption.sync_detailed(client=owner, body=body, idempotency_key=key), 201, RedemptionDto)
assert replay.to_dict() == first.to_dict(), (first, replay)
step(f"replay with Idempotency-Key {key}: same RedemptionDto {replay.id}")

bad = expect(create_verification.sync_detailed(client=owner, body=VerifyBody(code="not-a-code")), 422,
             CreateVerificationResponse422)
assert bad.status == 422 and isinstance(bad.code, CreateVerificationResponse422Code), bad
assert bad.type_ == f"urn:gangonghui:problem:{bad.code.value}" and bad.title and bad.detail, bad
step(f"POST /merchant/verifications with a malformed code: problem+json 422 code={bad.code.value} "
     f"errors={[e.field for e in bad.errors] if bad.errors else []}")
print("client smoke: all steps passed")
