"""Study plans with their sections and items, for tests that need a plan without generating one."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection


class StudyPlanFactory(DjangoModelFactory[StudyPlan]):
    class Meta:
        model = StudyPlan

    owner = factory.SubFactory("tests.factories.accounts.UserFactory")
    start_date = factory.LazyFunction(dt.date.today)
    generated_at = factory.LazyFunction(timezone.now)


class StudyPlanSectionFactory(DjangoModelFactory[StudyPlanSection]):
    class Meta:
        model = StudyPlanSection

    plan = factory.SubFactory(StudyPlanFactory)
    position = factory.Sequence(int)
    prefix = "PA"
    area = "I"
    task = "A"
    title = "Pilot Qualifications"


class StudyPlanItemFactory(DjangoModelFactory[StudyPlanItem]):
    class Meta:
        model = StudyPlanItem

    section = factory.SubFactory(StudyPlanSectionFactory)
    plan = factory.LazyAttribute(lambda i: i.section.plan)
    position = factory.Sequence(int)
    code = "PA.I.A.K1"
    element_type = "K"
    estimated_minutes = 30
    week_start = factory.LazyAttribute(lambda i: i.plan.start_date)
