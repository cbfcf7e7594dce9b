"""What a reload changed, by name: sections, apps, upstreams and credentials, never values.

:func:`config_changes` compares two configurations and lists each change as a YAML path, with a
word on what happened where a path alone would not say it::

    ["server", "apps.crm", "apps.billing: added",
     "upstreams.main.credentials.api-a: secret changed",
     "upstreams.main.credentials.api-b: on hold"]

Secrets are compared (``Secret.__eq__`` is constant-time) but never shown. The reload log line
carries this list (see :mod:`gateway.reload`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .config import Config, Credential, UpstreamConfig

SECTIONS = ("server", "auth", "audit", "state")


def config_changes(old: Config, new: Config) -> list[str]:
    changes = [name for name in SECTIONS if getattr(old, name) != getattr(new, name)]
    changes += _named("apps", old.apps, new.apps)
    for name in sorted(old.upstreams.keys() | new.upstreams.keys()):
        before, after = old.upstreams.get(name), new.upstreams.get(name)
        if before is None or after is None:
            changes.append(f"upstreams.{name}: {'added' if before is None else 'removed'}")
            continue
        if _without_credentials(before) != _without_credentials(after):
            changes.append(f"upstreams.{name}")
        changes += _credential_changes(f"upstreams.{name}.credentials", before, after)
    return changes


def _named(path: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    out = []
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            out.append(f"{path}.{name}: added")
        elif name not in new:
            out.append(f"{path}.{name}: removed")
        elif old[name] != new[name]:
            out.append(f"{path}.{name}")
    return out


def _without_credentials(cfg: UpstreamConfig) -> UpstreamConfig:
    return dataclasses.replace(cfg, credentials=())


def _credential_changes(path: str, old: UpstreamConfig, new: UpstreamConfig) -> list[str]:
    before = {c.name: c for c in old.credentials}
    after = {c.name: c for c in new.credentials}
    out = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            out.append(f"{path}.{name}: {'added' if a is None else 'removed'}")
            continue
        out += [f"{path}.{name}: {what}" for what in _credential_change(a, b)]
    common = [n for n in before if n in after]
    if common != [n for n in after if n in before]:
        out.append(f"{path}: order changed")
    return out


def _credential_change(a: Credential, b: Credential) -> list[str]:
    out = []
    if a.user != b.user or a.password != b.password:
        out.append("secret changed")
    elif a.user_ref != b.user_ref or a.pass_ref != b.pass_ref:
        out.append("secret reference changed")
    if a.hold != b.hold:
        out.append("on hold" if b.hold else "hold released")
    return out
