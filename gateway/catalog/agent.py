"""Specs of the Agent API functions (``/agc/api.php``), served at ``POST /v1/agent/{function}``.

Facts from ``shared/vicidial-api/agent_functions.yaml`` and the replies recorded from the real
``agc/api.php`` (``tests/data/agent_samples/``); where the two differ, the recording wins. Field
order and literal text of every template are VICIdial's. Every spec has ``api="agent"``.

What the Agent API's reply lines mean for the caller:

* ``... not valid`` and a value VICIdial cannot use (an unknown in-group, a bad phone number):
  the caller's input, ``invalid_input`` (422);
* the agent's state does not allow it (not logged in, not paused, no live call, no lead on the
  screen, already dialing) or the campaign's settings forbid it: ``conflict`` (409), the state
  may change;
* a record the call names does not exist (a lead, a user by CRM id): ``not_found`` (404);
* the gateway's own VICIdial account may not do it: ``upstream_error`` (502), for the operator.

``alt_user`` (the agent named by a CRM id, ``vicidial_users.custom_three``) is not offered: the
gateway could not tell which agent it names, so an app's ``agent_users`` could not hold.
``external_dial``'s ``vtiger_callback`` is not offered: when VICIdial cannot reach the Vtiger
database it prints that database's password. The ``coffee`` joke handler (HTTP 418) is not a
function and is not offered either.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from .agent_shapes import parse_webphone_url, parse_webserver
from .spec import CustomParse, FieldType, FunctionSpec, Param, Template

_AGENT = Param("agent_user", "id", required=True, max_len=20, summary="the agent's user id")
_YES_NO = ("YES", "NO")


def _err(text: str, error_type: str) -> Template:
    return Template(text, error_type=error_type)


def _invalid(text: str) -> Template:
    return _err(text, "invalid_input")


def _state(text: str) -> Template:
    return _err(text, "conflict")


def _ours(text: str) -> Template:
    return _err(text, "upstream_error")


def _missing(text: str) -> Template:
    return _err(text, "not_found")


# What agc/api.php keeps of each parameter (its filters, lines 357-458, by name for every
# function): the gateway refuses any other character rather than let VICIdial delete it. Where
# VICIdial turns "+" into a space before filtering, "+" is left out (refused) too. A class
# starting with "^" lists what is deleted instead.
_FREE = '^;#"+'  # comments, notification texts, vendor ids: ";" and "#" deleted, "+" a space
_NAME = "- '_.0-9a-zA-Z"
_ADDRESS = "- '.:/@_0-9a-zA-Z"
_WORD = "-_0-9a-zA-Z"
AGENT_CHARSETS: Mapping[str, str] = {
    "agent_user": _WORD,
    "value": "-|_0-9a-zA-Z",
    "focus": _WORD,
    "preview": _WORD,
    "search": _WORD,
    "notes": "- ._0-9a-zA-Z",
    "group_alias": "0-9a-zA-Z",
    "dial_prefix": "0-9a-zA-Z",
    "alt_dial": "0-9A-Z",
    "blended": "A-Z",
    "set_as_default": "A-Z",
    "ingroup_choices": "- _0-9a-zA-Z",
    "phone_code": "0-9X",
    "phone_number": "*#0-9",
    "lead_id": "0-9",
    "vendor_id": _FREE,
    "vendor_lead_code": _FREE,
    "source_id": _FREE,
    "gmt_offset_now": "-_.0-9",
    "title": _NAME,
    "first_name": _NAME,
    "last_name": _NAME,
    "middle_initial": "0-9a-zA-Z",
    "address1": _ADDRESS,
    "address2": _ADDRESS,
    "address3": _ADDRESS,
    "city": _ADDRESS,
    "state": "- 0-9a-zA-Z",
    "province": _NAME,
    # filtered twice (lines 411 and 440): what both keep
    "postal_code": "- 0-9a-zA-Z",
    "country_code": "A-Z",
    "gender": "A-Z",
    "date_of_birth": "-0-9",
    "alt_phone": _NAME,
    "email": "- '.:/@%_0-9a-zA-Z",
    "security_phrase": _ADDRESS,
    "comments": _FREE,
    "rank": "0-9",
    "owner": _ADDRESS,
    "dial_override": "A-Z",
    "consultative": "A-Z",
    "callback_datetime": "- :._0-9a-zA-Z",
    "callback_type": "A-Z",
    "callback_comments": "- ._0-9a-zA-Z",
    "qm_dispo_code": "-._0-9a-zA-Z",
    "status": _WORD,
    "dial_ingroup": _WORD,
    "cid_choice": _WORD,
    "outbound_cid": _WORD,
    "recipient": _WORD,
    "recipient_type": "_a-zA-Z",
    "notification_text": _FREE,
    "notification_retry": "YNyn",
    "show_confetti": "YNyn",
    "text_size": "0-9",
    "text_font": "-, a-zA-Z",
    "text_weight": ",a-zA-Z",
    "text_color": "0-9a-zA-Z",
    "duration": "0-9",
    "maxParticleCount": "0-9",
    "particleSpeed": "0-9",
    "notification_date": "- :0-9",
    "multi_dial_phones": ",0-9",
    "md_check": "0-9a-zA-Z",
    "tw_check": "0-9a-zA-Z",
    "dnc_check": _WORD,
    "campaign_dnc_check": _WORD,
    "stage": '^\'";',
}


def _filtered(param: Param) -> Param:
    """``param`` with what agc/api.php keeps of it (:data:`AGENT_CHARSETS`), where it says."""
    charset = AGENT_CHARSETS.get(param.name)
    if charset is None or param.charset is not None:  # a function's own filter comes first
        return param
    return dataclasses.replace(param, charset=charset)


def _reason(name: str, template: Template) -> Template:
    """``template`` with its reason text: what follows ``<RESULT>: `` up to the data (`` - ``),
    without the function's own name in front ("external_pause not valid" is "not valid"); a
    line that starts with a parameter ("agent_user is not paused") keeps it, and a line that is
    only the name ("calls_in_queue_count - {count}") is the name."""
    result, sep, text = template.text.partition(": ")
    if not sep or result not in ("SUCCESS", "ERROR", "NOTICE"):
        return template  # version's line: its own reason ("VERSION")
    head = text.split("{", 1)[0].rstrip(" -:|")
    if not head:  # the line starts with data: its literal words, up to the data part
        head = " ".join(re.sub(r"\{[^}]*\}", " ", text).split()).split(" - ", 1)[0]
    word, _, rest = head.partition(" ")
    reason = (rest if word == name else head) or name
    return dataclasses.replace(template, reason=reason)


def _spec(
    name: str,
    summary: str,
    effect: str,
    idempotent: bool,
    params: tuple[Param, ...],
    *templates: Template,
    needs_login: bool = True,
    custom_parse: CustomParse | None = None,
    field_types: Mapping[str, FieldType] | None = None,
    body_fields: tuple[str, ...] = (),
) -> FunctionSpec:
    return FunctionSpec(
        name=name,
        summary=summary,
        effect="read_only" if effect == "read_only" else "mutating",
        idempotent=idempotent,
        params=tuple(_filtered(p) for p in params),
        templates=tuple(_reason(name, t) for t in templates),
        needs_login=needs_login,
        custom_parse=custom_parse,
        field_types=field_types or {},
        api="agent",
        sent_empty=("value",),
        body_fields=body_fields,
    )


# Lines any agent-facing function prints after the login: the agent is not in a session.
_NOT_LOGGED_IN = _state("ERROR: agent_user is not logged in - {agent_user}")

VERSION = _spec(
    "version",
    "Agent API version, build, server date-time and epoch. Needs no login.",
    "read_only",
    True,
    (),
    Template(
        "VERSION: {version}|BUILD: {build}|DATE: {date}|EPOCH: {epoch}",
        result_override="SUCCESS",
    ),
    needs_login=False,
)

EXTERNAL_HANGUP = _spec(
    "external_hangup",
    "Hang up the agent's current customer call (the agent screen does it within a second).",
    "mutating",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=10, summary="1")),
    Template("SUCCESS: external_hangup function set - {value}|{agent_user}"),
    _invalid("ERROR: external_hangup not valid - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
)

EXTERNAL_STATUS = _spec(
    "external_status",
    "Disposition the agent's current call (optionally as a scheduled callback).",
    "mutating",
    True,
    (
        _AGENT,
        Param("value", "code", required=True, max_len=6, summary="the status code"),
        Param("callback_datetime", "datetime", max_len=19),
        Param("callback_type", "code", max_len=8, choices=("USERONLY", "ANYONE")),
        Param("callback_comments", "text", max_len=200),
        Param("qm_dispo_code", "code", max_len=20),
    ),
    Template("SUCCESS: external_status function set - {value_sent*}|{agent_user}"),
    _invalid("ERROR: external_status not valid - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
)

EXTERNAL_PAUSE = _spec(
    "external_pause",
    "Pause the agent (after the current call is dispositioned) or resume.",
    "mutating",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=6, choices=("PAUSE", "RESUME"))),
    Template("SUCCESS: external_pause function set - {value}|{epoch}|{agent_user}"),
    _invalid("ERROR: external_pause not valid - {value}|{agent_user}"),
    _state("ERROR: external_pause agent is not paused - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
)

LOGOUT = _spec(
    "logout",
    "Log the agent out of the agent screen (after the current call).",
    "mutating",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=6, choices=("LOGOUT",))),
    Template("SUCCESS: logout function set - {value}|{epoch}|{agent_user}"),
    _invalid("ERROR: logout not valid - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
)

RECORDING = _spec(
    "recording",
    "Start or stop recording in the agent's session, or report whether it records (STATUS).",
    "mutating",
    False,
    (
        _AGENT,
        Param("value", "code", required=True, max_len=6, choices=("START", "STOP", "STATUS")),
        # api.php cuts the suffix to 14 characters (line 1252): longer is refused, not cut
        Param("stage", "code", max_len=14, summary="suffix of the recording's file name (START)"),
    ),
    Template(
        "SUCCESS: recording function sent - {agent_user}|{value}||||{agent_server_ip}|"
        "{session_id}|{agent_status}"
    ),
    Template(
        "NOTICE: recording active - {agent_user}|{recording_id}|{filename}|"
        "{recording_server_ip}|{start_time}|{agent_server_ip}|{session_id}|{agent_status}",
        result_override="SUCCESS",
    ),
    Template(
        "NOTICE: not recording - {agent_user}|||||{agent_server_ip}|{session_id}|{agent_status}",
        result_override="SUCCESS",
    ),
    _invalid("ERROR: recording not valid - {value}|{agent_user}"),
    _state(
        "ERROR: stop recording error - {agent_user}|{recording_id}||||{agent_server_ip}|"
        "{session_id}|{agent_status}"
    ),
    _NOT_LOGGED_IN,
)

WEBPHONE_URL = _spec(
    "webphone_url",
    "The agent session's webphone address (DISPLAY). It holds the phone's password, which the "
    "gateway never passes on: the reply carries the address without it.",
    "read_only",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=7, choices=("DISPLAY",))),
    _invalid("ERROR: webphone_url not valid - {value}|{agent_user}"),
    _state("ERROR: webphone_url error - webphone url is empty - {agent_user}"),
    _state("ERROR: webphone_url error - no session data - {agent_user}"),
    _NOT_LOGGED_IN,
    custom_parse=parse_webphone_url,
)

WEBSERVER = _spec(
    "webserver",
    "The web server's diagnostics (time zone, host, PHP and Apache versions, load, disk, PHP "
    "limits), as label/value pairs.",
    "read_only",
    True,
    (),
    custom_parse=parse_webserver,
)

CALL_AGENT = _spec(
    "call_agent",
    "Ring the agent's phone from the agent's session.",
    "mutating",
    False,
    (_AGENT, Param("value", "code", required=True, max_len=4, choices=("CALL",))),
    Template("SUCCESS: call_agent function sent - {agent_user}"),
    _invalid("ERROR: call_agent not valid - {value}|{agent_user}"),
    _state("ERROR: call_agent error - entry is empty - {agent_user}"),
    _state("ERROR: call_agent error - no session data - {agent_user}"),
    _NOT_LOGGED_IN,
)

AUDIO_PLAYBACK = _spec(
    "audio_playback",
    "Play, stop, pause, resume or restart an audio-store file in the agent's session.",
    "mutating",
    False,
    (
        _AGENT,
        Param(
            "stage",
            "code",
            required=True,
            max_len=7,
            choices=("PLAY", "STOP", "PAUSE", "RESUME", "RESTART"),
        ),
        Param("value", "code", max_len=100, summary="audio file name without extension (PLAY)"),
        Param("dial_override", "code", max_len=1, choices=("Y", "N")),
    ),
    Template("SUCCESS: audio_playback function sent - {value}|{stage}|{agent_user}"),
    Template(
        "NOTICE: audio_playback previous playback stopped - {stage}|{dial_override}|{agent_user}"
    ),
    _invalid("ERROR: audio_playback not valid - {value}|{stage}|{agent_user}"),
    _state(
        "ERROR: audio_playback error - audio already playing in agent session - "
        "{session_id}|{server_ip}|{stage}|{dial_override}|{agent_user}"
    ),
    _state(
        "ERROR: audio_playback error - no audio playing in agent session - "
        "{session_id}|{server_ip}|{stage}|{agent_user}"
    ),
    _state("ERROR: audio_playback error - entry is empty - {stage}|{agent_user}"),
    _state("ERROR: audio_playback error - no session data - {stage}|{agent_user}"),
    _state("ERROR: agent_user is not logged in - {stage}|{agent_user}"),
)

EXTERNAL_DIAL = _spec(
    "external_dial",
    "Place (or queue) a manual-dial call on the agent's screen, to a number or a lead.",
    "mutating",
    False,
    (
        _AGENT,
        Param(
            "value",
            "phone",
            max_len=18,
            summary="the number to dial, or MANUALNEXT",
            # api.php keeps digits only, except for MANUALNEXT (lines 1729-1732)
            charset="0-9A-Z",
            pattern="[0-9]*|MANUALNEXT",
        ),
        Param("lead_id", "int", max_len=11),
        Param("phone_code", "int", max_len=10),
        Param("search", "code", required=True, max_len=3, choices=_YES_NO),
        Param("preview", "code", required=True, max_len=3, choices=_YES_NO),
        Param("focus", "code", required=True, max_len=3, choices=_YES_NO),
        Param("vendor_id", "text", max_len=20),
        Param("dial_prefix", "code", max_len=20),
        Param("group_alias", "code", max_len=30),
        Param("alt_dial", "code", max_len=6, choices=("MAIN", "ALT", "ADDR3", "SEARCH")),
        Param("dial_ingroup", "code", max_len=20),
        Param("outbound_cid", "phone", max_len=20),
    ),
    Template(
        "SUCCESS: external_dial function set - {value}|{agent_user}|{phone_code}|{search}|"
        "{preview}|{focus}|{vendor_id}|{epoch}|{dial_prefix}|{group_alias}|"
        "{caller_id_number}|{alt_dial}"
    ),
    Template("NOTICE: defined dial_ingroup not found - {dial_ingroup}"),
    _invalid(
        "ERROR: external_dial not valid - {value}|{phone_code}|{search}|{preview}|{focus}|"
        "{lead_id}|{agent_user}|{alt_user}"
    ),
    _invalid(
        "ERROR: caller_id_number from group_alias is not valid - "
        "{agent_user}|{group_alias}|{caller_id_number}"
    ),
    _invalid("ERROR: group_alias is not valid - {agent_user}|{group_alias}"),
    _ours(
        "ERROR: outbound_cid is not allowed on this system - "
        "{agent_user}|{outbound_cid}|{outbound_cid_any_setting}"
    ),
    _missing(
        "ERROR: phone number lead_id search not found - {agent_user}|{value}|{lead_id}|{alt_dial}"
    ),
    _invalid("ERROR: phone number is not valid - {agent_user}|{value}|{lead_id}|{alt_dial}"),
    _invalid("ERROR: lead_id is not valid - {agent_user}|{lead_id}"),
    _state(
        "ERROR: phone_number is already in this agents manual dial queue - {agent_user}|{value}"
    ),
    _state("ERROR: agent_user is not allowed to place manual dial calls - {agent_user}"),
    _state("ERROR: agent_user is not paused - {agent_user}"),
    _NOT_LOGGED_IN,
)

PREVIEW_DIAL_ACTION = _spec(
    "preview_dial_action",
    "Act on a previewed lead: SKIP, DIALONLY, ALTDIAL, ADR3DIAL or FINISH.",
    "mutating",
    False,
    (
        _AGENT,
        Param(
            "value",
            "code",
            required=True,
            max_len=8,
            choices=("SKIP", "DIALONLY", "ALTDIAL", "ADR3DIAL", "FINISH"),
        ),
    ),
    Template("SUCCESS: preview_dial_action function set - {value}|{agent_user}|{value}"),
    _invalid("ERROR: preview_dial_action not valid - {value}||{agent_user}|{alt_user}"),
    _state(
        "ERROR: preview dialing not allowed on this campaign - "
        "{agent_user}|{campaign_id}|{manual_preview_dial}"
    ),
    _state(
        "ERROR: preview dial skipping not allowed on this campaign - "
        "{agent_user}|{campaign_id}|{manual_preview_dial}"
    ),
    _state(
        "ERROR: alt number dialing not allowed on this campaign - "
        "{agent_user}|{campaign_id}|{alt_number_dialing}"
    ),
    _state("ERROR: agent_user is not allowed to place manual dial calls - {agent_user}"),
    _state("ERROR: agent_user is not paused - {agent_user}"),
    _NOT_LOGGED_IN,
)

# Lead fields external_add_lead and update_fields take (vicidial_list column sizes).
_LEAD_FIELDS: tuple[Param, ...] = (
    Param("address1", "text", max_len=100),
    Param("address2", "text", max_len=100),
    Param("address3", "text", max_len=100),
    Param("alt_phone", "phone", max_len=12),
    Param("city", "text", max_len=50),
    Param("comments", "text", max_len=255),
    Param("country_code", "code", max_len=3),
    Param("date_of_birth", "date", max_len=10),
    Param("email", "text", max_len=70),
    Param("first_name", "text", max_len=30),
    Param("gender", "code", max_len=1, choices=("M", "F", "U")),
    Param("gmt_offset_now", "text", max_len=6),
    Param("last_name", "text", max_len=30),
    Param("middle_initial", "code", max_len=1),
    Param("postal_code", "code", max_len=10),
    Param("province", "text", max_len=50),
    Param("security_phrase", "text", max_len=100),
    Param("source_id", "text", max_len=50),
    Param("state", "code", max_len=2),
    Param("title", "text", max_len=4),
    Param("vendor_lead_code", "text", max_len=20),
    Param("rank", "int", max_len=5),
    Param("owner", "text", max_len=20),
)

EXTERNAL_ADD_LEAD = _spec(
    "external_add_lead",
    "Add a lead to the manual-dial list of the agent's campaign (no duplicate check).",
    "mutating",
    False,
    (
        _AGENT,
        Param("phone_number", "phone", required=True, max_len=18),
        Param("phone_code", "int", required=True, max_len=10),
        Param("dnc_check", "code", max_len=3, choices=("YES", "NO", "AREACODE")),
        Param("campaign_dnc_check", "code", max_len=3, choices=("YES", "NO", "AREACODE")),
        *_LEAD_FIELDS,
    ),
    Template("SUCCESS: lead added - {phone_number}|{campaign_id}|{list_id}|{lead_id}|{agent_user}"),
    _invalid(
        "ERROR: external_add_lead not valid - {phone_number}|{phone_code}|{agent_user}|{alt_user}"
    ),
    _ours("ERROR: lead insertion failed - {phone_number}|{campaign_id}|{list_id}|{agent_user}"),
    _invalid("ERROR: add_lead PHONE NUMBER IN DNC - {phone_number}|{agent_user}"),
    _invalid(
        "ERROR: add_lead PHONE NUMBER IN CAMPAIGN DNC - {phone_number}|{campaign_id}|{agent_user}"
    ),
    _state(
        "ERROR: campaign manual dial list undefined - {phone_number}|{campaign_id}|{agent_user}"
    ),
    _NOT_LOGGED_IN,
)

CHANGE_INGROUPS = _spec(
    "change_ingroups",
    "Change the in-groups (and the blended autodial flag) of a logged-in agent.",
    "mutating",
    True,
    (
        _AGENT,
        Param("value", "code", required=True, max_len=6, choices=("CHANGE", "ADD", "REMOVE")),
        Param("blended", "code", required=True, max_len=3, choices=_YES_NO),
        Param(
            "ingroup_choices",
            "text",
            max_len=4000,
            summary='space-separated in-group ids, e.g. " TEST_IN SALESLINE -"',
        ),
        Param("set_as_default", "code", max_len=3, choices=_YES_NO),
    ),
    Template(
        "SUCCESS: change_ingroups function set - {user}|{agent_user}|{ingroup_choices}|"
        "{blended}|{default_note}"
    ),
    _invalid("ERROR: change_ingroups not valid - {value}|{blended}|{ingroup_choices}|{agent_user}"),
    _state("ERROR: campaign dial_method does not allow outbound autodial - {agent_user}|{blended}"),
    _invalid("ERROR: ingroup does not exist - {agent_user}|{ingroup}|{ingroup_choices}"),
    _invalid(
        "ERROR: ingroup_choices are required for ADD and REMOVE values - "
        "{agent_user}|{value}|{ingroup_choices}"
    ),
    _ours("ERROR: user is not allowed to change agent in-groups - {user}"),
    _state("ERROR: campaign does not allow inbound calls - {agent_user}"),
    _NOT_LOGGED_IN,
)

_RELOAD_NAMES = ("formreload", "scriptreload", "script2reload", "emailreload", "chatreload")
_RELOADS: tuple[Param, ...] = tuple(
    Param(name, "code", max_len=3, choices=_YES_NO) for name in _RELOAD_NAMES
)
# update_fields sets each of these whose name appears anywhere in the request body (api.php's
# preg_match on the raw query string, lines 2820-3044), to the value sent or to empty.
_UPDATE_FIELDS_NAMES = (
    "phone_code",
    *(p.name for p in _LEAD_FIELDS),
    "phone_number",
    *_RELOAD_NAMES,
)

UPDATE_FIELDS = _spec(
    "update_fields",
    "Update fields of the lead on the agent's screen, and/or reload the agent's panels.",
    "mutating",
    True,
    (
        _AGENT,
        Param("phone_number", "phone", max_len=18),
        Param("phone_code", "int", max_len=10),
        *_LEAD_FIELDS,
        *_RELOADS,
    ),
    Template(
        "SUCCESS: update_fields lead updated - {user}|{agent_user}|{lead_id}|{vl_rows}|"
        "{vla_rows}|{fields_list}|{fields_sql*}|"
    ),
    _invalid("ERROR: agent_user not valid - {agent_user}"),
    _invalid("ERROR: no fields have been defined - {agent_user}"),
    _state("ERROR: agent_user does not have a lead on their screen - {agent_user}"),
    _ours("ERROR: user is not allowed to modify lead information - {agent_user}|{user}"),
    _NOT_LOGGED_IN,
    field_types={"vl_rows": "int", "vla_rows": "int"},
    body_fields=_UPDATE_FIELDS_NAMES,
)

REFRESH_PANEL = _spec(
    "refresh_panel",
    "Ask the agent screen to reload panels (form, scripts, email, chat, callbacks).",
    "mutating",
    True,
    (_AGENT, *_RELOADS, Param("callbacksreload", "code", max_len=3, choices=_YES_NO)),
    Template("SUCCESS: refresh_panel request sent - {user}|{agent_user}|{vla_rows}|{panels_list}|"),
    _invalid("ERROR: agent_user not valid - {agent_user}"),
    _invalid("ERROR: no panels have been defined - {agent_user}"),
    _NOT_LOGGED_IN,
    field_types={"vla_rows": "int"},
    body_fields=(*_RELOAD_NAMES, "callbacksreload"),
)

SET_TIMER_ACTION = _spec(
    "set_timer_action",
    "Schedule a timed action (web form, preset dial, message) for the agent's current call.",
    "mutating",
    True,
    (
        _AGENT,
        Param(
            "value",
            "code",
            required=True,
            max_len=12,
            choices=(
                "NONE",
                "WEBFORM",
                "WEBFORM2",
                "D1_DIAL",
                "D2_DIAL",
                "D3_DIAL",
                "D4_DIAL",
                "D5_DIAL",
                "MESSAGE_ONLY",
            ),
        ),
        Param("notes", "text", max_len=255),
        Param("rank", "int", max_len=5, summary="seconds"),
    ),
    Template("SUCCESS: set_timer_action lead updated - {user}|{agent_user}|{value}|{notes}|{rank}"),
    _invalid("ERROR: set_timer_action not valid - {agent_user}|{value}"),
    _ours("ERROR: user is not allowed to modify campaign settings - {agent_user}|{user}"),
    _NOT_LOGGED_IN,
)

_CRM_ID = Param("value", "text", required=True, max_len=100, summary="the agent's CRM id")
_TEAM_ID = Param("vendor_id", "text", required=True, max_len=100, summary="the CRM team id")

ST_LOGIN_LOG = _spec(
    "st_login_log",
    "Find the agent by CRM id (custom_three), store the team id, answer the agent's user id.",
    "mutating",
    True,
    (_CRM_ID, _TEAM_ID),
    Template("SUCCESS: st_login_log user found - {vicidial_user}"),
    _invalid("ERROR: st_login_log not valid - {value}|{vendor_id}"),
    _missing("ERROR: no user found - {value}"),
)

ST_GET_AGENT_ACTIVE_LEAD = _spec(
    "st_get_agent_active_lead",
    "Find the agent by CRM id (custom_three) and answer the lead on the agent's screen.",
    "read_only",
    True,
    (_CRM_ID, _TEAM_ID),
    Template(
        "SUCCESS: st_get_agent_active_lead lead found - {vicidial_user}|{phone_number}|"
        "{lead_id}|{vendor_lead_code}|{province}|{security_phrase}|{source_id}"
    ),
    _invalid("ERROR: st_get_agent_active_lead not valid - {value}|{vendor_id}"),
    _state("ERROR: no active lead found - {vicidial_user}"),
    _state("ERROR: user not logged in - {vicidial_user}"),
    _missing("ERROR: no user found - {value}"),
)

RA_CALL_CONTROL = _spec(
    "ra_call_control",
    "Hang up or transfer (to an extension or an in-group) a remote agent's call.",
    "mutating",
    False,
    (
        _AGENT,
        Param("value", "text", required=True, max_len=40, summary="the call id"),
        Param(
            "stage",
            "code",
            required=True,
            max_len=17,
            choices=("HANGUP", "EXTENSIONTRANSFER", "INGROUPTRANSFER"),
        ),
        Param("phone_number", "phone", max_len=18),
        Param("ingroup_choices", "code", max_len=20),
        Param("status", "code", max_len=6),
    ),
    Template("SUCCESS: ra_call_control hungup - {agent_user}|{value}|HANGUP"),
    Template("SUCCESS: ra_call_control transfer - {agent_user}|{value}|{phone_number}"),
    _invalid("ERROR: ra_call_control not valid - {value}|{agent_user}|{stage}"),
    _invalid("ERROR: phone_number is not valid - {phone_number}"),
    _invalid("ERROR: ingroup is not valid - {ingroup_choices}"),
    _invalid("ERROR: stage is not valid - {stage}"),
    _state("ERROR: no active call found - {value}"),
    _NOT_LOGGED_IN,
)

SEND_DTMF = _spec(
    "send_dtmf",
    "Send DTMF digits into the agent's session (P is #, S is *, Q a one-second pause).",
    "mutating",
    False,
    (_AGENT, Param("value", "code", required=True, max_len=100)),
    Template("SUCCESS: send_dtmf function set - {value}|{agent_user}"),
    _invalid("ERROR: send_dtmf not valid - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
)

PARK_CALL = _spec(
    "park_call",
    "Park or grab the customer or the third party (plain or IVR park, swap variants).",
    "mutating",
    False,
    (
        _AGENT,
        Param(
            "value",
            "code",
            required=True,
            max_len=30,
            choices=(
                "PARK_CUSTOMER",
                "GRAB_CUSTOMER",
                "PARK_IVR_CUSTOMER",
                "GRAB_IVR_CUSTOMER",
                "PARK_XFER",
                "GRAB_XFER",
                "SWAP_PARK_CUSTOMER",
                "SWAP_PARK_XFER",
                "HANGUP_XFER_GRAB_CUSTOMER",
            ),
        ),
    ),
    Template("SUCCESS: park_call function set - {value}|{agent_user}"),
    _invalid("ERROR: park_call not valid - {value}|{agent_user}"),
    _state("ERROR: agent_user does not have a lead on their screen - {agent_user}"),
    _NOT_LOGGED_IN,
)

TRANSFER_CONFERENCE = _spec(
    "transfer_conference",
    "Transfer and conference commands: hang-ups, blind transfer, voicemail, local closer, "
    "3-way dials, leaving a 3-way call.",
    "mutating",
    False,
    (
        _AGENT,
        Param(
            "value",
            "code",
            required=True,
            max_len=20,
            choices=(
                "HANGUP_XFER",
                "HANGUP_BOTH",
                "BLIND_TRANSFER",
                "LEAVE_VM",
                "LOCAL_CLOSER",
                "DIAL_WITH_CUSTOMER",
                "PARK_CUSTOMER_DIAL",
                "LEAVE_3WAY_CALL",
            ),
        ),
        Param("phone_number", "phone", max_len=18),
        Param("ingroup_choices", "code", max_len=20),
        Param("consultative", "code", max_len=3, choices=_YES_NO),
        Param("dial_override", "code", max_len=3, choices=_YES_NO),
        Param("group_alias", "code", max_len=30),
        Param(
            "cid_choice",
            "code",
            max_len=12,
            choices=("CAMPAIGN", "AGENT_PHONE", "CUSTOMER", "CUSTOM_CID"),
        ),
        Param("multi_dial_phones", "text", max_len=500),
        Param("md_check", "code", max_len=3, choices=("YES",)),
        Param("tw_check", "code", max_len=3, choices=("YES",)),
    ),
    Template(
        "SUCCESS: transfer_conference function set - {value}|{ingroup_choices}|{phone_number}|"
        "{consultative}|{agent_user}|{callerid*}|"
    ),
    _invalid("ERROR: transfer_conference not valid - {value}|{agent_user}"),
    _invalid("ERROR: ingroup is not valid - {ingroup_choices}"),
    _invalid(
        "ERROR: caller_id_number from group_alias is not valid - "
        "{agent_user}|{group_alias}|{caller_id_number}"
    ),
    _invalid("ERROR: group_alias is not valid - {agent_user}|{group_alias}"),
    _invalid("ERROR: cid_choice is not valid - {agent_user}|{cid_choice}"),
    _invalid("ERROR: value is not valid - {value}|{user}"),
    _state(
        "ERROR: agent_user has previous active 3-way calls - "
        "{agent_user}|{count}|{ok_count}|{md_check}"
    ),
    _state("ERROR: agent_user has current active 3-way call - {agent_user}|{count}|0|{tw_check}"),
    _state("ERROR: agent_user does not have a live call - {agent_user}"),
    _NOT_LOGGED_IN,
)

SWITCH_LEAD = _spec(
    "switch_lead",
    "On a live inbound call, switch the call to another lead (by lead_id or vendor_lead_code).",
    "mutating",
    True,
    (_AGENT, Param("lead_id", "int", max_len=11), Param("vendor_lead_code", "text", max_len=20)),
    Template(
        "SUCCESS: switch_lead function set - {agent_user}|{new_lead_id}|{new_vendor_lead_code}|"
        "{campaign_id}|{current_lead_id}|"
    ),
    _invalid("ERROR: switch_lead not valid - {lead_id}|{vendor_lead_code}|{agent_user}"),
    _missing("ERROR: switch-to lead not found - {agent_user}|{lead_id}|{vendor_lead_code}"),
    _state("ERROR: campaign does not allow inbound lead search - {agent_user}|{campaign_id}"),
    _missing("ERROR: campaign not found - {agent_user}|{campaign_id}"),
    _state("ERROR: agent call is not inbound - {agent_user}|{callerid}"),
    _state("ERROR: agent_user does not have a live call - {agent_user}"),
    _NOT_LOGGED_IN,
)

VM_MESSAGE = _spec(
    "vm_message",
    "Set the voicemail message file(s) played when the agent clicks VM on the current call.",
    "mutating",
    False,
    (
        _AGENT,
        Param("value", "text", required=True, max_len=255, summary="audio files, |-separated"),
        Param("lead_id", "int", max_len=11),
    ),
    Template("SUCCESS: vm_message function set - {agent_user}|{lead_id}|{value*}|"),
    _invalid("ERROR: vm_message not valid - {lead_id}|{value*}|{agent_user}"),
    _state("ERROR: current call does not match lead_id submitted - {agent_user}"),
    _state("ERROR: agent_user does not have a live call - {agent_user}"),
    _NOT_LOGGED_IN,
)

PAUSE_CODE = _spec(
    "pause_code",
    "Set the pause code of a paused agent.",
    "mutating",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=6)),
    Template("SUCCESS: pause_code function sent - {agent_user}"),
    _invalid("ERROR: pause_code not valid - {value}|{agent_user}"),
    _state("ERROR: pause_code error - agent is not paused - {agent_user}"),
    _NOT_LOGGED_IN,
)

CALLS_IN_QUEUE_COUNT = _spec(
    "calls_in_queue_count",
    "How many calls (and emails) wait in queue that could go to this agent.",
    "read_only",
    True,
    (_AGENT, Param("value", "code", required=True, max_len=7, choices=("DISPLAY",))),
    Template("SUCCESS: calls_in_queue_count - {count}"),
    _invalid("ERROR: calls_in_queue_count not valid - {value}|{agent_user}"),
    _NOT_LOGGED_IN,
    field_types={"count": "int"},
)

_FRONTER_VALUE = Param(
    "value",
    "code",
    required=True,
    max_len=13,
    choices=("LOCAL_ONLY", "LOCAL_AND_CCC", "CCC_REMOTE"),
)

FORCE_FRONTER_LEAVE_3WAY = _spec(
    "force_fronter_leave_3way",
    "Make the other (fronter) agent on the same lead leave the 3-way call.",
    "mutating",
    False,
    (_AGENT, _FRONTER_VALUE, Param("lead_id", "int", max_len=11)),
    Template("SUCCESS: force_fronter_leave_3way SENT - {other_user}"),
    Template("SUCCESS: force_fronter_leave_3way command sent over CCC - {container_id}"),
    _invalid("ERROR: force_fronter_leave_3way not valid - {value}|{agent_user}"),
    _state("ERROR: no fronter found - {agent_user}"),
    _state("ERROR: agent_user is not on a phone call - {agent_user}"),
    _NOT_LOGGED_IN,
)

FORCE_FRONTER_AUDIO_STOP = _spec(
    "force_fronter_audio_stop",
    "Stop audio playback in the fronter agent's session.",
    "mutating",
    True,
    (_AGENT, _FRONTER_VALUE),
    Template(
        "SUCCESS: force_fronter_audio_stop function sent - "
        "{value}|{stage}|{agent_user}|{other_agent}"
    ),
    Template("SUCCESS: force_fronter_audio_stop command sent over CCC - {container_id}"),
    _invalid("ERROR: force_fronter_audio_stop not valid - {value}|{agent_user}"),
    _state(
        "ERROR: force_fronter_audio_stop error - no audio playing in other agent session - "
        "{session_id}|{server_ip}|{stage}|{agent_user}|{other_agent}"
    ),
    _state(
        "ERROR: force_fronter_audio_stop error - no fronter session found - "
        "{stage}|{agent_user}|{other_agent}"
    ),
    _state("ERROR: no fronter found - {agent_user}"),
    _state("ERROR: agent_user is not on a phone call - {agent_user}"),
    _NOT_LOGGED_IN,
)

SEND_NOTIFICATION = _spec(
    "send_notification",
    "Queue a text alert and/or a confetti effect for a user, a user group or a campaign.",
    "mutating",
    False,
    (
        Param("recipient", "code", required=True, max_len=30),
        Param(
            "recipient_type",
            "code",
            required=True,
            max_len=10,
            choices=("USER", "USER_GROUP", "CAMPAIGN"),
        ),
        Param("notification_date", "datetime", max_len=19),
        Param("notification_text", "text", max_len=1000),
        Param("text_size", "int", max_len=3),
        Param("text_font", "text", max_len=50),
        Param("text_weight", "code", max_len=10),
        Param("text_color", "code", max_len=20),
        Param("show_confetti", "code", max_len=1, choices=("Y", "N")),
        Param("duration", "int", max_len=3),
        Param("maxParticleCount", "int", max_len=5),
        Param("particleSpeed", "int", max_len=3),
        Param("notification_retry", "code", max_len=1, choices=("Y", "N")),
    ),
    Template("SUCCESS: notification queued - {recipient}|{recipient_type}|{notification_id}"),
    Template("NOTICE: found {recipient} as {recipient_type}<BR>"),
    # VICIdial is not set up for it (system setting agent_notifications)
    _err(
        "ERROR: Agent API Notifications are disabled on this system - {setting}",
        "not_configured",
    ),
    _missing(
        "ERROR: no matching recipient found in users, user_groups, or campaigns - {recipient}"
    ),
    _missing("ERROR: {recipient} DOES NOT EXIST in {table} - {value}|{recipient_again}"),
    _ours(
        "ERROR: ACCESS TO CAMPAIGN {recipient} NOT ALLOWED FOR USER {user} ({allowed_campaigns})"
        " - {value}|{recipient_again}"
    ),
    _ours(
        "ERROR: ACCESS TO USER GROUP {recipient} NOT ALLOWED FOR USER {user} - "
        "{value}|{recipient_again}"
    ),
    _ours("ERROR: user_group DOES NOT EXIST - {value}|{user_group}"),
    _invalid("ERROR: invalid request - {recipient}|{recipient_type}"),
    _invalid("ERROR: Missing recipient or recipient_type - {recipient}|{recipient_type}"),
)

FUNCTIONS: tuple[FunctionSpec, ...] = (
    VERSION,
    WEBSERVER,
    EXTERNAL_HANGUP,
    EXTERNAL_STATUS,
    EXTERNAL_PAUSE,
    LOGOUT,
    RECORDING,
    WEBPHONE_URL,
    CALL_AGENT,
    AUDIO_PLAYBACK,
    EXTERNAL_DIAL,
    PREVIEW_DIAL_ACTION,
    EXTERNAL_ADD_LEAD,
    CHANGE_INGROUPS,
    UPDATE_FIELDS,
    REFRESH_PANEL,
    SET_TIMER_ACTION,
    ST_LOGIN_LOG,
    ST_GET_AGENT_ACTIVE_LEAD,
    RA_CALL_CONTROL,
    SEND_DTMF,
    PARK_CALL,
    TRANSFER_CONFERENCE,
    SWITCH_LEAD,
    VM_MESSAGE,
    PAUSE_CODE,
    CALLS_IN_QUEUE_COUNT,
    FORCE_FRONTER_LEAVE_3WAY,
    FORCE_FRONTER_AUDIO_STOP,
    SEND_NOTIFICATION,
)
