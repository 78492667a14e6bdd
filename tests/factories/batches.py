"""Batches of uploaded reports and their files."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from extraction.models import Batch, BatchFile


class BatchFactory(DjangoModelFactory[Batch]):
    class Meta:
        model = Batch

    owner = factory.SubFactory("tests.factories.accounts.UserFactory", role="cfi")
    total_files = 0


class BatchFileFactory(DjangoModelFactory[BatchFile]):
    class Meta:
        model = BatchFile

    batch = factory.SubFactory(BatchFactory)
    position = factory.Sequence(int)
    name = factory.LazyAttribute(lambda f: f"student-{f.position + 1}.pdf")
    size = 1024
