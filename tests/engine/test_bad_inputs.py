"""Every bad input gets its stable error code, with a one-line message, within a generous bound.

The bound is a timeout, not a measured time: a hang or a runaway path fails the test, while the
engine's speed on these inputs is measured by ``bench/bench_hostile.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extraction.engine import Catalog, ExtractionError, extract_document
from extraction.engine.images import image_dimensions
from tests.engine.bad_files import bad_inputs

CASES = bad_inputs()
BOUND_SECONDS = 30  # per input; answers come in well under a second on an idle machine


@pytest.mark.timeout(BOUND_SECONDS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_error_code(name: str, catalog: Catalog) -> None:
    data, code = CASES[name]
    with pytest.raises(ExtractionError) as err:
        extract_document(data, catalog)
    assert err.value.code == code
    assert err.value.message and "\n" not in err.value.message
    assert str(err.value) == err.value.message


def test_owner_only_encryption_can_be_allowed(catalog: Catalog) -> None:
    data, _ = CASES["encrypted_pdf_empty_user_password"]
    with pytest.raises(ExtractionError) as err:
        extract_document(data, catalog, options={"allow_encrypted": True})
    assert err.value.code == "not_an_aktr"  # it opened, and it is only a title


def test_unexpected_failure_becomes_an_error_code(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    from extraction.engine import pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("bug")

    monkeypatch.setattr(pipeline, "parse_rows", boom)
    from tests.engine.generator.documents import aktr_pdf

    with pytest.raises(ExtractionError) as err:
        extract_document(aktr_pdf(), catalog)
    assert err.value.code == "corrupt_file"


def test_image_sizes_are_read_from_headers() -> None:
    from tests.engine.bad_files import jpeg_header, png_header

    assert image_dimensions(png_header(1234, 567), "png") == (1234, 567)
    assert image_dimensions(jpeg_header(800, 600), "jpeg") == (800, 600)


def test_webp_dimensions() -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (321, 123), 255).save(buf, format="WEBP", lossless=True)
    assert image_dimensions(buf.getvalue(), "webp") == (321, 123)
    buf = io.BytesIO()
    Image.new("RGB", (321, 123), (255, 255, 255)).save(buf, format="WEBP", quality=50)
    assert image_dimensions(buf.getvalue(), "webp") == (321, 123)


# Each input gets SIGALRM after BOUND seconds: a hang kills the probe, and the test fails.
_MEMORY_PROBE = """
import json, resource, signal, sys
sys.path.insert(0, {root!r})
from extraction.engine import Catalog, ExtractionError, extract_document
from tests.engine.bad_files import bad_inputs
catalog = Catalog.from_json({catalog!r})
out = {{}}
for name, (data, code) in bad_inputs().items():
    signal.alarm({bound})
    try:
        extract_document(data, catalog)
        got = None
    except ExtractionError as exc:
        got = exc.code
    signal.alarm(0)
    out[name] = got
out["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""


def test_bad_inputs_stay_under_a_gigabyte() -> None:
    """All bad inputs in one fresh process: the peak resident size stays far below 1 GB."""
    root = Path(__file__).resolve().parents[2]
    code = _MEMORY_PROBE.format(
        root=str(root), catalog=str(root / "extraction/data/acs_catalog.json.gz"), bound=BOUND_SECONDS
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out.pop("maxrss_kb") < 1024 * 1024
    for name, got in out.items():
        assert got == CASES[name][1], name
