"""The walker under the config rules: problems as ``yaml.path: message`` lines, never a stop.

:class:`Checker` holds what a walk over a parsed YAML document collects (errors, warnings, the
files it read) and the checks every section uses: a mapping with its accepted keys, the plain
values of a config object (each read by the reader its field declares, see
:func:`gateway.config.setting`), secret references, and file permissions. The rules for each
section are in :mod:`gateway.config_rules` and :mod:`gateway.config_keys`.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any, Literal

from .config import accepted_keys, required_keys, yaml_fields
from .config_risks import PRIVATE_FILE_MASK, TRUSTED_FILE_MASK, open_mode
from .secrets import Secret, SecretError, SecretRef, resolve


class Checker:
    """Walks a document, appending ``path: message`` for every problem found."""

    def __init__(self, base_dir: Path | None) -> None:
        self.base_dir = base_dir
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.files: list[Path] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path or '(top level)'}: {message}")

    def mapping(
        self,
        raw: Any,
        path: str,
        *,
        required: AbstractSet[str] = frozenset(),
        optional: AbstractSet[str] | None = None,
    ) -> dict[str, Any] | None:
        """``raw`` if it is a mapping (None if not); with ``optional`` given, a key neither in
        it nor in ``required`` is reported, and so is a required key that is missing."""
        if not isinstance(raw, dict):
            self.error(path, f"must be a mapping, got {kind_of(raw)}")
            return None
        allowed = set(optional or ()) | set(required)
        for key in raw:
            if not isinstance(key, str):
                self.error(path, f"keys must be strings, got {key!r}")
            elif optional is not None and key not in allowed:
                self.error(join(path, key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(raw)):
            self.error(join(path, key), "is required")
        return raw

    def section(self, raw: Any, path: str, cls: type[Any]) -> dict[str, Any] | None:
        """A mapping of the YAML keys ``cls`` declares (see :func:`gateway.config.yaml_key`)."""
        return self.mapping(raw, path, required=required_keys(cls), optional=accepted_keys(cls))

    def settings(self, m: dict[str, Any], path: str, cls: type[Any]) -> dict[str, Any]:
        """Field name -> value, for each plain key of ``cls`` given in ``m``, read by its
        field's reader. A value the reader refuses is reported and left out, so the field
        keeps its default; a key left out keeps it too."""
        out: dict[str, Any] = {}
        for key, (name, how) in yaml_fields(cls).items():
            if how.read is None or key not in m:
                continue
            if how.nullable and m[key] is None:
                out[name] = None
                continue
            try:
                out[name] = how.read(m[key])
            except (ValueError, TypeError) as exc:
                self.error(join(path, key), str(exc))
        return out

    def secret(
        self,
        raw: Any,
        path: str,
        *,
        kind: Literal["secret", "public_key", "name"] = "secret",
    ) -> tuple[Secret, SecretRef] | None:
        """A value given as a secret reference ({env}, {file} or inline). Only a true secret
        (a password, an HMAC secret) is warned about when inline or in a file others can read;
        a public key file must not be writable by others; a name (the VICIdial username, kept
        out of replies but no secret) is checked for neither."""
        try:
            secret, ref = resolve(raw, base_dir=self.base_dir)
        except SecretError as exc:
            self.error(path, str(exc))
            return None
        if ref.kind == "file":
            self.files.append(Path(ref.where))
            if kind == "public_key":
                self.trusted_file(Path(ref.where), path, "key file")
            elif kind == "secret":
                self.private_file(Path(ref.where), path, "secret file")
        if ref.kind == "literal" and kind == "secret":
            self.warnings.append(
                f"{path}: inline secret literal; use {{env: NAME}} or {{file: PATH}} outside demos"
            )
        return secret, ref

    def private_file(self, file: Path, path: str, what: str) -> None:
        mode = open_mode(file, PRIVATE_FILE_MASK)
        if mode is not None:
            self.warnings.append(
                f"{path}: {what} {file} is open to group or others (mode {mode:04o}); make it "
                "readable by the gateway's user only (chmod 600)"
            )

    def trusted_file(self, file: Path, path: str, what: str) -> None:
        mode = open_mode(file, TRUSTED_FILE_MASK)
        if mode is not None:
            self.warnings.append(
                f"{path}: {what} {file} is writable by group or others (mode {mode:04o}); "
                "whoever can write it decides whom the gateway trusts (chmod 644)"
            )

    def path(self, raw: Any) -> Path:
        """A file named in the config; a relative one is relative to the config's directory."""
        p = Path(str(raw))
        if not p.is_absolute() and self.base_dir is not None:
            p = self.base_dir / p
        return p


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind_of(raw: Any) -> str:
    return "nothing" if raw is None else type(raw).__name__
