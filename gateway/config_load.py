"""YAML configuration → frozen, fully validated config objects: the entry points.

:func:`load_config` reads a file; :func:`parse_config` validates an already-parsed mapping. Both
collect *every* problem before failing and raise :class:`~gateway.errors.ConfigError` whose
``errors`` are ``"yaml.path: message"`` lines, e.g.
``apps.crm.source: must match [0-9A-Za-z]{2,20}, got 'c'``. Secret values never appear in those
messages. Secret references are resolved here, so a config object always carries usable secrets.
:func:`load_signing_keys` and :func:`load_upstreams` read the part of a file a tool needs.

The objects are defined in :mod:`gateway.config`, the rules that check a document and build them
in :mod:`gateway.config_rules`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .config import AuthConfig, Config, KeyConfig, StateConfig, UpstreamConfig
from .config_rules import Validator
from .config_yaml import load_yaml
from .errors import ConfigError


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file."""
    path = Path(path)
    cfg = parse_config(_read_document(path), base_dir=path.parent)
    return dataclasses.replace(cfg, path=path)


def parse_config(data: Any, *, base_dir: Path | None = None) -> Config:
    """Validate a parsed YAML document; raise ConfigError listing every problem."""
    v = Validator(base_dir)
    root = v.section(data, "", Config)
    if root is None:
        raise ConfigError(v.errors)
    server = v.server(root.get("server", {}), "server")
    auth = v.auth(root.get("auth", {}), "auth")
    audit = v.audit(root.get("audit", {}), "audit")
    state = v.state(root.get("state", {}), "state")
    upstreams = v.upstreams(root.get("upstreams"), "upstreams")
    apps = v.apps(root.get("apps"), "apps", upstreams)
    v.signing.unique_kids(apps)
    if server.tls is None or server.tls.client_ca_file is None:
        for app in apps.values():
            if app.client_cert is not None and app.client_cert.required:
                v.error(
                    f"apps.{app.name}.client_cert",
                    "needs server.tls.client_ca_file (the CA that signs client certificates)",
                )
    if v.errors:
        raise ConfigError(v.errors)
    return Config(
        server=server,
        auth=auth,
        upstreams=MappingProxyType(upstreams),
        apps=MappingProxyType(apps),
        audit=audit,
        state=state,
        warnings=tuple(v.warnings),
        files=tuple(dict.fromkeys(v.files)),
    )


def load_signing_keys(path: str | Path, app: str) -> tuple[AuthConfig, tuple[KeyConfig, ...]]:
    """Only ``auth`` and ``apps.<app>.keys`` of a config file: what minting a token for ``app``
    needs (``vicigw token --config``). No other secret is resolved, so the host that mints
    needs neither the VICIdial passwords nor the other apps' keys; those parts are not checked.
    """
    path = Path(path)
    data = _read_document(path)
    v = Validator(path.parent)
    root = v.mapping(data, "")
    if root is None:
        raise ConfigError(v.errors)
    apps = v.mapping(root.get("apps"), "apps")
    auth = v.auth(root.get("auth", {}), "auth")
    keys: tuple[KeyConfig, ...] = ()
    if apps is not None:
        if app not in apps:
            v.error(f"apps.{app}", "no such app")
        else:
            body = v.mapping(apps[app], f"apps.{app}")
            if body is not None and "keys" not in body:
                v.error(f"apps.{app}.keys", "the app has no keys (a jwks_file holds public keys)")
            elif body is not None:
                keys = v.signing.keys(body["keys"], f"apps.{app}.keys")
    if v.errors:
        raise ConfigError(v.errors)
    return auth, keys


@dataclass(frozen=True)
class UpstreamsOnly:
    """The VICIdial side of a config file: its upstreams and where shared state lives."""

    upstreams: Mapping[str, UpstreamConfig]
    state: StateConfig
    warnings: tuple[str, ...] = ()


def load_upstreams(path: str | Path) -> UpstreamsOnly:
    """Read and validate only ``upstreams`` and ``state`` of a config file (the other sections
    are neither checked nor resolved: no app's key secret needs to be present), for tools that
    talk to VICIdial alone (``vicigw credentials check``)."""
    path = Path(path)
    data = _read_document(path)
    v = Validator(path.parent)
    root = v.mapping(data, "", required={"upstreams"})
    if root is None:
        raise ConfigError(v.errors)
    state = v.state(root.get("state", {}), "state")
    upstreams = v.upstreams(root.get("upstreams"), "upstreams")
    if v.errors:
        raise ConfigError(v.errors)
    return UpstreamsOnly(MappingProxyType(upstreams), state, tuple(v.warnings))


def _read_document(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    try:
        return load_yaml(text)  # safe_load, but a key given twice is an error
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError([f"{path}:{where}: {problem}"]) from None
