"""Simulated number lists: add_dnc_phone, delete_dnc_phone, add_fpg_phone, delete_fpg_phone.

The DNC functions act on the shared tables add_lead's DNC checks read: ``state.dnc`` (campaign_id
``SYSTEM_INTERNAL``) and ``state.campaign_dnc`` (any other campaign id, existing or not: VICIdial
does not check it). Filter phone groups live in ``state.useradmin`` (VICIdial's add_lead never
reads them; only inbound DID filtering does). None of them needs vdc_agent_api_access.
"""

from __future__ import annotations

from ..data_users import SYSTEM_DNC
from .base import Ctx, FunctionImpl, Handler, Out, render
from .users_common import manager_may, refuse


def _numbers(ctx: Ctx, campaign_id: str) -> set[str]:
    """The DNC list a campaign_id names (created empty for a new campaign id)."""
    if campaign_id == SYSTEM_DNC:
        return ctx.state.dnc
    return ctx.state.campaign_dnc.setdefault(campaign_id, set())


def _dnc(ctx: Ctx, out: Out, fn: str, *, add: bool) -> None:
    flags = ("modify_lists",) if add else ("modify_lists", "delete_from_dnc")
    if not manager_may(ctx, *flags, agent_api=False):
        verb = "ADD" if add else "DELETE"
        refuse(ctx, out, fn, f"USER DOES NOT HAVE PERMISSION TO {verb} DNC NUMBERS")
        return
    phone, campaign_id = ctx.p("phone_number"), ctx.p("campaign_id")
    values = {"user": ctx.user_name, "phone_number": phone, "campaign_id": campaign_id}
    if len(phone) < 6 or not campaign_id:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    state = ctx.state
    listed = phone in (
        state.dnc if campaign_id == SYSTEM_DNC else state.campaign_dnc.get(campaign_id, set())
    )
    if add and listed:
        out.line(render(fn, "DNC NUMBER ALREADY EXISTS", values))
    elif not add and not listed:
        out.line(render(fn, "DNC NUMBER DOES NOT EXIST", values))
    elif add:
        _numbers(ctx, campaign_id).add(phone)
        out.line(render(fn, "DNC NUMBER HAS BEEN ADDED", values))
    else:
        _numbers(ctx, campaign_id).discard(phone)
        out.line(render(fn, "DNC NUMBER HAS BEEN DELETED", values))


def add_dnc_phone(ctx: Ctx, out: Out) -> None:
    _dnc(ctx, out, "add_dnc_phone", add=True)


def delete_dnc_phone(ctx: Ctx, out: Out) -> None:
    _dnc(ctx, out, "delete_dnc_phone", add=False)


def _fpg(ctx: Ctx, out: Out, fn: str, *, add: bool) -> None:
    if not manager_may(ctx, "modify_lists", agent_api=False):
        verb = "ADD" if add else "DELETE"
        refuse(ctx, out, fn, f"USER DOES NOT HAVE PERMISSION TO {verb} FILTER PHONE GROUP NUMBERS")
        return
    phone, group = ctx.p("phone_number"), ctx.p("group")
    values = {"user": ctx.user_name, "phone_number": phone, "group": group}
    if len(phone) < 6 or not group:
        out.line(render(fn, "YOU MUST USE ALL REQUIRED FIELDS", values))
        return
    numbers = ctx.state.useradmin.filter_phone_groups.get(group)
    if numbers is None:
        out.line(render(fn, "FILTER PHONE GROUP DOES NOT EXIST", values))
    elif add and phone in numbers:
        out.line(render(fn, "FILTER PHONE GROUP NUMBER ALREADY EXISTS", values))
    elif not add and phone not in numbers:
        out.line(render(fn, "FILTER PHONE GROUP NUMBER DOES NOT EXIST", values))
    elif add:
        numbers.add(phone)
        out.line(render(fn, "FILTER PHONE GROUP NUMBER HAS BEEN ADDED", values))
    else:
        numbers.discard(phone)
        out.line(render(fn, "FILTER PHONE GROUP NUMBER HAS BEEN DELETED", values))


def add_fpg_phone(ctx: Ctx, out: Out) -> None:
    _fpg(ctx, out, "add_fpg_phone", add=True)


def delete_fpg_phone(ctx: Ctx, out: Out) -> None:
    _fpg(ctx, out, "delete_fpg_phone", add=False)


def _impl(name: str, run: Handler, message: str) -> FunctionImpl:
    return FunctionImpl(name, run, permitted=lambda _u: True, permission_message=message)


IMPLS: tuple[FunctionImpl, ...] = (
    _impl("add_dnc_phone", add_dnc_phone, "USER DOES NOT HAVE PERMISSION TO ADD DNC NUMBERS"),
    _impl(
        "delete_dnc_phone", delete_dnc_phone, "USER DOES NOT HAVE PERMISSION TO DELETE DNC NUMBERS"
    ),
    _impl(
        "add_fpg_phone",
        add_fpg_phone,
        "USER DOES NOT HAVE PERMISSION TO ADD FILTER PHONE GROUP NUMBERS",
    ),
    _impl(
        "delete_fpg_phone",
        delete_fpg_phone,
        "USER DOES NOT HAVE PERMISSION TO DELETE FILTER PHONE GROUP NUMBERS",
    ),
)
