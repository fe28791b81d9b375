"""Working days and appointment dates against the 2026–2027 Vietnamese calendar."""

from datetime import UTC, date, datetime, time

import pytest

from domain.clock import VN
from domain.workdays import WorkCalendar

# Sat 22/8/2026 is worked to pay for Mon 31/8 off (national plan; the package lists only 31/8).
MAKE_UP_SATURDAY = date(2026, 8, 22)


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def test_weekends_are_skipped(calendar):
    assert not calendar.is_working_day(date(2026, 3, 7))
    assert not calendar.is_working_day(date(2026, 3, 8))
    assert calendar.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert calendar.due_at(at(date(2026, 3, 6), 10), days=2) == at(date(2026, 3, 10), 16)


def test_tet_2026_is_off_from_16_to_20_february(calendar):
    tet = [date(2026, 2, d) for d in range(16, 21)]
    assert not any(calendar.is_working_day(day) for day in tet)
    assert calendar.is_working_day(date(2026, 2, 13))
    assert calendar.is_working_day(date(2026, 2, 23))
    assert calendar.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert calendar.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"


def test_domain_check_thursday_before_tet_with_three_days(calendar):
    # Fri 13/2 is day 1, then Tết and a weekend, Mon 23/2 day 2, Tue 24/2 day 3.
    assert calendar.due_at(at(date(2026, 2, 12), 10), days=3) == at(date(2026, 2, 24), 16)


def test_hung_kings_day_2026_on_sunday_is_observed_on_monday(calendar):
    assert calendar.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert calendar.holiday_name(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert not calendar.is_working_day(date(2026, 4, 27))
    assert calendar.add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)


def test_hung_kings_day_2027_falls_on_friday_16_april(calendar):
    # 10/3 lunar Đinh Mùi: the third lunar month begins on 7/4/2027 in Vietnam.
    assert not calendar.is_working_day(date(2027, 4, 16))
    assert calendar.add_working_days(date(2027, 4, 15), 1) == date(2027, 4, 19)


def test_30_april_and_1_may_2026(calendar):
    assert not calendar.is_working_day(date(2026, 4, 30))
    assert not calendar.is_working_day(date(2026, 5, 1))
    assert calendar.due_at(at(date(2026, 4, 29), 9), days=1) == at(date(2026, 5, 4), 16)


def test_national_day_2026_with_adjacent_day_and_swap(calendar):
    for day in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not calendar.is_working_day(day)
    assert calendar.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert calendar.due_at(at(date(2026, 8, 28), 9), days=1) == at(date(2026, 9, 3), 16)


def test_national_day_2027_adds_friday_3_september(calendar):
    assert not calendar.is_working_day(date(2027, 9, 2))
    assert not calendar.is_working_day(date(2027, 9, 3))
    assert calendar.add_working_days(date(2027, 9, 1), 1) == date(2027, 9, 6)


def test_labour_day_2027_on_saturday_gives_monday_off(calendar):
    assert calendar.holiday_name(date(2027, 5, 3)) == "Ngày Quốc tế Lao động (nghỉ bù)"
    # Fri 30/4 holiday, weekend, Mon 3/5 compensatory: day 1 is Tue 4/5.
    assert calendar.due_at(at(date(2027, 4, 29), 9), days=1) == at(date(2027, 5, 4), 16)


def test_tet_2027_weekend_days_are_compensated(calendar):
    # Package rule, no announced plan checked: Sat 6/2 moves to Thu 4/2, Sun 7/2 to Wed 10/2.
    assert not any(calendar.is_working_day(date(2027, 2, d)) for d in (4, 5, 8, 9, 10))
    assert calendar.is_working_day(date(2027, 2, 3))
    assert calendar.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)


def test_make_up_saturday_counts_when_the_setting_is_on():
    calendar = WorkCalendar(overrides={MAKE_UP_SATURDAY: True})
    assert calendar.is_working_day(MAKE_UP_SATURDAY)
    assert calendar.due_at(at(date(2026, 8, 21), 9), days=1) == at(MAKE_UP_SATURDAY, 16)


def test_make_up_saturday_does_not_count_when_the_setting_is_off():
    calendar = WorkCalendar(overrides={MAKE_UP_SATURDAY: True}, make_up_saturdays_count=False)
    assert not calendar.is_working_day(MAKE_UP_SATURDAY)
    assert calendar.due_at(at(date(2026, 8, 21), 9), days=1) == at(date(2026, 8, 24), 16)


def test_without_override_the_make_up_saturday_is_a_weekend(calendar):
    assert not calendar.is_working_day(MAKE_UP_SATURDAY)


def test_announced_day_off_from_the_override_table():
    calendar = WorkCalendar(overrides={date(2026, 3, 9): False})
    assert not calendar.is_working_day(date(2026, 3, 9))
    assert calendar.due_at(at(date(2026, 3, 6), 10), days=1) == at(date(2026, 3, 10), 16)


def test_override_can_reopen_a_package_holiday_regardless_of_the_saturday_setting():
    culture_day = date(2026, 11, 24)
    calendar = WorkCalendar(overrides={culture_day: True}, make_up_saturdays_count=False)
    assert calendar.is_working_day(culture_day)
    assert calendar.holiday_name(culture_day) is None
    assert WorkCalendar().holiday_name(culture_day) == "Ngày Văn hóa Việt Nam"


def test_15_00_rule_moves_the_clock_to_the_next_working_day(calendar):
    thursday = date(2026, 2, 12)
    assert calendar.due_at(at(thursday, 14, 59), days=3) == at(date(2026, 2, 24), 16)
    assert calendar.due_at(at(thursday, 15, 0), days=3) == at(date(2026, 2, 24), 16)
    assert calendar.due_at(at(thursday, 15, 1), days=3) == at(date(2026, 2, 25), 16)


def test_receipt_on_a_weekend_counts_from_monday(calendar):
    assert calendar.clock_start(at(date(2026, 3, 7), 9)) == date(2026, 3, 9)
    assert calendar.due_at(at(date(2026, 3, 7), 9), days=1) == at(date(2026, 3, 10), 16)


def test_same_day_procedure_around_the_cut_off(calendar):
    tuesday = date(2026, 3, 10)
    assert calendar.due_at(at(tuesday, 9), same_day=True) == at(tuesday, 16)
    assert calendar.due_at(at(tuesday, 15, 30), same_day=True) == at(date(2026, 3, 11), 16)


def test_same_day_procedure_on_friday_after_15_00_is_due_monday(calendar):
    assert calendar.due_at(at(date(2026, 3, 13), 15, 30), same_day=True) == at(date(2026, 3, 16), 16)


def test_deadline_across_new_year_skips_1_january(calendar):
    # Thu 31/12 day 1, Fri 1/1 holiday, weekend, Mon 4/1 day 2, Tue 5/1 day 3.
    assert calendar.due_at(at(date(2026, 12, 30), 10), days=3) == at(date(2027, 1, 5), 16)


@pytest.mark.parametrize(
    ("hours", "due_day"),
    [(4, date(2026, 3, 11)), (8, date(2026, 3, 11)), (12, date(2026, 3, 12)), (16, date(2026, 3, 12))],
)
def test_hours_round_up_to_whole_working_days(calendar, hours, due_day):
    assert calendar.due_at(at(date(2026, 3, 10), 10), hours=hours) == at(due_day, 16)


def test_hours_add_to_days(calendar):
    assert calendar.due_at(at(date(2026, 3, 10), 10), days=1, hours=4) == at(date(2026, 3, 12), 16)


def test_hours_skip_holidays(calendar):
    # 24 h = 3 working days, the domain check again.
    assert calendar.due_at(at(date(2026, 2, 12), 10), hours=24) == at(date(2026, 2, 24), 16)


def test_aware_receipt_is_read_in_vietnam_time(calendar):
    before = datetime(2026, 2, 12, 7, 59, tzinfo=UTC)  # 14:59 in Hà Nội
    after = datetime(2026, 2, 12, 8, 1, tzinfo=UTC)  # 15:01 in Hà Nội
    assert calendar.due_at(before, days=3) == datetime(2026, 2, 24, 16, tzinfo=VN)
    assert calendar.due_at(after, days=3).astimezone(UTC) == datetime(2026, 2, 25, 9, tzinfo=UTC)


def test_late_evening_utc_is_the_next_day_in_vietnam(calendar):
    # 18:00 UTC Monday is 01:00 Tuesday in Hà Nội, before the cut-off.
    received = datetime(2026, 3, 9, 18, tzinfo=UTC)
    assert calendar.due_at(received, same_day=True) == datetime(2026, 3, 10, 16, tzinfo=VN)


def test_add_zero_working_days(calendar):
    assert calendar.add_working_days(date(2026, 3, 10), 0) == date(2026, 3, 10)
    assert calendar.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)
    assert calendar.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 23)


def test_working_days_between(calendar):
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 24)) == 3
    assert calendar.working_days_between(date(2026, 2, 24), date(2026, 2, 12)) == -3
    assert calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert calendar.working_days_between(date(2026, 3, 10), date(2026, 3, 10)) == 0


def test_working_days_between_inverts_add_working_days(calendar):
    start = date(2026, 12, 30)
    for n in range(1, 15):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


def test_ordinary_day_has_no_holiday_name(calendar):
    assert calendar.holiday_name(date(2026, 3, 10)) is None


def test_invalid_deadlines_are_refused(calendar):
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 3, 10), -1)
    with pytest.raises(ValueError):
        calendar.due_at(at(date(2026, 3, 10), 9), days=2, same_day=True)
    with pytest.raises(ValueError):
        calendar.due_at(at(date(2026, 3, 10), 9), hours=-1)
