"""Tests mirror the modules: every module of the package has a test file of its own, or is
named here with the area test that covers it (and why)."""

from __future__ import annotations

from pathlib import Path

import gateway

PACKAGE = Path(gateway.__file__).parent
TESTS = Path(__file__).parent

# module (relative to gateway/) -> the test file that covers it, where it has none of its own.
COVERED_BY = {
    "version.py": "test_cli.py",  # `vicigw --version`, and the package's __version__
    # The function specs are facts; the area tests check them against recorded replies.
    "catalog/agent_shapes.py": "test_agent.py",
    "catalog/functions.py": "test_catalog.py",
    "catalog/generic.py": "test_catalog.py",
    "catalog/leads_shapes.py": "test_leads.py",
    "catalog/lists_shapes.py": "test_lists.py",
    "catalog/reports_shapes.py": "test_reports.py",
    "catalog/users_shapes.py": "test_users.py",
    "catalog/sql_uses.py": "test_sql.py",
    "sim/params.py": "test_sim_params.py",
    # The HTTP handlers: thin (read the request, run the call, write the reply), so they are
    # tested where they are used, over sockets; the call's steps have their own tests.
    "views.py": "test_app.py",
    # Built and kept per config and app behind GET /openapi.json, tested through it.
    "openapi_cache.py": "test_openapi_route.py",
    # The Python client: its transports and shared core, tested together against a live gateway.
    "client/aio.py": "test_client.py",
    "client/core.py": "test_client.py",
    "client/sync.py": "test_client.py",
    "client/generate.py": "test_client_types.py",
    "client/types.py": "test_client_types.py",
}
CALL_STEPS = "call/"  # gateway/call/<step>.py -> tests/test_call_<step>.py
# The simulator's data and handlers, by area: each area test compares them with real replies.
SIM_AREAS = {
    "lead": "test_leads.py",
    "list": "test_lists.py",
    "report": "test_reports.py",
    "user": "test_users.py",
    "add_lead": "test_leads.py",
    "update_lead": "test_leads.py",
    "agent": "test_sim_agent.py",  # the Agent API: agent_params, agents, data_agents
}
SIM_GENERAL = "test_sim.py"  # clock, model, seed, runner, TLS, the request flow


def _modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        out.append(path.relative_to(PACKAGE).as_posix())
    return out


def _test_file(module: str) -> str:
    name = Path(module).stem
    if module.startswith(CALL_STEPS):
        test = f"test_call_{name}.py"
        return test if (TESTS / test).exists() else ""
    if (TESTS / f"test_{name}.py").exists() or any(TESTS.glob(f"*/test_{name}.py")):
        return f"test_{name}.py"
    if module in COVERED_BY:
        return COVERED_BY[module]
    if module.startswith("sim/"):
        for prefix, test in SIM_AREAS.items():
            if name.startswith(prefix) or name.startswith(f"data_{prefix}"):
                return test
        return SIM_GENERAL
    return ""


def test_every_module_has_its_test_file() -> None:
    missing = [m for m in _modules() if not _test_file(m)]
    assert missing == [], f"modules without a test file: {missing}"


def test_every_test_file_named_here_exists() -> None:
    named = {*COVERED_BY.values(), *SIM_AREAS.values(), SIM_GENERAL}
    assert {n for n in named if not (TESTS / n).exists()} == set()
    # And the mapping names only modules that exist.
    assert set(COVERED_BY) <= set(_modules())
