"""Simulated users functions: add_user, copy_user, update_user, update_remote_agent.

They act on the shared ``state.users`` (SimUser: password, level, group, active, lockout counter)
and on ``state.useradmin`` for the other ``vicidial_users`` columns, so a password set or a lockout
reset here is what the next login sees. Check order, level rules and reply lines are the PHP's.
The phone, alias, server and monitor functions are in :mod:`.users_phones`, the DNC and filter
phone group numbers in :mod:`.users_numbers`; their IMPLS are collected here.
"""

from __future__ import annotations

import dataclasses
import re
import secrets

from ..data_users import MailSent, RankRow, UserDetails
from ..model import ALL_FUNCTIONS, SimUser
from . import users_numbers, users_phones
from .base import Ctx, FunctionImpl, Out, render
from .users_common import (
    autogenerate_user,
    details,
    group_exists_in_view,
    in_view,
    level_allows,
    level_op,
    manager_may,
    out_of_range,
    php_cmp,
    refuse,
)

BLANK = "--BLANK--"
# What PHP's FILTER_VALIDATE_EMAIL accepts, near enough for the characters the filter keeps.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TEMP_PASS_CHARS = "0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"  # no O


def _level_denied(api_level: int, same_level: bool, level: int | None) -> bool:
    """add_user/copy_user: a level-8 user only below 8; level 9 equal only with same_level."""
    if level is None:  # PHP compares with NULL: never denied
        return False
    return (api_level < 9 and api_level <= level) or (
        not same_level and api_level >= 9 and api_level == level
    )


# --- add_user -------------------------------------------------------------------------------


def add_user(ctx: Ctx, out: Out) -> None:
    fn = "add_user"
    if not manager_may(ctx, "modify_users"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO ADD USERS")
        return
    names = ("agent_user", "agent_pass", "agent_user_level", "agent_full_name", "agent_user_group")
    values: dict[str, object] = {"user": ctx.user_name, **{n: ctx.p(n) for n in names}}
    agent_user, agent_pass, level, full_name, group = (ctx.p(n) for n in names)
    if len(agent_user) < 2 or len(agent_pass) < 2 or not level or not full_name or not group:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    api_level = ctx.user.user_level
    if _level_denied(api_level, details(ctx).modify_same_user_level, int(level)):
        values["api_user_level"] = api_level
        out.line(
            render(fn, "USER DOES NOT HAVE PERMISSION TO ADD USERS IN THIS USER LEVEL", values)
        )
        return
    if not group_exists_in_view(ctx, group):
        out.line(render(fn, "USER GROUP DOES NOT EXIST", values))
        return
    if agent_user in ctx.state.users:
        out.line(render(fn, "USER ALREADY EXISTS", values))
        return
    if "AUTOGENERA" in agent_user:
        agent_user = values["agent_user"] = autogenerate_user(ctx)
    ctx.state.users[agent_user] = _new_user(agent_user, agent_pass, full_name, int(level), group)
    ctx.state.useradmin.details[agent_user] = _new_details(ctx)
    if ctx.state.useradmin.pass_hash_enabled:
        values["agent_pass"] = ""  # the clear password is not stored, nor echoed
    out.line(render(fn, "USER HAS BEEN ADDED", values))


def _new_user(user: str, password: str, full_name: str, level: int, group: str) -> SimUser:
    """A vicidial_users row with the column defaults (no API access, no admin flags)."""
    return SimUser(
        user=user,
        password=password,
        full_name=full_name,
        user_level=level,
        user_group=group,
        api_allowed_functions=ALL_FUNCTIONS,
        vdc_agent_api_access=False,
        view_reports=False,
        modify_leads=0,
        modify_lists=False,
    )


def _new_details(ctx: Ctx) -> UserDetails:
    in_groups = ctx.p("in_groups")
    return UserDetails(
        phone_login=ctx.p("phone_login"),
        phone_pass=ctx.p("phone_pass"),
        voicemail_id=ctx.p("voicemail_id"),
        email=ctx.p("email"),
        custom=[ctx.p(f"custom_{n}") for n in ("one", "two", "three", "four", "five")],
        hotkeys_active=ctx.p("hotkeys_active") or "0",
        wrapup_seconds_override=ctx.p("wrapup_seconds_override") or "-1",
        agent_choose_ingroups=ctx.p("agent_choose_ingroups") or "1",
        agent_choose_blended=ctx.p("agent_choose_blended") or "1",
        closer_default_blended=ctx.p("closer_default_blended") or "0",
        closer_campaigns=f" {in_groups.replace('|', ' ')} -" if in_groups else "",
        modify_same_user_level=True,
    )


# --- copy_user ------------------------------------------------------------------------------


def copy_user(ctx: Ctx, out: Out) -> None:
    fn = "copy_user"
    if not manager_may(ctx, "modify_users"):
        refuse(ctx, out, fn, "USER DOES NOT HAVE PERMISSION TO COPY USERS")
        return
    names = ("agent_user", "agent_pass", "agent_full_name", "source_user")
    values: dict[str, object] = {"user": ctx.user_name, **{n: ctx.p(n) for n in names}}
    agent_user, agent_pass, full_name, source_user = (ctx.p(n) for n in names)
    if len(agent_user) < 2 or len(agent_pass) < 2 or not source_user or not full_name:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    source = ctx.state.users.get(source_user)
    api_level = ctx.user.user_level
    source_level = source.user_level if source else None
    if _level_denied(api_level, details(ctx).modify_same_user_level, source_level):
        values |= {"source_user_level": source_level, "api_user_level": api_level}
        message = "USER DOES NOT HAVE PERMISSION TO COPY USERS IN THIS USER LEVEL"
        out.line(render(fn, message, values))
        return
    values["source_user_group"] = source.user_group if source else ""
    if source is None or not group_exists_in_view(ctx, source.user_group):
        out.line(render(fn, "USER GROUP DOES NOT EXIST", values))
        return
    if agent_user in ctx.state.users:
        out.line(render(fn, "USER ALREADY EXISTS", values))
        return
    if "AUTOGENERA" in agent_user:
        agent_user = values["agent_user"] = autogenerate_user(ctx)
    _copy(ctx, source, agent_user, agent_pass, full_name)
    if ctx.state.useradmin.pass_hash_enabled:
        values["agent_pass"] = ""
    out.line(render(fn, "USER HAS BEEN COPIED", values))


def _copy(ctx: Ctx, source: SimUser, user: str, password: str, full_name: str) -> None:
    """Every column of the source user (permissions included), and its rank rows."""
    data = ctx.state.useradmin
    ctx.state.users[user] = dataclasses.replace(
        source,
        user=user,
        password=password,
        full_name=full_name,
        failed_login_count=0,
        last_login_date=None,
    )
    row = details(ctx, source)
    data.details[user] = dataclasses.replace(row, custom=list(row.custom))
    for table in (data.campaign_agents, data.ingroup_agents):
        for (owner, key), rank in list(table.items()):
            if owner == source.user:
                table[(user, key)] = dataclasses.replace(rank)


# --- update_user ----------------------------------------------------------------------------

_UPDATE = "update_user"


def update_user(ctx: Ctx, out: Out) -> None:
    if not manager_may(ctx, "modify_users"):
        refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO UPDATE USERS")
        return
    agent_user = ctx.p("agent_user")
    values: dict[str, object] = {"user": ctx.user_name, "agent_user": agent_user}
    if not 2 <= len(agent_user) <= 20:
        out.line(render(_UPDATE, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    target = ctx.state.users.get(agent_user)
    if target is None:
        values["server_ip"] = ctx.p("server_ip")  # sic: VICIdial prints server_ip
        out.line(render(_UPDATE, "USER DOES NOT EXIST", values))
        return
    if not level_allows(ctx, target.user_level) or not in_view(ctx, target.user_group):
        values |= {"op": level_op(ctx), "api_user_level": ctx.user.user_level}
        # The data ends with "\n" and echo adds another: an empty line follows.
        out.line(render(_UPDATE, "USER DOES NOT HAVE PERMISSION TO UPDATE THIS USER", values))
        out.line("")
        return
    if ctx.p("delete_user") == "Y":
        _delete_user(ctx, out, target)
        return
    changes: dict[str, str] = {}
    error = _validate_fields(ctx, target, changes)
    error = error or _ranks(ctx, out, target, campaign=True)
    error = error or _ranks(ctx, out, target, campaign=False)
    if error:
        out.line(error)
        return
    _reset_password(ctx, out, target)
    if not changes:
        out.line(render(_UPDATE, "NO UPDATES DEFINED", {"user": ctx.user_name}))
        return
    _apply_user_changes(ctx, target, changes)
    out.line(render(_UPDATE, "USER HAS BEEN UPDATED", values))


def _delete_user(ctx: Ctx, out: Out, target: SimUser) -> None:
    if not manager_may(ctx, "modify_users", "delete_users"):
        refuse(ctx, out, _UPDATE, "USER DOES NOT HAVE PERMISSION TO DELETE USERS")
        return
    del ctx.state.users[target.user]
    ctx.state.useradmin.details.pop(target.user, None)
    values = {"user": ctx.user_name, "agent_user": target.user}
    out.line(render(_UPDATE, "USER HAS BEEN DELETED", values))


def _optional_error(ctx: Ctx, reason: str, **values: object) -> str:
    message = f"{reason}, THIS IS AN OPTIONAL FIELD"
    return render(_UPDATE, message, {"user": ctx.user_name, **values})


def _validate_fields(ctx: Ctx, target: SimUser, changes: dict[str, str]) -> str | None:
    """Check the plain fields in the PHP's order; fill ``changes``; the first error line."""
    if ctx.p("agent_pass"):
        changes["password"] = ctx.p("agent_pass")
    checks = (
        _check_full_name, _check_level, _check_group, _check_phone_login, _check_phone_pass,
        _check_hotkeys, _check_voicemail, _check_email, _check_customs, _check_active,
        _check_wrapup,
    )  # fmt: skip
    for check in checks:
        error = check(ctx, changes)
        if error:
            return error
    return None


def _blank_or(value: str, ok: bool) -> str | None:
    """--BLANK-- empties the field; else the value if it is valid, None if it is not."""
    if value == BLANK:
        return ""
    return value if ok else None


def _check_full_name(ctx: Ctx, changes: dict[str, str]) -> str | None:
    name = ctx.p("agent_full_name")
    if not name:
        return None
    new = _blank_or(name, len(name) <= 50)
    if new is None:
        return _optional_error(ctx, "YOU MUST USE A VALID FULL NAME", agent_full_name=name)
    changes["full_name"] = new
    return None


def _check_level(ctx: Ctx, changes: dict[str, str]) -> str | None:
    level = ctx.p("agent_user_level")
    if not level:
        return None
    api_level = ctx.user.user_level
    same = details(ctx).modify_same_user_level
    if (
        out_of_range(level, 1, 9)
        or php_cmp(level, api_level) > 0
        or (php_cmp(level, api_level) == 0 and not same)
    ):
        return _optional_error(
            ctx,
            "YOU MUST USE A VALID USER LEVEL",
            agent_user_level=level,
            api_user_level=api_level,
            api_modify_same_user_level=int(same),
        )
    changes["user_level"] = level
    return None


def _check_group(ctx: Ctx, changes: dict[str, str]) -> str | None:
    group = ctx.p("agent_user_group")
    if not group:
        return None
    valid = int(group_exists_in_view(ctx, group))
    if len(group) > 20 or not valid:
        return _optional_error(
            ctx, "YOU MUST USE A VALID USER GROUP", agent_user_group=group, valid_user_group=valid
        )
    changes["user_group"] = group
    return None


def _check_phone_login(ctx: Ctx, changes: dict[str, str]) -> str | None:
    login = ctx.p("phone_login")
    if not login:
        return None
    data = ctx.state.useradmin
    phones = sum(1 for p in data.phones if p.login == login)
    aliases = int(login in data.phone_aliases)
    new = _blank_or(login, len(login) <= 20 and (phones > 0 or aliases > 0))
    if new is None:
        return _optional_error(
            ctx,
            "YOU MUST USE A VALID PHONE LOGIN",
            phone_login=login,
            valid_phone_login=phones,
            valid_phone_alias=aliases,
        )
    changes["phone_login"] = new
    return None


def _check_phone_pass(ctx: Ctx, changes: dict[str, str]) -> str | None:
    phone_pass = ctx.p("phone_pass")
    if not phone_pass:
        return None
    new = _blank_or(phone_pass, len(phone_pass) <= 20)
    if new is None:
        return _optional_error(ctx, "YOU MUST USE A VALID PHONE PASSWORD", phone_pass=phone_pass)
    changes["phone_pass"] = new
    return None


def _check_hotkeys(ctx: Ctx, changes: dict[str, str]) -> str | None:
    hotkeys = ctx.p("hotkeys_active")
    if not hotkeys:
        return None
    if out_of_range(hotkeys, 0, 1):
        return _optional_error(ctx, "YOU MUST USE A VALID HOTKEYS SETTING", hotkeys_active=hotkeys)
    changes["hotkeys_active"] = hotkeys
    return None


def _check_voicemail(ctx: Ctx, changes: dict[str, str]) -> str | None:
    voicemail = ctx.p("voicemail_id")
    if not voicemail:
        return None
    new = _blank_or(voicemail, 2 <= len(voicemail) <= 10)
    if new is None:
        return _optional_error(ctx, "YOU MUST USE A VALID VOICEMAIL ID", voicemail_id=voicemail)
    changes["voicemail_id"] = new
    return None


def _check_email(ctx: Ctx, changes: dict[str, str]) -> str | None:
    email = ctx.p("email")
    if not email:
        return None
    new = _blank_or(email, 5 <= len(email) <= 100)
    if new is None:
        return _optional_error(ctx, "YOU MUST USE A VALID EMAIL", email=email)
    changes["email"] = new
    return None


_CUSTOMS = ("one", "two", "three", "four", "five")


def _check_customs(ctx: Ctx, changes: dict[str, str]) -> str | None:
    for word in _CUSTOMS:
        name = f"custom_{word}"
        value = ctx.p(name)
        if not value:
            continue
        new = _blank_or(value, len(value) <= 100)
        if new is None:
            return _optional_error(
                ctx, f"YOU MUST USE A VALID CUSTOM {word.upper()}", **{name: value}
            )
        changes[name] = new
    return None


def _check_active(ctx: Ctx, changes: dict[str, str]) -> str | None:
    active = ctx.p("active")
    if not active:
        return None
    if active not in ("Y", "N"):
        return _optional_error(ctx, "ACTIVE MUST BE Y OR N", active=active)
    changes["active"] = active
    return None


def _check_wrapup(ctx: Ctx, changes: dict[str, str]) -> str | None:
    wrapup = ctx.p("wrapup_seconds_override")
    if not wrapup:
        return None
    if out_of_range(wrapup, -1, 9999):
        reason = "wrapup_seconds_override MUST BE A VALID DIGIT BETWEEN -1 AND 9999"
        return _optional_error(ctx, reason, wrapup_seconds_override=wrapup)
    changes["wrapup_seconds_override"] = wrapup
    return None


def _ranks(ctx: Ctx, out: Out, target: SimUser, *, campaign: bool) -> str | None:
    """Campaign or in-group rank/grade: validate, upsert the rank rows, print the NOTICE."""
    kind = "campaign" if campaign else "ingroup"
    label = "CAMPAIGN" if campaign else "IN-GROUP"
    rank, grade = ctx.p(f"{kind}_rank"), ctx.p(f"{kind}_grade")
    if not rank and not grade:
        return None
    if rank and out_of_range(rank, -9, 9):
        return _optional_error(ctx, f"YOU MUST USE A VALID {label} RANK", **{f"{kind}_rank": rank})
    if grade and out_of_range(grade, 1, 10):
        reason = f"YOU MUST USE A VALID {label} GRADE"
        return _optional_error(ctx, reason, **{f"{kind}_grade": grade})
    only_param, key_param = (
        ("camp_rg_only", "campaign_id") if campaign else ("ingrp_rg_only", "group_id")
    )
    only = ctx.p(only_param) == "1"
    data = ctx.state.useradmin
    keys = list(ctx.state.campaigns) if campaign else list(data.inbound_groups)
    if only:
        keys = [k for k in keys if k == ctx.p(key_param)]
    table = data.campaign_agents if campaign else data.ingroup_agents
    for key in keys:
        row = table.setdefault((target.user, key), RankRow())
        if rank:
            row.rank = row.weight = rank
        if grade:
            row.grade = grade
    values: dict[str, object] = {
        "user": ctx.user_name,
        "agent_user": target.user,
        f"{kind}_rank": rank,
        f"{kind}_grade": grade,
        key_param: ctx.p(key_param),
        only_param: ctx.p(only_param),
    }
    message = f"USER {label} RANKS/GRADES HAVE BEEN UPDATED"
    out.line(render(_UPDATE, message, values, result="NOTICE", fields=6 if only else 4))
    return None


def _reset_password(ctx: Ctx, out: Out, target: SimUser) -> None:
    """reset_password >= 8: a random password of that length, emailed; force a change."""
    length = ctx.p("reset_password")
    if not length or php_cmp(length, 7) <= 0:
        return
    row = details(ctx, target)
    email = ctx.p("email") if len(ctx.p("email")) >= 5 else row.email
    values = {"user": ctx.user_name, "agent_user": target.user, "email": email}
    if not _EMAIL.fullmatch(email):
        out.line(render(_UPDATE, "USER PASSWORD RESET FAILED: NO VALID EMAIL PROVIDED", values))
        return
    temp = "".join(secrets.choice(_TEMP_PASS_CHARS) for _ in range(int(length)))
    message = f"Here is your new temporary password: {temp}"
    ctx.state.useradmin.mail.append(MailSent(email, "User Account Reset", message))
    target.password = temp
    row.force_change_password = "Y"
    out.line(render(_UPDATE, "USER PASSWORD HAS BEEN RESET", values))


def _apply_user_changes(ctx: Ctx, target: SimUser, changes: dict[str, str]) -> None:
    """``UPDATE vicidial_users SET failed_login_count='0', ...``: also unlocks the user."""
    row = details(ctx, target)
    target.failed_login_count = 0
    for name, value in changes.items():
        if name == "password":
            target.password = value
        elif name == "full_name":
            target.full_name = value
        elif name == "user_level":
            target.user_level = int(value)
        elif name == "user_group":
            target.user_group = value
        elif name == "active":
            target.active = value == "Y"
        elif name.startswith("custom_"):
            row.custom[_CUSTOMS.index(name.removeprefix("custom_"))] = value
        else:
            setattr(row, name, value)


# --- update_remote_agent --------------------------------------------------------------------

_REMOTE = "update_remote_agent"


def update_remote_agent(ctx: Ctx, out: Out) -> None:
    if not manager_may(ctx, "modify_remoteagents"):
        refuse(ctx, out, _REMOTE, "USER DOES NOT HAVE PERMISSION TO UPDATE REMOTE AGENTS")
        return
    agent_user = ctx.p("agent_user")
    values: dict[str, object] = {"user": ctx.user_name, "agent_user": agent_user}
    if not 2 <= len(agent_user) <= 20:
        out.line(render(_REMOTE, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    rows = ctx.state.useradmin.remote_agents_of(agent_user)
    if not rows:
        values["server_ip"] = ctx.p("server_ip")  # sic
        out.line(render(_REMOTE, "REMOTE AGENT DOES NOT EXIST", values))
        return
    agent = ctx.state.users.get(agent_user)
    if (
        agent is None
        or not level_allows(ctx, agent.user_level)
        or not in_view(ctx, agent.user_group)
    ):
        values |= {"op": level_op(ctx), "api_user_level": ctx.user.user_level}
        out.line(
            render(_REMOTE, "USER DOES NOT HAVE PERMISSION TO UPDATE THIS REMOTE AGENT", values)
        )
        out.line("")
        return
    changes: dict[str, str] = {}
    error = _remote_changes(ctx, out, agent_user, changes)
    if error:
        out.line(error)
        return
    if not changes:
        out.line(render(_REMOTE, "NO UPDATES DEFINED", {"user": ctx.user_name}))
        return
    for row in rows:
        for name, value in changes.items():
            setattr(row, name, value)
    out.line(render(_REMOTE, "REMOTE AGENT HAS BEEN UPDATED", values))


def _remote_changes(ctx: Ctx, out: Out, agent_user: str, changes: dict[str, str]) -> str | None:
    user = {"user": ctx.user_name}
    lines = ctx.p("number_of_lines")
    if lines:
        if out_of_range(lines, 1, 999):
            reason = "YOU MUST USE A VALID NUMBER OF LINES, THIS IS AN OPTIONAL FIELD"
            return render(_REMOTE, reason, user | {"number_of_lines": lines})
        changes["number_of_lines"] = lines
    campaign_id = ctx.p("campaign_id")
    if campaign_id:
        allowed = ctx.state.user_group_of(ctx.user).campaign_filter()
        valid = campaign_id in ctx.state.campaigns and (allowed is None or campaign_id in allowed)
        if len(campaign_id) > 8 or not valid:
            reason = "YOU MUST USE A VALID CAMPAIGN ID, THIS IS AN OPTIONAL FIELD"
            return render(_REMOTE, reason, user | {"campaign_id": campaign_id, "valid_campaign": 0})
        changes["campaign_id"] = campaign_id
    status = ctx.p("status")
    if status:
        if "ACTIVE" not in status:  # preg_match("/ACTIVE|INACTIVE/"): INACTIVE contains ACTIVE
            reason = "STATUS MUST BE ACTIVE OR INACTIVE, THIS IS AN OPTIONAL FIELD"
            return render(_REMOTE, reason, user | {"status": status})
        rows = ctx.state.useradmin.remote_agents_of(agent_user)
        if any(row.status == status for row in rows):
            notice = user | {"status": status, "agent_user": agent_user}
            out.line(render(_REMOTE, "REMOTE AGENT IS ALREADY", notice))
        else:
            changes["status"] = status
    return None


IMPLS: tuple[FunctionImpl, ...] = (
    *(
        FunctionImpl(name, run, permitted=lambda _u: True, permission_message=message)
        for name, run, message in (
            ("add_user", add_user, "USER DOES NOT HAVE PERMISSION TO ADD USERS"),
            ("copy_user", copy_user, "USER DOES NOT HAVE PERMISSION TO COPY USERS"),
            ("update_user", update_user, "USER DOES NOT HAVE PERMISSION TO UPDATE USERS"),
            (
                "update_remote_agent",
                update_remote_agent,
                "USER DOES NOT HAVE PERMISSION TO UPDATE REMOTE AGENTS",
            ),
        )
    ),
    *users_phones.IMPLS,
    *users_numbers.IMPLS,
)
