"""Secret values and the references that point at them.

A secret is never written into config as such: config holds a *reference* (``{env: NAME}``,
``{file: PATH}`` or ``{credential: NAME}``) that is resolved when the config is loaded (and again on
every reload). ``{credential: NAME}`` is systemd's ``LoadCredential=``: the file ``NAME`` in the
folder ``$CREDENTIALS_DIRECTORY`` that systemd gives the service; once resolved it is a file
reference like any other (watched, its modification time the secret's age). An inline literal is
accepted for demos only and makes :func:`resolve` report a warning.

:class:`Secret` wraps the resolved value; its ``repr``/``str`` are masked so a secret cannot reach a
log line or an exception text by accident. Use :meth:`Secret.reveal` at the one place that needs the
value (the upstream form body, the JWT key) and :func:`hmac.compare_digest` for comparisons.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY"


class Secret:
    """A secret string; masked in ``repr`` and ``str``.

    >>> s = Secret("hunter2")
    >>> s
    Secret('**********')
    >>> s.reveal()
    'hunter2'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


@dataclass(frozen=True)
class SecretRef:
    """Where a secret comes from: ``kind`` is ``env``, ``file``, ``credential`` or ``literal``.

    :func:`resolve` turns a ``credential`` into the ``file`` it names, so a resolved reference is
    ``env``, ``file`` or ``literal``."""

    kind: str
    where: str  # env var name, file path, credential name, or "" for a literal

    def describe(self) -> str:
        return {
            "env": f"env var {self.where}",
            "file": f"file {self.where}",
            "credential": f"systemd credential {self.where}",
        }.get(self.kind, "inline literal")


class SecretError(ValueError):
    """A reference that is malformed or cannot be resolved. The text never holds the value."""


def parse_ref(raw: Any) -> tuple[SecretRef, str | None]:
    """Parse a YAML value into a reference; for literals also return the literal text."""
    if isinstance(raw, str):
        return SecretRef("literal", ""), raw
    if isinstance(raw, dict) and len(raw) == 1:
        ((kind, where),) = raw.items()
        if kind in ("env", "file") and isinstance(where, str) and where:
            return SecretRef(kind, where), None
        if kind == "credential" and isinstance(where, str):
            if not where or "/" in where or where in (".", ".."):
                raise SecretError("{credential: NAME}: NAME is a file name, without '/'")
            return SecretRef(kind, where), None
    raise SecretError(
        "must be {env: NAME}, {file: PATH}, {credential: NAME} or (demo only) an inline string"
    )


def credential_path(name: str) -> Path:
    """The file of systemd credential ``name``: ``$CREDENTIALS_DIRECTORY/name``.

    systemd sets ``CREDENTIALS_DIRECTORY`` for a service that has ``LoadCredential=`` (or
    ``SetCredential=``) lines; outside such a service there is no credential to read.
    """
    folder = os.environ.get(CREDENTIALS_DIRECTORY)
    if not folder:
        raise SecretError(
            f"credential {name}: {CREDENTIALS_DIRECTORY} is not set (systemd sets it for a service "
            f"with LoadCredential={name}:PATH)"
        )
    return Path(folder) / name


def resolve(raw: Any, *, base_dir: Path | None = None) -> tuple[Secret, SecretRef]:
    """Resolve a YAML secret reference to its value.

    File references are relative to ``base_dir`` (the config file's folder) when not absolute;
    one trailing newline is removed from file contents (as written by ``echo`` or editors).
    """
    ref, literal = parse_ref(raw)
    if literal is not None:
        return Secret(literal), ref
    if ref.kind == "env":
        value = os.environ.get(ref.where)
        if value is None:
            raise SecretError(f"environment variable {ref.where} is not set")
        return Secret(value), ref
    if ref.kind == "credential":
        path = credential_path(ref.where)
        if not path.is_file():
            raise SecretError(
                f"credential {ref.where}: no file {path} (is LoadCredential={ref.where}:PATH in "
                "the unit?)"
            )
    else:
        path = Path(ref.where)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SecretError(f"cannot read secret file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SecretError(f"secret file {path} is not UTF-8 text") from None
    if text.endswith("\n"):
        text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
    return Secret(text), SecretRef("file", str(path))
