"""The simulator and the gateway serving from an event loop in a thread of their own, for
tests whose client blocks (schemathesis, the sync client): loopback only, as everywhere."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from gateway.auth import mint_token
from gateway.config import Config
from gateway.config_load import parse_config
from gateway.sim import RunningSim, SimState, start_simulator

from .conftest import config_dict, start_gateway

T = TypeVar("T")


@dataclass
class Live:
    base_url: str
    config: Config
    sim: RunningSim
    loop: asyncio.AbstractEventLoop

    def token(self, app: str = "crm", **kw: Any) -> str:
        return mint_token(self.config, app, ttl=kw.pop("ttl", 3600), **kw)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the servers' loop (to change the simulator's state safely)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)


@contextlib.contextmanager
def live_gateway(
    api_users: dict[str, str], change: Callable[[dict[str, Any]], None] | None = None
) -> Iterator[Live]:
    """The first of ``api_users`` is the gateway's VICIdial login; ``change`` edits the config
    document (:func:`tests.conftest.config_dict`) before it is parsed."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    user, password = next(iter(api_users.items()))

    async def up() -> tuple[RunningSim, Any, str, Config]:
        sim = await start_simulator("127.0.0.1", 0, state=SimState.seeded(api_users=api_users))
        doc = config_dict(sim.base_url, sim.ca_file, password=password)
        doc["upstreams"]["main"]["credentials"][0]["user"] = user
        if change is not None:
            change(doc)
        cfg = parse_config(doc)
        runner, base = await start_gateway(cfg)
        return sim, runner, base, cfg

    sim, runner, base, cfg = asyncio.run_coroutine_threadsafe(up(), loop).result(timeout=60)
    try:
        yield Live(base, cfg, sim, loop)
    finally:

        async def down() -> None:
            await runner.cleanup()
            await sim.close()

        asyncio.run_coroutine_threadsafe(down(), loop).result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
