"""The ``vicigw`` command: a thin argparse layer over config loading and the app factories.

vicigw serve --config FILE          run the gateway
vicigw demo                         simulator + gateway on loopback, prints curl commands
vicigw token --config FILE --app NAME [--kid KID] [--ttl 1h]     (reads auth + the app's keys)
vicigw token --key-file FILE|--key-env VAR --kid KID --alg ALG [--ttl 1h] [--max-lifetime 24h]
vicigw check-config FILE            prints OK, or every error (exit 1)
vicigw credentials check --config FILE [--force]
                                    one login per VICIdial credential, within the lockout guard
vicigw functions                    the whole catalog, as JSON
vicigw openapi [--app NAME --config FILE]   the OpenAPI 3.1 document (one app's functions)
vicigw sim [--host H] [--port P] [--tls-name NAME] [--ca-out FILE] [--password-file FILE]
                                    the VICIdial simulator alone
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import shlex
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from aiohttp import web

from .app import create_app
from .auth import mint_app_token, mint_token, sign_token
from .catalog import AGENT_CATALOG, CATALOG
from .catalog.describe import describe
from .config import AuthConfig, Config, ServerConfig
from .config_load import UpstreamsOnly, load_config, load_signing_keys, load_upstreams
from .config_values import parse_duration
from .credentials import MAX_FAILURES
from .errors import ConfigError, GatewayError, NoCredential
from .logs import setup_logging
from .openapi import openapi_document
from .refusal import REASONS
from .secrets import SecretError, resolve
from .server import Listener, handler_args, serve, start_listener
from .sim import RunningSim, SimState, start_simulator
from .state import open_state
from .upstream import VicidialUpstream
from .version import __version__

log = logging.getLogger("gateway.cli")

DEMO_CONFIG = Path(__file__).resolve().parent.parent / "config" / "demo.yaml"
DEMO_GATEWAY_PORT = 8443
DEMO_SIM_PORT = 18443


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vicigw", description="VICIdial credential-hiding gateway")
    p.add_argument("--version", action="version", version=f"vicigw {__version__}")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    s = sub.add_parser("serve", help="run the gateway")
    s.add_argument("--config", required=True, type=Path)
    s.add_argument("--log-level", default="INFO")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("demo", help="run the gateway in front of the built-in simulator")
    s.add_argument("--config", type=Path, default=DEMO_CONFIG)
    s.add_argument("--port", type=int, default=DEMO_GATEWAY_PORT)
    s.add_argument("--sim-port", type=int, default=DEMO_SIM_PORT)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser(
        "token",
        help="mint a token: from the config's auth and one app's HMAC key, or from key material",
    )
    s.add_argument("--config", type=Path, help="read only auth and --app's keys from this file")
    s.add_argument("--app")
    s.add_argument("--key-file", help="HMAC secret or PEM private key (no config)")
    s.add_argument("--key-env", metavar="VAR", help="the same, from an environment variable")
    s.add_argument("--kid")
    s.add_argument("--alg", help="with --key-file/--key-env: HS256, RS256, ES256, EdDSA, ...")
    s.add_argument("--iss", default=AuthConfig.issuer, help="default: %(default)s")
    s.add_argument("--aud", default=AuthConfig.audience, help="default: %(default)s")
    s.add_argument(
        "--max-lifetime",
        default="24h",
        help="the gateway's auth.max_token_lifetime, when not read from --config (default 24h)",
    )
    s.add_argument("--sub", help="subject claim (default: the app name with --config)")
    s.add_argument("--ttl", default="1h", help="lifetime, e.g. 15m, 1h (default 1h)")
    s.set_defaults(func=cmd_token, usage=s.error)

    s = sub.add_parser("check-config", help="validate a config file")
    s.add_argument("file", type=Path)
    s.set_defaults(func=cmd_check_config)

    s = sub.add_parser("functions", help="print the function catalog as JSON")
    s.set_defaults(func=cmd_functions)

    s = sub.add_parser("openapi", help="print the OpenAPI 3.1 document as JSON")
    s.add_argument("--app", help="only the functions this app may call, with its rules")
    s.add_argument("--config", type=Path, help="the config the app is read from")
    s.set_defaults(func=cmd_openapi, usage=s.error)

    s = sub.add_parser("credentials", help="VICIdial credential tools")
    creds = s.add_subparsers(required=True, metavar="ACTION")
    c = creds.add_parser(
        "check",
        help="log in once with each credential (stops at a failure; skips credentials the "
        "gateway knows are refused)",
    )
    c.add_argument("--config", required=True, type=Path)
    c.add_argument(
        "--force",
        action="store_true",
        help="also try a refused credential whose cool-down is not over (never beyond 3 failed "
        "logins in 15 minutes)",
    )
    c.set_defaults(func=cmd_credentials_check)

    s = sub.add_parser("sim", help="run the VICIdial simulator")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=DEMO_SIM_PORT)
    s.add_argument("--user", default="6666")
    s.add_argument("--password", default="simpass1")
    s.add_argument(
        "--password-file",
        type=Path,
        help="read the API user's password from this file (its first line) instead",
    )
    s.add_argument(
        "--tls-name",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the certificate is also valid for (repeatable), e.g. the service name "
        "the gateway reaches the simulator by",
    )
    s.add_argument(
        "--ca-out", type=Path, metavar="FILE", help="also write the throwaway CA (PEM) here"
    )
    s.set_defaults(func=cmd_sim)
    return p


def _load(path: Path) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        raise SystemExit(1) from None


def cmd_check_config(args: argparse.Namespace) -> int:
    try:
        cfg = load_config(args.file)
    except ConfigError as exc:
        for line in exc.errors:
            print(line)
        return 1
    for warning in cfg.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print("OK")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """Print a token. ``--config``: signed with the app's HMAC key, within the file's
    ``auth.max_token_lifetime``; only ``auth`` and that app's keys are read. ``--key-file`` /
    ``--key-env``: no config at all, any key the gateway accepts (an app's private key too)."""
    from_config = args.config is not None or args.app is not None
    key_refs = [{"file": args.key_file}] if args.key_file else []
    key_refs += [{"env": args.key_env}] if args.key_env else []
    if from_config == bool(key_refs) or len(key_refs) > 1:
        args.usage("give --config and --app, or one of --key-file/--key-env with --kid and --alg")
    if from_config and (args.config is None or args.app is None or args.alg is not None):
        args.usage("--config needs --app; the key and its alg come from the config (no --alg)")
    if key_refs and (args.kid is None or args.alg is None):
        args.usage("--key-file/--key-env need --kid and --alg")
    try:
        ttl = parse_duration(args.ttl)
        if from_config:
            try:
                auth, keys = load_signing_keys(args.config, args.app)
            except ConfigError as exc:
                for line in exc.errors:
                    print(line, file=sys.stderr)
                return 1
            token = mint_app_token(auth, args.app, keys, kid=args.kid, ttl=ttl, subject=args.sub)
        else:
            try:
                key = resolve(key_refs[0])[0]
            except SecretError as exc:
                print(f"vicigw token: {exc}", file=sys.stderr)
                return 1
            token = sign_token(
                key.reveal(),
                args.alg,
                args.kid,
                issuer=args.iss,
                audience=args.aud,
                ttl=ttl,
                max_lifetime=parse_duration(args.max_lifetime),
                max_lifetime_name="--max-lifetime, the gateway's auth.max_token_lifetime",
                subject=args.sub,
            )
    except ValueError as exc:
        print(f"vicigw token: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def cmd_credentials_check(args: argparse.Namespace) -> int:
    """One cheap, read-only call per credential, in order; stop at the first login failure.

    The call is ``agent_status`` without an agent: VICIdial checks the login, then answers
    ``INVALID SEARCH PARAMETERS`` (or a permission error) without touching any data. Only the
    ``upstreams`` and ``state`` sections are read: no app's key secret is needed.

    The check goes through the gateway's own lockout guard (gateway.credentials): with
    ``state.backend: redis`` it shares the gateway's knowledge of each credential, so it skips
    a credential the gateway knows is refused until its cool-down is over (``--force``: at once,
    but never beyond 3 failed logins in 15 minutes), and what it finds counts for the gateway
    too. Stopping at the first failure spends at most one of VICIdial's ten allowed failures
    per run; nothing is retried.
    """
    try:
        cfg = load_upstreams(args.config)
    except ConfigError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        return 1
    if cfg.state.backend != "redis":
        print(
            "note: state.backend is memory: this check cannot see what a running gateway knows "
            "about these credentials, nor tell it what it finds. Each run with a wrong password "
            "costs one of VICIdial's 10 failed logins: do not repeat it (docs/operations.md).",
            file=sys.stderr,
        )
    rows = asyncio.run(check_credentials(cfg, force=args.force))
    width = max([len("credential"), *(len(r[0]) for r in rows)])
    print(f"{'credential':<{width}}  result   reason")
    for name, result, reason in rows:
        print(f"{name:<{width}}  {result:<7}  {reason}")
    return 0 if rows and all(result == "ok" for _, result, _ in rows) else 1


async def check_credentials(
    cfg: UpstreamsOnly, *, force: bool = False
) -> list[tuple[str, str, str]]:
    """(``upstream/credential``, ``ok`` | ``FAILED`` | ``skipped``, reason) per credential, in
    order, up to the first failure."""
    rows: list[tuple[str, str, str]] = []
    state = open_state(cfg.state)
    try:
        for up_name, up_cfg in cfg.upstreams.items():
            for cred in up_cfg.credentials:
                single = dataclasses.replace(up_cfg, credentials=(cred,))
                client = VicidialUpstream(single, store=state.credentials)
                client.credentials.ignore_cooldown = force
                label = f"{up_name}/{cred.name}"
                try:
                    reply = await client.call(CATALOG["agent_status"], {}, source="vicigwcheck")
                except NoCredential as exc:
                    # --force skips a cool-down, never the failure budget.
                    spent = len(client.credentials.state(cred.name).failures) >= MAX_FAILURES
                    hint = "" if force or spent else "; --force to try now"
                    rows.append((label, "skipped", f"not tried: {exc.reason}{hint}"))
                    continue
                except GatewayError as exc:
                    rows.append((label, "FAILED", exc.message))
                    return rows
                finally:
                    await client.close()
                if reply.refusal is not None:
                    rows.append((label, "FAILED", f"VICIdial: {REASONS[reply.refusal]}"))
                    return rows
                if reply.status != 200:
                    rows.append((label, "FAILED", f"VICIdial answered HTTP {reply.status}"))
                    return rows
                rows.append((label, "ok", "login accepted"))
    finally:
        await state.close()
    return rows


def cmd_functions(args: argparse.Namespace) -> int:
    specs = (*CATALOG.values(), *AGENT_CATALOG.values())
    print(json.dumps([describe(spec) for spec in specs], indent=2))
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    if (args.app is None) != (args.config is None):
        args.usage("--app and --config go together")
    app = None
    if args.app is not None:
        apps = _load(args.config).apps
        if args.app not in apps:
            print(f"no app {args.app!r} in {args.config}", file=sys.stderr)
            return 1
        app = apps[args.app]
    print(json.dumps(openapi_document(CATALOG, app, AGENT_CATALOG), indent=2))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup_logging(args.log_level)
    cfg = _load(args.config)
    for warning in cfg.warnings:
        log.warning(warning)
    try:
        asyncio.run(serve(cfg))
    except OSError as exc:  # a port in use, a file that cannot be opened: no traceback
        log.error("cannot start", extra={"error": str(exc)})
        print(f"vicigw serve: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    password = args.password
    if args.password_file is not None:
        lines = args.password_file.read_text().splitlines()
        password = lines[0] if lines else ""

    async def run() -> None:
        state = SimState.seeded(api_users={args.user: password})
        sim = await _start_sim_on(args.host, args.port, state, tuple(args.tls_name))
        ca_file = sim.ca_file
        if args.ca_out is not None:  # replaced whole: a gateway may be watching the file
            ca_file = args.ca_out
            partial = ca_file.with_name(f".{ca_file.name}.new")
            partial.write_bytes(sim.ca_file.read_bytes())
            partial.replace(ca_file)
        print(f"VICIdial simulator: {sim.base_url}/vicidial/non_agent_api.php", flush=True)
        print(f"CA certificate:     {ca_file}", flush=True)
        print(f"API login:          user={args.user} (password as given)", flush=True)
        try:
            await _wait_for_stop()
        finally:
            await sim.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_logging("WARNING")
    cfg = _load(args.config)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_demo(cfg, args.port, args.sim_port))
    return 0


async def _demo(cfg: Config, port: int, sim_port: int) -> None:
    (up_name, up_cfg), *_ = cfg.upstreams.items()
    cred = up_cfg.credentials[0]
    state = SimState.seeded(api_users={cred.user.reveal(): cred.password.reveal()})
    sim = await _start_sim_on("127.0.0.1", sim_port, state)
    runner: web.AppRunner | None = None
    listener: Listener | None = None
    try:
        upstream = dataclasses.replace(up_cfg, base_url=sim.base_url, ca_file=sim.ca_file)
        cfg = dataclasses.replace(
            cfg, upstreams=MappingProxyType({**cfg.upstreams, up_name: upstream})
        )
        runner = web.AppRunner(create_app(cfg), access_log=None, **handler_args(cfg.server))
        await runner.setup()
        listener = await _listen(runner, dataclasses.replace(cfg.server, port=port))
        bound = listener.port
        app_name = next(iter(cfg.apps))
        token = mint_token(cfg, app_name, ttl=3600)
        base = f"http://127.0.0.1:{bound}"
        print(f"VICIdial simulator on {sim.base_url} (HTTPS, throwaway CA {sim.ca_file})")
        print(f"Gateway on {base} for app {app_name!r}; token valid for 1 hour.")
        print("Try these (Ctrl-C stops the demo):")
        print()
        print(
            _curl(
                base,
                "add_lead",
                token,
                {
                    "phone_number": "3125551234",
                    "list_id": "101",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                },
            )
        )
        print()
        print(_curl(base, "campaigns_list", token, {}))
        print(flush=True)
        await _wait_for_stop()
    finally:
        if listener is not None:
            await listener.close()
        if runner is not None:
            await runner.cleanup()
        await sim.close()
        print("demo stopped", flush=True)


def _curl(base: str, function: str, token: str, body: dict[str, str]) -> str:
    return " ".join(
        [
            "curl -sS -X POST",
            shlex.quote(f"{base}/v1/non-agent/{function}"),
            "-H",
            shlex.quote(f"Authorization: Bearer {token}"),
            "-H 'Content-Type: application/json'",
            "-d",
            shlex.quote(json.dumps(body)),
        ]
    )


async def _listen(runner: web.AppRunner, server: ServerConfig) -> Listener:
    """Listen on the configured port, or on a free port if that one is taken."""
    try:
        return await start_listener(runner, server)
    except OSError:
        return await start_listener(runner, dataclasses.replace(server, port=0))


async def _start_sim_on(
    host: str, port: int, state: SimState, tls_names: tuple[str, ...] = ()
) -> RunningSim:
    # For people, not tests: a request that would break VICIdial's SQL is logged as a warning
    # (and answered HTTP 500), and does not fail the shutdown.
    state.strict_sql = False
    try:
        return await start_simulator(host, port, state=state, tls_names=tls_names)
    except OSError:
        return await start_simulator(host, 0, state=state, tls_names=tls_names)


async def _wait_for_stop() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
