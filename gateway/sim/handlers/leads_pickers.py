"""The HTML pickers and the audio store: sounds_list, moh_list, vm_list, ingroup_list,
callmenu_list, container_list, and agent_ingroup_info (text block or HTML views).

The HTML is VICIdial's byte for byte, built from the line formats in
:mod:`gateway.catalog.leads_shapes` that the gateway's parser reads. Rows are filtered by the
API user's group ``admin_viewable_groups`` and ordered like MySQL's case-insensitive collation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gateway.catalog.leads_shapes import (
    AIG_AGENT,
    AIG_BLENDED,
    AIG_CAMPAIGN,
    AIG_CHANGE_BLOCK,
    AIG_CLOSE,
    AIG_DEFAULT,
    AIG_END,
    AIG_INFO_GROUP,
    AIG_INFO_LINE,
    AIG_INFO_NO_GROUPS,
    AIG_INFO_TABLE_END,
    AIG_MANAGER,
    AIG_NO_OPTION,
    AIG_ON_HOOK,
    AIG_OPEN,
    AIG_OPTION,
    AIG_SELECTED_CLOSE,
    AIG_SELECTED_OPEN,
    AIG_SUBMIT,
    AIG_TABLE,
    AIG_TEXT_LABELS,
    AIG_TEXT_SUCCESS,
    DISABLED,
    MOH_FILE_SEP,
    PICKER_END,
    PICKER_HEAD,
    PICKERS,
    ROW_CHOOSE,
    ROW_NUMBER,
    SELECTED,
    SOUNDS_LINK_LINE,
    SOUNDS_TAB_LINE,
    row_color,
)

from ..clock import datetime_text
from ..data_leads import AgentIngroups, SoundFile
from .base import Ctx, Out, render

_API_PATH = "/vicidial/non_agent_api.php"


def _visible(ctx: Ctx, user_group: str) -> bool:
    """``user_group IN('---ALL---', <admin_viewable_groups>)`` unless the group sees all."""
    viewable = ctx.state.user_group_of(ctx.user).viewable_groups()
    return viewable is None or user_group in viewable


def _collated(ids: Iterable[str]) -> list[str]:
    return sorted(ids, key=str.upper)


# --- the pickers -------------------------------------------------------------------------------


def _picker(ctx: Ctx, out: Out, rows: Sequence[tuple[str, dict[str, str]]]) -> None:
    """The page of ``ctx.function``: numbered rows of (id, the row's other fields)."""
    _picker_page(ctx, out, [rows])


def _picker_page(
    ctx: Ctx, out: Out, sections: Sequence[Sequence[tuple[str, dict[str, str]]]]
) -> None:
    picker = PICKERS[ctx.function]
    out.raw(PICKER_HEAD)
    for line in picker.header({"type": ctx.p("type")}):
        out.line(line)
    comments = ctx.p("comments")
    for rows in sections:  # vm_list numbers each section from 1
        for n, (row_id, fields) in enumerate(rows, start=1):
            values = {"n": n, "bg": row_color(n), "bg2": row_color(n), **fields}
            out.line(ROW_NUMBER.render(values))
            out.line(ROW_CHOOSE.render({"id": row_id, "comments": comments, "id_text": row_id}))
            for template in picker.lines:
                out.line(template.render(values))
    out.raw(PICKER_END)


def _central_sound_control(ctx: Ctx, out: Out) -> bool:
    active = ctx.state.leadmedia.sounds.central_control_active
    if active < 1:
        values = {"user": ctx.user_name, "sounds_central_control_active": active}
        out.line(render(ctx.function, "CENTRAL SOUND CONTROL IS NOT ACTIVE", values))
        return False
    return True


def moh_list(ctx: Ctx, out: Out) -> None:
    if not _central_sound_control(ctx, out):
        return
    table = ctx.state.leadmedia.music_on_hold
    ids = _collated(
        m.moh_id for m in table.values() if m.active == "Y" and _visible(ctx, m.user_group)
    )
    rows = [
        (
            i,
            {
                "moh_name": table[i].moh_name,
                "random": table[i].random,
                "files": "".join(f + MOH_FILE_SEP for f in table[i].files),
            },
        )
        for i in ids
    ]
    _picker(ctx, out, rows)


def vm_list(ctx: Ctx, out: Out) -> None:
    data = ctx.state.leadmedia
    boxes = [b for b in data.voicemail.values() if b.active == "Y" and _visible(ctx, b.user_group)]
    phones = [p for p in data.phone_voicemail if p.active == "Y" and _visible(ctx, p.user_group)]
    boxes.sort(key=lambda b: b.voicemail_id.upper())
    phones.sort(key=lambda p: p.voicemail_id.upper())
    sections = [
        [(b.voicemail_id, {"name": b.fullname, "email": b.email}) for b in boxes],
        [
            (p.voicemail_id, {"name": f"{p.extension} - {p.fullname}", "email": p.email})
            for p in phones
        ],
    ]
    _picker_page(ctx, out, sections)


def ingroup_list(ctx: Ctx, out: Out) -> None:
    table = ctx.state.leadmedia.inbound_groups
    ids = _collated(
        g.group_id for g in table.values() if g.active == "Y" and _visible(ctx, g.user_group)
    )
    rows = [
        (i, {"group_name": table[i].group_name, "group_color": table[i].group_color}) for i in ids
    ]
    _picker(ctx, out, rows)


def callmenu_list(ctx: Ctx, out: Out) -> None:
    table = ctx.state.leadmedia.call_menus
    ids = _collated(m.menu_id for m in table.values() if _visible(ctx, m.user_group))
    _picker(ctx, out, [(i, {"menu_name": table[i].menu_name}) for i in ids])


def container_list(ctx: Ctx, out: Out) -> None:
    kind = ctx.p("type")
    if not kind:
        out.line(render("container_list", "NO CONTAINER TYPE DEFINED", {"user": ctx.user_name}))
        return
    table = ctx.state.leadmedia.containers
    ids = _collated(
        c.container_id
        for c in table.values()
        if c.container_type == kind and _visible(ctx, c.user_group)
    )
    _picker(ctx, out, [(i, {"container_notes": table[i].container_notes}) for i in ids])


# --- sounds_list -------------------------------------------------------------------------------


def _sorted_sounds(files: Sequence[SoundFile], stage: str) -> list[SoundFile]:
    """PHP sorts strings "<key>----------<i>": the last sort word of stage wins; none: no rows."""
    words = [w for w in ("date", "name", "size") if w in stage.lower()]
    if not words:
        return []
    word = words[-1]
    keys: list[str] = []
    for i, f in enumerate(files):
        key = {"date": str(f.epoch), "name": f.filename, "size": f"[{f.size:020d}]\n"}[word]
        keys.append(f"{key}----------{i}")
    keys.sort(reverse=word != "name")
    return [files[int(k.rsplit("----------", 1)[1])] for k in keys]


def sounds_list(ctx: Ctx, out: Out) -> None:
    if not _central_sound_control(ctx, out):
        return
    settings = ctx.state.leadmedia.sounds
    if not settings.directory_exists:
        values = {
            "user": ctx.user_name,
            "function": "sounds_list",
            "audio_path": f"{settings.webroot}/{settings.web_directory}",
        }
        out.line(render("sounds_list", "store web directory does not exist", values))
        return
    fmt = ctx.p("format").lower()
    files = _sorted_sounds(ctx.state.leadmedia.sound_files, ctx.p("stage"))
    # (the PHP sleeps one second here)
    for k, f in enumerate(files):
        if "tab" in fmt:
            date = datetime_text(f.epoch)
            out.line(
                SOUNDS_TAB_LINE.format(
                    index=k, filename=f.filename, date=date, size=f.size, epoch=f.epoch
                )
            )
        if "link" in fmt:
            out.line(SOUNDS_LINK_LINE.format(url=_sound_url(ctx, f.filename), filename=f.filename))
        if "selectframe" in fmt:
            _selectframe_row(ctx, out, k, f)
    if files and "selectframe" in fmt:
        out.raw(PICKER_END)


def _admin_web_dir(ctx: Ctx) -> str:
    directory = ctx.state.leadmedia.sounds.admin_web_directory
    return directory.rsplit("/", 1)[0] + "/" if "/" in directory else ""


def _sound_url(ctx: Ctx, filename: str) -> str:
    settings = ctx.state.leadmedia.sounds
    server = settings.web_server
    if not re.match(r"https?:", server, re.IGNORECASE):
        server = "http://" + server
    return f"{server}/{_admin_web_dir(ctx)}{settings.web_directory}/{filename}"


def _selectframe_row(ctx: Ctx, out: Out, k: int, f: SoundFile) -> None:
    """format=selectframe: its sort links carry the API user and password (VICIdial's leak)."""
    comments = ctx.p("comments")
    if k == 0:
        out.raw(PICKER_HEAD)
        out.line("<td>#</td>")
        link = (
            f'<td><a href="{_API_PATH}?source=admin&function=sounds_list&user={ctx.user_name}'
            f"&pass={ctx.p('pass')}&format=selectframe&comments={comments}&stage="
        )
        out.line(link + 'name"><font color=black>FILENAME</td>')
        out.line(link + 'date"><font color=black>DATE</td>')
        out.line(link + 'size"><font color=black>SIZE</td>')
        out.line("<td>PLAY</td>")
        out.line("</tr>")
    prompt = re.sub(r"\.wav$|\.gsm$", "", f.filename)
    path = f"/{_admin_web_dir(ctx)}{ctx.state.leadmedia.sounds.web_directory}/{f.filename}"
    font = '<font size=1 face="Arial,Helvetica">'
    out.line(f"<tr><td>{font}{k + 1}</td>")
    choose = f"javascript:choose_file('{prompt}','{comments}');"
    out.line(f'<td><a href="{choose}">{font}{f.filename}</a></td>')
    out.line(f"<td>{font}{datetime_text(f.epoch)}.</td>")
    out.line(f"<td>{font}{f.size}</td>")
    out.line(f'<td><a href="{path}" target="_blank">{font}PLAY</a></td></tr>')


# --- agent_ingroup_info ------------------------------------------------------------------------


def agent_ingroup_info(ctx: Ctx, out: Out) -> None:
    fn = "agent_ingroup_info"
    agent_user = ctx.p("agent_user")
    agent = ctx.state.users.get(agent_user)
    live = ctx.state.live_agents.get(agent_user)
    if agent is None or not _visible(ctx, agent.user_group) or live is None:
        out.line(render(fn, "INVALID USER ID", {"agent_user": agent_user, "user": ctx.user_name}))
        return
    extra = ctx.state.leadmedia.agent_ingroups.get(agent_user) or AgentIngroups()
    stage = ctx.p("stage")
    if stage == "text":
        out.line(AIG_TEXT_SUCCESS.render({"agent_user": agent_user, "stage": stage}))
        for label, value in zip(AIG_TEXT_LABELS, _text_values(extra), strict=True):
            out.line(f"{label}: {value}")
        out.line("")
        return
    out.line(AIG_OPEN)
    out.line(AIG_AGENT.format(agent_user=agent_user, full_name=agent.full_name))
    out.line(AIG_CAMPAIGN.format(campaign_id=live.campaign_id))
    out.line(AIG_CLOSE)
    out.line(AIG_TABLE)
    if ctx.state.leadmedia.flags(ctx.user_name).change_agent_campaign and stage == "change":
        _change_form(ctx, out, agent_user, live.campaign_id, extra)
    else:
        _info_table(ctx, out, live.campaign_id, extra)
    out.line(AIG_END)


def _text_values(extra: AgentIngroups) -> tuple[str, str, str, str]:
    return (
        extra.closer_campaigns,
        extra.outbound_autodial,
        extra.manager_ingroup_set,
        extra.external_igb_set_user,
    )


def _campaign_groups(ctx: Ctx, campaign_id: str, extra: AgentIngroups) -> list[tuple[str, bool]]:
    """The campaign's in-groups (when it takes inbound calls), each with "agent selected it".

    As in the PHP, the list is split on spaces after dropping a final "-", and the first entry
    (normally the empty one before the leading space) is never marked selected.
    """
    campaign = ctx.state.campaigns.get(campaign_id)
    inbound = ctx.state.leadmedia.campaign_inbound.get(campaign_id)
    allowed = (
        campaign is not None
        and inbound is not None
        and inbound.campaign_allow_inbound == "Y"
        and campaign.dial_method != "MANUAL"
    )
    raw = inbound.closer_campaigns if allowed and inbound is not None else ""
    mine = {g for g in re.sub(r"-$", "", extra.closer_campaigns).split(" ") if len(g) > 1}
    groups = re.sub(r"-$", "", raw).split(" ")
    return [(g, k > 0 and g in mine) for k, g in enumerate(groups) if len(g) > 1]


def _group_name(ctx: Ctx, group_id: str) -> str:
    group = ctx.state.leadmedia.inbound_groups.get(group_id)
    return group.group_name if group else ""


def _info_table(ctx: Ctx, out: Out, campaign_id: str, extra: AgentIngroups) -> None:
    groups = _campaign_groups(ctx, campaign_id, extra)
    for group_id, selected in groups:
        mark = " *" if selected else ""
        name = _group_name(ctx, group_id)
        out.line(AIG_INFO_GROUP.format(group_id=group_id, mark=mark, group_name=name))
    if not groups:
        out.line(AIG_INFO_NO_GROUPS)
    out.line(AIG_INFO_TABLE_END)
    for label, value in zip(AIG_TEXT_LABELS, _text_values(extra), strict=True):
        out.line(AIG_INFO_LINE.format(label=label, value=value))
    out.line("")


def _change_form(
    ctx: Ctx, out: Out, agent_user: str, campaign_id: str, extra: AgentIngroups
) -> None:
    if extra.on_hook_agent == "Y":
        out.line(AIG_ON_HOOK.format(ring_time=extra.on_hook_ring_time))
    for line in AIG_SELECTED_OPEN:
        out.line(line.format(agent_user=agent_user))
    groups = _campaign_groups(ctx, campaign_id, extra)
    for group_id, selected in groups:
        mark = SELECTED if selected else ""
        name = _group_name(ctx, group_id)
        out.line(AIG_OPTION.format(group_id=group_id, selected=mark, group_name=name))
    if not groups:
        out.line(AIG_NO_OPTION)
    out.line(AIG_SELECTED_CLOSE)
    for line in AIG_CHANGE_BLOCK:
        out.line(line)
    _blended(ctx, out, campaign_id, extra.outbound_autodial)
    flags = ctx.state.leadmedia.flags(ctx.user_name)
    for line in AIG_DEFAULT:
        out.line(line.format(disabled="" if flags.modify_users else DISABLED))
    if extra.manager_ingroup_set in ("SET", "Y"):
        manager = ctx.state.users.get(extra.external_igb_set_user)
        values = {
            "manager_ingroup_set": extra.manager_ingroup_set,
            "manager": extra.external_igb_set_user,
            "manager_name": manager.full_name if manager else "",
        }
        for line in AIG_MANAGER:
            out.line(line.format(**values))
    for line in AIG_SUBMIT:
        out.line(line.format(agent_user=agent_user))


def _blended(ctx: Ctx, out: Out, campaign_id: str, blended: str) -> None:
    """Autodial can only be changed in a campaign that dials; else it shows No, disabled."""
    campaign = ctx.state.campaigns.get(campaign_id)
    disabled = ""
    if campaign is None or campaign.dial_method in ("MANUAL", "INBOUND_MAN"):
        disabled, blended = DISABLED, "N"
    values = {
        "disabled": disabled,
        "yes": SELECTED if blended == "Y" else "",
        "no": SELECTED if blended == "N" else "",
    }
    for line in AIG_BLENDED:
        out.line(line.format(**values))
