"""Reading the config's YAML: safe_load, except that a key given twice is an error at any depth,
named by its YAML path and both of its lines."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from gateway.config_yaml import load_yaml
from gateway.errors import ConfigError

TWICE = "a YAML mapping takes each key once"


def duplicates(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_yaml(text)
    return info.value.errors


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [1, 2]\nc: {d: x}\n",
        "- 1\n- a: 2\n",
        "just text\n",
        "",
        "a: !!binary aGk=\n",
    ],
)
def test_a_document_loads_as_safe_load_reads_it(text: str) -> None:
    assert load_yaml(text) == yaml.safe_load(text)


def test_a_key_given_twice_at_the_top_is_named_with_both_lines() -> None:
    assert duplicates("apps: {}\nserver: {}\napps: {x: 1}\n") == [
        f"apps: given twice (lines 1 and 3); {TWICE}"
    ]


def test_every_key_given_twice_is_named_at_any_depth() -> None:
    text = """\
upstreams:
  main:
    credentials:
      - name: a
        user: u
        name: b
apps:
  crm:
    source: x
    source: y
    source: z
"""
    assert duplicates(text) == [
        f"upstreams.main.credentials[0].name: given twice (lines 4 and 6); {TWICE}",
        f"apps.crm.source: given twice (lines 9 and 10); {TWICE}",
        f"apps.crm.source: given twice (lines 9 and 11); {TWICE}",
    ]


def test_keys_compare_as_the_values_they_load_as() -> None:
    """As PyYAML would keep only one of them: ``1`` and ``0x1`` are the same key (the int 1),
    ``1`` and ``"1"`` are two."""
    assert duplicates("a: {1: x, 0x1: y}\n") == [f"a.1: given twice (lines 1 and 1); {TWICE}"]
    assert load_yaml('a: {1: x, "1": y}\n') == {"a": {1: "x", "1": "y"}}


def test_a_merge_key_may_be_overridden_and_an_alias_is_checked_once() -> None:
    text = """\
base: &base
  timeout: 10s
  retries: 2
main:
  <<: *base
  timeout: 20s
other: *base
"""
    data: Any = load_yaml(text)
    assert data["main"] == {"timeout": "20s", "retries": 2}
    assert data["other"] == {"timeout": "10s", "retries": 2}
    text_with_duplicate = text.replace("  retries: 2\n", "  retries: 2\n  retries: 3\n")
    assert duplicates(text_with_duplicate) == [
        f"base.retries: given twice (lines 3 and 4); {TWICE}"
    ]


def test_syntax_errors_stay_yaml_errors_for_the_caller_to_place() -> None:
    with pytest.raises(yaml.YAMLError) as info:
        load_yaml("a: [1,\n")
    mark = getattr(info.value, "problem_mark", None)
    assert mark is not None and mark.line == 1


def test_only_safe_tags_load() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: !!python/object/apply:os.system ['true']\n")
