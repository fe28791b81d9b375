"""Site configuration in /admin: details, queues, counters, kiosks — validated, admin only."""

import pytest
from sqlalchemy import select

from models import Counter, Event, Kiosk, Procedure, Queue, ReceptionPoint
from motcua.extensions import db

from .test_kiosk import take


def ids(app, model, **filters):
    with app.app_context():
        return [str(i) for i in db.session.scalars(select(model.id).filter_by(**filters))]


def test_admin_adds_a_queue_that_the_kiosk_then_offers(client, app, staff):
    admin = staff("admin")
    response = admin.post("/admin/queues", {"letter": "e", "name": "Hộ  kinh doanh", "name_en": "Business",
                                            "fields": "Hộ kinh doanh, Thuế"})
    assert response.status_code == 200 and "Đã lưu" in response.get_data(as_text=True)
    with app.app_context():
        queue = db.session.scalars(select(Queue).where(Queue.letter == "E")).one()
        assert (queue.name, queue.fields) == ("Hộ kinh doanh", ["Hộ kinh doanh", "Thuế"])
        event = db.session.scalars(select(Event).where(Event.aggregate_id == queue.id)).one()
        assert (event.type, event.payload["queue"]["letter"]) == ("queue.created", "E")
    assert 'data-queue="E"' in client.get("/kiosk").get_data(as_text=True)
    duplicate = admin.post("/admin/queues", {"letter": "A", "name": "Trùng"})
    assert duplicate.status_code == 409 and "đã được dùng" in duplicate.get_data(as_text=True)


def test_admin_adds_a_counter_serving_chosen_queues(app, staff):
    admin = staff("admin")
    queue_d = ids(app, Queue, letter="D")
    assert admin.post("/admin/counters", {"number": "4", "queue_ids": queue_d,
                                          "printer_url": "tcp://127.0.0.1:9100?width=384"}).status_code == 200
    with app.app_context():
        counter = db.session.scalars(select(Counter).where(Counter.number == 4)).one()
        assert [q.letter for q in counter.queues] == ["D"] and counter.printer_url.endswith("width=384")
    for form, problem, status in [
        ({"number": "4", "queue_ids": queue_d}, "đã có", 409),
        ({"number": "x", "queue_ids": queue_d}, "số nguyên dương", 409),
        ({"number": "5"}, "ít nhất một hàng đợi", 409),
        ({"number": "5", "queue_ids": queue_d, "printer_url": "tcp://"}, "thiếu tên máy", 422),  # boundary
    ]:
        response = admin.post("/admin/counters", form)
        assert response.status_code == status and problem in response.get_data(as_text=True)


def test_admin_adds_a_kiosk_and_edits_the_site(app, staff):
    admin = staff("admin")
    assert admin.post("/admin/kiosks", {"code": "k2", "name": "Kiosk tầng 2"}).status_code == 200
    assert ids(app, Kiosk, code="K2")
    bad = admin.post("/admin/site", {"name": "X", "kind": "commune_centre", "agency_code": "co quan"})
    assert bad.status_code == 409 and "không hợp lệ" in bad.get_data(as_text=True)
    admin.post("/admin/site", {"name": "Bưu điện văn hóa xã Phúc Xuân", "parent_agency": "Bưu điện tỉnh",
                               "kind": "post_office", "agency_code": "000.00.12.h56", "address": ""})
    with app.app_context():
        site = db.session.scalars(select(ReceptionPoint)).one()
        assert (site.kind, site.agency_code) == ("post_office", "000.00.12.H56")


@pytest.mark.parametrize("username", ["canbo1", "giamsat", "buudien"])
def test_only_admins_configure(app, staff, username):
    assert staff(username).post("/admin/queues", {"letter": "F", "name": "Không được"}).status_code == 403
    assert not ids(app, Queue, letter="F")


def test_paused_queue_stops_the_kiosk_and_reopens(client, app, staff):
    admin = staff("admin")
    queue_a = ids(app, Queue, letter="A")[0]
    admin.post(f"/admin/queues/{queue_a}/toggle")
    assert take(client, app, "A").status_code == 409
    admin.post(f"/admin/queues/{queue_a}/toggle")
    assert take(client, app, "A").status_code == 200


def test_catalogue_round_trip_through_the_admin_screen(app, staff):
    import io

    admin = staff("admin")
    exported = admin.get("/admin/procedures.csv")
    assert exported.mimetype == "text/csv" and exported.data.startswith(b"\xef\xbb\xbf")
    assert "Đăng ký khai sinh" in exported.data.decode("utf-8-sig")
    edited = exported.data.decode("utf-8-sig").replace("20000", "25000", 1).encode("utf-8-sig")
    response = admin.client.post("/admin/procedures/import", data={"file": (io.BytesIO(edited), "dm.csv")},
                                 headers={"X-CSRFToken": admin.token, "HX-Request": "true"},
                                 content_type="multipart/form-data")
    assert response.status_code == 200 and "1 thủ tục được cập nhật" in response.get_data(as_text=True)
    broken = edited.decode("utf-8-sig").replace("Đăng ký khai sinh", "", 1).encode("utf-8")
    response = admin.client.post("/admin/procedures/import", data={"file": (io.BytesIO(broken), "dm.csv")},
                                 headers={"X-CSRFToken": admin.token, "HX-Request": "true"},
                                 content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "chưa nhập dòng nào" in html and "Thiếu tên thủ tục" in html


def test_admin_edits_and_adds_procedures_under_the_csv_rules(app, staff):
    admin = staff("admin")
    form = {"ma_thu_tuc": "1.004194", "ten_thu_tuc": "Đăng ký tạm trú", "linh_vuc": "Cư trú",
            "co_quan": "Công an cấp xã", "thoi_han_ngay": "3", "le_phi": "17.000", "ap_dung_15h": "on",
            "cho_phep_buu_chinh": "on", "dang_ap_dung": "on",
            "giay_to": "Tờ khai CT01 (bản chính) x1 | Giấy tờ chỗ ở (bản sao) x2"}
    response = admin.post("/admin/procedures", form)
    assert response.status_code == 200 and "Đã lưu thủ tục 1.004194" in response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalars(select(Procedure).where(Procedure.code == "1.004194")).one()
        assert saved.fee == 17000
        assert saved.documents[1] == {"name": "Giấy tờ chỗ ở", "kind": "copy", "count": 2}
    bad = admin.post("/admin/procedures", {**form, "ma_thu_tuc": "DP.MOI.01", "thoi_han_ngay": "-1",
                                           "giay_to": "Đơn (bản nháp) x1"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Phải là số nguyên không âm" in html and "Loại giấy tờ" in html
    assert not ids(app, Procedure, code="DP.MOI.01")


def test_admin_records_a_make_up_saturday_that_moves_appointments(app, staff):
    from datetime import date, datetime

    from domain.calendar import calendar_for
    from domain.site import current_site

    admin = staff("admin")
    response = admin.post("/admin/calendar", {"day": "22/08/2026", "working": "1",
                                              "note": "Làm bù cho thứ Hai 31/8/2026"})
    assert response.status_code == 200 and "22/08/2026" in response.get_data(as_text=True)
    assert admin.post("/admin/calendar", {"day": "31/02/2026", "working": "1"}).status_code == 422
    with app.app_context():
        calendar = calendar_for(current_site())
        assert calendar.is_working_day(date(2026, 8, 22))
        # Received Fri 21/8 at 09:00 with 1 working day: Saturday 22/8 is now that day.
        assert calendar.due_at(datetime(2026, 8, 21, 9, 0), days=1).date() == date(2026, 8, 22)


def test_admin_prints_a_test_page_and_sees_its_preview(app, staff, client):
    from domain.printing import process_due_jobs
    from models import PrintJob

    admin = staff("admin")
    kiosk_id = ids(app, Kiosk, code="K1")[0]
    response = admin.post(f"/admin/printers/kiosk/{kiosk_id}/test")
    assert "Đã gửi trang in thử tới Kiosk K1" in response.get_data(as_text=True)
    with app.app_context():
        assert process_due_jobs() == 1
        job = db.session.scalars(select(PrintJob)).one()
    assert job.document == "test" and job.status == "sent"
    page = admin.get("/admin").get_data(as_text=True)
    assert f"/kiosk/print-jobs/{job.id}.png" in page
    preview = client.get(f"/kiosk/print-jobs/{job.id}.png")
    assert preview.status_code == 200 and preview.get_data().startswith(b"\x89PNG")
    preview.close()
