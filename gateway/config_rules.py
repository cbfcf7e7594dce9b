"""The rules of the configuration: checks every section of a YAML document and builds its objects.

:class:`Validator` walks a parsed document, appends ``"yaml.path: message"`` for every problem
it finds (it never stops at the first one), resolves secret references, and builds the frozen
objects of :mod:`gateway.config`. The keys each section accepts, their readers and their
defaults are declared there, on the objects' fields; what is here is what a declaration cannot
say: nested sections, files, secrets, and the checks that look at several keys at once. The
entry points of :mod:`gateway.config_load` drive it.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .catalog import AGENT_CATALOG, CATALOG
from .catalog.spec import FunctionSpec, Param
from .config import (
    RESERVED_PARAMS,
    AppConfig,
    AuditConfig,
    AuthConfig,
    ClientCertRule,
    Credential,
    CustomFieldsConfig,
    ParamRule,
    RateLimit,
    ServerConfig,
    StateConfig,
    TLSConfig,
    UpstreamConfig,
    accepted_keys,
    required_keys,
)
from .config_check import Checker, join
from .config_keys import SigningKeys
from .config_risks import (
    MAX_LEEWAY,
    MAX_TOKEN_LIFETIME,
    is_loopback,
    split_url_password,
)
from .custom_fields import FUNCTIONS as CUSTOM_FIELD_FUNCTIONS
from .custom_fields import LABEL_RE as CUSTOM_LABEL_RE
from .custom_fields import custom_param
from .errors import GatewayError
from .files import write_problem
from .policy import body_field_in, canonical, check_value
from .secrets import Secret

SOURCE_RE = re.compile(r"[0-9A-Za-z]{2,20}")
# An agent_users entry: a user id, or a glob of one ("*" any run of characters, "?" one).
AGENT_PATTERN = re.compile(r"[0-9A-Za-z_.@*?-]{1,20}")
# VICIdial deletes any other character from user/pass before the login check.
VICIDIAL_LOGIN_RE = re.compile(r"[-_0-9A-Za-z]{1,20}")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")

# Shorter VICIdial passwords get a warning (see Validator.credential).
MIN_VICIDIAL_PASSWORD = 8


class Validator(Checker):
    """Walks the document, appending ``path: message`` for every problem found."""

    def __init__(self, base_dir: Path | None) -> None:
        super().__init__(base_dir)
        self.signing = SigningKeys(self)

    # -- sections -------------------------------------------------------------------------------

    def server(self, raw: Any, path: str) -> ServerConfig:
        m = self.section(raw, path, ServerConfig)
        if m is None:
            return ServerConfig()
        tls = None
        if m.get("tls") is not None:
            tls = self.tls(m["tls"], f"{path}.tls", client_ca=True)
        server = ServerConfig(tls=tls, **self.settings(m, path, ServerConfig))
        if "tls" not in m and not is_loopback(server.host):
            self.warnings.append(
                f"{path}.host: {server.host} is reachable from other hosts and {path}.tls is not "
                "set: tokens and VICIdial data would cross the network in clear text"
            )
        return server

    def tls(self, raw: Any, path: str, *, client_ca: bool, watch: bool = False) -> TLSConfig | None:
        """``server.tls`` (``client_ca``: all of TLSConfig's keys) or an upstream's
        ``client_cert`` (its certificate and key only)."""
        required = required_keys(TLSConfig)
        optional = accepted_keys(TLSConfig) if client_ca else required
        t = self.mapping(raw, path, required=required, optional=optional)
        if t is None or not required <= set(t):
            return None
        files = {k: self.path(t[k]) for k in ("cert_file", "key_file", "client_ca_file") if k in t}
        for key, file in files.items():
            if not file.is_file():
                self.error(f"{path}.{key}", f"file not found: {file}")
            if watch:
                self.files.append(file)
        self.private_file(files["key_file"], f"{path}.key_file", "private key file")
        if "client_ca_file" in files:
            self.trusted_file(files["client_ca_file"], f"{path}.client_ca_file", "CA file")
        return TLSConfig(
            files["cert_file"],
            files["key_file"],
            client_ca_file=files.get("client_ca_file"),
            **self.settings(t, path, TLSConfig),
        )

    def auth(self, raw: Any, path: str) -> AuthConfig:
        m = self.section(raw, path, AuthConfig)
        if m is None:
            return AuthConfig()
        auth = AuthConfig(**self.settings(m, path, AuthConfig))
        if auth.max_token_lifetime > MAX_TOKEN_LIFETIME:
            self.warnings.append(
                f"{path}.max_token_lifetime: {m['max_token_lifetime']} is more than 7 days; a "
                "stolen token would stay valid that long"
            )
        if auth.leeway > MAX_LEEWAY:
            self.warnings.append(
                f"{path}.leeway: {m['leeway']} is more than 5 minutes; an expired token would "
                "still be accepted that long after its exp"
            )
        return auth

    def state(self, raw: Any, path: str) -> StateConfig:
        m = self.section(raw, path, StateConfig)
        if m is None:
            return StateConfig()
        state = StateConfig(**self.settings(m, path, StateConfig))
        url, inline = state.url, None
        if url is not None:
            # A password leaves the URL, so that no repr or log line can ever show it.
            try:
                url, inline = split_url_password(url)
            except ValueError:
                self.error(f"{path}.url", "is not a valid URL")
                url = None
        if state.backend not in ("memory", "redis"):
            self.error(f"{path}.backend", f"must be memory or redis, got {state.backend!r}")
        elif state.backend == "redis":
            if "url" not in m:
                self.error(f"{path}.url", "is required for the redis backend")
            elif url is not None and urlsplit(url).scheme not in ("redis", "rediss", "unix"):
                self.error(f"{path}.url", "must be a redis://, rediss:// or unix:// URL")
        password = None
        if m.get("password") is not None:
            got = self.secret(m["password"], f"{path}.password")
            password = got[0] if got is not None else None
        if inline is not None and "password" in m:
            self.error(
                f"{path}.url",
                "holds a password and state.password is set too; keep state.password only",
            )
        elif inline is not None:
            self.warnings.append(
                f"{path}.url: holds a password; use state.password: {{file: PATH}} or "
                "{env: NAME} instead"
            )
            password = Secret(inline)
        return dataclasses.replace(state, url=url, password=password)

    def audit(self, raw: Any, path: str) -> AuditConfig:
        m = self.section(raw, path, AuditConfig)
        if m is None:
            return AuditConfig()
        file = self.path(m["file"]) if m.get("file") is not None else None
        problem = write_problem(file) if file is not None else None
        if problem is not None:
            # The one file the gateway writes: checked as the user running this, which must be
            # the service's own user for check-config to speak for serve.
            self.error(f"{path}.file", f"cannot write {file} as uid {os.geteuid()}: {problem}")
        return AuditConfig(file=file, **self.settings(m, path, AuditConfig))

    def upstreams(self, raw: Any, path: str) -> dict[str, UpstreamConfig]:
        m = self.mapping(raw, path)
        if m is None:
            return {}
        if not m:
            self.error(path, "at least one upstream is required")
        out: dict[str, UpstreamConfig] = {}
        for name, body in m.items():
            p = join(path, str(name))
            if not NAME_RE.fullmatch(str(name)):
                self.error(p, f"name must match {NAME_RE.pattern}")
            up = self.upstream(str(name), body, p)
            if up is not None:
                out[str(name)] = up
        return out

    def upstream(self, name: str, raw: Any, path: str) -> UpstreamConfig | None:
        m = self.section(raw, path, UpstreamConfig)
        if m is None:
            return None
        values = self.settings(m, path, UpstreamConfig)
        base_url: str = values.pop("base_url", "")
        insecure: bool = values.get("allow_insecure_http", UpstreamConfig.allow_insecure_http)
        if base_url:
            self.base_url(base_url, f"{path}.base_url", insecure=insecure)
        ca_file = None
        if m.get("ca_file") is not None:
            ca_file = self.path(m["ca_file"])
            self.files.append(ca_file)
            if not ca_file.is_file():
                self.error(f"{path}.ca_file", f"file not found: {ca_file}")
            self.trusted_file(ca_file, f"{path}.ca_file", "CA file")
        creds: list[Credential] = []
        raw_creds = m.get("credentials")
        if not isinstance(raw_creds, list) or not raw_creds:
            if "credentials" in m:
                self.error(f"{path}.credentials", "must be a non-empty list")
        else:
            names: set[str] = set()
            for i, c in enumerate(raw_creds):
                cred = self.credential(c, f"{path}.credentials[{i}]")
                if cred is None:
                    continue
                if cred.name in names:
                    self.error(f"{path}.credentials[{i}].name", f"duplicate name {cred.name!r}")
                names.add(cred.name)
                creds.append(cred)
        client_cert = None
        if m.get("client_cert") is not None:
            client_cert = self.tls(
                m["client_cert"], f"{path}.client_cert", client_ca=False, watch=True
            )
        return UpstreamConfig(
            name=name,
            base_url=base_url.rstrip("/"),
            credentials=tuple(creds),
            ca_file=ca_file,
            client_cert=client_cert,
            custom_fields=self.custom_fields_cache(m.get("custom_fields"), f"{path}.custom_fields"),
            **values,
        )

    def base_url(self, base_url: str, path: str, *, insecure: bool) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            shown = split_url_password(base_url)[0]  # never echo a password
            self.error(path, f"must be an https:// URL, got {shown!r}")
        elif parts.scheme == "http" and not insecure:
            self.error(
                path,
                "http:// sends the VICIdial password in clear text; use https:// "
                "(or set allow_insecure_http: true to accept the risk)",
            )
        elif parts.scheme == "http":
            self.warnings.append(
                f"{path}: INSECURE: the VICIdial password will cross the network "
                "in clear text (allow_insecure_http: true)"
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            self.error(
                path,
                "must not carry a query string, fragment or user info (VICIdial logins "
                "belong in credentials, as secret references)",
            )

    def custom_fields_cache(self, raw: Any, path: str) -> CustomFieldsConfig:
        if raw is None:  # not given (or null): the defaults
            return CustomFieldsConfig()
        m = self.section(raw, path, CustomFieldsConfig)
        if m is None:
            return CustomFieldsConfig()
        return CustomFieldsConfig(**self.settings(m, path, CustomFieldsConfig))

    def credential(self, raw: Any, path: str) -> Credential | None:
        m = self.section(raw, path, Credential)
        if m is None or not required_keys(Credential) <= set(m):
            return None
        values = self.settings(m, path, Credential)
        name: str = values.pop("name", "")
        if name and not NAME_RE.fullmatch(name):
            self.error(f"{path}.name", f"must match {NAME_RE.pattern}, got {name!r}")
        user = self.secret(m["user"], f"{path}.user", kind="name")
        password = self.secret(m["pass"], f"{path}.pass")
        if user is not None and not VICIDIAL_LOGIN_RE.fullmatch(user[0].reveal()):
            self.error(f"{path}.user", "VICIdial user must be 1-20 characters of [-_0-9A-Za-z]")
        if password is not None and not VICIDIAL_LOGIN_RE.fullmatch(password[0].reveal()):
            self.error(
                f"{path}.pass",
                "VICIdial password must be 1-20 characters of [-_0-9A-Za-z] (VICIdial strips "
                "other characters, so such a password could only fail and lock the account)",
            )
        if password is not None and len(password[0].reveal()) < MIN_VICIDIAL_PASSWORD:
            self.warnings.append(
                f"{path}.pass: shorter than {MIN_VICIDIAL_PASSWORD} characters: easy to guess, "
                "and likely to occur in VICIdial data, where it makes the gateway withhold the "
                "reply (see SECURITY.md)"
            )
        if user is None or password is None:
            return None
        return Credential(name, user[0], password[0], user[1], password[1], **values)

    def apps(
        self, raw: Any, path: str, upstreams: Mapping[str, UpstreamConfig]
    ) -> dict[str, AppConfig]:
        m = self.mapping(raw, path)
        if m is None:
            return {}
        if not m:
            self.error(path, "at least one app is required")
        out: dict[str, AppConfig] = {}
        for name, body in m.items():
            p = join(path, str(name))
            if not NAME_RE.fullmatch(str(name)):
                self.error(p, f"name must match {NAME_RE.pattern}")
            app = self.app(str(name), body, p, upstreams)
            if app is not None:
                out[str(name)] = app
        self.signing.distinct_hmac_secrets()
        return out

    def app(
        self, name: str, raw: Any, path: str, upstreams: Mapping[str, UpstreamConfig]
    ) -> AppConfig | None:
        m = self.section(raw, path, AppConfig)
        if m is None:
            return None
        values = self.settings(m, path, AppConfig)
        upstream: str = values.pop("upstream", "")
        if upstream and upstream not in upstreams:
            known = ", ".join(sorted(upstreams)) or "none"
            self.error(f"{path}.upstream", f"unknown upstream {upstream!r} (known: {known})")
        source: str = values.pop("source", "")
        if "source" in m and not SOURCE_RE.fullmatch(source):
            self.error(f"{path}.source", f"must match {SOURCE_RE.pattern}, got {source!r}")
        elif source.lower() == "queuemetrics":
            self.error(f"{path}.source", "'queuemetrics' bypasses VICIdial permission checks")
        functions = self.function_list(m, f"{path}.functions", CATALOG)
        agent_functions = self.function_list(m, f"{path}.agent_functions", AGENT_CATALOG)
        if "functions" not in m and "agent_functions" not in m:
            self.error(f"{path}.functions", "is required (or agent_functions, or both)")
        agent_users = self.agent_users(m, path, agent_functions)
        keys = self.signing.keys(m.get("keys"), f"{path}.keys") if "keys" in m else ()
        jwks_file = None
        if m.get("jwks_file") is not None:
            jwks_file = self.path(m["jwks_file"])
            self.files.append(jwks_file)
            self.trusted_file(jwks_file, f"{path}.jwks_file", "key file")
            keys += self.signing.jwks(jwks_file, f"{path}.jwks_file")
        elif "keys" not in m:
            self.error(path, "needs keys, a jwks_file, or both")
        params = self.params(m.get("params", {}), f"{path}.params", functions, CATALOG)
        agent_params = self.params(
            m.get("agent_params", {}), f"{path}.agent_params", agent_functions, AGENT_CATALOG
        )
        custom_rules = self.custom_field_rules(m.get("params", {}), f"{path}.params", functions)
        client_cert = None
        if m.get("client_cert") is not None:
            client_cert = self.client_cert_rule(m["client_cert"], f"{path}.client_cert")
        rate_limit = None
        if m.get("rate_limit") is not None:
            rate_limit = self.rate_limit(m["rate_limit"], f"{path}.rate_limit")
        app = AppConfig(
            name,
            keys,
            upstream,
            source,
            frozenset(functions),
            params,
            frozenset(agent_functions),
            agent_params,
            agent_users,
            client_cert=client_cert,
            jwks_file=jwks_file,
            rate_limit=rate_limit,
            custom_fields=custom_rules,
            **values,
        )
        for fn in sorted(app.allow_heavy - app.functions):
            self.error(f"{path}.allow_heavy", f"function {fn!r} is not in this app's functions")
        self.forced_heavy(app, path)
        self.own_fields_in_body(app, path, upstreams.get(upstream))
        return app

    def own_fields_in_body(
        self, app: AppConfig, path: str, upstream: UpstreamConfig | None
    ) -> None:
        """The gateway's own form fields (the source label, each credential's user and
        password) may hold none of the names a function looks for anywhere in the request body
        (``FunctionSpec.body_fields``): VICIdial would read the field as sent and empty it on
        every call. A password is never quoted, not even the word it holds."""
        for fn in sorted(app.agent_functions):
            names = AGENT_CATALOG[fn].body_fields
            for name in names:
                if body_field_in(name, (app.source,)):
                    self.error(
                        f"{path}.source",
                        f"holds {name!r}, which VICIdial's {fn} reads as a lead field sent "
                        "(and empties): choose another source label or leave "
                        f"{fn} out of agent_functions",
                    )
            for i, cred in enumerate(upstream.credentials if upstream is not None else ()):
                where = f"upstreams.{upstream.name if upstream else ''}.credentials[{i}]"
                if any(body_field_in(n, (cred.user.reveal(),)) for n in names):
                    self.error(
                        f"{where}.user",
                        f"holds a lead field name that VICIdial's {fn} (in {path}."
                        "agent_functions) reads as that field sent, and empties",
                    )
                if any(body_field_in(n, (cred.password.reveal(),)) for n in names):
                    self.error(
                        f"{where}.pass",
                        f"holds a lead field name that VICIdial's {fn} (in {path}."
                        "agent_functions) reads as that field sent, and empties: choose "
                        "another password",
                    )

    def rate_limit(self, raw: Any, path: str) -> RateLimit | None:
        m = self.section(raw, path, RateLimit)
        if m is None or "per_second" not in m:
            return None
        values = self.settings(m, path, RateLimit)
        per_second: float = values.get("per_second", 1.0)  # refused: any rate, for the checks
        # Without a burst, the bucket holds one second's worth of calls (at least one).
        burst: int = values.get("burst", max(1, math.ceil(per_second)))
        return RateLimit(per_second, burst)

    def client_cert_rule(self, raw: Any, path: str) -> ClientCertRule | None:
        m = self.section(raw, path, ClientCertRule)
        if m is None:
            return None
        return ClientCertRule(**self.settings(m, path, ClientCertRule))

    # -- parameter rules ------------------------------------------------------------------------

    def function_list(
        self, m: Mapping[str, Any], path: str, catalog: Mapping[str, FunctionSpec]
    ) -> set[str]:
        """``functions`` / ``agent_functions``: a non-empty list of ``catalog``'s names."""
        key = path.rsplit(".", 1)[-1]
        names: set[str] = set()
        raw = m.get(key)
        if key in m and (not isinstance(raw, list) or not raw):
            self.error(path, "must be a non-empty list of function names")
        elif isinstance(raw, list):
            for i, fn in enumerate(raw):
                if not isinstance(fn, str) or fn not in catalog:
                    self.error(f"{path}[{i}]", f"unknown function {fn!r}")
                else:
                    names.add(fn)
        return names

    def agent_users(
        self, m: Mapping[str, Any], path: str, agent_functions: set[str]
    ) -> tuple[str, ...]:
        """``agent_users``: the agents an app with ``agent_functions`` may act on, exact user ids
        or glob patterns ("10*", "*" for every agent); required with ``agent_functions``."""
        raw = m.get("agent_users")
        if "agent_users" not in m:
            if agent_functions:
                self.error(
                    f"{path}.agent_users",
                    'is required with agent_functions (user ids or patterns; "*": every agent)',
                )
            return ()
        if not isinstance(raw, list) or not raw:
            self.error(f"{path}.agent_users", "must be a non-empty list of user ids or patterns")
            return ()
        out: list[str] = []
        for i, item in enumerate(raw):
            if isinstance(item, int) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not AGENT_PATTERN.fullmatch(item):
                self.error(
                    f"{path}.agent_users[{i}]",
                    f"must be a user id or a pattern of {AGENT_PATTERN.pattern}, got {item!r}",
                )
                continue
            out.append(item)
        if not agent_functions:
            self.error(f"{path}.agent_users", "is set but the app has no agent_functions")
        return tuple(out)

    def params(
        self,
        raw: Any,
        path: str,
        functions: set[str],
        catalog: Mapping[str, FunctionSpec],
    ) -> Mapping[str, Mapping[str, ParamRule]]:
        m = self.mapping(raw, path)
        out: dict[str, Mapping[str, ParamRule]] = {}
        if m is None:
            return MappingProxyType(out)
        list_key = "agent_functions" if catalog is AGENT_CATALOG else "functions"
        for fn, rules in m.items():
            p = join(path, str(fn))
            if fn not in functions:
                self.error(p, f"function {fn!r} is not in this app's {list_key}")
                continue
            spec = catalog[fn]
            rm = self.mapping(rules, p)
            if rm is None:
                continue
            fn_rules: dict[str, ParamRule] = {}
            for pname, rule in rm.items():
                pp = join(p, str(pname))
                if pname == "custom_fields" and fn in CUSTOM_FIELD_FUNCTIONS:
                    continue  # see custom_field_rules
                if pname in RESERVED_PARAMS or pname in spec.gateway_params:
                    self.error(pp, "is set by the gateway and cannot have rules")
                    continue
                param = spec.param(str(pname))
                if param is None:
                    self.error(pp, f"{fn} has no parameter {pname!r}")
                    continue
                built = self.param_rule(rule, pp, param)
                if built is not None:
                    fn_rules[str(pname)] = built
            out[str(fn)] = MappingProxyType(fn_rules)
        return MappingProxyType(out)

    def param_rule(self, rule: Any, pp: str, param: Param) -> ParamRule | None:
        """``{allow: [...], force: value}``, each value checked as ``param``."""
        r = self.section(rule, pp, ParamRule)
        if r is None:
            return None
        allow = None
        if "allow" in r:
            if (
                not isinstance(r["allow"], list)
                or not r["allow"]
                or not all(_is_scalar(x) for x in r["allow"])
            ):
                self.error(f"{pp}.allow", "must be a non-empty list of values")
            else:
                allow = tuple(canonical(param, str(x)) for x in r["allow"])
                self.rule_values(param, allow, f"{pp}.allow")
        force = None
        if "force" in r:
            if not _is_scalar(r["force"]):
                self.error(f"{pp}.force", "must be a single value")
            else:
                force = canonical(param, str(r["force"]))
                self.rule_values(param, (force,), f"{pp}.force")
        if allow is not None and force is not None and force not in allow:
            self.error(pp, f"force value {force!r} is not in allow")
        return ParamRule(allow, force)

    def custom_field_rules(
        self, raw: Any, path: str, functions: set[str]
    ) -> Mapping[str, Mapping[str, ParamRule]]:
        """``params.<add_lead|update_lead>.custom_fields.<label>: {allow, force}``: values are
        checked as the custom field's value (:func:`gateway.custom_fields.custom_param`)."""
        out: dict[str, Mapping[str, ParamRule]] = {}
        if not isinstance(raw, dict):
            return MappingProxyType(out)  # reported by params()
        for fn in sorted(CUSTOM_FIELD_FUNCTIONS & functions):
            rules = raw.get(fn)
            if not isinstance(rules, dict) or "custom_fields" not in rules:
                continue
            p = join(path, f"{fn}.custom_fields")
            labels = self.mapping(rules["custom_fields"], p)
            if labels is None:
                continue
            fn_rules: dict[str, ParamRule] = {}
            for label, rule in labels.items():
                lp = join(p, str(label))
                if not isinstance(label, str) or not CUSTOM_LABEL_RE.fullmatch(label):
                    self.error(lp, "a custom field label is 1-50 of [A-Za-z0-9_]")
                    continue
                if label in RESERVED_PARAMS or label == "custom_fields":
                    self.error(lp, "is a form field the gateway sends; no custom field label")
                    continue
                built = self.param_rule(rule, lp, custom_param(label))
                if built is not None:
                    fn_rules[label] = built
            out[fn] = MappingProxyType(fn_rules)
        return MappingProxyType(out)

    def rule_values(self, param: Param, values: tuple[str, ...], path: str) -> None:
        """``allow``/``force`` values pass the very check a caller's value passes: a forced
        value is sent as it stands, so the config is the only place it can be checked. They are
        kept in the spelling the gateway sends (``policy.canonical``), like a caller's value."""
        for value in values:
            try:
                check_value(param, value)
            except GatewayError as exc:
                self.error(path, exc.message)
                return

    def forced_heavy(self, app: AppConfig, path: str) -> None:
        """A forced heavy option would skip the ``allow_heavy`` check a caller's value gets."""
        for fn, rules in app.params.items():
            if fn in app.allow_heavy:
                continue
            for pname, rule in rules.items():
                param = CATALOG[fn].param(pname)
                if rule.force is not None and param is not None and rule.force in param.heavy:
                    self.error(
                        f"{path}.params.{fn}.{pname}.force",
                        f"{rule.force} is a heavy option; list {fn} in {path}.allow_heavy "
                        "to force it",
                    )


def _is_scalar(raw: Any) -> bool:
    return isinstance(raw, str | int | float) and not isinstance(raw, bool)
