"""docs/tls.md, run as written: a private CA and the gateway's certificate made with its openssl
commands, served by `vicigw serve`, trusted by a client that holds only the CA certificate, and
a renewed certificate taken up without a restart."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from .conftest import config_dict, free_port

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "tls.md"


@pytest.fixture(autouse=True)
def _openssl() -> None:
    """The recipe runs openssl: CI (``.ci/run`` installs it) must run it; elsewhere a machine
    without openssl skips it."""
    if shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("openssl is missing (.ci/run installs it): CI runs the TLS recipe")
        pytest.skip("needs openssl")


def doc_block(marker: str) -> str:
    """The one ```sh block of docs/tls.md that contains ``marker``."""
    found = re.findall(r"^```sh\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.S | re.M)
    (block,) = [textwrap.dedent(b) for b in found if marker in b]
    return block


def run(block: str, cwd: Path, **env: str) -> None:
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=cwd,
        env={**os.environ, **env},
        check=True,
        timeout=120,
        capture_output=True,
    )


def served_certificate(port: int, ctx: ssl.SSLContext) -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as sock,
        ctx.wrap_socket(sock, server_hostname="127.0.0.1") as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return der


def file_certificate(path: Path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(path.read_text())


def test_private_ca_recipe_serves_trusted_and_renews(tmp_path: Path) -> None:
    ca_dir, tls_dir = tmp_path / "ca", tmp_path / "tls"
    ca_dir.mkdir()
    tls_dir.mkdir()
    issue = doc_block("TLS_DIR=${TLS_DIR:-")
    names = {"TLS_DIR": str(tls_dir), "GW_NAMES": "DNS:localhost,IP:127.0.0.1"}
    run(doc_block("openssl req -x509"), ca_dir)
    run(issue, ca_dir, **names)
    assert (tls_dir / "key.pem").stat().st_mode & 0o077 == 0
    assert not (ca_dir / "gateway.key").exists()  # the key lives only where server.tls reads it

    port = free_port()
    doc = config_dict()
    doc["server"] = {
        "host": "127.0.0.1",
        "port": port,
        "metrics_port": None,
        "tls": {
            "cert_file": str(tls_dir / "cert.pem"),
            "key_file": str(tls_dir / "key.pem"),
            "reload_interval": "100ms",
        },
    }
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(doc))
    check = subprocess.run(
        [sys.executable, "-m", "gateway", "check-config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0 and "key file" not in check.stderr, check.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve", "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # An app that trusts only the CA certificate (docs/tls.md, "How apps trust").
        ctx = ssl.create_default_context(cafile=str(ca_dir / "ca.pem"))
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{port}/healthz", context=ctx, timeout=5
                ) as r:
                    body = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert body is not None and body["ok"] is True
        first = served_certificate(port, ctx)
        assert first == file_certificate(tls_dir / "cert.pem")
        # Without the CA, the same certificate is refused.
        with pytest.raises(ssl.SSLCertVerificationError):
            served_certificate(port, ssl.create_default_context())

        # Renewal: the same commands again; new handshakes get the new certificate.
        run(issue, ca_dir, **names)
        renewed = file_certificate(tls_dir / "cert.pem")
        assert renewed != first
        served = first
        deadline = time.monotonic() + 30
        while served != renewed and time.monotonic() < deadline:
            time.sleep(0.1)
            served = served_certificate(port, ctx)
        assert served == renewed
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "TLS certificate reloaded" in err


def test_request_for_an_existing_ca_names_the_gateway(tmp_path: Path) -> None:
    run(doc_block('-addext "subjectAltName='), tmp_path)
    text = subprocess.run(
        ["openssl", "req", "-in", "gateway.csr", "-noout", "-text", "-verify"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "DNS:gateway.internal" in text
    assert (tmp_path / "key.pem").is_file()
