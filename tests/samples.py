"""The real VICIdial replies in ``tests/data/samples`` and the checks made against them.

Each file: ``# key: value`` lines (status, content-type, method, url, params with the password
shown as ``***``, optional notes), one blank line, then the exact body bytes. Every area's tests
parse them (:func:`read_sample`, :attr:`Sample.params`) and compare the simulator's replies with
them (:func:`assert_same_shape`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.catalog import CATALOG
from gateway.catalog.generic import GENERIC, LOGIN_FAILURES
from gateway.catalog.spec import FunctionSpec, Template
from gateway.config import AppConfig
from gateway.errors import GatewayError
from gateway.policy import build_params

SAMPLES = Path(__file__).parent / "data" / "samples"
CREDENTIALS = ("user", "pass")


@dataclass(frozen=True)
class Sample:
    """One captured reply: its header lines and the exact body bytes."""

    path: Path
    meta: Mapping[str, str]
    body: bytes

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def function(self) -> str:
        return self.name.split("__", 1)[0]

    @property
    def params(self) -> dict[str, str]:
        """The form sent, minus the credentials (what the gateway's parser gets)."""
        pairs = urllib.parse.parse_qsl(self.meta["params"], keep_blank_values=True)
        return {k: v for k, v in pairs if k not in CREDENTIALS}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def query(self, password: str) -> str:
        """The sample's parameters, with the real password where the capture shows ``***``."""
        return self.meta["params"].replace("pass=***", f"pass={password}")


def load_sample(path: Path) -> Sample:
    head, sep, body = path.read_bytes().partition(b"\n\n")
    assert sep, f"{path.name}: no blank line after the headers"
    meta = {}
    for line in head.decode().split("\n"):
        assert line.startswith("# "), f"{path.name}: bad header line {line!r}"
        key, _, value = line.removeprefix("# ").partition(": ")
        meta[key] = value
    return Sample(path, meta, body)


def sample_paths(functions: Iterable[str]) -> list[Path]:
    wanted = set(functions)
    return sorted(p for p in SAMPLES.glob("*.txt") if p.name.split("__", 1)[0] in wanted)


def samples_for(functions: Iterable[str]) -> list[Sample]:
    return [load_sample(p) for p in sample_paths(functions)]


def read_sample(path: Path) -> tuple[dict[str, str], str]:
    """The form sent (minus credentials) and the raw body of a captured reply."""
    sample = load_sample(path)
    return sample.params, sample.text


def line_template(function: str, line: str, extra: Iterable[Template] = ()) -> Template | None:
    """The catalog template (the function's own, generic, or ``extra``) a line matches."""
    for t in (*CATALOG[function].templates, *GENERIC, *LOGIN_FAILURES, *extra):
        if t.regex().fullmatch(line):
            return t
    return None


def delimiter_of(sample: Sample) -> str:
    if sample.function == "call_dispo_report":
        return ","
    return {"csv": ",", "tab": "\t"}.get(sample.params.get("stage", ""), "|")


def assert_same_shape(sample: Sample, got: bytes, *, extra: Iterable[Template] = ()) -> None:
    """Same lines, status lines of the same template, same field counts, identical headers."""
    extra = tuple(extra)
    want_text, got_text = sample.text, got.decode()
    assert got_text.endswith("\n") == want_text.endswith("\n")
    want_lines, got_lines = want_text.split("\n"), got_text.split("\n")
    assert len(got_lines) == len(want_lines)
    delimiters = {"|", "\t", delimiter_of(sample)}
    has_header = sample.params.get("header") == "YES" or sample.function == "call_dispo_report"
    for index, (want, line) in enumerate(zip(want_lines, got_lines, strict=True)):
        template = line_template(sample.function, want, extra)
        if template is not None:
            assert line_template(sample.function, line, extra) == template, (want, line)
        elif index == 0 and has_header:
            assert line == want  # the header row
        for delim in delimiters:
            assert line.count(delim) == want.count(delim), (delim, want, line)


def ok_params(spec: FunctionSpec, app: AppConfig) -> dict[str, str]:
    """Valid parameters of the function as a caller sends them: those of its first captured
    success sample that the app's policy accepts ({} when there is none)."""
    for path in sorted(SAMPLES.glob(f"{spec.name}__*.txt")):
        sample = load_sample(path)
        if "__ok" not in sample.name:
            continue
        body = {
            k: v
            for k, v in sample.params.items()
            if k in spec.param_names and k not in spec.gateway_params
        }
        try:
            build_params(app, spec, body)
        except GatewayError:
            continue
        return body
    return {}
