"""The committed contract: valid OpenAPI, a Problem on every error, every status an operation can
answer, constraints on every input, examples on the main operations.

These read ``contracts/openapi.yaml`` (``tests/test_platform.py`` checks it is current), so an
endpoint added without its constraints fails here with the parameter named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "openapi.yaml"
METHODS = ("get", "post", "put", "patch", "delete")
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    return yaml.safe_load(CONTRACT.read_text())


def operations(contract: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in contract["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(contract: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = contract["components"]["schemas"][name]
    return schema


def test_contract_is_valid_openapi(contract: dict[str, Any]) -> None:
    validate(contract)


def test_servers_are_declared(contract: dict[str, Any]) -> None:
    assert contract["servers"] and all(server["url"].startswith("https://") for server in contract["servers"])


def test_every_error_answer_is_a_problem(contract: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path} {status}"
        for path, method, operation in operations(contract)
        for status, response in operation["responses"].items()
        if int(status) >= 400 and response.get("content") != {"application/problem+json": {"schema": PROBLEM}}
    ]
    assert missing == []


def test_the_problem_schema_names_every_member_a_body_carries(contract: dict[str, Any]) -> None:
    problem = contract["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "code",
        "errors",
        "request_id",
    }
    assert {"type", "title", "status", "detail", "instance", "code", "request_id"} <= set(problem["required"])


def expected_statuses(path: str, operation: dict[str, Any]) -> set[str]:
    statuses = {"400", "414"}
    if any(requirement for requirement in operation.get("security", [])):
        statuses.add("401")
    if "{" in path:
        statuses.add("404")
    if "requestBody" in operation:
        statuses |= {"413", "415", "422"}
    if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
        statuses.add("422")
    return statuses


def test_every_operation_documents_the_statuses_its_machinery_answers(contract: dict[str, Any]) -> None:
    missing = {
        f"{method.upper()} {path}": sorted(expected_statuses(path, operation) - set(operation["responses"]))
        for path, method, operation in operations(contract)
    }
    assert {label: statuses for label, statuses in missing.items() if statuses} == {}


def test_throttled_and_identity_checked_operations_document_429_and_503(contract: dict[str, Any]) -> None:
    responses = {f"{m.upper()} {p}": set(o["responses"]) for p, m, o in operations(contract)}
    for label in ("POST /api/v1/extractions", "POST /api/v1/batches"):
        assert "429" in responses[label], label
    for path, method, operation in operations(contract):
        if {"bearerAuth": []} in operation.get("security", []):
            assert "503" in operation["responses"], f"{method.upper()} {path}"


def test_a_list_declares_no_path_parameter(contract: dict[str, Any]) -> None:
    """The reports list once declared ``id`` in its path, so generated clients demanded one."""
    for path, method, operation in operations(contract):
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), f"{method.upper()} {path}"


def constrained(schema: dict[str, Any]) -> bool:
    """Whether a schema bounds what it accepts: a pattern, a format or a length for a string,
    both bounds for a number, a maximum size for an array; every alternative of a choice."""
    if "$ref" in schema or "enum" in schema or "allOf" in schema:
        return True
    if "oneOf" in schema or "anyOf" in schema:
        return all(constrained(choice) for choice in schema.get("oneOf", schema.get("anyOf")))
    kind = schema.get("type")
    if kind == "string":
        return any(key in schema for key in ("pattern", "format", "maxLength"))
    if kind in ("integer", "number"):
        return "minimum" in schema and "maximum" in schema
    if kind == "array":
        return "maxItems" in schema and constrained(schema["items"])
    return kind in ("boolean", "object")


def test_every_parameter_is_constrained(contract: dict[str, Any]) -> None:
    loose = [
        f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
        for path, method, operation in operations(contract)
        for parameter in operation.get("parameters", [])
        if not constrained(parameter["schema"])
    ]
    assert loose == []


def test_every_request_field_is_constrained(contract: dict[str, Any]) -> None:
    loose = []
    for path, method, operation in operations(contract):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            body = resolve(contract, content["schema"])
            for name, field in body.get("properties", {}).items():
                if not field.get("readOnly") and not constrained(resolve(contract, field)):
                    loose.append(f"{method.upper()} {path} {media_type} {name}")
    assert loose == []


def test_every_request_body_refuses_what_it_does_not_know(contract: dict[str, Any]) -> None:
    """An unknown property is refused (422) rather than ignored, so the contract closes each body;
    only the Clerk webhook's, whose shape is Clerk's, stays open (and says so)."""
    open_bodies = []
    for path, method, operation in operations(contract):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            body = resolve(contract, content["schema"])
            if body.get("additionalProperties") is not False and path != "/api/v1/webhooks/clerk":
                open_bodies.append(f"{method.upper()} {path} {media_type}")
    assert open_bodies == []


MAIN_OPERATIONS = {
    ("/api/v1/extractions", "post"): "201",
    ("/api/v1/reports/{id}", "get"): "200",
    ("/api/v1/batches", "post"): "202",
    ("/api/v1/study-plans", "post"): "201",
}


@pytest.mark.parametrize(("path", "method"), list(MAIN_OPERATIONS))
def test_main_operations_show_examples_that_fit_their_schemas(
    contract: dict[str, Any], path: str, method: str
) -> None:
    operation = contract["paths"][path][method]
    answer = operation["responses"][MAIN_OPERATIONS[path, method]]["content"]["application/json"]
    assert answer.get("examples"), f"{method.upper()} {path} has no example answer"
    answer_schema = json_schema(contract, answer["schema"])
    for example in answer["examples"].values():
        jsonschema.validate(example["value"], answer_schema)
    for content in operation.get("requestBody", {}).get("content", {}).values():
        request_schema = json_schema(contract, content["schema"])
        for example in content.get("examples", {}).values():
            jsonschema.validate(example["value"], request_schema)


def json_schema(contract: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 schema as JSON Schema, with its components: ``nullable`` becomes a null
    alternative (drf-spectacular writes a nullable reference as ``allOf`` plus ``nullable``)."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        converted = {key: convert(value) for key, value in node.items() if key != "nullable"}
        return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted

    return {"components": convert(contract["components"]), **convert(schema)}
