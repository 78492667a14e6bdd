"""Input fields that accept exactly what the contract's formats say, no more.

Python reads dates and UUIDs in more spellings than OpenAPI's ``date`` and ``uuid`` formats allow
(``date.fromisoformat`` takes ``20240522`` and ``2024-W21-3``, ``uuid.UUID`` takes 32 bare hex
digits or braces), so a request the contract forbids would be answered as if it were valid. These
fields, for query filters and request bodies alike, refuse anything but the canonical form (and a
boolean anything but ``true`` or ``false``), and a filter set refuses a parameter given with an
empty value, which no parameter's format admits.
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from rest_framework import serializers

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DATE_MESSAGE = "Give a date as YYYY-MM-DD."
UUID_MESSAGE = "Give an id as 36 characters: 8-4-4-4-12 hexadecimal digits."


class IsoDateFormField(forms.DateField):
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value and not ISO_DATE.fullmatch(value):
            raise forms.ValidationError(DATE_MESSAGE, code="invalid")
        return super().to_python(value)


class IsoDateFilter(django_filters.DateFilter):
    """A date filter reading ``YYYY-MM-DD`` only."""

    field_class = IsoDateFormField


class IsoDateField(serializers.DateField):
    """A body date in ``YYYY-MM-DD`` only."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class CanonicalUUIDField(serializers.UUIDField):
    """A body UUID in its canonical 8-4-4-4-12 spelling only."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not CANONICAL_UUID.fullmatch(data):
            raise serializers.ValidationError(UUID_MESSAGE, code="invalid")
        return super().to_internal_value(data)


def matches(pattern: str, message: str) -> RegexValidator:
    """A validator for the contract's ``pattern`` read the ECMAScript way: ``$`` is the very end
    (Python's ``$`` would also match before a final newline)."""
    return RegexValidator(pattern.removesuffix("$") + r"\Z", message)


def pattern_field(pattern: str, message: str, **kwargs: Any) -> serializers.CharField:
    """A text field that accepts what the contract's ``pattern`` says, untrimmed (drf-spectacular
    writes the validator's pattern into the contract)."""
    return serializers.CharField(trim_whitespace=False, validators=[matches(pattern, message)], **kwargs)


# A name: no NUL (PostgreSQL cannot store one), and some character that is not white space in
# ECMAScript's sense of it (a name of blanks is no name).
_BLANK = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NAME_PATTERN = rf"^[^\u0000]*[^\u0000{_BLANK}][^\u0000]*$"


def name_field(max_length: int, **kwargs: Any) -> serializers.CharField:
    """A name: text as given (untrimmed, so its length is the one the contract counts), not blank."""
    validator = matches(NAME_PATTERN, "A name needs a character that is not white space, and no NUL.")
    return StrictCharField(trim_whitespace=False, max_length=max_length, validators=[validator], **kwargs)


# A request body that refuses properties it does not know (422), which DRF would ignore; the
# contract says so with ``additionalProperties: false`` (``cfipros.api.schema``). No docstring:
# drf-spectacular would show it on every body's schema.
class ClosedSerializer(serializers.Serializer[dict[str, Any]]):
    request_schema_extra: dict[str, Any] = {"additionalProperties": False}

    def to_internal_value(self, data: Any) -> Any:
        known = set(self.fields.keys())
        unknown = sorted(str(key) for key in data if key not in known) if hasattr(data, "keys") else []
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false`` only; DRF would also read 0, 1, "yes" and "off"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON body's integer: a number without a fraction, not the string "5" nor ``true``."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        result: int = super().to_internal_value(data)
        return result


class StrictCharField(serializers.CharField):
    """A JSON body's string: text, not the number 0 that DRF would read as "0"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictQuerySerializer(serializers.Serializer[dict[str, Any]]):
    """Query parameters read by a serializer: ``?name=`` is refused (422) instead of read as absent,
    which DRF does for an optional field."""

    def to_internal_value(self, data: Any) -> Any:
        names: list[str] = list(self.fields.keys())
        empty = [name for name in names if hasattr(data, "get") and data.get(name) == ""]
        if empty:
            message = "Give a value, or leave the parameter out."
            raise serializers.ValidationError({name: [message] for name in empty})
        return super().to_internal_value(data)


class StrictFilterSet(django_filters.FilterSet):
    """A filter set that refuses ``?name=`` (422) instead of reading it as no filter."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        empty = [name for name in self.filters if self.data.get(name) == ""]
        for name in empty:
            self.form.add_error(name, "Give a value, or leave the parameter out.")
        return valid and not empty
