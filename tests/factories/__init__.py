"""One factory per model (factory_boy), so a test names only the fields it cares about.

``UserFactory()`` is a student with a Clerk id; ``MembershipFactory(user=u, organization=o,
role=...)`` puts a user in a school; ``ReportFactory(owner=u, codes=[...])`` stores a report whose
codes link to the catalogue elements present; ``ExtractionResultFactory(...)`` is what the engine
would return, for tests that go through the services. The personas built from them live in the
root ``tests/conftest.py``.
"""

from .accounts import MembershipFactory, OrganizationFactory, UserFactory
from .batches import BatchFactory, BatchFileFactory
from .catalog import AcsElementFactory, acs_element
from .reports import ExtractionResultFactory, ReportCodeFactory, ReportFactory, code_detail
from .studyplans import StudyPlanFactory, StudyPlanItemFactory, StudyPlanSectionFactory

__all__ = [
    "AcsElementFactory",
    "BatchFactory",
    "BatchFileFactory",
    "ExtractionResultFactory",
    "MembershipFactory",
    "OrganizationFactory",
    "ReportCodeFactory",
    "ReportFactory",
    "StudyPlanFactory",
    "StudyPlanItemFactory",
    "StudyPlanSectionFactory",
    "UserFactory",
    "acs_element",
    "code_detail",
]
