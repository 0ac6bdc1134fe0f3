"""Drives a legal-aid case with ONLY the generated client (plus the stdlib), as the member app and
the officers' console would: a member files a request with consent, the Nanchang officer accepts
it, assigns it to themself and asks for evidence; the member uploads a PDF and reads the thread;
the officer downloads the file byte for byte. Every answer parses into its documented type.
Usage: client_smoke_legal_aid.py BASE_URL (with the generated package `ggh_client` on PYTHONPATH)
"""
import hashlib
import io
import sys
import uuid

from client_common import expect, sign_in, step
from ggh_client import Client
from ggh_client.api.legal_aid import (
    create_legal_aid_message, create_legal_aid_request, download_legal_aid_attachment,
    get_legal_aid_consent, get_legal_aid_request, list_legal_aid_messages, transition_legal_aid_request,
    upload_legal_aid_attachment,
)
from ggh_client.api.me import get_me
from ggh_client.models import (
    AttachmentDto, CaseCategory, CaseDto, CaseStatus, ConsentDto, CreateCaseBody, EvidenceForm,
    MessageBody, MessageDto, MessageListDto, ProfileDto, TransitionBody,
    TransitionLegalAidRequestResponse409, TransitionLegalAidRequestResponse409Code,
)
from ggh_client.types import File

BASE = sys.argv[1]

anon = Client(base_url=BASE, raise_on_unexpected_status=True)
consent = expect(get_legal_aid_consent.sync_detailed(client=anon), 200, ConsentDto)
step(f"GET /legal-aid/consent: version {consent.version}")

(_, member), (_, officer) = sign_in(BASE, "13800000102"), sign_in(BASE, "13600000101")
employer = f"客户端测试公司{uuid.uuid4().hex[:6]}"
body = CreateCaseBody(category=CaseCategory.WAGE_ARREARS, employer_name=employer, claim_amount_fen=860000,
                      description="2026年10月至11月工资未发。", contact_phone="13800000102", consent=True)
case = expect(create_legal_aid_request.sync_detailed(client=member, body=body), 201, CaseDto)
assert case.status == CaseStatus.SUBMITTED and case.consent.version == consent.version, case
assert case.contact_phone == "13800000102" and case.review_due_at > case.submitted_at, case
step(f"POST /legal-aid/requests: CaseDto {case.id} due {case.review_due_at.isoformat()}")

seen = expect(get_legal_aid_request.sync_detailed(case.id, client=officer), 200, CaseDto)
assert seen.contact_phone == "138****0102" and seen.description == body.description, seen
accepted = expect(transition_legal_aid_request.sync_detailed(
    case.id, client=officer, body=TransitionBody(to=CaseStatus.ACCEPTED, note="材料齐全")), 200, CaseDto)
again = expect(transition_legal_aid_request.sync_detailed(
    case.id, client=officer, body=TransitionBody(to=CaseStatus.ACCEPTED)), 409, TransitionLegalAidRequestResponse409)
assert again.code == TransitionLegalAidRequestResponse409Code.CASE_INVALID_TRANSITION, again
me = expect(get_me.sync_detailed(client=officer), 200, ProfileDto)
assigned = expect(transition_legal_aid_request.sync_detailed(
    case.id, client=officer, body=TransitionBody(to=CaseStatus.ASSIGNED, assignee_id=me.id)), 200, CaseDto)
assert accepted.status == CaseStatus.ACCEPTED and assigned.status == CaseStatus.ASSIGNED, assigned
assert [e.to for e in assigned.history] == [CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED]
step(f"officer: accepted, accepted again -> 409 {again.code.value}, assigned to {me.id}")

ask = expect(create_legal_aid_message.sync_detailed(case.id, client=officer, body=MessageBody(body="请上传工资条")),
             201, MessageDto)
expect(create_legal_aid_message.sync_detailed(
    case.id, client=officer, body=MessageBody(body="内部备注", internal=True)), 201, MessageDto)
pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
form = EvidenceForm(file=File(payload=io.BytesIO(pdf), file_name="工资条.pdf", mime_type="application/pdf"))
saved = expect(upload_legal_aid_attachment.sync_detailed(case.id, client=member, body=form), 201, AttachmentDto)
assert saved.sha256 == hashlib.sha256(pdf).hexdigest() and saved.content_type == "application/pdf", saved
thread = expect(list_legal_aid_messages.sync_detailed(case.id, client=member), 200, MessageListDto)
assert [m.id for m in thread.items] == [ask.id] and not any(m.internal for m in thread.items), thread
step(f"member: uploaded {saved.file_name} ({saved.size_bytes} bytes); thread shows 1 message, no internal note")

download = download_legal_aid_attachment.sync_detailed(case.id, saved.id, client=officer)
assert download.status_code == 200 and download.content == pdf, download.status_code
assert download.headers["content-type"] == "application/pdf"
assert download.headers["x-content-type-options"] == "nosniff"
step("officer: downloaded the file byte for byte, application/pdf, nosniff")
print("legal-aid client smoke: all steps passed")
