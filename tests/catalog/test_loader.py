"""load_acs_catalog: idempotent upsert, counts, editions, pruning and refusal of bad input."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from extraction.catalog.loader import catalog_rows_parse
from extraction.catalog.shipped import SHIPPED_CATALOG
from extraction.models import CURRENT_EDITION, AcsDocument, AcsElement
from tests.catalog.conftest import run_loader, write_catalog

pytestmark = pytest.mark.django_db


def counts(output: str) -> dict[str, int]:
    return {name: int(n) for n, name in re.findall(r"(\d+) (created|updated|unchanged|deleted)", output)}


def test_second_run_changes_nothing(catalog_file: Path) -> None:
    first = counts(run_loader(str(catalog_file)))
    assert first == {"created": 65, "updated": 0, "unchanged": 0}
    second = counts(run_loader(str(catalog_file)))
    assert second == {"created": 0, "updated": 0, "unchanged": 65}
    assert AcsElement.objects.count() == 65


def test_documents_and_fields_come_from_the_rows(loaded_catalog: Path) -> None:
    documents = {doc.prefix: doc for doc in AcsDocument.objects.all()}
    assert set(documents) == {"PA", "CA", "FI"}
    assert documents["PA"].title == "Private Pilot Airplane"
    assert documents["FI"].title == "Fundamentals of Instructing"
    assert {doc.edition for doc in documents.values()} == {CURRENT_EDITION}

    element = AcsElement.objects.get(code="PA.IX.B.K2a")
    assert element.document == documents["PA"]
    assert (element.prefix, element.area, element.task, element.element_type) == ("PA", "IX", "B", "K")
    assert (element.number, element.sub_letter) == (2, "a")
    assert element.area_title == "Area IX of PA"
    assert element.task_title == "Task B of area IX"
    assert element.topic == "Weather"
    assert element.exam_codes == ["PAR"]
    assert element.edition == CURRENT_EDITION


def test_changed_rows_are_updated_and_only_those(
    loaded_catalog: Path, catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    catalog_rows[3]["description"] = "Revised wording."
    catalog_rows[4]["exam_codes"] = ["PAR", "CAX"]
    output = run_loader(str(write_catalog(tmp_path / "v2.json", catalog_rows)))
    assert counts(output) == {"created": 0, "updated": 2, "unchanged": 63}
    assert AcsElement.objects.get(code=catalog_rows[3]["code"]).description == "Revised wording."
    assert AcsElement.objects.get(code=catalog_rows[4]["code"]).exam_codes == ["PAR", "CAX"]


def test_staff_title_edits_survive_a_reload(loaded_catalog: Path) -> None:
    AcsDocument.objects.filter(prefix="PA").update(title="Private Pilot Airplane (ACS-6C)")
    run_loader(str(loaded_catalog))
    assert AcsDocument.objects.get(prefix="PA").title == "Private Pilot Airplane (ACS-6C)"


def test_removed_rows_stay_unless_pruned(
    loaded_catalog: Path, catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    smaller = write_catalog(tmp_path / "smaller.json", catalog_rows[:60])
    assert counts(run_loader(str(smaller)))["unchanged"] == 60
    assert AcsElement.objects.count() == 65
    output = run_loader(str(smaller), "--prune")
    assert counts(output) == {"created": 0, "updated": 0, "unchanged": 60, "deleted": 5}
    assert AcsElement.objects.count() == 60
    assert not AcsElement.objects.filter(prefix="FI").exists()


def test_edition_in_the_data_is_kept(catalog_rows: list[dict[str, Any]], tmp_path: Path) -> None:
    rows = [dict(row, edition="FAA-S-ACS-6C") for row in catalog_rows if row["prefix"] == "PA"]
    rows.append(dict(catalog_rows[0]))
    run_loader(str(write_catalog(tmp_path / "editions.json", rows)))
    assert AcsDocument.objects.filter(prefix="PA").count() == 2
    assert AcsElement.objects.filter(code=catalog_rows[0]["code"]).count() == 2
    assert AcsElement.objects.filter(edition="FAA-S-ACS-6C").count() == 60


def test_gzip_file_is_accepted(catalog_rows: list[dict[str, Any]], tmp_path: Path) -> None:
    path = tmp_path / "catalog.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        json.dump({"elements": catalog_rows}, fh)
    assert counts(run_loader(str(path)))["created"] == 65


def test_exam_codes_are_normalized() -> None:
    row = {"code": "PA.I.A.K1", "description": "x", "exam_codes": ["par", "PAR", "cax"]}
    assert catalog_rows_parse([row])[0].exam_codes == ["PAR", "CAX"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"elements": 3}', "must hold a JSON list"),
        ("[1]", "row 0: not a JSON object"),
        ('[{"description": "x"}]', "row 0: missing code"),
        ('[{"code": "PA.I.A.K1x2", "description": "x"}]', "is not a valid ACS code"),
        ('[{"code": "pa.i.a.k1", "description": "x"}]', "is not a valid ACS code"),
        ('[{"code": "PA.XXXXX.A.K1", "description": "x"}]', "is not a valid ACS code"),
        ('[{"code": "PA.I.A.K1", "prefix": "CA", "description": "x"}]', "prefix 'CA' does not match"),
        (
            '[{"code": "PA.I.A.K1", "element_number": 2, "description": "x"}]',
            "element_number 2 does not match",
        ),
        ('[{"code": "PA.I.A.K1"}]', "has no description"),
        ('[{"code": "PA.I.A.K1", "description": 5}]', "description must be a string"),
        ('[{"code": "PA.I.A.K1", "description": "x", "exam_codes": "PAR"}]', "exam_codes must be a list"),
        ('[{"code": "PA.I.A.K1", "description": "x", "topic": "' + "t" * 201 + '"}]', "topic is longer than"),
        (
            '[{"code": "PA.I.A.K1", "description": "x"}, {"code": "PA.I.A.K1", "description": "y"}]',
            "row 1: duplicate code PA.I.A.K1",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=re.escape(message)):
        run_loader(str(path))
    assert not AcsElement.objects.exists()
    assert not AcsDocument.objects.exists()


def test_valid_rows_before_a_bad_one_are_not_written(
    catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    catalog_rows.append({"code": "PA.I.A.Q1", "description": "x"})
    with pytest.raises(CommandError, match="row 65"):
        run_loader(str(write_catalog(tmp_path / "bad.json", catalog_rows)))
    assert not AcsElement.objects.exists()


def test_many_errors_are_reported_together_up_to_a_limit(tmp_path: Path) -> None:
    rows = [{"code": f"bad{i}", "description": "x"} for i in range(30)]
    with pytest.raises(CommandError) as info:
        run_loader(str(write_catalog(tmp_path / "bad.json", rows)))
    assert str(info.value).count("is not a valid ACS code") == 10


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Catalogue file not found"):
        run_loader(str(tmp_path / "absent.json"))


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "broken.json.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(CommandError, match="cannot be read"):
        run_loader(str(path))


def test_full_shipped_catalogue_loads_and_reloads() -> None:
    assert SHIPPED_CATALOG.is_file()
    first = counts(run_loader())
    assert first == {"created": 15443, "updated": 0, "unchanged": 0}
    assert AcsDocument.objects.count() == 19
    assert AcsElement.objects.get(code="PA.I.A.K1").description
    assert counts(run_loader()) == {"created": 0, "updated": 0, "unchanged": 15443}
