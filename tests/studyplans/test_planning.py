"""The plan algorithm on plain data: ordering, estimates, schedule and warnings."""

from __future__ import annotations

import datetime as dt

from studyplans.plans import planning
from studyplans.plans.planning import ElementInfo, MissedCode, ReportDates, ResourceInfo, build_plan

START = dt.date(2026, 1, 5)


def element(code: str, title: str = "Task") -> ElementInfo:
    prefix, area, task, rest = code.split(".")
    return ElementInfo(prefix, area, f"Area {area}", task, title, rest[0], f"Description of {code}")


def missed(code: str, report: int = 0, known: bool = True) -> MissedCode:
    return MissedCode(code=code, report=report, element_id=None, element=element(code) if known else None)


def resource(minutes: int, element_code: str = "") -> ResourceInfo:
    return ResourceInfo(
        element_code=element_code,
        estimated_minutes=minutes,
        snapshot={
            "publication": "FAA-H-8083-25C",
            "chapter": "Chapter 1",
            "title": "T",
            "url": "",
            "publication_title": "PHAK",
            "estimated_minutes": minutes,
        },
    )


def dates(exam_date: dt.date = dt.date(2025, 12, 1), exam_code: str = "PAR") -> list[ReportDates]:
    return [ReportDates(exam_code=exam_code, exam_date=exam_date, expiration_date=None)]


def test_sections_ordered_by_reports_then_elements_then_type() -> None:
    codes = [
        missed("PA.I.A.S1"),
        missed("PA.I.B.K1"),
        missed("PA.I.C.K1"),
        missed("PA.I.C.K2"),
        missed("PA.I.D.S1", report=0),
        missed("PA.I.D.S1", report=1),
    ]
    draft = build_plan(codes, {}, dates() * 2, hours_per_week=5, start=START)
    titles = [s.title.split()[0] for s in draft.sections]
    # I.D is missed by both reports; I.C has two elements; I.B (K) beats I.A (S) on type.
    assert titles == ["PA.I.D", "PA.I.C", "PA.I.B", "PA.I.A"]
    assert draft.sections[0].report_count == 2


def test_items_risk_then_knowledge_then_skill_and_each_code_once() -> None:
    codes = [missed("PA.I.C.S2"), missed("PA.I.C.K2a"), missed("PA.I.C.R1"), missed("PA.I.C.K2a", report=1)]
    draft = build_plan(codes, {}, dates() * 2, hours_per_week=5, start=START)
    assert [i.code for i in draft.items] == ["PA.I.C.R1", "PA.I.C.K2a", "PA.I.C.S2"]


def test_minutes_share_task_resources_and_add_element_resources() -> None:
    key = ("PA", "I", "C")
    resources = {key: [resource(60), resource(20, "PA.I.C.K1")]}
    draft = build_plan(
        [missed("PA.I.C.K1"), missed("PA.I.C.K2")], resources, dates(), hours_per_week=5, start=START
    )
    by_code = {i.code: i for i in draft.items}
    # Two of three elements missed: two thirds of the 60-minute chapter, shared by the two items.
    assert by_code["PA.I.C.K1"].estimated_minutes == 10 + 20 + 20
    assert by_code["PA.I.C.K2"].estimated_minutes == 10 + 20
    assert len(by_code["PA.I.C.K1"].resources) == 2
    assert len(by_code["PA.I.C.K2"].resources) == 1
    assert draft.total_minutes == 80


def test_chapters_are_read_in_full_from_three_missed_elements() -> None:
    key = ("PA", "I", "C")
    resources = {key: [resource(60), resource(10)]}
    one = build_plan([missed("PA.I.C.K1")], resources, dates(), hours_per_week=5, start=START)
    # One element: a third of the hour-long chapter (20), the short one in full (10).
    assert one.total_minutes == 10 + 20 + 10
    codes = [missed(f"PA.I.C.K{n}") for n in range(1, 5)]
    four = build_plan(codes, resources, dates(), hours_per_week=5, start=START)
    # Full chapters (70 min) shared by four items: 10 + 17.5 each, rounded up to 30.
    assert four.total_minutes == 4 * 30


def test_plt_and_unknown_codes_get_an_instructor_review_item() -> None:
    codes = [missed("PLT012", known=False), missed("PA.IX.Z.K9", known=False), missed("garbled", known=False)]
    draft = build_plan(codes, {}, dates(), hours_per_week=5, start=START)
    assert {i.code for i in draft.items} == {"PLT012", "PA.IX.Z.K9", "garbled"}
    assert all("instructor" in i.description for i in draft.items)
    assert draft.sections[-1].review
    assert all(i.estimated_minutes == planning.INSTRUCTOR_REVIEW_MINUTES for i in draft.items)


def test_schedule_fills_weeks_in_priority_order() -> None:
    codes = [missed(f"PA.I.{letter}.K1") for letter in "ABCDEFGH"]
    draft = build_plan(codes, {}, dates(), hours_per_week=1, start=START)
    weeks = [i.week_start for i in draft.items]
    assert weeks == sorted(weeks)
    per_week: dict[dt.date, int] = {}
    for item in draft.items:
        per_week[item.week_start] = per_week.get(item.week_start, 0) + item.estimated_minutes  # type: ignore[index]
    assert max(per_week.values()) <= 60
    assert min(per_week) == START


def test_warning_when_target_after_expiry_and_not_enough_time() -> None:
    exam = dt.date(2024, 1, 15)
    expiry = dt.date(2026, 1, 31)
    draft = build_plan(
        [missed(f"PA.I.{letter}.K1") for letter in "ABCDEFGH"],
        {("PA", "I", letter): [resource(60)] for letter in "ABCDEFGH"},
        dates(exam),
        hours_per_week=1,
        start=START,
        target_date=dt.date(2026, 2, 1),
    )
    codes = {w["code"] for w in draft.warnings}
    assert codes == {"target_after_expiry", "not_enough_time"}
    assert expiry.isoformat() in next(
        w["message"] for w in draft.warnings if w["code"] == "target_after_expiry"
    )


def test_atp_knowledge_test_is_valid_60_months() -> None:
    atp = ReportDates(exam_code="ATM", exam_date=dt.date(2024, 3, 10), expiration_date=None)
    private = ReportDates(exam_code="PAR", exam_date=dt.date(2024, 3, 10), expiration_date=None)
    assert planning.knowledge_test_expiry(atp) == dt.date(2029, 3, 31)
    assert planning.knowledge_test_expiry(private) == dt.date(2026, 3, 31)
    printed = ReportDates(
        exam_code="PAR", exam_date=dt.date(2024, 3, 10), expiration_date=dt.date(2026, 3, 30)
    )
    assert planning.knowledge_test_expiry(printed) == dt.date(2026, 3, 30)


def test_no_warning_when_time_and_validity_suffice() -> None:
    draft = build_plan(
        [missed("PA.I.A.K1")],
        {},
        dates(dt.date(2025, 12, 1)),
        hours_per_week=5,
        start=START,
        target_date=dt.date(2026, 3, 1),
    )
    assert draft.warnings == []


def test_expired_test_is_reported() -> None:
    draft = build_plan([missed("PA.I.A.K1")], {}, dates(dt.date(2020, 1, 1)), hours_per_week=5, start=START)
    assert [w["code"] for w in draft.warnings] == ["knowledge_test_expired"]


def test_fingerprint_ignores_order_but_not_content() -> None:
    a = planning.codes_fingerprint([("r1", ["B", "A"]), ("r2", ["C"])])
    b = planning.codes_fingerprint([("r2", ["C"]), ("r1", ["A", "B"])])
    c = planning.codes_fingerprint([("r1", ["A"]), ("r2", ["C"])])
    assert a == b != c
