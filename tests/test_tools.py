"""The oracle tools (``tools/``) cannot run in CI (no VICIdial), but they must keep importing:
a refactor that moves a name they use is caught here, not at the next oracle session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOLS = sorted((Path(__file__).resolve().parent.parent / "tools").glob("*.py"))


@pytest.mark.parametrize("path", TOOLS, ids=[p.name for p in TOOLS])
def test_a_tool_imports(path: Path) -> None:
    spec = importlib.util.spec_from_file_location(f"tool_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    assert callable(module.main)


def test_there_are_tools() -> None:
    assert {p.name for p in TOOLS} >= {
        "oracle_check.py",
        "oracle_values.py",
        "oracle_agent.py",
        "record_agent.py",
    }
