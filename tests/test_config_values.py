"""The readers of plain config values: what each accepts, what it returns, what it says."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest

from gateway.catalog import CATALOG
from gateway.catalog.personal import LOGGABLE
from gateway.config_values import (
    FUNCTION_CLASSES,
    cache_ttls,
    class_counts,
    class_durations,
    duration_or_zero,
    fingerprints,
    flag,
    non_negative_int,
    parse_duration,
    personal_categories,
    port_number,
    positive_int,
    positive_number,
    str_set,
    text,
)
from gateway.upstream import function_class

FP = "ab" * 32


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("30s", 30), ("5m", 300), ("1h", 3600), ("500ms", 0.5), (12, 12), ("2d", 172800)],
)
def test_durations(raw: object, seconds: float) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("read", "raw", "expected"),
    [
        (parse_duration, " 1.5m ", 90.0),
        (parse_duration, 0.25, 0.25),
        (duration_or_zero, 0, 0.0),
        (duration_or_zero, "0", 0.0),
        (duration_or_zero, "0s", 0.0),
        (duration_or_zero, "2s", 2.0),
        (text, "x", "x"),
        (flag, False, False),
        (flag, True, True),
        (positive_int, 1, 1),
        (non_negative_int, 0, 0),
        (positive_number, 2, 2.0),
        (positive_number, 0.5, 0.5),
        (port_number, 0, 0),
        (port_number, 65535, 65535),
        (str_set, ["a", "b", "a"], frozenset({"a", "b"})),
        (str_set, [], frozenset()),
        (fingerprints, [FP.upper()], frozenset({FP})),
        (fingerprints, [":".join(FP[i : i + 2] for i in range(0, 64, 2))], frozenset({FP})),
        (personal_categories, [], frozenset()),
        (class_durations, {"export": "5m", "read": 30}, {"export": 300.0, "read": 30.0}),
        (class_counts, {"write": 3}, {"write": 3}),
        (
            cache_ttls,
            {"campaigns_list": "2s", "version": 0},
            {"campaigns_list": 2.0, "version": 0.0},
        ),
    ],
)
def test_readers_accept(read: Callable[[Any], Any], raw: Any, expected: Any) -> None:
    value = read(raw)
    assert value == expected
    assert type(value) is type(expected) or isinstance(expected, dict)


@pytest.mark.parametrize(
    ("read", "raw", "message"),
    [
        (parse_duration, True, "must be a duration like 30s, 5m, 1h"),
        (parse_duration, "soon", "must be a duration like 30s, 5m, 1h, got 'soon'"),
        (parse_duration, "5 parsecs", "must be a duration like 30s, 5m, 1h, got '5 parsecs'"),
        (parse_duration, 0, "must be > 0, got 0"),
        (parse_duration, "0s", "must be > 0, got '0s'"),
        (parse_duration, None, "must be a duration like 30s, 5m, 1h, got None"),
        (duration_or_zero, -1, "must be > 0, got -1"),
        (text, "", "must be a non-empty string, got ''"),
        (text, 5, "must be a non-empty string, got 5"),
        (text, None, "must be a non-empty string, got None"),
        (flag, "yes", "must be true or false, got 'yes'"),
        (flag, 1, "must be true or false, got 1"),
        (positive_int, 0, "must be an integer > 0, got 0"),
        (positive_int, True, "must be an integer > 0, got True"),
        (positive_int, 1.5, "must be an integer > 0, got 1.5"),
        (non_negative_int, -1, "must be an integer >= 0, got -1"),
        (non_negative_int, False, "must be an integer >= 0, got False"),
        (positive_number, 0, "must be a number > 0, got 0"),
        (positive_number, "1", "must be a number > 0, got '1'"),
        (port_number, 65536, "must be a port number 0-65535, got 65536"),
        (port_number, "8443", "must be a port number 0-65535, got '8443'"),
        (port_number, None, "must be a port number 0-65535, got None"),
        (str_set, "a", "must be a list of non-empty strings"),
        (str_set, ["a", ""], "must be a list of non-empty strings"),
        (fingerprints, [], "must be a non-empty list of SHA-256 fingerprints (hex)"),
        (fingerprints, ["abc"], "not a SHA-256 fingerprint: 'abc'"),
        (personal_categories, "postal_code", "must be a list of categories"),
        (
            personal_categories,
            ["phone"],
            "phone numbers are masked by audit.phone_digits, not listed here",
        ),
        (
            personal_categories,
            ["zodiac"],
            f"unknown category 'zodiac' (categories: {', '.join(sorted(LOGGABLE))})",
        ),
        (class_durations, ["read"], "must be a mapping of function class to duration"),
        (
            class_durations,
            {"reads": "1s"},
            "unknown function class 'reads' (classes: export, read, write)",
        ),
        (class_durations, {"read": "x"}, "must be a duration like 30s, 5m, 1h, got 'x'"),
        (class_counts, 3, "must be a mapping of function class to a number of calls"),
        (class_counts, {"all": 1}, "unknown function class 'all' (classes: export, read, write)"),
        (class_counts, {"read": 0}, "must be an integer > 0, got 0"),
        (cache_ttls, ["version"], "must be a mapping of function name to a time to live"),
        (cache_ttls, {"nope": "1s"}, "unknown function 'nope'"),
        (
            cache_ttls,
            {"add_lead": "1s"},
            "add_lead changes data; only read-only functions can be cached",
        ),
    ],
)
def test_readers_refuse_with_the_message_shown(
    read: Callable[[Any], Any], raw: Any, message: str
) -> None:
    with pytest.raises(ValueError) as info:
        read(raw)
    assert str(info.value) == message


def test_the_function_classes_are_the_catalogs() -> None:
    """A class named in class_timeouts or class_concurrency is one a function can have."""
    assert {function_class(spec) for spec in CATALOG.values()} == set(FUNCTION_CLASSES)


def test_mapping_readers_return_read_only_mappings() -> None:
    for value in (
        class_durations({"read": "1s"}),
        class_counts({"read": 1}),
        cache_ttls({"version": "1s"}),
    ):
        assert isinstance(value, MappingProxyType)
        with pytest.raises(TypeError):
            value["read"] = 2  # type: ignore[index]


def test_every_loggable_category_is_accepted() -> None:
    assert personal_categories(sorted(LOGGABLE)) == LOGGABLE
