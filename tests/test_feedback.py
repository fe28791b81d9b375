"""PAKN (phản ánh, kiến nghị) at the kiosk and the counter, its receipt and the public /P/ page.

A citizen at the kiosk sends a complaint without giving any personal data and gets a receipt whose
QR code opens /P/<code>?K=<check>; a double tap makes one PAKN; a refusal shows the message beside
its field with everything typed kept. At the counter an officer records one, a supervisor assigns
it, the assigned officer answers after confirming, and the citizen's page shows the answer.
"""

import html as htmllib
import re
from datetime import datetime, timedelta

import pytest
import zxingcpp
from sqlalchemy import select

from domain import feedback as pakn
from domain.clock import fmt_date, utcnow
from domain.printing import process_due_jobs
from domain.site import current_site
from models import Event, Feedback, PrintJob, StaffUser
from motcua.extensions import db
from motcua.transactions import write_transaction

from .conftest import csrf_token
from .support.escpos_decode import printed_page
from .support.fake_printer import FakePrinter
from .test_counter import at_counter
from .test_dossiers import dossier, intake, set_counter_printer

KEY = re.compile(r'name="request_key" value="([^"]+)"')
URL = re.compile(r'id="pakn-url" href="([^"]+)"')
COMPLAINT = "Cán bộ quầy 2 hẹn trả kết quả ngày 03/12 nhưng đến nay vẫn chưa có, đề nghị kiểm tra."


def kiosk_form(client) -> tuple[str, str]:
    """Open the kiosk's PAKN form: (its one-use key, the CSRF token)."""
    page = client.get("/kiosk/gop-y").get_data(as_text=True)
    return KEY.search(page).group(1), csrf_token(client)


def send(client, key=None, token=None, **fields):
    if key is None:
        key, token = kiosk_form(client)
    data = {"kind": "phan_anh", "topic": "delay", "content": COMPLAINT, "dossier_code": "",
            "request_key": key, "csrf_token": token or csrf_token(client), **fields}
    return client.post("/kiosk/gop-y", data=data, headers={"HX-Request": "true"})


def rows(app) -> list[Feedback]:
    with app.app_context():
        items = db.session.scalars(select(Feedback).order_by(Feedback.code)).all()
        db.session.expunge_all()
        return items


def receipt_url(html: str) -> str:
    return htmllib.unescape(URL.search(html).group(1))


def public_path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_kiosk_complaint_is_recorded_with_its_event_receipt_and_print_job(client, app):
    response = send(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    [item] = rows(app)
    assert (item.channel, item.kind, item.topic, item.status) == ("kiosk", "phan_anh", "delay", "received")
    assert item.content == COMPLAINT and item.recorded_by_id is None
    assert re.fullmatch(r"000\.00\.12\.H56-PA-\d{6}-0001", item.code)
    assert f'id="pakn-code">{item.code}<' in page
    assert f'id="pakn-check" class="pakn-check">{item.check}<' in page
    assert f'id="pakn-due">{fmt_date(item.due_at)}<' in page
    assert receipt_url(page) == f"HTTP://LOCALHOST/P/{item.code}?K={item.check}"
    assert "<svg" in page and "Đã tiếp nhận phản ánh, kiến nghị của bạn" in page
    with app.app_context():
        [event] = db.session.scalars(select(Event).where(Event.aggregate_id == item.id)).all()
        assert event.type == "feedback.received"
        [job] = db.session.scalars(select(PrintJob)).all()
        assert (job.document, job.device, job.status) == ("feedback", "Kiosk K1", "pending")
        assert job.payload["tracking_url"] == receipt_url(page) and job.payload["code"] == item.code


def test_the_kiosk_home_offers_feedback_and_the_form_asks_for_no_personal_data(client):
    home = client.get("/kiosk").get_data(as_text=True)
    assert 'id="pakn-link"' in home and "Góp ý, phản ánh" in home
    form = client.get("/kiosk/gop-y").get_data(as_text=True)
    assert "Không cần ghi họ tên, số điện thoại" in form
    assert all(f'value="{code}"' in form for code in [*pakn.KINDS, *pakn.TOPICS])
    assert not re.search(r'name="(name|phone|full_name|id_number)"', form)


def test_a_double_tap_or_a_retry_makes_one_pakn(client, app):
    key, token = kiosk_form(client)
    first = send(client, key, token).get_data(as_text=True)
    again = send(client, key, token)
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "đã được gửi rồi" in text
    [item] = rows(app)
    assert item.code in first and item.code in text and item.check in text
    with app.app_context():
        assert len(db.session.scalars(select(PrintJob)).all()) == 1  # one receipt printed
    other = send(client)  # a new form: a new PAKN
    assert other.status_code == 200 and len(rows(app)) == 2


def test_a_forged_key_cannot_pick_the_row_or_find_another_pakn(client, app):
    send(client)
    [item] = rows(app)
    _, token = kiosk_form(client)
    response = send(client, str(item.id), token, content="Góp ý khác")  # an id is not a signed key
    assert response.status_code == 200 and item.code not in response.get_data(as_text=True)
    assert len(rows(app)) == 2


@pytest.mark.parametrize("fields,field,message", [
    ({"content": "   "}, "content", "Hãy ghi nội dung phản ánh, kiến nghị."),
    ({"content": "x" * 2001}, "content", "Nội dung dài quá 2000 ký tự."),
    ({"kind": ""}, "kind", "Hãy chọn phản ánh hay kiến nghị."),
    ({"topic": "gossip"}, "topic", "Hãy chọn nội dung phản ánh, kiến nghị."),
    ({"dossier_code": "000.00.12.H56-990101-0009"}, "dossier_code",
     "Không tìm thấy hồ sơ có mã 000.00.12.H56-990101-0009 tại đơn vị này."),
])
def test_a_refusal_shows_beside_its_field_with_everything_typed_kept(client, app, fields, field, message):
    typed = {"content": "Phòng chờ nóng, quạt hỏng", "topic": "facilities", "kind": "kien_nghi",
             "dossier_code": ""}
    typed.update(fields)
    response = send(client, **typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</p>' in page
    if field != "content":
        assert f">{typed['content']}</textarea>" in page
    if field != "topic":
        assert 'value="facilities" checked' in page
    if field != "kind":
        assert 'value="kien_nghi" checked' in page
    assert f'value="{typed["dossier_code"]}"' in page
    assert rows(app) == []
    resent = send(client, KEY.search(page).group(1), csrf_token(client), content="Phòng chờ nóng, quạt hỏng",
                  topic="facilities", kind="kien_nghi")
    assert resent.status_code == 200 and len(rows(app)) == 1  # corrected, the same form goes through


def test_a_related_dossier_is_linked(client, app, staff):
    row = dossier(app, intake(staff("canbo1"), app))
    assert send(client, dossier_code=row.code.lower()).status_code == 200
    [item] = rows(app)
    assert item.dossier_id == row.id


def test_the_public_page_shows_the_status_and_one_404_for_every_miss(client, app):
    send(client)
    [item] = rows(app)
    page = client.get(f"/P/{item.code}?K={item.check}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'id="pakn-status" class="status received">Đã tiếp nhận' in text
    assert "Trung tâm Phục vụ hành chính công xã Tân Cương" in text and "Chậm trễ, trễ hẹn" in text
    assert f'id="pakn-due">{fmt_date(item.due_at)}<' in text
    assert COMPLAINT not in text  # the receipt shows the state, not what was written
    assert client.get(f"/p/{item.code.lower()}?k={item.check.lower()}").status_code == 200
    misses = [client.get(path) for path in (
        f"/P/{item.code}?K=ZZZZZZ", f"/P/{item.code}", f"/P/000.00.12.H56-PA-990101-0001?K={item.check}",
        "/P/<script>?K=1", f"/P/{item.code}?K=Ắ{item.check}")]
    assert {miss.status_code for miss in misses} == {404}
    assert len({miss.get_data() for miss in misses}) == 1
    assert "Không tìm thấy phản ánh, kiến nghị" in misses[0].get_data(as_text=True)


def test_the_public_page_is_rate_limited_per_address(make_app):
    app = make_app(TRACKING_LOOKUPS_PER_MINUTE=3)
    client = app.test_client()
    codes = [client.get("/P/000.00.12.H56-PA-990101-0001?K=ABCDEF").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    assert client.get("/T/000.00.12.H56-990101-0001?K=ABCDEF").status_code == 429  # one budget with /T/


def _user(app, username) -> StaffUser:
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
        db.session.expunge(user)
        return user


def test_an_answered_pakn_shows_its_answer_and_no_staff_name(client, app, staff):
    send(client)
    [item] = rows(app)
    boss = staff("giamsat")
    officer_id = _user(app, "canbo1").id
    assert boss.post(f"/counter/pakn/{item.id}/assign", {"officer_id": str(officer_id)}).status_code == 200
    canbo = staff("canbo1")
    answer = "Hồ sơ đã có kết quả ngày 05/12; đơn vị xin lỗi vì trả chậm."
    asked = canbo.post(f"/counter/pakn/{item.id}/answer", {"text": answer})
    assert asked.status_code == 200 and "không sửa được" in asked.get_data(as_text=True)
    assert rows(app)[0].status == "assigned"  # nothing happens until confirmed
    done = canbo.post(f"/counter/pakn/{item.id}/answer", {"text": answer, "confirmed": "yes"})
    assert done.status_code == 200 and "Đã gửi trả lời" in done.get_data(as_text=True)
    page = client.get(f"/P/{item.code}?K={item.check}").get_data(as_text=True)
    assert 'class="status answered">Đã trả lời' in page and f'id="pakn-answer">{answer}</div>' in page
    for name in (_user(app, "canbo1").full_name, _user(app, "giamsat").full_name):
        assert name not in page
    assert 'id="pakn-late"' not in page


def test_the_thermal_receipt_decodes_to_the_public_url(app, staff, client):
    printer = FakePrinter("online")
    try:
        set_counter_printer(app, 2, f"{printer.url}?width=384")
        officer = at_counter(staff, app, 2)
        form = officer.get("/counter/pakn/new").get_data(as_text=True)
        response = officer.post("/counter/pakn/new", {
            "kind": "kien_nghi", "topic": "suggestion", "content": "Nên có thêm ghế chờ cho người cao tuổi.",
            "request_key": KEY.search(form).group(1)}, htmx=False)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert "gửi phiếu tới máy in của quầy 2" in response.get_data(as_text=True)
        with app.app_context():
            assert process_due_jobs() == 1
        [item] = rows(app)
        assert (item.channel, item.recorded_by_id) == ("counter", _user(app, "canbo1").id)
        page = printed_page(printer.jobs[0])
    finally:
        printer.close()
    assert page.width == 384
    assert [code.text for code in zxingcpp.read_barcodes(page.convert("L"))] == [
        f"HTTP://LOCALHOST/P/{item.code}?K={item.check}"]
    assert client.get(public_path(f"HTTP://LOCALHOST/P/{item.code}?K={item.check}")).status_code == 200


@pytest.mark.parametrize("width", [384, 576])
def test_the_slip_fits_58_and_80_mm_with_a_whole_dot_qr(width):
    from PIL import ImageOps

    from hardware.feedback_slip import render_feedback_slip

    url = "HTTPS://TRACUU.EXAMPLE.GOV.VN/P/000.00.12.H56-PA-261203-0001?K=ABC234"
    slip = render_feedback_slip({
        "parent_agency": "Ủy ban nhân dân tỉnh Thái Nguyên", "unit_name": "Trung tâm Phục vụ hành chính công "
        "xã Tân Cương", "code": "000.00.12.H56-PA-261203-0001", "check": "ABC234", "kind": "Phản ánh",
        "topic": "Thái độ, tác phong cán bộ", "received_at": "09:05 03/12/2026", "due_at": "24/12/2026",
        "reject_by": "07/12/2026", "tracking_url": url, "tracking_host": "tracuu.example.gov.vn"}, width)
    assert slip.mode == "1" and slip.width == width
    ink = ImageOps.invert(slip.convert("L")).getbbox()
    assert ink[0] >= 4 and ink[2] <= width - 4
    assert [code.text for code in zxingcpp.read_barcodes(slip.convert("L"))] == [url]


def _late_pakn(app, monkeypatch):
    """A PAKN received 30 days ago and never answered: past its 15 working days."""
    monkeypatch.setattr(pakn, "utcnow", lambda: utcnow() - timedelta(days=30))
    with app.app_context(), write_transaction():
        item = pakn.submit_feedback(current_site(), channel="kiosk", kind="phan_anh", topic="attitude",
                                    content="Cán bộ không hướng dẫn.")
        code = item.code
    monkeypatch.undo()
    return code


def test_the_counter_list_puts_open_first_by_deadline_marks_late_and_filters(client, app, staff, monkeypatch):
    late = _late_pakn(app, monkeypatch)
    send(client, topic="fees")
    send(client, topic="procedure")
    fresh = [item for item in rows(app) if item.code != late]
    boss = staff("giamsat")
    boss.post(f"/counter/pakn/{fresh[0].id}/reject", {"text": "Không thuộc thẩm quyền.", "confirmed": "yes"})
    officer = staff("canbo1")
    listed = officer.get("/counter/pakn").get_data(as_text=True)
    order = re.findall(r'data-code="([^"]+)"', listed)
    assert order == [late, fresh[1].code]  # open only, the most pressing first
    late_row = re.search(rf'<tr class="pakn-row received late" data-code="{re.escape(late)}">', listed)
    assert late_row and listed.count("Trễ hạn") == 1
    everything = re.findall(r'data-code="([^"]+)"',
                            officer.get("/counter/pakn?status=all").get_data(as_text=True))
    assert everything == [late, fresh[1].code, fresh[0].code]  # closed ones last
    rejected = officer.get("/counter/pakn?status=rejected").get_data(as_text=True)
    assert re.findall(r'data-code="([^"]+)"', rejected) == [fresh[0].code]
    assert "Không có phản ánh, kiến nghị nào." in officer.get("/counter/pakn?mine=1").get_data(as_text=True)
    boss.post(f"/counter/pakn/{fresh[1].id}/assign", {"officer_id": str(_user(app, "canbo1").id)})
    mine = officer.get("/counter/pakn?mine=1").get_data(as_text=True)
    assert re.findall(r'data-code="([^"]+)"', mine) == [fresh[1].code]


def test_roles_assign_answer_and_reject(client, app, staff):
    send(client)
    [item] = rows(app)
    officer, postal, boss, admin = staff("canbo1"), staff("buudien"), staff("giamsat"), staff("admin")
    canbo1 = _user(app, "canbo1").id
    assert admin.get("/counter/pakn").status_code == 403  # the administrator reads no citizen's case
    assert postal.get(f"/counter/pakn/{item.id}").status_code == 200
    assert officer.post(f"/counter/pakn/{item.id}/assign", {"officer_id": str(canbo1)}).status_code == 403
    refused = postal.post(f"/counter/pakn/{item.id}/answer", {"text": "Trả lời", "confirmed": "yes"})
    assert refused.status_code == 409 and "Chỉ cán bộ được giao" in refused.get_data(as_text=True)
    detail = boss.get(f"/counter/pakn/{item.id}").get_data(as_text=True)
    assert 'id="assign-form"' in detail
    assert boss.post(f"/counter/pakn/{item.id}/assign", {"officer_id": "nobody"}).status_code == 409
    assigned = boss.post(f"/counter/pakn/{item.id}/assign", {"officer_id": str(canbo1)})
    assert "Đã giao phản ánh, kiến nghị" in assigned.get_data(as_text=True)
    assert 'id="assign-form"' not in officer.get(f"/counter/pakn/{item.id}").get_data(as_text=True)
    empty = officer.post(f"/counter/pakn/{item.id}/reject", {"text": "  ", "confirmed": "yes"})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert 'id="reject-error" role="alert">Hãy ghi lý do không tiếp nhận xử lý.' in page
    reason = "Không thuộc thẩm quyền của xã."
    officer.post(f"/counter/pakn/{item.id}/reject", {"text": reason, "confirmed": "yes"})
    [item] = rows(app)
    assert (item.status, item.on_time, item.answered_by_id) == ("rejected", True, canbo1)
    again = boss.post(f"/counter/pakn/{item.id}/answer", {"text": "Trả lời", "confirmed": "yes"})
    assert again.status_code == 409 and "đã được xử lý xong" in again.get_data(as_text=True)
    with app.app_context():
        kinds = db.session.scalars(select(Event.type).where(Event.aggregate_id == item.id)
                                   .order_by(Event.seq))
        assert list(kinds) == ["feedback.received", "feedback.assigned", "feedback.rejected"]
    public = client.get(f"/P/{item.code}?K={item.check}").get_data(as_text=True)
    assert "Không tiếp nhận xử lý" in public and "Không thuộc thẩm quyền của xã." in public


def test_a_late_answer_shows_as_late(client, app, staff, monkeypatch):
    code = _late_pakn(app, monkeypatch)
    [item] = [row for row in rows(app) if row.code == code]
    boss = staff("giamsat")
    boss.post(f"/counter/pakn/{item.id}/answer", {"text": "Xin lỗi vì trả lời chậm.", "confirmed": "yes"})
    [item] = rows(app)
    assert (item.status, item.on_time) == ("answered", False)
    assert 'id="pakn-late"' in client.get(f"/P/{item.code}?K={item.check}").get_data(as_text=True)
    assert "Trễ hạn" in boss.get(f"/counter/pakn/{item.id}").get_data(as_text=True)


def test_a_counter_pakn_can_be_tied_to_the_ticket_being_served(app, staff):
    from .test_counter import call
    from .test_kiosk import take

    kiosk = app.test_client()
    take(kiosk, app, "A")
    officer = at_counter(staff, app, 1)
    served = call(officer)
    form = officer.get("/counter/pakn/new").get_data(as_text=True)
    assert f"Gắn với số đang phục vụ {served}" in form
    ticket_id = re.search(r'name="ticket_id" value="([^"]+)"', form).group(1)
    response = officer.post("/counter/pakn/new", {
        "kind": "phan_anh", "topic": "attitude", "content": "Khách phàn nàn về thời gian chờ.",
        "ticket_id": ticket_id, "request_key": KEY.search(form).group(1)}, htmx=False)
    assert response.status_code == 200
    [item] = rows(app)
    assert str(item.ticket_id) == ticket_id and item.channel == "counter"
    bad = officer.post("/counter/pakn/new", {"kind": "phan_anh", "topic": "attitude", "content": "x",
                                             "ticket_id": "not-a-ticket"}, htmx=False)
    assert bad.status_code == 422 and 'id="ticket_id-error"' in bad.get_data(as_text=True)


def test_deadlines_on_the_receipt_are_working_days(client, app, monkeypatch):
    monkeypatch.setattr(pakn, "utcnow", lambda: datetime(2026, 12, 3, 2, 0))  # Thursday 09:00 in Hà Nội
    page = send(client).get_data(as_text=True)
    assert 'id="pakn-due">24/12/2026<' in page and 'id="pakn-reject-by">07/12/2026<' in page


def test_a_site_pakn_pushed_to_central_is_found_at_centrals_p_page(tmp_path):
    """Central serves /P/ for every site's PAKN once the site's sync pushed it, answer included."""
    from sync.site import sync_round

    from .support.central_app import add_site, central_app, close, site_app

    with central_app(tmp_path / "central", PUBLIC_BASE_URL="https://tracuu.example.gov.vn") as central:
        _site_id, credential = add_site(central, "000.00.12.H56", "Trung tâm PVHCC xã Tân Cương")
        site = site_app(tmp_path / "site", central, credential, PUBLIC_BASE_URL="https://tracuu.example.gov.vn")
        try:
            kiosk = site.test_client()
            page = send(kiosk, *kiosk_form(kiosk)).get_data(as_text=True)
            url = receipt_url(page)
            assert url.startswith("HTTPS://TRACUU.EXAMPLE.GOV.VN/P/000.00.12.H56-PA-")
            path = public_path(url)
            public = central.test_client()
            waiting = public.get(path)  # not pushed yet: central names the office, not "not found"
            said = waiting.get_data(as_text=True)
            assert waiting.status_code == 404 and 'id="not-yet-received"' in said
            assert "Tân Cương gửi dữ liệu lên máy chủ trung tâm thành công lần gần nhất" in said
            with site.app_context():
                assert sync_round().pushed > 0
            found = public.get(path)
            text = found.get_data(as_text=True)
            assert found.status_code == 200 and 'class="status received">Đã tiếp nhận' in text
            assert "Trung tâm PVHCC xã Tân Cương" in text
            with site.app_context(), write_transaction():
                item = db.session.scalars(select(Feedback)).one()
                officer = db.session.scalars(select(StaffUser).where(StaffUser.role == "officer")).first()
                pakn.answer_feedback(current_site(), item, officer, "Đã bổ sung ghế chờ.")
            with site.app_context():
                assert sync_round().pushed > 0
            answered = public.get(path).get_data(as_text=True)
            assert 'class="status answered">Đã trả lời' in answered and "Đã bổ sung ghế chờ." in answered
            wrong = public.get(path[:-1] + ("A" if path[-1] != "A" else "B"))
            unknown = public.get("/P/000.00.12.H56-PA-990101-0001?K=ABCDEF")
            assert wrong.status_code == unknown.status_code == 404 and wrong.get_data() == unknown.get_data()
        finally:
            close(site)
