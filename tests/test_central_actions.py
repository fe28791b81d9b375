"""What the agency does to a dossier at central, and the site's side of it after its next sync: a result
made ready centrally is returned at the site's counter; a post office's hand-over accepted centrally
starts the legal clock and shows in the post office's history."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain import dossiers as dossier_operations
from domain import lifecycle
from domain.clock import utcnow
from domain.events import CENTRAL_NODE
from models import Dossier, DossierStep, Event, StaffUser
from motcua.extensions import db

from . import test_province_dashboard as dashboard
from .conftest import Staff
from .test_province_dashboard import PHUC_XUAN, PREFIX, TAN_CUONG, by_id, receive, transfer, travel

province = dashboard.province  # the fixture: central on PostgreSQL with the demo province's sites


def central_dossier(province, code) -> Dossier:
    with province.app.app_context():
        dossier = db.session.scalars(select(Dossier).where(Dossier.code == code)).one()
        db.session.expunge_all()
        return dossier


def site_dossier(site, code) -> Dossier:
    return site.read(select(Dossier).where(Dossier.code == code))[0]


def steps(app, code) -> list[DossierStep]:
    with app.app_context():
        rows = db.session.scalars(select(DossierStep).join(Dossier, Dossier.id == DossierStep.dossier_id)
                                  .where(Dossier.code == code).order_by(DossierStep.at)).all()
        db.session.expunge_all()
        return rows


def awaiting(response) -> str:
    """The drill-down's list of a post office's dossiers awaiting hand-over."""
    page = response.get_data(as_text=True)
    return page[page.index('id="handovers"'):page.index('id="overdue"')]


def test_a_result_made_ready_at_central_is_returned_at_the_site(province):
    tan_cuong = province.site(TAN_CUONG)
    code = tan_cuong.work(receive(0, then=[transfer]))
    tan_cuong.sync()
    dossier = central_dossier(province, code)
    supervisor = province.login("tinh.giamsat")
    drill_down = supervisor.get(f"/central/sites/{dossier.site_id}").get_data(as_text=True)
    assert f"/central/dossiers/{dossier.id}" in drill_down

    found = supervisor.get(f"/central/dossiers?code={code.lower()}")
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/central/dossiers/{dossier.id}")
    assert supervisor.get("/central/dossiers?code=000.00.12.H56-000000-0000").status_code == 404
    page = supervisor.get(f"/central/dossiers/{dossier.id}").get_data(as_text=True)
    assert by_id(page, "applicant") == "Nguyễn T. H. N." and "Hồng Nhung" not in page
    assert "Đã có kết quả" in page and "Tiếp nhận bàn giao" not in page  # an in-person filing
    answer = supervisor.post(f"/central/dossiers/{dossier.id}/steps/result-ready", {"note": "Đã ký, chờ trả"})
    assert answer.status_code == 200
    assert by_id(answer.get_data(as_text=True), "dossier-status") == "Đã có kết quả"
    with province.app.app_context():
        event = db.session.scalars(select(Event).where(Event.type == "dossier.result_ready")).one()
        assert (event.origin_site_id, event.audience) == (CENTRAL_NODE, dossier.site_id)

    assert site_dossier(tan_cuong, code).status == "transferred"  # until the site syncs
    tan_cuong.sync()
    at_site = site_dossier(tan_cuong, code)
    assert (at_site.status, at_site.result_note) == ("result_ready", "Đã ký, chờ trả")
    with tan_cuong.app.app_context():
        supervisor_id = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "tinh.giamsat"))
    assert steps(tan_cuong.app, code)[-1].actor_id == supervisor_id

    officer = Staff(tan_cuong.app.test_client(), f"{PREFIX[TAN_CUONG]}.canbo1")
    assert officer.login_status == 303
    returned = officer.post(f"/counter/dossiers/{at_site.id}/steps/return",
                            {"collected_by": "applicant", "id_checked": "on", "confirmed": "yes"})
    assert returned.status_code == 200 and site_dossier(tan_cuong, code).status == "returned"
    tan_cuong.sync()
    assert central_dossier(province, code).status == "returned"
    page = supervisor.get(f"/central/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Đã trả kết quả" in page and 'step=' not in page and "/steps/" not in page  # nothing left to do


def test_a_hand_over_accepted_at_central_starts_the_clock_and_the_post_office_sees_it(province, monkeypatch):
    post_office = province.site(PHUC_XUAN)
    travel(monkeypatch, [dossier_operations, lifecycle], utcnow() - timedelta(days=3))
    code = post_office.work(receive(1, channel="postal", then=[transfer]))  # taken in three days ago
    monkeypatch.undo()
    post_office.sync()
    before = central_dossier(province, code)
    supervisor = province.login("tinh.giamsat")
    drill_down = f"/central/sites/{before.site_id}"
    assert f"/central/dossiers/{before.id}" in awaiting(supervisor.get(drill_down))
    page = supervisor.get(f"/central/dossiers/{before.id}").get_data(as_text=True)
    assert "Tiếp nhận bàn giao" in page

    started = utcnow()
    answer = supervisor.post(f"/central/dossiers/{before.id}/steps/accept-handover")
    assert answer.status_code == 200 and "Đã tiếp nhận bàn giao hồ sơ" in answer.get_data(as_text=True)
    after = central_dossier(province, code)
    assert after.status == "transferred" and after.received_at == before.received_at
    assert started <= after.clock_started_at <= utcnow()
    assert after.due_at > before.due_at  # counted from today instead of three days ago
    assert "Tiếp nhận bàn giao" not in answer.get_data(as_text=True)  # once only
    assert code not in awaiting(supervisor.get(drill_down))

    post_office.sync()
    at_site = site_dossier(post_office, code)
    assert (at_site.status, at_site.clock_started_at, at_site.due_at) == \
        ("transferred", after.clock_started_at, after.due_at)
    handover = steps(post_office.app, code)[-1]
    assert (handover.type, handover.status, handover.previous_due_at) == \
        ("dossier.handover_accepted", "transferred", before.due_at)
    postal_officer = Staff(post_office.app.test_client(), f"{PREFIX[PHUC_XUAN]}.buudien")
    history = postal_officer.get(f"/counter/dossiers/{at_site.id}").get_data(as_text=True)
    assert "Cơ quan giải quyết đã nhận hồ sơ từ bưu điện" in history
    tracking = post_office.app.test_client().get(f"/T/{code}?K={at_site.check}").get_data(as_text=True)
    assert "Cơ quan giải quyết đã nhận hồ sơ từ bưu điện" in tracking  # the citizen's page too


@pytest.fixture
def moved(province):
    """At Tân Cương an in-person dossier, transferred; at the post office a postal one, only received."""
    tan_cuong, post_office = province.site(TAN_CUONG), province.site(PHUC_XUAN)
    in_person = tan_cuong.work(receive(0, then=[transfer]))
    postal_received = post_office.work(receive(1, channel="postal"))
    postal_transferred = post_office.work(receive(2, channel="postal", then=[transfer]))
    tan_cuong.sync()
    post_office.sync()
    return {name: central_dossier(province, code).id for name, code in
            (("in_person", in_person), ("received", postal_received), ("transferred", postal_transferred))}


def message(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True)).strip()


def test_a_step_the_dossier_is_not_ready_for_is_refused_with_a_message(province, moved):
    supervisor = province.login("tinh.giamsat")
    refused = supervisor.post(f"/central/dossiers/{moved['in_person']}/steps/accept-handover")
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#messages"
    assert "không phải hồ sơ bưu điện tiếp nhận và chuyển đến" in message(refused)
    not_yet = supervisor.post(f"/central/dossiers/{moved['received']}/steps/accept-handover")
    assert not_yet.status_code == 409 and "không thể thực hiện bước này" in message(not_yet)
    accept = f"/central/dossiers/{moved['transferred']}/steps/accept-handover"
    assert supervisor.post(accept).status_code == 200
    twice = supervisor.post(accept)
    assert twice.status_code == 409 and "đã được tiếp nhận bàn giao" in message(twice)
    assert supervisor.post(f"/central/dossiers/{moved['in_person']}/steps/result-ready").status_code == 200
    again = supervisor.post(f"/central/dossiers/{moved['in_person']}/steps/result-ready")
    assert again.status_code == 409 and "Đã có kết quả" in message(again)
    assert supervisor.post(f"/central/dossiers/{moved['in_person']}/steps/bogus").status_code == 409
    assert supervisor.post("/central/dossiers/not-an-id/steps/result-ready").status_code == 404
    plain = supervisor.post(f"/central/dossiers/{moved['in_person']}/steps/result-ready", htmx=False)
    assert plain.status_code == 409 and "<html" in plain.get_data(as_text=True)  # a page, never a 500


def test_only_a_supervisor_acts_on_dossiers_and_a_form_post_comes_back_to_the_dossier(province, moved):
    admin, supervisor = province.login("tinh.admin"), province.login("tinh.giamsat")
    dossier_id = moved["transferred"]
    page = admin.get(f"/central/dossiers/{dossier_id}").get_data(as_text=True)
    assert "/steps/" not in page  # the administrator sees the dossier, masked, and no actions
    assert admin.post(f"/central/dossiers/{dossier_id}/steps/accept-handover").status_code == 403
    without_token = supervisor.client.post(f"/central/dossiers/{dossier_id}/steps/accept-handover")
    assert without_token.status_code == 400
    done = supervisor.post(f"/central/dossiers/{dossier_id}/steps/accept-handover", htmx=False)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/central/dossiers/{dossier_id}")
