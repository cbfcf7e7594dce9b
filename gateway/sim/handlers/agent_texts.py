"""Every line the simulated Agent API prints, in one place per function.

Texts are the real ``agc/api.php``'s, byte for byte (checked side by side against the reference
server, see tests/test_sim_agent.py); ``{name}`` is a value, printed empty when absent, as PHP
interpolates an unset variable.

The gateway's catalog (:data:`gateway.catalog.AGENT_CATALOG` and the Agent API's generic lines)
holds the same lines as parser templates. :func:`line` renders the catalog's template wherever
one has the same literal text (its field names may differ: values are passed by position), so
the simulator prints what the parser reads; a line without such a template is printed from the
text here (:func:`uncatalogued` lists them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from gateway.catalog import AGENT_CATALOG, Template
from gateway.catalog.generic import lines_for

_FIELD = re.compile(r"\{([a-z_0-9]+)\}")
_ANY_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\*?\}")

VERSION = "2.14-81"
BUILD = "240429-2220"

# Lines any function may print.
COMMON: dict[str, str] = {
    "version": "VERSION: {version}|BUILD: {build}|DATE: {date}|EPOCH: {epoch}",
    "coffee": "Coffee: {function}|Error 418 I'm a teapot",
    "invalid_source": "ERROR: Invalid Source - {source}",
    "bad_login": (
        "ERROR: Invalid Username/Password: |{user}|{pass}|{auth}|{auth_api}|{auth_message}|"
    ),
    "bad_login_sql": (
        "SELECT count(*) from vicidial_users where user='{user}' and pass='{pass}' and "
        "user_level > 0 and active='Y' and ( (failed_login_count < 10) or "
        "(UNIX_TIMESTAMP(last_login_date) < {lock_over}) );"
    ),
    "api_not_active": "ERROR: System API NOT ACTIVE",
    "not_allowed": (
        "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
        "{first}|{user}|{function}|{user_group}"
    ),
    "no_user_found": "ERROR: no user found - {alt_user}",
    "not_logged_in": "ERROR: agent_user is not logged in - {agent_user}",
}

# Per function: key -> text. "invalid" is the function's "not valid" line.
TEXTS: dict[str, dict[str, str]] = {
    "webserver": {
        "not_allowed": (
            "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION - "
            "{user}|{function}|{user_group}"
        ),
    },
    "external_hangup": {
        "invalid": "ERROR: external_hangup not valid - {value}|{agent_user}",
        "ok": "SUCCESS: external_hangup function set - {value}|{agent_user}",
    },
    "external_status": {
        "invalid": "ERROR: external_status not valid - {value}|{agent_user}",
        "ok": "SUCCESS: external_status function set - {value}|{agent_user}",
    },
    "external_pause": {
        "invalid": "ERROR: external_pause not valid - {value}|{agent_user}",
        "not_paused": "ERROR: external_pause agent is not paused - {value}|{agent_user}",
        "ok": "SUCCESS: external_pause function set - {value}|{epoch}|{agent_user}",
    },
    "logout": {
        "invalid": "ERROR: logout not valid - {value}|{agent_user}",
        "ok": "SUCCESS: logout function set - {value}|{epoch}|{agent_user}",
    },
    "recording": {
        "invalid": "ERROR: recording not valid - {value}|{agent_user}",
        "active": (
            "NOTICE: recording active - {agent_user}|{recording_id}|{filename}|"
            "{recording_server_ip}|{start_time}|{server_ip}|{session_id}|{status}"
        ),
        "inactive": "NOTICE: not recording - {agent_user}|||||{server_ip}|{session_id}|{status}",
        "stop_error": (
            "ERROR: stop recording error - {agent_user}|{recording_id}||||{server_ip}|"
            "{session_id}|{status}"
        ),
        "ok": (
            "SUCCESS: recording function sent - {agent_user}|{value}||||{server_ip}|"
            "{session_id}|{status}"
        ),
    },
    "webphone_url": {
        "invalid": "ERROR: webphone_url not valid - {value}|{agent_user}",
        "empty": "ERROR: webphone_url error - webphone url is empty - {agent_user}",
        "no_session": "ERROR: webphone_url error - no session data - {agent_user}",
        # LAUNCH: an HTML redirect, four lines.
        "launch": (
            '<META HTTP-EQUIV=Refresh CONTENT="0; URL={url}">\n</HEAD>\n'
            "<BODY BGCOLOR=#FFFFFF marginheight=0 marginwidth=0 leftmargin=0 topmargin=0>\n"
            '<a href="{url}">click here to continue. . .</a>\n</BODY>'
        ),
    },
    "call_agent": {
        "invalid": "ERROR: call_agent not valid - {value}|{agent_user}",
        "ok": "SUCCESS: call_agent function sent - {agent_user}",
        "empty": "ERROR: call_agent error - entry is empty - {agent_user}",
        "no_session": "ERROR: call_agent error - no session data - {agent_user}",
    },
    "audio_playback": {
        "invalid": "ERROR: audio_playback not valid - {value}|{stage}|{agent_user}",
        "no_user_found": "ERROR: no user found - {stage}|{alt_user}",
        "stopped": (
            "NOTICE: audio_playback previous playback stopped - {stage}|{dial_override}|"
            "{agent_user}"
        ),
        "playing": (
            "ERROR: audio_playback error - audio already playing in agent session - "
            "{session_id}|{server_ip}|{stage}|{dial_override}|{agent_user}"
        ),
        "not_playing": (
            "ERROR: audio_playback error - no audio playing in agent session - "
            "{session_id}|{server_ip}|{stage}|{agent_user}"
        ),
        "ok": "SUCCESS: audio_playback function sent - {value}|{stage}|{agent_user}",
        "empty": "ERROR: audio_playback error - entry is empty - {stage}|{agent_user}",
        "no_session": "ERROR: audio_playback error - no session data - {stage}|{agent_user}",
        "not_logged_in": "ERROR: agent_user is not logged in - {stage}|{agent_user}",
    },
    "external_dial": {
        "invalid": (
            "ERROR: external_dial not valid - {value}|{phone_code}|{search}|{preview}|{focus}|"
            "{lead_id}|{agent_user}|{alt_user}"
        ),
        "ingroup_not_found": "NOTICE: defined dial_ingroup not found - {dial_ingroup}",
        "cid_invalid": (
            "ERROR: caller_id_number from group_alias is not valid - {agent_user}|{group_alias}|"
            "{caller_id_number}"
        ),
        "alias_invalid": "ERROR: group_alias is not valid - {agent_user}|{group_alias}",
        "outbound_cid": (
            "ERROR: outbound_cid is not allowed on this system - {agent_user}|{outbound_cid}|"
            "{outbound_cid_any}"
        ),
        "search_not_found": (
            "ERROR: phone number lead_id search not found - {agent_user}|{value}|{lead_id}|"
            "{alt_dial}"
        ),
        "phone_invalid": (
            "ERROR: phone number is not valid - {agent_user}|{value}|{lead_id}|{alt_dial}"
        ),
        "lead_invalid": "ERROR: lead_id is not valid - {agent_user}|{lead_id}",
        "in_queue": (
            "ERROR: phone_number is already in this agents manual dial queue - {agent_user}|{value}"
        ),
        "ok": (
            "SUCCESS: external_dial function set - {value}|{agent_user}|{phone_code}|{search}|"
            "{preview}|{focus}|{vendor_id}|{epoch}|{dial_prefix}|{group_alias}|"
            "{caller_id_number}|{alt_dial}"
        ),
        "no_manual": "ERROR: agent_user is not allowed to place manual dial calls - {agent_user}",
        "not_paused": "ERROR: agent_user is not paused - {agent_user}",
    },
    "preview_dial_action": {
        "invalid": "ERROR: preview_dial_action not valid - {value}||{agent_user}|{alt_user}",
        "disabled": (
            "ERROR: preview dialing not allowed on this campaign - {agent_user}|{campaign_id}|"
            "{manual_preview_dial}"
        ),
        "no_skip": (
            "ERROR: preview dial skipping not allowed on this campaign - {agent_user}|"
            "{campaign_id}|{manual_preview_dial}"
        ),
        "no_alt": (
            "ERROR: alt number dialing not allowed on this campaign - {agent_user}|"
            "{campaign_id}|{alt_number_dialing}"
        ),
        "ok": "SUCCESS: preview_dial_action function set - {value}|{agent_user}|{value}",
        "no_manual": "ERROR: agent_user is not allowed to place manual dial calls - {agent_user}",
        "not_paused": "ERROR: agent_user is not paused - {agent_user}",
    },
    "external_add_lead": {
        "invalid": (
            "ERROR: external_add_lead not valid - {value}|{phone_code}|{agent_user}|{alt_user}"
        ),
        "ok": "SUCCESS: lead added - {value}|{campaign_id}|{list_id}|{lead_id}|{agent_user}",
        "dnc": "ERROR: add_lead PHONE NUMBER IN DNC - {value}|{agent_user}",
        "campaign_dnc": (
            "ERROR: add_lead PHONE NUMBER IN CAMPAIGN DNC - {value}|{campaign_id}|{agent_user}"
        ),
        "no_list": (
            "ERROR: campaign manual dial list undefined - {value}|{campaign_id}|{agent_user}"
        ),
    },
    "change_ingroups": {
        "invalid": (
            "ERROR: change_ingroups not valid - {value}|{blended}|{ingroup_choices}|{agent_user}"
        ),
        "no_autodial": (
            "ERROR: campaign dial_method does not allow outbound autodial - {agent_user}|{blended}"
        ),
        "no_ingroup": ("ERROR: ingroup does not exist - {agent_user}|{ingroup}|{ingroup_choices}"),
        "choices_required": (
            "ERROR: ingroup_choices are required for ADD and REMOVE values - {agent_user}|"
            "{value}|{ingroup_choices}"
        ),
        "ok": (
            "SUCCESS: change_ingroups function set - {user}|{agent_user}|{ingroup_choices}|"
            "{blended}|{default_note}"
        ),
        "default_note": "User settings set as default",
        "no_permission": "ERROR: user is not allowed to change agent in-groups - {user}",
        "no_inbound": "ERROR: campaign does not allow inbound calls - {agent_user}",
    },
    "update_fields": {
        "invalid": "ERROR: agent_user not valid - {agent_user}",
        "ok": (
            "SUCCESS: update_fields lead updated - {user}|{agent_user}|{lead_id}|{vl_rows}|"
            "{vla_rows}|{fields_list}|{fields_sql}|"
        ),
        "no_fields": "ERROR: no fields have been defined - {agent_user}",
        "no_lead": "ERROR: agent_user does not have a lead on their screen - {agent_user}",
        "no_permission": (
            "ERROR: user is not allowed to modify lead information - {agent_user}|{user}"
        ),
    },
    "refresh_panel": {
        "invalid": "ERROR: agent_user not valid - {agent_user}",
        "ok": "SUCCESS: refresh_panel request sent - {user}|{agent_user}|{vla_rows}|{panels}|",
        "no_panels": "ERROR: no panels have been defined - {agent_user}",
    },
    "set_timer_action": {
        "invalid": "ERROR: set_timer_action not valid - {agent_user}|{value}",
        "ok": (
            "SUCCESS: set_timer_action lead updated - {user}|{agent_user}|{value}|{notes}|{rank}"
        ),
        "no_permission": (
            "ERROR: user is not allowed to modify campaign settings - {agent_user}|{user}"
        ),
    },
    "st_login_log": {
        "invalid": "ERROR: st_login_log not valid - {value}|{vendor_id}",
        "ok": "SUCCESS: st_login_log user found - {agent_user}",
        "no_user": "ERROR: no user found - {value}",
    },
    "st_get_agent_active_lead": {
        "invalid": "ERROR: st_get_agent_active_lead not valid - {value}|{vendor_id}",
        "ok": (
            "SUCCESS: st_get_agent_active_lead lead found - {agent_user}|{phone_number}|"
            "{lead_id}|{vendor_lead_code}|{province}|{security_phrase}|{source_id}"
        ),
        "no_lead": "ERROR: no active lead found - {agent_user}",
        "not_logged_in": "ERROR: user not logged in - {agent_user}",
        "no_user": "ERROR: no user found - {value}",
    },
    "ra_call_control": {
        "invalid": "ERROR: ra_call_control not valid - {value}|{agent_user}|{stage}",
        "hungup": "SUCCESS: ra_call_control hungup - {agent_user}|{value}|HANGUP",
        "transfer": "SUCCESS: ra_call_control transfer - {agent_user}|{value}|{phone_number}",
        "phone_invalid": "ERROR: phone_number is not valid - {phone_number}",
        "ingroup_invalid": "ERROR: ingroup is not valid - {ingroup_choices}",
        "stage_invalid": "ERROR: stage is not valid - {stage}",
        "no_call": "ERROR: no active call found - {value}",
    },
    "send_dtmf": {
        "invalid": "ERROR: send_dtmf not valid - {value}|{agent_user}",
        "ok": "SUCCESS: send_dtmf function set - {value}|{agent_user}",
    },
    "park_call": {
        "invalid": "ERROR: park_call not valid - {value}|{agent_user}",
        "ok": "SUCCESS: park_call function set - {value}|{agent_user}",
        "no_lead": "ERROR: agent_user does not have a lead on their screen - {agent_user}",
    },
    "transfer_conference": {
        "invalid": "ERROR: transfer_conference not valid - {value}|{agent_user}",
        "ingroup_invalid": "ERROR: ingroup is not valid - {ingroup_choices}",
        "cid_invalid": (
            "ERROR: caller_id_number from group_alias is not valid - {agent_user}|{group_alias}|"
            "{caller_id_number}"
        ),
        "alias_invalid": "ERROR: group_alias is not valid - {agent_user}|{group_alias}",
        "cid_choice_invalid": "ERROR: cid_choice is not valid - {agent_user}|{cid_choice}",
        "value_invalid": "ERROR: value is not valid - {value}|{user}",
        "md_busy": (
            "ERROR: agent_user has previous active 3-way calls - {agent_user}|{count}|{ok}|"
            "{md_check}"
        ),
        "tw_busy": (
            "ERROR: agent_user has current active 3-way call - {agent_user}|{count}|0|{tw_check}"
        ),
        "multi_suffix": "|Multi-phones: {valid} {given} {rows}",
        "ok": (
            "SUCCESS: transfer_conference function set - {value}|{ingroup_choices}|"
            "{phone_number}|{consultative}|{agent_user}|{callerid}|"
        ),
        "no_call": "ERROR: agent_user does not have a live call - {agent_user}",
    },
    "switch_lead": {
        "invalid": "ERROR: switch_lead not valid - {lead_id}|{vendor_lead_code}|{agent_user}",
        "ok": (
            "SUCCESS: switch_lead function set - {agent_user}|{new_lead_id}|"
            "{new_vendor_lead_code}|{campaign_id}|{current_lead_id}|"
        ),
        "not_found": "ERROR: switch-to lead not found - {agent_user}|{lead_id}|{vendor_lead_code}",
        "no_search": (
            "ERROR: campaign does not allow inbound lead search - {agent_user}|{campaign_id}"
        ),
        "no_campaign": "ERROR: campaign not found - {agent_user}|{campaign_id}",
        "not_inbound": "ERROR: agent call is not inbound - {agent_user}|{callerid}",  # no LF
        "no_call": "ERROR: agent_user does not have a live call - {agent_user}",
    },
    "vm_message": {
        "invalid": "ERROR: vm_message not valid - {lead_id}|{value}|{agent_user}",
        "ok": "SUCCESS: vm_message function set - {agent_user}|{lead_id}|{value}|",
        "mismatch": "ERROR: current call does not match lead_id submitted - {agent_user}",
        "no_call": "ERROR: agent_user does not have a live call - {agent_user}",
    },
    "pause_code": {
        "invalid": "ERROR: pause_code not valid - {value}|{agent_user}",
        "ok": "SUCCESS: pause_code function sent - {agent_user}",
        "not_paused": "ERROR: pause_code error - agent is not paused - {agent_user}",
    },
    "calls_in_queue_count": {
        "invalid": "ERROR: calls_in_queue_count not valid - {value}|{agent_user}",
        "ok": "SUCCESS: calls_in_queue_count - {count}",  # no LF
    },
    "force_fronter_leave_3way": {
        "invalid": "ERROR: force_fronter_leave_3way not valid - {value}|{agent_user}",
        "ok": "SUCCESS: force_fronter_leave_3way SENT - {other_user}",  # no LF
        "no_fronter": "ERROR: no fronter found - {agent_user}",
        "no_call": "ERROR: agent_user is not on a phone call - {agent_user}",
    },
    "force_fronter_audio_stop": {
        "invalid": "ERROR: force_fronter_audio_stop not valid - {value}|{agent_user}",
        "ok": (
            "SUCCESS: force_fronter_audio_stop function sent - {value}|{stage}|{agent_user}|"
            "{other_agent}"
        ),
        "not_playing": (
            "ERROR: force_fronter_audio_stop error - no audio playing in other agent session - "
            "{session_id}|{server_ip}|{stage}|{agent_user}|{other_agent}"
        ),
        "no_session": (
            "ERROR: force_fronter_audio_stop error - no fronter session found - {stage}|"
            "{agent_user}|{other_agent}"
        ),
        "no_fronter": "ERROR: no fronter found - {agent_user}",
        "no_call": "ERROR: agent_user is not on a phone call - {agent_user}",
    },
    "send_notification": {
        "disabled": "ERROR: Agent API Notifications are disabled on this system - {setting}",
        "found": "NOTICE: found {recipient} as {recipient_type}<BR>",
        "no_match": (
            "ERROR: no matching recipient found in users, user_groups, or campaigns - {recipient}"
        ),
        "missing": "ERROR: {recipient} DOES NOT EXIST in {table} - {value}|{recipient}",
        "campaign_denied": (
            "ERROR: ACCESS TO CAMPAIGN {recipient} NOT ALLOWED FOR USER {user} "
            "({allowed_campaigns}) - {value}|{recipient}"
        ),
        "group_denied": (
            "ERROR: ACCESS TO USER GROUP {recipient} NOT ALLOWED FOR USER {user} - "
            "{value}|{recipient}"
        ),
        "bad_date": "NOTICE: Invalid notification date {notification_date}, changing to now",
        "bad_type": "Invalid recipient_type ({recipient_type}), ",  # no LF: the next line follows
        "no_group": "ERROR: user_group DOES NOT EXIST - {value}|{user_group}",
        "ok": "SUCCESS: notification queued - {recipient}|{recipient_type}|{notification_id}",
        "invalid_request": "ERROR: invalid request - {recipient}|{recipient_type}",
        "no_recipient": "ERROR: Missing recipient or recipient_type - {recipient}|{recipient_type}",
    },
}


# Lines after which api.php exits: nothing follows them, not even the close_window_link link.
EXITS: dict[str, frozenset[str]] = {
    "external_pause": frozenset({"not_paused"}),
    "recording": frozenset({"stop_error"}),
    "audio_playback": frozenset({"playing", "not_playing"}),
    "external_dial": frozenset(
        {"cid_invalid", "alias_invalid", "outbound_cid", "lead_invalid"}
        | {"search_not_found", "phone_invalid"}
    ),
    "preview_dial_action": frozenset({"disabled", "no_skip", "no_alt"}),
    "external_add_lead": frozenset({"invalid"}),
    "change_ingroups": frozenset({"no_autodial", "no_ingroup", "choices_required"}),
    "transfer_conference": frozenset(
        {"cid_invalid", "alias_invalid", "cid_choice_invalid", "md_busy", "tw_busy"}
    ),
    "force_fronter_audio_stop": frozenset({"not_playing"}),
    "send_notification": frozenset(
        {"no_match", "missing", "campaign_denied", "group_denied", "no_group", "no_recipient"}
    ),
}
EXITS_ANYWHERE = frozenset({"not_allowed"})
# close_window_link appends this after the reply of a run that did not exit.
CLOSE_WINDOW = "\n<a href=\"javascript:window.opener='x';window.close();\">Close This Window</a>\n"


def exits(function: str, key: str) -> bool:
    return key in EXITS_ANYWHERE or key in EXITS.get(function, frozenset())


def fill(text: str, values: Mapping[str, object]) -> str:
    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(1), "")
        return "" if value is None else str(value)

    return _FIELD.sub(sub, text)


def _text(function: str, key: str) -> str:
    text = TEXTS.get(function, {}).get(key)
    return COMMON[key] if text is None else text


def _skeleton(text: str) -> str:
    return _ANY_FIELD.sub("\x00", text)


@cache
def catalog_template(function: str, key: str) -> tuple[Template, tuple[str, ...]] | None:
    """The catalog template printing line ``key`` of ``function`` and, by position, the name
    this module gives each of its fields; None when the catalog has no such line."""
    text = _text(function, key)
    ours = tuple(m.group(1) for m in _FIELD.finditer(text))
    spec = AGENT_CATALOG.get(function)
    candidates = (*(spec.templates if spec is not None else ()), *lines_for("agent"))
    for template in candidates:
        if _skeleton(template.text) != _skeleton(text):
            continue
        theirs = [m.group(1) for m in _ANY_FIELD.finditer(template.text)]
        pairs = dict.fromkeys(zip(theirs, ours, strict=True))
        names = [name for name, _ in pairs]
        if len(names) == len(set(names)):  # each catalog field takes one of our values
            return template, ours
    return None


def uncatalogued() -> list[tuple[str, str]]:
    """(function, key) of the lines printed from this module's text: no catalog template."""
    keys = [("", key) for key in COMMON] + [(f, k) for f, texts in TEXTS.items() for k in texts]
    return [(f, k) for f, k in keys if catalog_template(f, k) is None]


def line(function: str, key: str, values: Mapping[str, object]) -> str:
    """The line ``key`` of ``function`` (or a common line), rendered without its LF."""
    found = catalog_template(function, key)
    if found is None:
        return fill(_text(function, key), values)
    template, ours = found
    theirs = [m.group(1) for m in _ANY_FIELD.finditer(template.text)]
    pairs = zip(theirs, ours, strict=True)
    return template.render({name: values.get(our, "") for name, our in pairs})
