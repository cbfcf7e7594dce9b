"""Simulated telephony administration: add_group_alias, add_phone, update_phone, add_phone_alias,
update_phone_alias, server_refresh and blind_monitor, on ``state.useradmin``'s tables.

Quirks of the PHP kept on purpose: update_phone never prints ``NO UPDATES DEFINED`` (its update
text always holds a few spaces, so it always "updates"), its LOGIN ALREADY EXISTS check only counts
phones on *other* servers, and its ring-timeout error echoes outbound_alt_cid; an add_phone or
update_phone flags its server for a conf rebuild, which server_refresh then counts; blind_monitor
builds the dial string from the server IP and the monitor prefix of the server's conference engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.catalog.users import PROTOCOLS, TIMEZONES

from ..data_users import GroupAlias, Originate, Phone, PhoneAlias
from .base import Ctx, FunctionImpl, Handler, Out, render
from .users_common import in_view, manager_may, out_of_range, rebuild_conf, refuse

BLANK = "--BLANK--"
_YN_I = re.compile(r"[YN]", re.IGNORECASE)
_WEBPHONE_I = re.compile(r"Y|N|Y_API_LAUNCH", re.IGNORECASE)


def _user(ctx: Ctx) -> dict[str, object]:
    return {"user": ctx.user_name}


# --- add_group_alias ------------------------------------------------------------------------


def add_group_alias(ctx: Ctx, out: Out) -> None:
    fn = "add_group_alias"
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO ADD GROUP ALIASES")
        return
    number = ctx.p("caller_id_number")
    alias_id, name = ctx.p("group_alias_id"), ctx.p("group_alias_name")
    values = _user(ctx) | {
        "group_alias_id": alias_id,
        "group_alias_name": name,
        "caller_id_number": number,
    }
    if len(number) < 6:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    alias_id = alias_id if len(alias_id) >= 2 else number
    name = name if len(name) >= 2 else number
    values |= {"group_alias_id": alias_id, "group_alias_name": name}
    aliases = ctx.state.useradmin.group_aliases
    if alias_id in aliases:
        out.line(render(fn, "GROUP ALIAS ALREADY EXISTS", values))
        return
    aliases[alias_id] = GroupAlias(
        alias_id,
        name,
        number,
        ctx.p("caller_id_name"),
        ctx.p("active") or "Y",
        ctx.p("admin_user_group") or "---ALL---",
    )
    out.line(render(fn, "GROUP ALIAS HAS BEEN ADDED", values))


# --- add_phone ------------------------------------------------------------------------------

_ADD_PHONE_REQUIRED = (
    "extension", "dialplan_number", "voicemail_id", "phone_login", "phone_pass", "server_ip",
    "protocol", "registration_password", "phone_full_name", "local_gmt", "outbound_cid",
)  # fmt: skip


def add_phone(ctx: Ctx, out: Out) -> None:
    fn = "add_phone"
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO ADD PHONES")
        return
    given = {name: ctx.p(name) for name in _ADD_PHONE_REQUIRED}
    values = _user(ctx) | given
    two = ("extension", "dialplan_number")
    short = any(len(v) < (2 if n in two else 1) for n, v in given.items())
    if short or given["protocol"] not in PROTOCOLS:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    data = ctx.state.useradmin
    server_ip, extension, login = given["server_ip"], given["extension"], given["phone_login"]
    if server_ip not in data.servers:
        out.line(render(fn, "SERVER DOES NOT EXIST", values))
        return
    if data.phone(extension, server_ip) is not None:
        out.line(render(fn, "PHONE ALREADY EXISTS ON THIS SERVER", values))
        return
    if data.phone_by_login(login) is not None:
        out.line(render(fn, "PHONE LOGIN ALREADY EXISTS", values))
        return
    if given["local_gmt"] not in TIMEZONES:
        out.line(render(fn, "YOU MUST USE A VALID TIMEZONE", values))
        return
    phone = _new_phone(ctx, given)
    template = _template_option(ctx)
    if template is None:
        values["template_id"] = ctx.p("template_id")
        out.line(render(fn, "TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", values))
        return
    _set_options(ctx, phone, template)
    data.phones.append(phone)
    rebuild_conf(ctx, server_ip)
    out.line(render(fn, "PHONE HAS BEEN ADDED", values))


def _new_phone(ctx: Ctx, given: dict[str, str]) -> Phone:
    return Phone(
        extension=given["extension"],
        server_ip=given["server_ip"],
        dialplan_number=given["dialplan_number"],
        voicemail_id=given["voicemail_id"],
        login=given["phone_login"],
        password=given["phone_pass"],
        protocol=given["protocol"],
        conf_secret=given["registration_password"],
        fullname=given["phone_full_name"],
        local_gmt=given["local_gmt"],
        outbound_cid=given["outbound_cid"],
        phone_context=ctx.p("phone_context") or "default",
        email=ctx.p("email"),
        user_group=ctx.p("admin_user_group") or "---ALL---",
    )


def _template_option(ctx: Ctx) -> str | None:
    """The template option: empty (unchanged), an id, --BLANK--, or None if it does not exist."""
    template_id = ctx.p("template_id")
    if len(template_id) <= 1:
        return ""
    if template_id.upper() == BLANK:
        return BLANK
    return template_id if template_id in ctx.state.useradmin.conf_templates else None


def _set_options(ctx: Ctx, phone: Phone, template: str) -> bool:
    """The Y/N options set only when they have an allowed value; True if any was set."""
    changed = False
    for name, pattern in (
        ("is_webphone", _WEBPHONE_I),
        ("webphone_auto_answer", _YN_I),
        ("use_external_server_ip", _YN_I),
        ("on_hook_agent", _YN_I),
    ):
        value = ctx.p(name)
        if pattern.fullmatch(value):
            setattr(phone, name, value)
            changed = True
    if template:
        phone.template_id = "" if template == BLANK else template
        changed = True
    return changed


# --- update_phone ---------------------------------------------------------------------------

_UPDATE = "update_phone"


def update_phone(ctx: Ctx, out: Out) -> None:
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO UPDATE PHONES")
        return
    extension, server_ip = ctx.p("extension"), ctx.p("server_ip")
    values = _user(ctx) | {"extension": extension, "server_ip": server_ip}
    if len(extension) < 2 or not server_ip:
        out.line(render(_UPDATE, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    data = ctx.state.useradmin
    if server_ip not in data.servers:
        out.line(render(_UPDATE, "SERVER DOES NOT EXIST", values))
        return
    phone = data.phone(extension, server_ip)
    if phone is None or not in_view(ctx, phone.user_group):
        out.line(render(_UPDATE, "PHONE DOES NOT EXIST ON THIS SERVER", values))
        return
    if ctx.p("delete_phone") == "Y":
        _delete_phone(ctx, out, phone)
        return
    changes: dict[str, str] = {}
    error = _phone_changes(ctx, phone, changes)
    if error is not None:
        out.line(error)
        return
    template = _template_option(ctx)
    if template is None:
        values |= {"phone_login": ctx.p("phone_login"), "template_id": ctx.p("template_id")}
        out.line(render(_UPDATE, "TEMPLATE ID DOES NOT EXIST, THIS IS AN OPTIONAL FIELD", values))
        return
    for name, value in changes.items():
        setattr(phone, name, value)
    _set_options(ctx, phone, template)
    # The update text always holds a few spaces: "NO UPDATES DEFINED" is never printed.
    rebuild_conf(ctx, server_ip)
    out.line(render(_UPDATE, "PHONE HAS BEEN UPDATED", values))


def _delete_phone(ctx: Ctx, out: Out, phone: Phone) -> None:
    if not manager_may(ctx, "ast_delete_phones"):
        refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO DELETE PHONES")
        return
    ctx.state.useradmin.phones.remove(phone)
    rebuild_conf(ctx, phone.server_ip)
    values = _user(ctx) | {"extension": phone.extension, "server_ip": phone.server_ip}
    out.line(render(_UPDATE, "PHONE HAS BEEN DELETED", values))


# (parameter, phone attribute, min length, max length, --BLANK-- allowed, reason), PHP order.
_TEXT_RULES: tuple[tuple[str, str, int, int, bool, str], ...] = (
    ("email", "email", 5, 300, True, "YOU MUST USE A VALID EMAIL"),
    ("phone_context", "phone_context", 2, 30, True, "YOU MUST USE A VALID PHONE CONTEXT"),
    ("phone_full_name", "fullname", 2, 30, True, "YOU MUST USE A VALID PHONE NAME"),
    (
        "registration_password", "conf_secret", 2, 30, True,
        "YOU MUST USE A VALID REGISTRATION PASSWORD",
    ),
)  # fmt: skip


def _phone_changes(ctx: Ctx, phone: Phone, changes: dict[str, str]) -> str | None:
    """Validate the optional fields in the PHP's order; the first error line, if any."""
    for check in (_check_timezone, _check_texts, _check_protocol_pass_login, _check_numbers):
        error = check(ctx, phone, changes)
        if error:
            return error
    return None


def _error(ctx: Ctx, reason: str, **values: object) -> str:
    return render(_UPDATE, reason, _user(ctx) | values)


def _check_timezone(ctx: Ctx, phone: Phone, changes: dict[str, str]) -> str | None:
    gmt = ctx.p("local_gmt")
    if gmt and gmt not in TIMEZONES:
        return _error(ctx, "YOU MUST USE A VALID TIMEZONE", local_gmt=gmt)
    if gmt:
        changes["local_gmt"] = gmt
    return None


def _check_texts(ctx: Ctx, phone: Phone, changes: dict[str, str]) -> str | None:
    for param, attr, low, high, blank, reason in _TEXT_RULES:
        value = ctx.p(param)
        if not value:
            continue
        if blank and value == BLANK:
            changes[attr] = ""
        elif not low <= len(value) <= high:
            return _error(ctx, reason, **{param: value})
        else:
            changes[attr] = value
    return None


def _check_protocol_pass_login(ctx: Ctx, phone: Phone, changes: dict[str, str]) -> str | None:
    protocol, phone_pass, login = ctx.p("protocol"), ctx.p("phone_pass"), ctx.p("phone_login")
    if protocol and protocol not in PROTOCOLS:
        return _error(ctx, "YOU MUST USE A VALID PROTOCOL", protocol=protocol)
    if protocol:
        changes["protocol"] = protocol
    if phone_pass and not 2 <= len(phone_pass) <= 30:
        return _error(ctx, "YOU MUST USE A VALID PHONE PASSWORD", phone_pass=phone_pass)
    if phone_pass:
        changes["password"] = phone_pass
    if login:
        # Quirk: "extension != ... and server_ip != ...": same-server phones never count.
        taken = any(
            p.login == login and p.extension != phone.extension and p.server_ip != phone.server_ip
            for p in ctx.state.useradmin.phones
        )
        if taken:
            return _error(ctx, "LOGIN ALREADY EXISTS", phone_login=login)
        changes["login"] = login
    return None


def _check_numbers(ctx: Ctx, phone: Phone, changes: dict[str, str]) -> str | None:
    p = ctx.p
    voicemail, dialplan, active = p("voicemail_id"), p("dialplan_number"), p("active")
    if voicemail and voicemail != BLANK and not 2 <= len(voicemail) <= 30:
        return _error(ctx, "YOU MUST USE A VALID VOICEMAIL NUMBER", voicemail_id=voicemail)
    if voicemail:
        changes["voicemail_id"] = "" if voicemail == BLANK else voicemail
    if dialplan and not 3 <= len(dialplan) <= 30:
        return _error(ctx, "YOU MUST USE A VALID DIALPLAN NUMBER", dialplan_number=dialplan)
    if dialplan:
        changes["dialplan_number"] = dialplan
    if active and active not in ("Y", "N"):
        return _error(ctx, "ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD", active=active)
    if active:
        changes["active"] = active
    return _check_cids(ctx, changes)


def _check_cids(ctx: Ctx, changes: dict[str, str]) -> str | None:
    p = ctx.p
    cid, group, alt_cid = p("outbound_cid"), p("admin_user_group"), p("outbound_alt_cid")
    if cid and not 6 <= len(cid) <= 18:
        reason = "OUTBOUND CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD"
        return _error(ctx, reason, outbound_cid=cid)
    if cid:
        changes["outbound_cid"] = cid
    if group and not 2 <= len(group) <= 20:
        reason = "USER GROUP MUST BE FROM 2 TO 20 CHARACTERS, THIS IS AN OPTIONAL FIELD"
        return _error(ctx, reason, admin_user_group=group)
    if group:
        changes["user_group"] = group
    if alt_cid and alt_cid != BLANK and not 6 <= len(alt_cid) <= 18:
        reason = "OUTBOUND ALT CID MUST BE FROM 6 TO 18 DIGITS, THIS IS AN OPTIONAL FIELD"
        return _error(ctx, reason, outbound_alt_cid=alt_cid)
    if alt_cid:
        changes["outbound_alt_cid"] = "" if alt_cid == BLANK else alt_cid
    return _check_ring_and_vm(ctx, changes)


def _check_ring_and_vm(ctx: Ctx, changes: dict[str, str]) -> str | None:
    timeout, vm = ctx.p("phone_ring_timeout"), ctx.p("delete_vm_after_email")
    if timeout and out_of_range(timeout, 2, 180):
        reason = "PHONE RING TIMEOUT MUST BE FROM 2 TO 180 SECONDS, THIS IS AN OPTIONAL FIELD"
        return _error(ctx, reason, outbound_alt_cid=ctx.p("outbound_alt_cid"))  # sic
    if timeout:
        changes["phone_ring_timeout"] = timeout
    if vm and vm not in ("Y", "N"):
        reason = "DELETE VOICEMAIL AFTER EMAIL MUST BE Y OR N, THIS IS AN OPTIONAL FIELD"
        return _error(ctx, reason, delete_vm_after_email=vm)
    if vm:
        changes["delete_vm_after_email"] = vm
    return None


# --- phone aliases --------------------------------------------------------------------------


def _missing_login(ctx: Ctx, logins: str) -> str | None:
    """The first comma-separated login that is no phone's login."""
    data = ctx.state.useradmin
    return next((login for login in logins.split(",") if data.phone_by_login(login) is None), None)


def add_phone_alias(ctx: Ctx, out: Out) -> None:
    fn = "add_phone_alias"
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO ADD PHONE ALIASES")
        return
    alias_id, logins, name = ctx.p("alias_id"), ctx.p("phone_logins"), ctx.p("alias_name")
    values = _user(ctx) | {"alias_id": alias_id, "alias_name": name, "phone_logins": logins}
    if len(alias_id) < 2 or len(logins) < 2 or not name:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    aliases = ctx.state.useradmin.phone_aliases
    if alias_id in aliases:
        out.line(render(fn, "PHONE ALIAS ALREADY EXISTS", values))
        return
    missing = _missing_login(ctx, logins)
    if missing is not None:
        out.line(render(fn, "PHONE DOES NOT EXIST", values | {"phone_login_checked": missing}))
        return
    aliases[alias_id] = PhoneAlias(alias_id, name, logins)
    out.line(render(fn, "PHONE ALIAS HAS BEEN ADDED", values))


def update_phone_alias(ctx: Ctx, out: Out) -> None:
    fn = "update_phone_alias"
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO UPDATE PHONE ALIASES")
        return
    alias_id, logins, name = ctx.p("alias_id"), ctx.p("phone_logins"), ctx.p("alias_name")
    delete = ctx.p("delete_alias")
    values = _user(ctx) | {"alias_id": alias_id, "alias_name": name, "phone_logins": logins}
    if len(alias_id) < 2 or (len(logins) < 2 and not name and not delete):
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    aliases = ctx.state.useradmin.phone_aliases
    alias = aliases.get(alias_id)
    if alias is None:
        out.line(render(fn, "PHONE ALIAS DOES NOT EXIST", values))
        return
    if delete == "Y":
        if not manager_may(ctx, "ast_delete_phones"):
            refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO DELETE PHONE ALIASES")
            return
        del aliases[alias_id]
        out.line(render(fn, "PHONE ALIAS HAS BEEN DELETED", values))
        return
    if name and not 2 <= len(name) <= 50:
        out.line(render(fn, "YOU MUST USE A VALID ALIAS NAME", values))
        return
    missing = _missing_login(ctx, logins) if len(logins) > 1 else None
    if missing is not None:
        out.line(render(fn, "PHONE DOES NOT EXIST", values | {"phone_login_checked": missing}))
        return
    if not name and len(logins) < 2:
        out.line(render(fn, "NO UPDATES DEFINED", _user(ctx)))
        return
    alias.alias_name = name or alias.alias_name
    alias.logins_list = logins if len(logins) > 1 else alias.logins_list
    out.line(render(fn, "PHONE ALIAS HAS BEEN UPDATED", values))


# --- server_refresh -------------------------------------------------------------------------


def server_refresh(ctx: Ctx, out: Out) -> None:
    fn = "server_refresh"
    if not manager_may(ctx, "ast_admin_access"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO REFRESH SERVERS")
        return
    if "REFRESH" not in ctx.p("stage"):
        # Copy-paste in the PHP: the phone-alias parameters are echoed.
        echoed = {n: ctx.p(n) for n in ("alias_id", "alias_name", "phone_logins")}
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", _user(ctx) | echoed))
        return
    data = ctx.state.useradmin
    data.reload_timestamp = ctx.state.now()
    changed = [s for s in data.servers.values() if s.rebuild_conf_files != "Y"]
    for server in changed:
        server.rebuild_conf_files = "Y"
    values = _user(ctx) | {"affected_rows": len(changed)}
    out.line(render(fn, "SERVER REFRESH HAS BEEN TRIGGERED", values))


# --- blind_monitor --------------------------------------------------------------------------


def _dial_prefix(server_ip: str) -> str:
    """The server IP as four zero-padded groups joined by "*", plus "*" (PHP pads to 3 only
    from lengths 1 and 2, so an empty group becomes "00")."""
    parts = server_ip.split(".")
    groups = []
    for i in range(4):
        part = parts[i] if i < len(parts) else ""
        if len(part) < 2:
            part = "0" + part
        if len(part) < 3:
            part = "0" + part
        groups.append(part)
    return "*".join(groups) + "*"


@dataclass(frozen=True)
class _Mode:
    prefix: str  # dialled between the server groups and the session id
    monitor_type: str  # vicidial_rt_monitor_log.monitor_type
    cid_prefix: str  # of the originate's caller id
    swap: bool  # BARGESWAP: the manager's phone is the channel, the session the extension


def _monitor_mode(stage: str, *, confbridge: bool, whisper: bool) -> _Mode:
    """Substring tests in the PHP's order, each on the value the previous one left."""
    monitor_type, cid_prefix, swap = "LISTEN", "BM", False
    if "MONITOR" in stage or not stage:
        stage = "4" if confbridge else "0"
    if "BARGE" in stage:
        swap = "SWAP" in stage
        stage, monitor_type, cid_prefix = ("6" if confbridge else ""), "BARGE", "BB"
    if "HIJACK" in stage:
        stage, monitor_type, cid_prefix = "", "HIJACK", "BB"
    if "WHISPER" in stage:
        if whisper:
            stage, monitor_type, cid_prefix = "47378218", "WHISPER", "BW"
        else:
            stage = "0"
    return _Mode(stage, monitor_type, cid_prefix, swap)


def blind_monitor(ctx: Ctx, out: Out) -> None:
    fn = "blind_monitor"
    data = ctx.state.useradmin
    queuemetrics = ctx.p("source") == "queuemetrics"
    user = ctx.user
    if not (user.vdc_agent_api_access and user.user_level > 6) and not queuemetrics:
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO BLIND MONITOR")
        return
    session, server_ip, login = ctx.p("session_id"), ctx.p("server_ip"), ctx.p("phone_login")
    values = _user(ctx) | {"session_id": session, "server_ip": server_ip, "phone_login": login}
    server = data.servers.get(server_ip)
    confbridge = server is not None and server.conf_engine == "CONFBRIDGE"
    if (session, server_ip) not in (data.confbridges if confbridge else data.conferences):
        out.line(render(fn, "INVALID SESSION ID", values))
        return
    phone = data.phone_by_login(login)
    if phone is None and not queuemetrics:
        out.line(render(fn, "INVALID PHONE LOGIN", values))
        return
    if phone is None or queuemetrics:
        voicemail = data.active_voicemail_server
        monitor_ip, dialplan, cid = (voicemail if len(voicemail) >= 7 else server_ip), login, ""
    else:
        monitor_ip, dialplan, cid = phone.server_ip, phone.dialplan_number, phone.outbound_cid
    mode = _monitor_mode(ctx.p("stage"), confbridge=confbridge, whisper=data.agent_whisper_enabled)
    dialstring = f"{_dial_prefix(server_ip)}{mode.prefix}{session}"
    agent = next((a for a in ctx.state.live_agents.values() if a.conf_exten == session), None)
    callerid = f"{mode.cid_prefix}{int(ctx.state.now())}{ctx.user_name.rjust(8, '0')[:8]}"
    channel, exten = f"Local/{dialstring}@default", dialplan
    if mode.swap:
        channel, exten = f"Local/{dialplan}@default", dialstring
    row = data.originate(
        Originate(0, monitor_ip, callerid, channel, exten, cid, mode.monitor_type,
                  agent.user if agent else "")
    )  # fmt: skip
    values |= {"dialstring": dialstring, "dialplan_number": dialplan, "manager_id": row.man_id}
    out.line(render(fn, "HAS BEEN LAUNCHED", values))


def _impl(name: str, run: Handler, message: str) -> FunctionImpl:
    return FunctionImpl(name, run, permitted=lambda _u: True, permission_message=message)


IMPLS: tuple[FunctionImpl, ...] = (
    _impl("add_group_alias", add_group_alias, "USER DOES NOT HAVE PERMISSION TO ADD GROUP ALIASES"),
    _impl("add_phone", add_phone, "USER DOES NOT HAVE PERMISSION TO ADD PHONES"),
    _impl("update_phone", update_phone, "USER DOES NOT HAVE PERMISSION TO UPDATE PHONES"),
    _impl("add_phone_alias", add_phone_alias, "USER DOES NOT HAVE PERMISSION TO ADD PHONE ALIASES"),
    _impl(
        "update_phone_alias",
        update_phone_alias,
        "USER DOES NOT HAVE PERMISSION TO UPDATE PHONE ALIASES",
    ),
    _impl("server_refresh", server_refresh, "USER DOES NOT HAVE PERMISSION TO REFRESH SERVERS"),
    _impl("blind_monitor", blind_monitor, "USER DOES NOT HAVE PERMISSION TO BLIND MONITOR"),
)
