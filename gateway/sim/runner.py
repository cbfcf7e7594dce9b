"""Running the simulator as a real server on a socket (tests, ``vicigw sim``, ``vicigw demo``)."""

from __future__ import annotations

import ipaddress
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from .server import API_PATH, create_sim_app
from .sqlguard import SqlBreakout
from .state import SimState
from .tls import make_server_tls


@dataclass
class RunningSim:
    """A started simulator. ``ca_file`` is the PEM of its throwaway CA (removed on close)."""

    base_url: str
    ca_file: Path
    state: SimState
    _runner: web.AppRunner
    _tmpdir: Path

    @property
    def api_url(self) -> str:
        """The Non-Agent API endpoint, ``{base_url}/vicidial/non_agent_api.php``."""
        return self.base_url + API_PATH

    async def close(self) -> None:
        """Stop serving; raise :class:`SqlBreakout` if a request would have broken out of
        VICIdial's SQL (and the state is ``strict_sql``)."""
        await self._runner.cleanup()
        shutil.rmtree(self._tmpdir, ignore_errors=True)
        if self.state.strict_sql and self.state.sql_breakouts:
            raise SqlBreakout("; ".join(self.state.sql_breakouts))


def _url_host(host: str) -> str:
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


async def start_simulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    state: SimState | None = None,
    tls: bool = True,
    tls_names: tuple[str, ...] = (),
) -> RunningSim:
    """Serve a simulator (a fresh seeded one unless ``state`` is given) on ``host:port``.

    Port 0 picks a free port; ``base_url`` carries the real one. With ``tls=False`` the server
    speaks plain HTTP (the CA file is still written, but nothing uses it). ``tls_names``: more
    host names the certificate is valid for (localhost and the loopback addresses always are).
    """
    state = state if state is not None else SimState.seeded()
    tmpdir = Path(tempfile.mkdtemp(prefix="vicisim-"))
    sim_tls = make_server_tls(tls_names)
    ca_file = sim_tls.write_ca(tmpdir / "sim-ca.pem")
    # A hanging handler (fault mode "hang") ends when its client leaves, and close() is quick.
    runner = web.AppRunner(
        create_sim_app(state), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=sim_tls.context if tls else None)
        await site.start()
    except BaseException:
        await runner.cleanup()
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    bound_port = runner.addresses[0][1]
    scheme = "https" if tls else "http"
    return RunningSim(f"{scheme}://{_url_host(host)}:{bound_port}", ca_file, state, runner, tmpdir)
