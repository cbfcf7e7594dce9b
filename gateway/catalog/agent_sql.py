"""Where ``agc/api.php`` (the Agent API) pastes each parameter's value into SQL unescaped.

The same form as :data:`gateway.catalog.sql_uses.SQL_USES` (function -> parameter -> uses; an
empty tuple: the value never reaches SQL). Line numbers are ``www/agc/api.php`` at the mirror's
HEAD (SVN r3884). The facts were taken from the source: each function's block was read for every
``$stmt`` that holds a request parameter, and the quote around the parameter determined from the
statement text; parameters api.php overwrites from the database before any SQL use (e.g.
``lead_id`` in ``update_fields``) are left out, ``external_add_lead``'s ``phone_number`` is the
``value`` when ``value`` is empty (line 2283). Not listed: ``api_log`` (line 5623) pastes the
filtered ``agent_user`` and ``value`` into single quotes for every function; ``format`` and
``close_window_link`` are read by every function (lines 713, 5540) and never reach SQL.
``agent_user``/``alt_user``: either is enough (``alt_user`` looked up by ``custom_three``); the
``*reload`` flags of ``update_fields``/``refresh_panel`` are not variables: api.php looks for the
name anywhere in the query string. :data:`AGENT_REQUIRED` lists what a function refuses to run
without (``agent_user`` standing for "``agent_user`` or ``alt_user``"); some functions filter a
parameter further in their own block (``external_dial``, ``preview_dial_action`` and
``change_ingroups`` narrow ``value``).
See ``docs/sql-audit/sql_agent.md``.

:data:`AGENT_CHARSETS`: the characters api.php keeps of each parameter when
``use_non_latin`` is 0 (its ``preg_replace`` filters, lines 355-459), as a regex
character-class body; a body starting with ``^`` lists the only characters removed.
"""

from __future__ import annotations

from collections.abc import Mapping

from .spec import SqlUse
from .sql_uses import READ_BACK_LEAD, SQL_USES, B, D, S

AGENT_SHARED_PARAMS: tuple[str, ...] = ("format", "close_window_link")

_READ_IN_API_PHP: Mapping[str, Mapping[str, tuple[SqlUse, ...]]] = {
    "version": {
        "agent_user": (),
        "value": (),
    },
    "webserver": {
        "agent_user": (),
        "value": (),
    },
    "external_hangup": {
        "agent_user": (
            S("SELECT vicidial_live_agents [832]"),
            S("UPDATE vicidial_live_agents [838]"),
        ),
        "alt_user": (S("SELECT vicidial_users [812, 818]"),),
        "value": (S("UPDATE vicidial_live_agents [838]"),),
    },
    "external_status": {
        "agent_user": (
            S("SELECT vicidial_live_agents [907, 926]"),
            S("UPDATE vicidial_live_agents [956]"),
        ),
        "alt_user": (S("SELECT vicidial_users [887, 893]"),),
        "callback_comments": (),
        "callback_datetime": (),
        "callback_type": (),
        "qm_dispo_code": (),
        "value": (S("UPDATE vicidial_live_agents [956]"),),
    },
    "external_pause": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1025, 1033]"),
            S("UPDATE vicidial_live_agents [1046]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1005, 1011]"),),
        "value": (S("UPDATE vicidial_live_agents [1046]"),),
    },
    "logout": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1116]"),
            S("UPDATE vicidial_live_agents [1122]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1096, 1102]"),),
        "value": (S("UPDATE vicidial_live_agents [1122]"),),
    },
    "recording": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1193, 1199]"),
            S("UPDATE vicidial_live_agents [1255]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1173, 1179]"),),
        "stage": (),
        "value": (S("UPDATE vicidial_live_agents [1255]"),),
    },
    "webphone_url": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1326]"),
            S("SELECT vicidial_session_data [1332]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1306, 1312]"),),
        "value": (),
    },
    "call_agent": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1439]"),
            S("SELECT vicidial_session_data [1446]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1419, 1425]"),),
        "value": (),
    },
    "audio_playback": {
        "agent_debug": (),
        "agent_user": (
            S("SELECT vicidial_live_agents [1547, 1553]"),
            S("INSERT vicidial_ajax_log [1708]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1526, 1532]"),),
        "dial_override": (),
        "stage": (),
        "value": (S("INSERT vicidial_manager [1599, 1613]"),),
    },
    "external_dial": {
        "agent_user": (
            S("SELECT vicidial_live_agents [1774, 1780, 1799, 1903]"),
            S("SELECT vicidial_users [1826]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("SELECT vicidial_manual_dial_queue [2058]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "alt_dial": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "alt_user": (S("SELECT vicidial_users [1754, 1760]"),),
        "dial_ingroup": (
            S("SELECT vicidial_inbound_groups [1811]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "dial_prefix": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "focus": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "group_alias": (
            S("SELECT groups_alias [1834]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "lead_id": (
            B("SELECT vicidial_list [1985, 2013, 2015, 2017]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "outbound_cid": (),
        "phone_code": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "preview": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "search": (
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "value": (
            S("SELECT vtiger_seactivityrel [1930, 1941]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("SELECT vicidial_manual_dial_queue [2058]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "vendor_id": (
            S("SELECT vtiger_account [1952]"),
            S("UPDATE vicidial_live_agents [2052]"),
            S("INSERT vicidial_manual_dial_queue [2064]"),
        ),
        "vtiger_callback": (),
    },
    "preview_dial_action": {
        "agent_user": (
            S("SELECT vicidial_live_agents [2166, 2172, 2218]"),
            S("SELECT vicidial_users [2226]"),
            S("UPDATE vicidial_live_agents [2232]"),
        ),
        "alt_user": (S("SELECT vicidial_users [2146, 2152]"),),
        "value": (S("UPDATE vicidial_live_agents [2232]"),),
    },
    "external_add_lead": {
        "address1": (D("INSERT vicidial_list [2383]"),),
        "address2": (D("INSERT vicidial_list [2383]"),),
        "address3": (D("INSERT vicidial_list [2383]"),),
        "agent_user": (
            S("SELECT vicidial_live_agents [2329]"),
            S("SELECT vicidial_campaigns [2335]"),
        ),
        "alt_phone": (D("INSERT vicidial_list [2383]"),),
        "alt_user": (S("SELECT vicidial_users [2309, 2315]"),),
        "campaign_dnc_check": (),
        "city": (D("INSERT vicidial_list [2383]"),),
        "comments": (D("INSERT vicidial_list [2383]"),),
        "country_code": (D("INSERT vicidial_list [2383]"),),
        "date_of_birth": (D("INSERT vicidial_list [2383]"),),
        "dnc_check": (),
        "email": (D("INSERT vicidial_list [2383]"),),
        "first_name": (D("INSERT vicidial_list [2383]"),),
        "gender": (D("INSERT vicidial_list [2383]"),),
        "last_name": (D("INSERT vicidial_list [2383]"),),
        "middle_initial": (D("INSERT vicidial_list [2383]"),),
        "owner": (D("INSERT vicidial_list [2383]"),),
        "phone_code": (D("INSERT vicidial_list [2383]"),),
        "phone_number": (
            S("SELECT vicidial_dnc [2348]"),
            S("SELECT vicidial_campaign_dnc [2369]"),
            D("INSERT vicidial_list [2383]"),
        ),
        "postal_code": (D("INSERT vicidial_list [2383]"),),
        "province": (D("INSERT vicidial_list [2383]"),),
        "rank": (D("INSERT vicidial_list [2383]"),),
        "security_phrase": (D("INSERT vicidial_list [2383]"),),
        "source_id": (D("INSERT vicidial_list [2383]"),),
        "state": (D("INSERT vicidial_list [2383]"),),
        "title": (D("INSERT vicidial_list [2383]"),),
        "value": (
            S("SELECT vicidial_dnc [2348]"),
            S("SELECT vicidial_campaign_dnc [2369]"),
            D("INSERT vicidial_list [2383]"),
        ),
        "vendor_id": (D("INSERT vicidial_list [2383]"),),
        "vendor_lead_code": (D("INSERT vicidial_list [2383]"),),
    },
    "change_ingroups": {
        "agent_user": (
            S("SELECT vicidial_live_agents [2474, 2480, 2494, 2509, 2554, 2607]"),
            S("UPDATE vicidial_live_agents [2652]"),
            S("SELECT vicidial_inbound_group_agents [2669]"),
            S("INSERT vicidial_live_inbound_agents [2690]"),
            S("DELETE vicidial_live_inbound_agents [2709]"),
            S("UPDATE vicidial_users [2720]"),
            S("INSERT vicidial_admin_log [2730]"),
        ),
        "blended": (),
        "ingroup_choices": (
            S("UPDATE vicidial_live_agents [2652]"),
            S("UPDATE vicidial_users [2720]"),
        ),
        "set_as_default": (),
        "value": (),
    },
    "update_fields": {
        "address1": (D("UPDATE vicidial_list via fieldsSQL [2831, 3055]"),),
        "address2": (D("UPDATE vicidial_list via fieldsSQL [2839, 3055]"),),
        "address3": (D("UPDATE vicidial_list via fieldsSQL [2847, 3055]"),),
        "agent_user": (
            S("SELECT vicidial_live_agents [2797, 2809]"),
            S("UPDATE vicidial_live_agents [3066]"),
        ),
        "alt_phone": (D("UPDATE vicidial_list via fieldsSQL [2855, 3055]"),),
        "city": (D("UPDATE vicidial_list via fieldsSQL [2863, 3055]"),),
        "comments": (D("UPDATE vicidial_list via fieldsSQL [2871, 3055]"),),
        "country_code": (D("UPDATE vicidial_list via fieldsSQL [2879, 3055]"),),
        "date_of_birth": (D("UPDATE vicidial_list via fieldsSQL [2887, 3055]"),),
        "email": (D("UPDATE vicidial_list via fieldsSQL [2895, 3055]"),),
        "first_name": (D("UPDATE vicidial_list via fieldsSQL [2903, 3055]"),),
        "gender": (D("UPDATE vicidial_list via fieldsSQL [2911, 3055]"),),
        "gmt_offset_now": (D("UPDATE vicidial_list via fieldsSQL [2919, 3055]"),),
        "last_name": (D("UPDATE vicidial_list via fieldsSQL [2927, 3055]"),),
        "middle_initial": (D("UPDATE vicidial_list via fieldsSQL [2935, 3055]"),),
        "owner": (D("UPDATE vicidial_list via fieldsSQL [3015, 3055]"),),
        "phone_code": (D("UPDATE vicidial_list via fieldsSQL [2823, 3055]"),),
        "phone_number": (D("UPDATE vicidial_list via fieldsSQL [2943, 3055]"),),
        "postal_code": (D("UPDATE vicidial_list via fieldsSQL [2951, 3055]"),),
        "province": (D("UPDATE vicidial_list via fieldsSQL [2959, 3055]"),),
        "rank": (D("UPDATE vicidial_list via fieldsSQL [3007, 3055]"),),
        "security_phrase": (D("UPDATE vicidial_list via fieldsSQL [2967, 3055]"),),
        "source_id": (D("UPDATE vicidial_list via fieldsSQL [2975, 3055]"),),
        "state": (D("UPDATE vicidial_list via fieldsSQL [2983, 3055]"),),
        "title": (D("UPDATE vicidial_list via fieldsSQL [2991, 3055]"),),
        "value": (),
        "vendor_lead_code": (D("UPDATE vicidial_list via fieldsSQL [2999, 3055]"),),
        "formreload": (),  # matched anywhere in the query string
        "scriptreload": (),  # matched anywhere in the query string
        "script2reload": (),  # matched anywhere in the query string
        "emailreload": (),  # matched anywhere in the query string
        "chatreload": (),  # matched anywhere in the query string
    },
    "refresh_panel": {
        "agent_user": (
            S("SELECT vicidial_live_agents [3141]"),
            S("UPDATE vicidial_live_agents [3191]"),
        ),
        "value": (),
        "formreload": (),  # matched anywhere in the query string
        "scriptreload": (),  # matched anywhere in the query string
        "script2reload": (),  # matched anywhere in the query string
        "emailreload": (),  # matched anywhere in the query string
        "chatreload": (),  # matched anywhere in the query string
        "callbacksreload": (),  # matched anywhere in the query string
    },
    "set_timer_action": {
        "agent_user": (
            S("SELECT vicidial_live_agents [3250]"),
            S("UPDATE vicidial_live_agents [3262]"),
        ),
        "notes": (S("UPDATE vicidial_live_agents [3262]"),),
        "rank": (S("UPDATE vicidial_live_agents [3262]"),),
        "value": (S("UPDATE vicidial_live_agents [3262]"),),
    },
    "st_login_log": {
        "agent_user": (),
        "value": (S("SELECT vicidial_users [3320, 3326]"),),
        "vendor_id": (S("UPDATE vicidial_users [3331]"),),
    },
    "st_get_agent_active_lead": {
        "agent_user": (),
        "value": (S("SELECT vicidial_users [3381, 3387]"),),
        "vendor_id": (),
    },
    "ra_call_control": {
        "agent_user": (
            S("SELECT vicidial_live_agents [3477]"),
            S("UPDATE vicidial_log [3639]"),
        ),
        "ingroup_choices": (S("SELECT vicidial_inbound_groups [3590]"),),
        "phone_number": (S("INSERT vicidial_manager [3547]"),),
        "stage": (),
        "status": (
            S("UPDATE vicidial_closer_log [3635]"),
            S("UPDATE vicidial_log [3639]"),
            S("UPDATE vicidial_list [3644]"),
            S("INSERT queue_log [3716]"),
        ),
        "value": (
            S("SELECT vicidial_auto_calls [3483, 3489]"),
            S("SELECT vicidial_live_agents [3503]"),
            S("SELECT queue_log [3679]"),
            S("INSERT queue_log [3712, 3716]"),
            S("DELETE vicidial_auto_calls [3788]"),
            S("UPDATE vicidial_live_agents [3792]"),
        ),
    },
    "send_dtmf": {
        "agent_user": (
            S("SELECT vicidial_live_agents [3867]"),
            S("UPDATE vicidial_live_agents [3873]"),
        ),
        "alt_user": (S("SELECT vicidial_users [3847, 3853]"),),
        "value": (S("UPDATE vicidial_live_agents [3873]"),),
    },
    "park_call": {
        "agent_user": (
            S("SELECT vicidial_live_agents [3942, 3948]"),
            S("UPDATE vicidial_live_agents [3955]"),
        ),
        "alt_user": (S("SELECT vicidial_users [3922, 3928]"),),
        "value": (S("UPDATE vicidial_live_agents [3955]"),),
    },
    "transfer_conference": {
        "agent_user": (
            S("SELECT vicidial_live_agents [4034, 4040]"),
            S("SELECT vicidial_3way_press_live [4272]"),
            S("INSERT vicidial_3way_press_multi [4285]"),
            S("UPDATE vicidial_live_agents [4339]"),
        ),
        "alt_user": (S("SELECT vicidial_users [4014, 4020]"),),
        "cid_choice": (),
        "consultative": (),
        "dial_override": (),
        "group_alias": (S("SELECT groups_alias [4107, 4160]"),),
        "ingroup_choices": (S("SELECT vicidial_inbound_groups [4087]"),),
        "md_check": (),
        "multi_dial_phones": (),
        "phone_number": (),
        "tw_check": (),
        "value": (),
    },
    "switch_lead": {
        "agent_user": (
            S("SELECT vicidial_live_agents [4424, 4430]"),
            S("UPDATE vicidial_live_agents [4466]"),
        ),
        "alt_user": (S("SELECT vicidial_users [4404, 4410]"),),
        "lead_id": (B("SELECT vicidial_list via searchSQL [4454, 4456]"),),
        "value": (),
        "vendor_lead_code": (S("SELECT vicidial_list via searchSQL [4455, 4456]"),),
    },
    "vm_message": {
        "agent_user": (S("SELECT vicidial_live_agents [4578, 4584]"),),
        "alt_user": (S("SELECT vicidial_users [4558, 4564]"),),
        "lead_id": (S("INSERT vicidial_lead_messages [4597]"),),
        "value": (S("INSERT vicidial_lead_messages [4597]"),),
    },
    "pause_code": {
        "agent_user": (
            S("SELECT vicidial_live_agents [4684, 4690]"),
            S("UPDATE vicidial_live_agents [4697]"),
        ),
        "alt_user": (S("SELECT vicidial_users [4664, 4670]"),),
        "value": (S("UPDATE vicidial_live_agents [4697]"),),
    },
    "calls_in_queue_count": {
        "agent_user": (S("SELECT vicidial_live_agents [4775, 4783]"),),
        "alt_user": (S("SELECT vicidial_users [4755, 4761]"),),
        "value": (),
    },
    "force_fronter_leave_3way": {
        "agent_user": (S("SELECT vicidial_live_agents [4880, 4888, 4907]"),),
        "alt_user": (S("SELECT vicidial_users [4860, 4866]"),),
        "lead_id": (),
        "value": (),
    },
    "force_fronter_audio_stop": {
        "agent_user": (
            S("SELECT vicidial_live_agents [5082, 5090, 5111]"),
            S("SELECT vicidial_sessions_recent [5124]"),
        ),
        "alt_user": (S("SELECT vicidial_users [5062, 5068]"),),
        "lead_id": (),
        "stage": (),
        "value": (),
    },
    "send_notification": {
        "agent_user": (),
        "duration": (S("INSERT vicidial_agent_notifications via SQL_values [5496, 5505]"),),
        "maxParticleCount": (S("INSERT vicidial_agent_notifications via SQL_values [5496, 5505]"),),
        "notification_date": (
            S("INSERT vicidial_agent_notifications via SQL_values [5450, 5505]"),
        ),
        "notification_retry": (
            S("INSERT vicidial_agent_notifications via SQL_values [5450, 5505]"),
        ),
        "notification_text": (
            S("INSERT vicidial_agent_notifications via SQL_values [5455, 5505]"),
        ),
        "particleSpeed": (S("INSERT vicidial_agent_notifications via SQL_values [5496, 5505]"),),
        "recipient": (
            S("SELECT vicidial_users [5336]"),
            S("SELECT the recipient_type's table (user, group, campaign) [5374]"),
            S("INSERT vicidial_agent_notifications via SQL_values [5450, 5505]"),
        ),
        "recipient_type": (S("INSERT vicidial_agent_notifications via SQL_values [5450, 5505]"),),
        "show_confetti": (S("INSERT vicidial_agent_notifications via SQL_values [5496, 5505]"),),
        "text_color": (S("INSERT vicidial_agent_notifications via SQL_values [5455, 5505]"),),
        "text_font": (S("INSERT vicidial_agent_notifications via SQL_values [5455, 5505]"),),
        "text_size": (S("INSERT vicidial_agent_notifications via SQL_values [5455, 5505]"),),
        "text_weight": (S("INSERT vicidial_agent_notifications via SQL_values [5455, 5505]"),),
        "value": (),
    },
}

# The lead fields update_fields and external_add_lead store are read back later by the
# Non-Agent API's lead reads, which paste them into api_log in single quotes (second order, the
# Non-Agent table's READ_BACK_LEAD on the same fields of update_lead): the same fact here.
_STORED_LEAD_FIELDS = frozenset(
    name for name, uses in SQL_USES["update_lead"].items() if READ_BACK_LEAD in uses
)


def _with_read_back(
    table: Mapping[str, Mapping[str, tuple[SqlUse, ...]]],
) -> Mapping[str, Mapping[str, tuple[SqlUse, ...]]]:
    out: dict[str, Mapping[str, tuple[SqlUse, ...]]] = {}
    for function, params in table.items():
        if function in ("update_fields", "external_add_lead"):
            params = {
                name: (*uses, READ_BACK_LEAD) if name in _STORED_LEAD_FIELDS else uses
                for name, uses in params.items()
            }
        out[function] = params
    return out


AGENT_SQL_USES: Mapping[str, Mapping[str, tuple[SqlUse, ...]]] = _with_read_back(_READ_IN_API_PHP)

AGENT_CHARSETS: Mapping[str, str] = {
    "address1": "- '.:/@_0-9a-zA-Z",  # [404]
    "address2": "- '.:/@_0-9a-zA-Z",  # [405]
    "address3": "- '.:/@_0-9a-zA-Z",  # [406]
    "agent_debug": "- .:|_0-9a-zA-Z",  # [441]
    "agent_user": "-_0-9a-zA-Z",  # [371]
    "alt_dial": "0-9A-Z",  # [384]
    "alt_phone": "- '_.0-9a-zA-Z",  # [420]
    "alt_user": "0-9a-zA-Z",  # [439]
    "blended": "A-Z",  # [385]
    "callback_comments": "- ._0-9a-zA-Z",  # [437]
    "callback_datetime": "- :._0-9a-zA-Z",  # [434]
    "callback_type": "A-Z",  # [435]
    "campaign_dnc_check": "-_0-9a-zA-Z",  # [361]
    "cid_choice": "-_0-9a-zA-Z",  # [444]
    "city": "- '.:/@_0-9a-zA-Z",  # [410]
    "close_window_link": "-_0-9a-zA-Z",  # [359]
    "comments": "^;#+",  # [426]
    "consultative": "A-Z",  # [432]
    "country_code": "A-Z",  # [417]
    "date_of_birth": "-0-9",  # [419]
    "dial_ingroup": "-_0-9a-zA-Z",  # [443]
    "dial_override": "A-Z",  # [431]
    "dial_prefix": "0-9a-zA-Z",  # [380]
    "dnc_check": "-_0-9a-zA-Z",  # [360]
    "duration": "0-9",  # [456]
    "email": "- '.:/@%_0-9a-zA-Z",  # [422]
    "first_name": "- '_.0-9a-zA-Z",  # [399]
    "focus": "-_0-9a-zA-Z",  # [374]
    "format": "0-9a-zA-Z",  # [382]
    "gender": "A-Z",  # [418]
    "gmt_offset_now": "-_.0-9",  # [397]
    "group_alias": "0-9a-zA-Z",  # [379]
    "ingroup_choices": "- _0-9a-zA-Z",  # [386]
    "last_name": "- '_.0-9a-zA-Z",  # [402]
    "lead_id": "0-9",  # [390]
    "maxParticleCount": "0-9",  # [457]
    "md_check": "0-9a-zA-Z",  # [364]
    "middle_initial": "0-9a-zA-Z",  # [401]
    "multi_dial_phones": ",0-9",  # [363]
    "notes": "- ._0-9a-zA-Z",  # [377]
    "notification_date": "- :0-9",  # [362]
    "notification_retry": "YNyn",  # [450]
    "notification_text": "^;#+",  # [448]
    "outbound_cid": "-_0-9a-zA-Z",  # [445]
    "owner": "- '.:/@_0-9a-zA-Z",  # [429]
    "particleSpeed": "0-9",  # [458]
    "phone_code": "0-9X",  # [388]
    "phone_number": "*#0-9",  # [389]
    "postal_code": "- 0-9a-zA-Z",  # [415, 440]
    "preview": "-_0-9a-zA-Z",  # [375]
    "province": "- '._0-9a-zA-Z",  # [413]
    "qm_dispo_code": "-._0-9a-zA-Z",  # [438]
    "rank": "0-9",  # [428]
    "recipient": "-_0-9a-zA-Z",  # [446]
    "recipient_type": "_a-zA-Z",  # [447]
    "search": "-_0-9a-zA-Z",  # [378]
    "security_phrase": "- '.:/@_0-9a-zA-Z",  # [424]
    "set_as_default": "A-Z",  # [387]
    "show_confetti": "YNyn",  # [455]
    "source_id": "^;#+",  # [395]
    "stage": "^'\"\\\\;",  # [358]
    "state": "- 0-9a-zA-Z",  # [412]
    "status": "-_0-9a-zA-Z",  # [442]
    "text_color": "0-9a-zA-Z",  # [454]
    "text_font": "-, a-zA-Z",  # [452]
    "text_size": "0-9",  # [451]
    "text_weight": ",a-zA-Z",  # [453]
    "title": "- '_.0-9a-zA-Z",  # [398]
    "tw_check": "0-9a-zA-Z",  # [365]
    "value": "-|_0-9a-zA-Z",  # [373]
    "vendor_id": "^;#+",  # [391]
    "vendor_lead_code": "^;#+",  # [393]
    "vtiger_callback": "A-Z",  # [383]
}

AGENT_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "version": (),
    "webserver": (),
    "external_hangup": ("agent_user", "value"),
    "external_status": ("agent_user", "value"),
    "external_pause": ("agent_user", "value"),
    "logout": ("agent_user", "value"),
    "recording": ("agent_user", "value"),
    "webphone_url": ("agent_user", "value"),
    "call_agent": ("agent_user", "value"),
    "audio_playback": ("agent_user", "stage"),
    "external_dial": ("agent_user", "value", "search", "preview", "focus"),
    "preview_dial_action": ("agent_user", "value"),
    "external_add_lead": ("agent_user", "value"),
    "change_ingroups": ("agent_user", "value", "blended"),
    "update_fields": ("agent_user",),
    "refresh_panel": ("agent_user",),
    "set_timer_action": ("agent_user", "value"),
    "st_login_log": ("value", "vendor_id"),
    "st_get_agent_active_lead": ("value", "vendor_id"),
    "ra_call_control": ("agent_user", "value", "stage"),
    "send_dtmf": ("agent_user", "value"),
    "park_call": ("agent_user", "value"),
    "transfer_conference": ("agent_user", "value"),
    "switch_lead": ("agent_user", "lead_id"),
    "vm_message": ("agent_user", "value"),
    "pause_code": ("agent_user", "value"),
    "calls_in_queue_count": ("agent_user", "value"),
    "force_fronter_leave_3way": ("agent_user", "value"),
    "force_fronter_audio_stop": ("agent_user", "value"),
    # and notification_text or show_confetti=Y (5452, 5494: valid_request)
    "send_notification": ("recipient",),
}
