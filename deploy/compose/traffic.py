"""A steady trickle of calls for the compose demo, so the dashboard has something to draw.

Runs in the gateway's image (compose service ``traffic``), mints its tokens from the demo
config's app key (only ``auth`` and that app's keys are read, as ``vicigw token --config``
does), and calls the gateway replicas in turn: reads (one of them cached), a lead added, a
call the app's rules refuse (403) and, now and then, a bad token (401). One line per round.

    python traffic.py --config /etc/vicigw/config.yaml --app demo \\
        --gateway http://gateway-1:8443 --gateway http://gateway-2:8443
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from gateway.auth import mint_app_token
from gateway.config_load import load_signing_keys

TOKEN_TTL = 900.0  # minted again well before it expires

# (function, body): what an app does all day, and one call its rules refuse (list 555).
CALLS: list[tuple[str, dict[str, str]]] = [
    ("version", {}),
    ("campaigns_list", {}),
    ("lead_search", {"phone_number": "3125551234"}),
    ("add_lead", {"phone_number": "3125551234", "list_id": "101", "first_name": "Ada"}),
    ("add_lead", {"phone_number": "3125550000", "list_id": "555"}),
]


def call(base: str, token: str, function: str, body: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{base}/v1/non-agent/{function}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as reply:
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code
    except OSError:
        return 0  # not reachable (yet): a replica restarting


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--app", required=True)
    p.add_argument("--gateway", action="append", required=True, metavar="URL")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    p.add_argument("--rounds", type=int, default=0, help="stop after this many (0: never)")
    args = p.parse_args(argv)
    auth, keys = load_signing_keys(args.config, args.app)
    minted, token = 0.0, ""
    gateways = itertools.cycle(args.gateway)
    for n in itertools.count(1):
        if time.monotonic() - minted > TOKEN_TTL / 2:
            token = mint_app_token(auth, args.app, keys, ttl=TOKEN_TTL)
            minted = time.monotonic()
        statuses = [call(next(gateways), token, f, body) for f, body in CALLS]
        if random.random() < 0.2:
            statuses.append(call(next(gateways), "not-a-token", "version", {}))
        print(f"round {n}: {' '.join(map(str, statuses))}", flush=True)
        if args.rounds and n >= args.rounds:
            return 0
        time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
