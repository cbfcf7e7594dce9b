"""Where VICIdial pastes each parameter's value into SQL without escaping it.

The policy (the second step of the data path) reads these facts through ``Param.sql`` and
refuses a value that would end its string literal; the simulator models VICIdial with them.

VICIdial builds its SQL by pasting filtered request values between quotes, unescaped. A value
holding the quote of its string literal ends the literal and rewrites the statement (a
``WHERE`` clause commented out, another column set, a subquery run). So for every parameter of
every function this table records each statement the value lands in: the quote of the literal
(``S`` single, ``D`` double, ``B`` none at all), the statement in a few words with VICIdial's
line numbers (``non_agent_api.php``; ``aN`` is line N of ``admin_lists_custom.php``, which
``update_list`` calls for custom fields), and, where the statement only runs for some requests,
the parameter that decides (``when``). An empty tuple: the value never reaches SQL.

How the facts were obtained (SVN r3884, 2.14-194): each function was read in VICIdial's source,
and every parameter was confirmed against a real VICIdial (Apache, PHP 8.2, MariaDB) by sending a
unique marker and finding it in MariaDB's general query log; see ``docs/sql-audit/`` for every
statement, line and confirmation. Left out on purpose:

- ``api_log``'s ``data`` column: VICIdial turns ``"`` into ``'`` before pasting it into
  ``"..."``, so no quote can end that literal (a backslash could: the gateway refuses those
  everywhere);
- copies of a statement written to ``vicidial_admin_log`` with ``addslashes``, and the few values
  ``update_campaign``/``update_alt_url`` escape (URLs);
- ``api_log``'s ``value`` column, which holds the raw value of the *last* form field: the gateway
  always sends its own ``source`` label last (see ``gateway.upstream``).

Second-order uses (``stored=True``) are values stored first and pasted into SQL when VICIdial
reads the record back: e.g. ``lead_all_info``, ``lead_field_info``, ``lead_status_search`` and
``ccc_lead_info`` paste the whole lead into ``api_log``'s single-quoted ``result_reason``, so an
apostrophe stored in any lead column makes those reads fail (HTTP 500 on PHP 8) and lets stored
text run SQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from .spec import FunctionSpec, SqlUse, SqlWhen


def S(what: str, when: SqlWhen | None = None) -> SqlUse:
    """Inside a single-quoted string literal."""
    return SqlUse("'", what, when)


def D(what: str, when: SqlWhen | None = None) -> SqlUse:
    """Inside a double-quoted string literal."""
    return SqlUse('"', what, when)


def B(what: str, when: SqlWhen | None = None) -> SqlUse:
    """Unquoted: a number, a list in IN(...), a LIMIT, a table or column name."""
    return SqlUse("bare", what, when)


READ_BACK_LEAD = SqlUse(
    "'",
    "stored in the lead; lead_all_info, lead_field_info, lead_status_search, ccc_lead_info "
    "paste it into api_log result_reason [14539, 14190, 14979, 13551]",
    stored=True,
)
READ_BACK_CALLBACK = SqlUse(
    "'",
    "stored in the callback; lead_callback_info pastes it into api_log result_reason [13783]",
    stored=True,
)
READ_BACK_FULL_NAME = SqlUse(
    "'",
    "stored as the user's full_name; user_details, agent_status, logged_in_agents paste it "
    "into api_log result_reason [13145, 12998, 18225]",
    stored=True,
)
READ_BACK_USER_EMAIL = SqlUse(
    '"',
    "stored as the user's email; update_user reset_password pastes it into api_log data [4573]",
    stored=True,
)
READ_BACK_CID_GROUP = SqlUse(
    "'",
    "stored in the CID group; a later DELETE or UPDATE pastes it into admin_log event_notes "
    "[11228, 11305]",
    stored=True,
)
READ_BACK_DIAL_STATUSES = SqlUse(
    "'",
    "stored in the campaign's dial_statuses, which the next add/remove pastes back [9111]",
    stored=True,
)
READ_BACK_PRESET = SqlUse(
    "'",
    "stored as the preset name; an UPDATE/DELETE of an unknown name pastes it into its WHERE "
    "and admin_log [9756]",
    stored=True,
)
READ_BACK_FIELD_DEF = SqlUse(
    "'",
    "stored in vicidial_lists_fields; custom_fields_update and custom_fields_copy paste it "
    "into admin_lists_custom.php SQL and DDL",
    stored=True,
)

# VICIdial URL-decodes these a second time when they contain "%3A%2F%2F" [7204, 8309].
DECODED_WHEN: Mapping[tuple[str, str], str] = {
    (function, name): "%3A%2F%2F"
    for function in ("add_list", "update_list")
    for name in ("web_form_address", "web_form_address_two", "web_form_address_three")
}

# update_list pastes these unencoded into the form it posts to admin_lists_custom.php [6704,
# 6858]: "&" starts another parameter there, "%" and "+" are decoded once more.
FORWARDED: frozenset[tuple[str, str]] = frozenset(
    ("update_list", name)
    for name in (
        "field_label",
        "field_name",
        "field_description",
        "field_rank",
        "field_order",
        "field_size",
        "field_max",
        "field_type",
        "field_options",
        "field_help",
        "field_default",
        "field_required",
        "field_duplicate",
        "field_encrypt",
        "field_show_hide",
        "name_position",
        "multi_position",
    )
)

# Custom lead fields (custom_fields=Y, one form field per label of the list): VICIdial only
# turns "+" into a space and deletes ";", '"' and one trailing backslash, then pastes the value
# into label="value" of the custom table's INSERT/UPDATE; every reader of the lead
# (lead_all_info and lead_status_search with custom_fields=Y) pastes it back into api_log's
# single-quoted result_reason. The gateway sends custom values with update_lead only (add_lead's
# INSERT is broken: see gateway.custom_fields).
CUSTOM_FIELD_SQL: Mapping[str, tuple[SqlUse, ...]] = {
    "add_lead": (
        D('INSERT INTO custom_<list_id> SET <label>="..." [16202, 16211]'),
        READ_BACK_LEAD,
    ),
    "update_lead": (
        D('INSERT/UPDATE custom_<list> SET <label>="..." [17034, 17053, 17267]'),
        READ_BACK_LEAD,
    ),
}

SQL_USES: Mapping[str, Mapping[str, tuple[SqlUse, ...]]] = {
    "version": {},
    "add_lead": {
        "phone_number": (
            S("SELECT vicidial_nanpa_prefix_codes areacode=/... (+4) [15603, 15627, 18944 ...]"),
            D("INSERT INTO vicidial_list phone_number= [16082]"),
            READ_BACK_LEAD,
        ),
        "list_id": (
            D("INSERT INTO vicidial_list list_id= (+1) [16082, 16138]"),
            S("SELECT vicidial_lists_fields list_id= (+3) [16145, 16218, 16298 ...]"),
            B("INSERT INTO custom_<list_id> (table name) [16211]"),
            READ_BACK_LEAD,
        ),
        "phone_code": (
            S("lookup_state SELECT vicidial_phone_codes coun... (+5) [15627, 18899, 18966 ...]"),
            D("INSERT INTO vicidial_list phone_code= [16082]"),
            READ_BACK_LEAD,
        ),
        "vendor_lead_code": (
            D("INSERT INTO vicidial_list vendor_lead_code= (+1) [16082, 16298]"),
            READ_BACK_LEAD,
        ),
        "source_id": (
            D("INSERT INTO vicidial_list source_id= [16082]"),
            READ_BACK_LEAD,
        ),
        "title": (
            S(
                "dup check SELECT vicidial_list title= (+2) [15922, 15947, 15972]",
                when=(
                    "duplicate_check",
                    "contains",
                    ("DUPTITLEALTPHONELIST", "DUPTITLEALTPHONECAMP", "DUPTITLEALTPHONESYS"),
                ),
            ),
            D("INSERT INTO vicidial_list title= [16082]"),
            READ_BACK_LEAD,
        ),
        "first_name": (
            S(
                "dup check SELECT vicidial_list first_name= (+2) [15997, 16022, 16047]",
                when=(
                    "duplicate_check",
                    "contains",
                    ("DUPNAMEPHONELIST", "DUPNAMEPHONECAMP", "DUPNAMEPHONESYS"),
                ),
            ),
            D("INSERT INTO vicidial_list first_name= [16082]"),
            READ_BACK_LEAD,
        ),
        "middle_initial": (
            D("INSERT INTO vicidial_list middle_initial= [16082]"),
            READ_BACK_LEAD,
        ),
        "last_name": (
            S(
                "dup check SELECT vicidial_list last_name= (+2) [15997, 16022, 16047]",
                when=(
                    "duplicate_check",
                    "contains",
                    ("DUPNAMEPHONELIST", "DUPNAMEPHONECAMP", "DUPNAMEPHONESYS"),
                ),
            ),
            D("INSERT INTO vicidial_list last_name= [16082]"),
            READ_BACK_LEAD,
        ),
        "address1": (
            D("INSERT INTO vicidial_list address1= [16082]"),
            READ_BACK_LEAD,
        ),
        "address2": (
            D("INSERT INTO vicidial_list address2= [16082]"),
            READ_BACK_LEAD,
        ),
        "address3": (
            D("INSERT INTO vicidial_list address3= [16082]"),
            READ_BACK_LEAD,
        ),
        "city": (
            D("INSERT INTO vicidial_list city= [16082]"),
            READ_BACK_LEAD,
        ),
        "state": (
            D("INSERT INTO vicidial_list state= [16082]"),
            S("INSERT INTO vicidial_hopper state= (+2) [16298, 18996, 19741]"),
            READ_BACK_LEAD,
        ),
        "province": (
            D("INSERT INTO vicidial_list province= [16082]"),
            READ_BACK_LEAD,
        ),
        "postal_code": (
            D("INSERT INTO vicidial_list postal_code= (+1) [16082, 18899]"),
            READ_BACK_LEAD,
        ),
        "country_code": (
            D("INSERT INTO vicidial_list country_code= [16082]"),
            READ_BACK_LEAD,
        ),
        "gender": (
            D("INSERT INTO vicidial_list gender= [16082]"),
            READ_BACK_LEAD,
        ),
        "date_of_birth": (
            D("INSERT INTO vicidial_list date_of_birth= [16082]"),
            READ_BACK_LEAD,
        ),
        "alt_phone": (
            S(
                "dup check SELECT vicidial_list alt_phone= (+2) [15922, 15947, 15972]",
                when=(
                    "duplicate_check",
                    "contains",
                    ("DUPTITLEALTPHONELIST", "DUPTITLEALTPHONECAMP", "DUPTITLEALTPHONESYS"),
                ),
            ),
            D("INSERT INTO vicidial_list alt_phone= [16082]"),
            READ_BACK_LEAD,
        ),
        "email": (
            D("INSERT INTO vicidial_list email= [16082]"),
            READ_BACK_LEAD,
        ),
        "security_phrase": (
            D("INSERT INTO vicidial_list security_phrase= [16082]"),
            READ_BACK_LEAD,
        ),
        "comments": (
            D("INSERT INTO vicidial_list comments= [16082]"),
            READ_BACK_LEAD,
        ),
        "rank": (
            D("INSERT INTO vicidial_list rank= [16082]"),
            READ_BACK_LEAD,
        ),
        "owner": (
            D("INSERT INTO vicidial_list owner= [16082]"),
            S(
                "lookup_gmt_api SELECT vicidial_phone_codes tz... (+1) [18920, 18932]",
                when=("tz_method", "equals", ("TZCODE",)),
            ),
            READ_BACK_LEAD,
        ),
        "gmt_offset_now": (READ_BACK_LEAD,),
        "entry_list_id": (
            S("INSERT INTO vicidial_list ... ,entry_list_id= [16082]"),
            READ_BACK_LEAD,
        ),
        "multi_alt_phones": (S("INSERT INTO vicidial_list_alt_phones phone_co... [16119]"),),
        "dnc_check": (),
        "campaign_dnc_check": (),
        "duplicate_check": (),
        "usacan_prefix_check": (),
        "usacan_areacode_check": (),
        "nanpa_ac_prefix_check": (),
        "tz_method": (),
        "lookup_state": (),
        "list_exists_check": (),
        "add_to_hopper": (),
        "hopper_priority": (S("INSERT INTO vicidial_hopper priority= [16298]"),),
        "hopper_local_call_time_check": (),
        "campaign_id": (
            S("campaign DNC SELECT vicidial_campaigns campai... (+2) [15668, 15682, 16377]"),
        ),
        "callback_status": (
            S("INSERT INTO vicidial_callbacks lead_status [16377]"),
            READ_BACK_CALLBACK,
        ),
        "callback_datetime": (
            S("INSERT INTO vicidial_callbacks callback_time [16377]"),
            READ_BACK_CALLBACK,
        ),
        "callback_type": (
            S("INSERT INTO vicidial_callbacks recipient [16377]"),
            READ_BACK_CALLBACK,
        ),
        "callback_user": (
            S("callback SELECT user_group FROM vicidial_user... (+1) [16341, 16377]"),
            READ_BACK_CALLBACK,
        ),
        "callback_comments": (
            S("INSERT INTO vicidial_callbacks comments [16377]"),
            READ_BACK_CALLBACK,
        ),
        "callback": (),
    },
    "update_lead": {
        "lead_id": (
            B("search SELECT vicidial_list(_archive) WHERE l... (+3) [16571, 17344, 17364 ...]"),
            S("SELECT status FROM vicidial_hopper lead_id= (+1) [17437, 17446]"),
        ),
        "search_method": (),
        "search_location": (),
        "phone_number": (
            S("UPDATE vicidial_list SET phone_number= (+2) [16612, 16690, 18966]"),
            D("INSERT INTO vicidial_list phone_number= [17146]"),
            READ_BACK_LEAD,
        ),
        "list_id": (
            S("search SELECT ... AND list_id= (+7) [16537, 16571, 16593 ...]"),
            D("INSERT INTO vicidial_list list_id= (+1) [17146, 17204]"),
            B("INSERT INTO custom_<list_id or force_entry_li... [17281]"),
            READ_BACK_LEAD,
        ),
        "records": (B("search SELECT ... LIMIT <records> (+2) [16571, 16593, 16612]"),),
        "archived_lead": (),
        "no_update": (),
        "delete_lead": (),
        "delete_cf_data": (),
        "insert_if_not_found": (),
        "reset_lead": (),
        "remove_from_hopper": (),
        "list_exists_check": (),
        "force_entry_list_id": (
            D('SHOW TABLES LIKE "custom_<id>" (+2) [16691, 16724, 16946]'),
            B("DELETE FROM custom_<id> (table name) [16730]"),
            S("INSERT INTO vicidial_list ... ,entry_list_id= [17146]"),
        ),
        "update_phone_number": (),
        "multi_alt_phones": (S("INSERT INTO vicidial_list_alt_phones values [17184]"),),
        "user_field": (D("UPDATE vicidial_list SET user= [16661]"),),
        "list_id_field": (
            D("UPDATE vicidial_list SET list_id= (+1) [16662, 17146]"),
            S("list exists check SELECT vicidial_lists list_id= (+1) [16519, 16808]"),
        ),
        "status": (
            D("UPDATE vicidial_list SET status= (+1) [16663, 17146]"),
            READ_BACK_LEAD,
        ),
        "gmt_offset_now": (
            D("UPDATE vicidial_list SET gmt_offset_now= [16666]"),
            READ_BACK_LEAD,
        ),
        "called_count": (
            D("UPDATE vicidial_list SET called_count= [16687]"),
            READ_BACK_LEAD,
        ),
        "entry_list_id": (
            D("UPDATE vicidial_list SET entry_list_id= (+1) [16691, 16724]"),
            B("DELETE FROM custom_<id> (table name) [16730]"),
            S("INSERT INTO vicidial_list ... ,entry_list_id= [17146]"),
            READ_BACK_LEAD,
        ),
        "phone_code": (
            D("UPDATE vicidial_list SET phone_code= (+1) [16688, 17146]"),
            S("lookup_gmt_api country_code= in the time-zone... [18966]"),
            READ_BACK_LEAD,
        ),
        "vendor_lead_code": (
            D("UPDATE vicidial_list SET vendor_lead_code= (+2) [16593, 16664, 17146]"),
            READ_BACK_LEAD,
        ),
        "source_id": (
            D("UPDATE vicidial_list SET source_id= (+1) [16665, 17146]"),
            READ_BACK_LEAD,
        ),
        "title": (
            D("UPDATE vicidial_list SET title= (+1) [16667, 17146]"),
            READ_BACK_LEAD,
        ),
        "first_name": (
            D("UPDATE vicidial_list SET first_name= (+1) [16668, 17146]"),
            READ_BACK_LEAD,
        ),
        "middle_initial": (
            D("UPDATE vicidial_list SET middle_initial= (+1) [16669, 17146]"),
            READ_BACK_LEAD,
        ),
        "last_name": (
            D("UPDATE vicidial_list SET last_name= (+1) [16670, 17146]"),
            READ_BACK_LEAD,
        ),
        "address1": (
            D("UPDATE vicidial_list SET address1= (+1) [16671, 17146]"),
            READ_BACK_LEAD,
        ),
        "address2": (
            D("UPDATE vicidial_list SET address2= (+1) [16672, 17146]"),
            READ_BACK_LEAD,
        ),
        "address3": (
            D("UPDATE vicidial_list SET address3= (+1) [16673, 17146]"),
            READ_BACK_LEAD,
        ),
        "city": (
            D("UPDATE vicidial_list SET city= (+1) [16674, 17146]"),
            READ_BACK_LEAD,
        ),
        "state": (
            D("UPDATE vicidial_list SET state= (+1) [16675, 17146]"),
            S("lookup_gmt_api SELECT vicidial_phone_codes st... [18996]"),
            READ_BACK_LEAD,
        ),
        "province": (
            D("UPDATE vicidial_list SET province= (+1) [16676, 17146]"),
            READ_BACK_LEAD,
        ),
        "postal_code": (
            D("UPDATE vicidial_list SET postal_code= (+2) [16677, 17146, 18899]"),
            READ_BACK_LEAD,
        ),
        "country_code": (
            D("UPDATE vicidial_list SET country_code= (+1) [16678, 17146]"),
            READ_BACK_LEAD,
        ),
        "gender": (
            D("UPDATE vicidial_list SET gender= (+1) [16679, 17146]"),
            READ_BACK_LEAD,
        ),
        "date_of_birth": (
            D("UPDATE vicidial_list SET date_of_birth= (+1) [16680, 17146]"),
            READ_BACK_LEAD,
        ),
        "alt_phone": (
            D("UPDATE vicidial_list SET alt_phone= (+1) [16681, 17146]"),
            READ_BACK_LEAD,
        ),
        "email": (
            D("UPDATE vicidial_list SET email= (+1) [16682, 17146]"),
            READ_BACK_LEAD,
        ),
        "security_phrase": (
            D("UPDATE vicidial_list SET security_phrase= (+1) [16683, 17146]"),
            READ_BACK_LEAD,
        ),
        "comments": (
            D("UPDATE vicidial_list SET comments= (+1) [16684, 17146]"),
            READ_BACK_LEAD,
        ),
        "rank": (
            D("UPDATE vicidial_list SET rank= (+1) [16685, 17146]"),
            READ_BACK_LEAD,
        ),
        "owner": (
            D("UPDATE vicidial_list SET owner= (+1) [16686, 17146]"),
            S(
                "lookup_gmt_api SELECT vicidial_phone_codes tz... [18920]",
                when=("tz_method", "equals", ("TZCODE",)),
            ),
            READ_BACK_LEAD,
        ),
        "add_to_hopper": (),
        "hopper_priority": (S("INSERT INTO vicidial_hopper priority= [17390]"),),
        "hopper_local_call_time_check": (),
        "campaign_id": (
            S("UPDATE vicidial_callbacks SET campaign_id= (+2) [16806, 16845, 16895]"),
        ),
        "callback_status": (
            S("UPDATE vicidial_callbacks SET lead_status= (+1) [16810, 16895]"),
            READ_BACK_CALLBACK,
        ),
        "callback_datetime": (
            S("UPDATE vicidial_callbacks SET callback_time= (+1) [16803, 16895]"),
            READ_BACK_CALLBACK,
        ),
        "callback_type": (
            S("UPDATE vicidial_callbacks SET recipient= (+1) [16814, 16895]"),
            READ_BACK_CALLBACK,
        ),
        "callback_user": (
            S("UPDATE vicidial_callbacks SET user= (+2) [16816, 16859, 16895]"),
            READ_BACK_CALLBACK,
        ),
        "callback_comments": (
            S("UPDATE vicidial_callbacks SET comments= (+1) [16812, 16895]"),
            READ_BACK_CALLBACK,
        ),
        "callback": (),
    },
    "lead_search": {
        "phone_number": (S("each comma-separated number of length 6..18 q... [15223]"),),
        "records": (B("limit <records> (unquoted) in every search SE... [15223]"),),
        "archived_lead": (),
    },
    "lead_all_info": {
        "lead_id": (S("searchSQL lead_id='...' (built 14311) in SELE... [14326]"),),
        "phone_number": (S("searchSQL phone_number='...' (built 14309) in... [14326]"),),
        "custom_fields": (),
        "force_entry_list_id": (
            S(
                "list_id='...' in SELECT field_label from vici... [14432]",
                when=("custom_fields", "equals", ("Y",)),
            ),
            B(
                "table name custom_<value> in SELECT <custom f... [14446]",
                when=("custom_fields", "equals", ("Y",)),
            ),
        ),
        "archived_lead": (),
    },
    "campaigns_list": {
        "campaign_id": (S("campaignSQL and campaign_id='...' in SELECT c... [3002]"),),
    },
    "agent_status": {
        "agent_user": (
            S("agent_search_SQL where user='...' (built 1276... (+4) [12816, 12827, 12848 ...]"),
        ),
        "include_ip": (),
    },
    "list_info": {
        "list_id": (S("SELECT count(*) from vicidial_lists where lis... (+1) [7734, 7749]"),),
        "leads_counts": (),
        "dialable_count": (),
        "archived_lead": (),
    },
    "add_user": {
        "agent_user": (S("api_log agent_user column (+4) [3641, 3690, 3715 ...]"),),
        "agent_pass": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "agent_user_level": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "agent_full_name": (
            S("INSERT INTO vicidial_users values(...) [3715]"),
            READ_BACK_FULL_NAME,
        ),
        "agent_user_group": (
            S("SELECT count(*) FROM vicidial_user_groups WHE... (+1) [3626, 3715]"),
        ),
        "phone_login": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "phone_pass": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "hotkeys_active": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "voicemail_id": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "email": (
            S("INSERT INTO vicidial_users values(...) [3715]"),
            READ_BACK_USER_EMAIL,
        ),
        "custom_one": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "custom_two": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "custom_three": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "custom_four": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "custom_five": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "wrapup_seconds_override": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "agent_choose_ingroups": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "agent_choose_blended": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "closer_default_blended": (S("INSERT INTO vicidial_users values(...) [3715]"),),
        "in_groups": (S("INSERT INTO vicidial_users values(...) column... [3715]"),),
    },
    "copy_user": {
        "agent_user": (
            S("api_log agent_user column (+3) [3853, 3902, 3931 ...]"),
            D('INSERT INTO vicidial_users (...) SELECT "<age... (+2) [3915, 3919, 3923]'),
        ),
        "agent_pass": (D('INSERT INTO vicidial_users (...) SELECT ...,"... [3915]'),),
        "agent_full_name": (
            D('INSERT INTO vicidial_users (...) SELECT ...,"... [3915]'),
            READ_BACK_FULL_NAME,
        ),
        "source_user": (
            S("SELECT user_level,user_group FROM vicidial_us... (+1) [3805, 3931]"),
            D("INSERT INTO vicidial_users ... SELECT ... FRO... (+2) [3915, 3919, 3923]"),
        ),
    },
    "update_user": {
        "agent_user": (S("api_log agent_user column (+13) [4025, 4049, 4461 ...]"),),
        "agent_pass": (S("UPDATE vicidial_users SET ,pass='...' [4653]"),),
        "agent_user_level": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "agent_full_name": (
            S("UPDATE vicidial_users SET ... WHERE user= [4653]"),
            READ_BACK_FULL_NAME,
        ),
        "agent_user_group": (
            S("SELECT count(*) FROM vicidial_user_groups WHE... (+1) [4172, 4653]"),
        ),
        "phone_login": (S("SELECT count(*) FROM phones WHERE login= (+2) [4195, 4200, 4653]"),),
        "phone_pass": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "hotkeys_active": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "voicemail_id": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "email": (
            S("UPDATE vicidial_users SET ... WHERE user= [4653]"),
            READ_BACK_USER_EMAIL,
        ),
        "custom_one": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "custom_two": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "custom_three": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "custom_four": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "custom_five": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "active": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "wrapup_seconds_override": (S("UPDATE vicidial_users SET ... WHERE user= [4653]"),),
        "campaign_rank": (
            S("INSERT INTO vicidial_campaign_agents ... SELE... (+2) [4461, 4466, 4475]"),
        ),
        "campaign_grade": (
            S("INSERT INTO vicidial_campaign_agents ... SELE... (+2) [4461, 4466, 4475]"),
        ),
        "camp_rg_only": (S("INSERT vicidial_admin_log event_notes [4475]"),),
        "campaign_id": (
            S("INSERT INTO vicidial_campaign_agents ... FROM... (+2) [4461, 4466, 4475]"),
        ),
        "ingroup_rank": (
            S("INSERT INTO vicidial_inbound_group_agents ...... (+2) [4534, 4539, 4548]"),
        ),
        "ingroup_grade": (
            S("INSERT INTO vicidial_inbound_group_agents ...... (+2) [4534, 4539, 4548]"),
        ),
        "ingrp_rg_only": (S("INSERT vicidial_admin_log event_notes [4548]"),),
        "group_id": (
            S("INSERT INTO vicidial_inbound_group_agents ...... (+2) [4534, 4539, 4548]"),
        ),
        "reset_password": (),
        "delete_user": (),
    },
    "update_remote_agent": {
        "agent_user": (S("api_log agent_user column (+4) [4764, 4788, 4886 ...]"),),
        "status": (S("SELECT count(*) FROM vicidial_remote_agents W... (+2) [4854, 4862, 4886]"),),
        "campaign_id": (S("SELECT count(*) FROM vicidial_campaigns WHERE... (+1) [4823, 4886]"),),
        "number_of_lines": (S("UPDATE vicidial_remote_agents SET number_of_l... [4886]"),),
    },
    "add_group_alias": {
        "caller_id_number": (S("INSERT INTO groups_alias values(...) (+2) [4977, 4992, 4999]"),),
        "group_alias_id": (
            S("SELECT count(*) FROM groups_alias WHERE group... (+2) [4977, 4992, 4999]"),
        ),
        "group_alias_name": (S("INSERT INTO groups_alias values(...) [4992]"),),
        "caller_id_name": (S("INSERT INTO groups_alias values(...) [4992]"),),
        "active": (S("INSERT INTO groups_alias values(...) [4992]"),),
        "admin_user_group": (S("INSERT INTO groups_alias values(...) column u... [4992]"),),
    },
    "add_phone": {
        "extension": (
            S("SELECT count(*) FROM phones WHERE extension=... (+2) [5514, 5595, 5602]"),
        ),
        "dialplan_number": (S("INSERT INTO phones SET ... [5595]"),),
        "voicemail_id": (S("INSERT INTO phones SET ... [5595]"),),
        "phone_login": (S("SELECT count(*) FROM phones WHERE login= (+1) [5529, 5595]"),),
        "phone_pass": (S("INSERT INTO phones SET ... [5595]"),),
        "server_ip": (
            S("SELECT count(*) FROM servers WHERE server_ip= (+4) [5499, 5514, 5595 ...]"),
        ),
        "protocol": (S("INSERT INTO phones SET ... [5595]"),),
        "registration_password": (S("INSERT INTO phones SET ... [5595]"),),
        "phone_full_name": (S("INSERT INTO phones SET ... [5595]"),),
        "local_gmt": (S("INSERT INTO phones SET ... [5595]"),),
        "outbound_cid": (S("INSERT INTO phones SET ... [5595]"),),
        "phone_context": (S("INSERT INTO phones SET ... [5595]"),),
        "email": (S("INSERT INTO phones SET ... [5595]"),),
        "admin_user_group": (S("INSERT INTO phones SET ... user_group= [5595]"),),
        "is_webphone": (S("INSERT INTO phones SET ... (optional fragment) [5595]"),),
        "webphone_auto_answer": (S("INSERT INTO phones SET ... (optional fragment) [5595]"),),
        "use_external_server_ip": (S("INSERT INTO phones SET ... (optional fragment) [5595]"),),
        "template_id": (S("SELECT count(*) FROM vicidial_conf_templates... (+1) [5574, 5595]"),),
        "on_hook_agent": (S("INSERT INTO phones SET ... (optional fragment) [5595]"),),
    },
    "update_phone": {
        "extension": (
            S("SELECT count(*) FROM phones WHERE extension= ... (+2) [5715, 6097, 6105]"),
        ),
        "server_ip": (
            S("SELECT count(*) FROM servers WHERE server_ip= (+4) [5700, 5715, 6097 ...]"),
        ),
        "delete_phone": (),
        "dialplan_number": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "voicemail_id": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "phone_login": (S("SELECT count(*) FROM phones WHERE login= (+1) [5914, 6097]"),),
        "phone_pass": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "protocol": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "registration_password": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "phone_full_name": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "local_gmt": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "outbound_cid": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "outbound_alt_cid": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "phone_context": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "email": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "admin_user_group": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "phone_ring_timeout": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "delete_vm_after_email": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "active": (S("UPDATE phones SET ... (SET fragment) [6097]"),),
        "is_webphone": (S("UPDATE phones SET ... (optional fragment) [6097]"),),
        "webphone_auto_answer": (S("UPDATE phones SET ... (optional fragment) [6097]"),),
        "use_external_server_ip": (S("UPDATE phones SET ... (optional fragment) [6097]"),),
        "template_id": (S("SELECT count(*) FROM vicidial_conf_templates... (+1) [6066, 6097]"),),
        "on_hook_agent": (S("UPDATE phones SET ... (optional fragment) [6097]"),),
    },
    "add_phone_alias": {
        "alias_id": (
            S("SELECT count(*) FROM phones_alias WHERE alias... (+2) [6182, 6219, 6226]"),
        ),
        "phone_logins": (S("SELECT count(*) FROM phones WHERE login= (+2) [6203, 6219, 6226]"),),
        "alias_name": (S("INSERT INTO phones_alias values(...) [6219]"),),
    },
    "update_phone_alias": {
        "alias_id": (
            S("SELECT count(*) FROM phones_alias WHERE alias... (+2) [6300, 6412, 6420]"),
        ),
        "phone_logins": (S("SELECT count(*) FROM phones WHERE login= (+2) [6379, 6412, 6420]"),),
        "alias_name": (S("UPDATE phones_alias SET alias_name= [6412]"),),
        "delete_alias": (),
    },
    "server_refresh": {},
    "blind_monitor": {
        "phone_login": (
            S("SELECT count(*) from phones where login='...' (+4) [3382, 3411, 3467 ...]"),
        ),
        "session_id": (
            S("SELECT count(*) from vicidial_conferences|vic... (+5) [3366, 3454, 3467 ...]"),
        ),
        "server_ip": (
            S("SELECT conf_engine from servers where server_... (+5) [3348, 3366, 3454 ...]"),
        ),
        "stage": (S("INSERT INTO vicidial_manager 'Channel: Local/... [3467]"),),
    },
    "add_dnc_phone": {
        "phone_number": (
            S("SELECT count(*) FROM vicidial_campaign_dnc WH... (+3) [5071, 5088, 5094 ...]"),
        ),
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaign_dnc ..... (+3) [5071, 5088, 5094 ...]"),
        ),
    },
    "delete_dnc_phone": {
        "phone_number": (
            S("SELECT count(*) FROM vicidial_campaign_dnc WH... (+3) [5175, 5192, 5198 ...]"),
        ),
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaign_dnc ..... (+3) [5175, 5192, 5198 ...]"),
        ),
    },
    "add_fpg_phone": {
        "phone_number": (
            S("SELECT count(*) FROM vicidial_filter_phone_nu... (+2) [5294, 5309, 5317]"),
        ),
        "group": (
            S("SELECT count(*) FROM vicidial_filter_phone_gr... (+3) [5279, 5294, 5309 ...]"),
        ),
    },
    "delete_fpg_phone": {
        "phone_number": (
            S("SELECT count(*) FROM vicidial_filter_phone_nu... (+2) [5404, 5419, 5427]"),
        ),
        "group": (
            S("SELECT count(*) FROM vicidial_filter_phone_gr... (+3) [5389, 5404, 5419 ...]"),
        ),
    },
    "update_list": {
        "list_id": (
            S("SELECT count(*) FROM vicidial_lists WHERE lis... (+6) [6607, 6642, 7396 ...]"),
            B("admin_lists_custom.php (HTTP call made by upd... [a1941]"),
        ),
        "insert_if_not_found": (),
        "reset_list": (),
        "delete_list": (),
        "delete_leads": (),
        "archived_lead": (),
        "list_name": (
            S("UPDATE vicidial_lists SET list_name= (+1) [7108, 8453]"),
            D('add_list fall-through: api_log data "list_id|... [8501]'),
        ),
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaigns WHERE... (+2) [7034, 7048, 8453]"),
            D("add_list fall-through: api_log data [8501]"),
        ),
        "active": (S("UPDATE vicidial_lists SET active= (+1) [7122, 8453]"),),
        "outbound_cid": (S("UPDATE vicidial_lists SET campaign_cid_override= (+1) [7140, 8453]"),),
        "list_description": (S("UPDATE vicidial_lists SET list_description= (+1) [7241, 8348]"),),
        "script": (S("SELECT count(*) FROM vicidial_scripts WHERE s... (+2) [7056, 7070, 8453]"),),
        "am_message": (S("UPDATE vicidial_lists SET am_message_exten_ov... (+1) [7159, 8453]"),),
        "drop_inbound_group": (
            S("SELECT count(*) FROM vicidial_inbound_groups... (+2) [7079, 7093, 8453]"),
        ),
        "web_form_address": (S("UPDATE vicidial_lists SET web_form_address= (+1) [7210, 8315]"),),
        "web_form_address_two": (
            S("UPDATE vicidial_lists SET web_form_address_two= (+1) [7222, 8327]"),
        ),
        "web_form_address_three": (
            S("UPDATE vicidial_lists SET web_form_address_th... (+1) [7234, 8339]"),
        ),
        "reset_time": (S("UPDATE vicidial_lists SET reset_time= (+1) [7178, 8453]"),),
        "tz_method": (S("UPDATE vicidial_lists SET time_zone_setting= (+1) [7246, 8353]"),),
        "local_call_time": (
            S("SELECT count(*) FROM vicidial_call_times WHER... (+2) [7263, 7277, 8380]"),
        ),
        "expiration_date": (S("UPDATE vicidial_lists SET expiration_date= (+1) [7197, 8453]"),),
        "xferconf_one": (S("UPDATE vicidial_lists SET xferconf_a_number= (+1) [7296, 8394]"),),
        "xferconf_two": (S("UPDATE vicidial_lists SET xferconf_b_number= (+1) [7315, 8408]"),),
        "xferconf_three": (S("UPDATE vicidial_lists SET xferconf_c_number= (+1) [7334, 8422]"),),
        "xferconf_four": (S("UPDATE vicidial_lists SET xferconf_d_number= (+1) [7353, 8436]"),),
        "xferconf_five": (S("UPDATE vicidial_lists SET xferconf_e_number= (+1) [7372, 8450]"),),
        "custom_fields_copy": (
            S("SELECT count(*) FROM vicidial_lists WHERE lis... (+2) [7548, 7563, a576]"),
        ),
        "custom_copy_method": (),
        "use_internal_webserver": (),
        "custom_fields_add": (),
        "custom_fields_update": (),
        "custom_fields_delete": (),
        "field_label": (
            S(
                "SELECT ... FROM vicidial_lists_fields WHERE l... (+2) [6797, a2173, a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            S(
                "SELECT field_id,field_label FROM vicidial_lis... (+1) [6951, a2426]",
                when=("custom_fields_delete", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php: SELECT count(*) FROM... (+1) [a831, a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            D("admin_lists_custom.php: SELECT count(*) ... f... [a922]"),
            B(
                "admin_lists_custom.php: column identifier in... [a1943]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            B(
                "admin_lists_custom.php: ALTER TABLE custom_<l... [a2179]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            B(
                "admin_lists_custom.php: ALTER TABLE custom_<l... [a2407]",
                when=("custom_fields_delete", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_name": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_description": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_rank": (
            S("admin_lists_custom.php rerank: SELECT ... WHE... [a2113]"),
            READ_BACK_FIELD_DEF,
        ),
        "field_order": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_rerank": (),
        "field_size": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_max": (
            B("admin_lists_custom.php: VARCHAR(<field_max>)... [a2008]"),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_type": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_options": (
            S("admin_lists_custom.php: ENUM('<first value of... [a1972]"),
            D(
                "admin_lists_custom.php: INSERT INTO vicidial_... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            D(
                "admin_lists_custom.php: UPDATE vicidial_lists... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_help": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_default": (
            S("admin_lists_custom.php: DDL column DEFAULT '<... [a2052]"),
            READ_BACK_FIELD_DEF,
        ),
        "field_required": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_duplicate": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_encrypt": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "field_show_hide": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "name_position": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
        "multi_position": (
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2095]",
                when=("custom_fields_add", "equals", ("Y",)),
            ),
            S(
                "admin_lists_custom.php (HTTP POST from update... [a2326]",
                when=("custom_fields_update", "equals", ("Y",)),
            ),
            READ_BACK_FIELD_DEF,
        ),
    },
    "list_custom_fields": {
        "list_id": (S("SELECT count(*) from vicidial_lists where lis... (+1) [7947, 7981]"),),
        "custom_order": (),
    },
    "add_list": {
        "list_id": (
            S("SELECT count(*) FROM vicidial_lists WHERE lis... (+2) [8165, 8453, 8495]"),
            B("admin_lists_custom.php copy (GET list_id=): t... [a1941]"),
        ),
        "list_name": (S("INSERT INTO vicidial_lists SET list_name= [8453]"),),
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaigns WHERE... (+2) [8150, 8453, 8495]"),
        ),
        "active": (S("INSERT INTO vicidial_lists SET active= [8453]"),),
        "outbound_cid": (S("INSERT INTO vicidial_lists SET campaign_cid_o... [8453]"),),
        "list_description": (S("INSERT INTO vicidial_lists ... ,list_descript... [8348]"),),
        "script": (S("SELECT count(*) FROM vicidial_scripts WHERE s... (+1) [8197, 8453]"),),
        "am_message": (S("INSERT am_message_exten_override= [8453]"),),
        "drop_inbound_group": (
            S("SELECT count(*) FROM vicidial_inbound_groups... (+1) [8213, 8453]"),
        ),
        "web_form_address": (S("INSERT INTO vicidial_lists ... ,web_form_addr... [8315]"),),
        "web_form_address_two": (S("INSERT INTO vicidial_lists ... ,web_form_addr... [8327]"),),
        "web_form_address_three": (S("INSERT INTO vicidial_lists ... ,web_form_addr... [8339]"),),
        "reset_time": (S("INSERT reset_time= [8453]"),),
        "tz_method": (S("INSERT ... ,time_zone_setting= [8353]"),),
        "local_call_time": (
            S("SELECT count(*) FROM vicidial_call_times WHER... (+1) [8366, 8380]"),
        ),
        "expiration_date": (S("INSERT expiration_date= [8453]"),),
        "xferconf_one": (S("INSERT ... ,xferconf_a_number= [8394]"),),
        "xferconf_two": (S("INSERT ... ,xferconf_b_number= [8408]"),),
        "xferconf_three": (S("INSERT ... ,xferconf_c_number= [8422]"),),
        "xferconf_four": (S("INSERT ... ,xferconf_d_number= [8436]"),),
        "xferconf_five": (S("INSERT ... ,xferconf_e_number= [8450]"),),
        "custom_fields_copy": (
            S("SELECT count(*) FROM vicidial_lists WHERE lis... (+3) [8239, 8255, 8495 ...]"),
        ),
        "custom_copy_method": (),
        "use_internal_webserver": (),
    },
    "update_campaign": {
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaigns WHERE... (+3) [8589, 9049, 9126 ...]"),
        ),
        "campaign_name": (S("UPDATE vicidial_campaigns SET campaign_name= [8724]"),),
        "active": (S("UPDATE ... active= [8775]"),),
        "auto_dial_level": (S("UPDATE ... auto_dial_level= [8640]"),),
        "adaptive_maximum_level": (S("UPDATE ... adaptive_maximum_level= [8668]"),),
        "campaign_vdad_exten": (S("UPDATE ... campaign_vdad_exten= [8682]"),),
        "hopper_level": (S("UPDATE ... hopper_level= [8696]"),),
        "reset_hopper": (),
        "dial_method": (S("UPDATE ... dial_method= [8645]"),),
        "dial_timeout": (S("UPDATE ... dial_timeout= [8710]"),),
        "list_order": (S("UPDATE ... lead_order= [8980]"),),
        "list_order_randomize": (S("UPDATE ... lead_order_randomize= [9006]"),),
        "list_order_secondary": (S("UPDATE ... lead_order_secondary= [9032]"),),
        "outbound_cid": (S("UPDATE ... campaign_cid= [8738]"),),
        "dial_status_add": (
            S("UPDATE vicidial_campaigns SET dial_statuses='... [9111]"),
            READ_BACK_DIAL_STATUSES,
        ),
        "dial_status_remove": (READ_BACK_DIAL_STATUSES,),
        "lead_filter_id": (
            S("SELECT count(*) FROM vicidial_lead_filters WH... (+1) [8746, 8761]"),
        ),
        "xferconf_one": (S("UPDATE ... xferconf_a_number= [8793]"),),
        "xferconf_two": (S("UPDATE ... xferconf_b_number= [8812]"),),
        "xferconf_three": (S("UPDATE ... xferconf_c_number= [8831]"),),
        "xferconf_four": (S("UPDATE ... xferconf_d_number= [8850]"),),
        "xferconf_five": (S("UPDATE ... xferconf_e_number= [8869]"),),
        "dispo_call_url": (),
        "webform_one": (),
        "webform_two": (),
        "webform_three": (),
    },
    "update_alt_url": {
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaigns WHERE... (+4) [9247, 9317, 9394 ...]"),
        ),
        "entry_type": (S("SELECT count(*)/url_id FROM vicidial_url_mult... (+1) [9394, 9567]"),),
        "url_type": (S("SELECT ... vicidial_url_multi ... url_type= (+2) [9385, 9394, 9567]"),),
        "alt_url_id": (
            S("SELECT count(*) FROM vicidial_url_multi ... u... (+2) [9394, 9580, 9588]"),
        ),
        "active": (S("INSERT INTO vicidial_url_multi SET ... active... [9557]"),),
        "url_rank": (S("INSERT INTO vicidial_url_multi SET ... url_ra... [9557]"),),
        "url_statuses": (S("INSERT INTO vicidial_url_multi SET ... url_st... [9557]"),),
        "url_description": (S("INSERT INTO vicidial_url_multi SET ... url_de... [9557]"),),
        "url_lists": (S("INSERT INTO vicidial_url_multi SET ... url_li... [9557]"),),
        "url_call_length": (S("INSERT INTO vicidial_url_multi SET ... url_ca... [9557]"),),
        "url_address": (),
    },
    "update_presets": {
        "campaign_id": (
            S("SELECT count(*) FROM vicidial_campaigns WHERE... (+3) [9681, 9744, 9870 ...]"),
        ),
        "action": (),
        "preset_name": (
            S("SELECT count(*) FROM vicidial_xfer_presets WH... (+1) [9744, 9883]"),
            READ_BACK_PRESET,
        ),
        "preset_number": (S("INSERT/UPDATE vicidial_xfer_presets preset_nu... [9861]"),),
        "preset_hide_number": (S("INSERT/UPDATE vicidial_xfer_presets preset_hi... [9861]"),),
        "preset_dtmf": (S("INSERT/UPDATE vicidial_xfer_presets preset_dtmf= [9861]"),),
    },
    "add_did": {
        "did_pattern": (
            S("dup check SELECT count(*) FROM vicidial_inbou... (+2) [9984, 10288, 10298]"),
        ),
        "did_description": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "active": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "did_route": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "record_call": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "extension": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "exten_context": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "voicemail_ext": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "phone_extension": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "server_ip": (S("SELECT count(*) FROM servers WHERE server_ip= (+1) [10134, 10288]"),),
        "group": (S("SELECT count(*) FROM vicidial_inbound_groups... (+1) [10152, 10288]"),),
        "menu_id": (S("SELECT count(*) FROM vicidial_call_menu WHERE... (+1) [10170, 10288]"),),
        "filter_clean_cid_number": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "call_handle_method": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "agent_search_method": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "list_id": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "entry_list_id": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "campaign_id": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
        "phone_code": (S("INSERT INTO vicidial_inbound_dids SET ... [10288]"),),
    },
    "copy_did": {
        "source_did_pattern": (
            S("SELECT count(*) FROM vicidial_inbound_dids WH... (+2) [10389, 10462, 10483]"),
        ),
        "new_dids": (
            S("SELECT count(*) FROM vicidial_inbound_dids WH... (+2) [10425, 10462, 10483]"),
        ),
        "did_description": (S("INSERT IGNORE INTO vicidial_inbound_dids ...... [10462]"),),
    },
    "update_did": {
        "did_pattern": (
            S("SELECT count(*) FROM vicidial_inbound_dids WH... (+3) [10585, 10601, 10938 ...]"),
        ),
        "delete_did": (),
        "did_description": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "active": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "did_route": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "record_call": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "extension": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "exten_context": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "voicemail_ext": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "phone_extension": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "server_ip": (S("SELECT count(*) FROM servers WHERE server_ip= (+1) [10774, 10938]"),),
        "group": (S("SELECT count(*) FROM vicidial_inbound_groups... (+1) [10792, 10938]"),),
        "menu_id": (S("SELECT count(*) FROM vicidial_call_menu WHERE... (+1) [10810, 10938]"),),
        "filter_clean_cid_number": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "call_handle_method": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "agent_search_method": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "list_id": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "entry_list_id": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "campaign_id": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
        "phone_code": (S("UPDATE vicidial_inbound_dids SET ... [10938]"),),
    },
    "update_cid_group_entry": {
        "cid_group_id": (
            S("SELECT count(*) FROM vicidial_cid_groups WHER... (+1) [11048, 11055]"),
        ),
        "areacode": (S("SELECT ... AND areacode= (INFO) (+4) [11082, 11188, 11219 ...]"),),
        "stage": (),
        "outbound_cid": (S("SELECT ... AND outbound_cid= (INFO) (+4) [11082, 11188, 11219 ...]"),),
        "cid_description": (
            S("UPDATE vicidial_campaign_cid_areacodes SET ci... [11296]"),
            READ_BACK_CID_GROUP,
        ),
        "active": (S("UPDATE vicidial_campaign_cid_areacodes SET ac... [11296]"),),
    },
    "hopper_list": {
        "campaign_id": (S("SELECT count(*) from vicidial_campaigns where... (+1) [3117, 3166]"),),
        "search_method": (),
    },
    "agent_campaigns": {
        "agent_user": (
            S("SELECT count(*) from vicidial_users where use... (+2) [2792, 2807, 19940]"),
        ),
        "campaign_id": (S("campaignSQL and campaign_id='...' in SELECT c... [2832]"),),
        "ignore_agentdirect": (),
    },
    "recording_lookup": {
        "agent_user": (S("search clause user='...' in SELECT ... from r... (+1) [11453, 19940]"),),
        "lead_id": (B("search clause lead_id=<value> (unquoted) in S... [11453]"),),
        "date": (D('start_time >= "<date> 00:00:00" and start_tim... [11453]'),),
        "uniqueid": (
            D('LIKE "<uniqueid up to first dot>%" in select... (+2) [11376, 11388, 11453]'),
        ),
        "extension": (S("search clause extension='...' in SELECT ... f... [11453]"),),
        "duration": (),
    },
    "did_log_export": {
        "phone_number": (S("search clause extension='...' in SELECT ... f... [11600]"),),
        "date": (D('call_date >= "<date> 00:00:00" and call_date... [11600]'),),
    },
    "phone_number_log": {
        "phone_number": (
            S("phone_number='...' (one statement per comma-s... (+1) [11810, 11845]"),
        ),
        "detail": (),
        "type": (),
        "archived_lead": (),
    },
    "agent_stats_export": {
        "datetime_start": (D('event_time >= "..." in SELECT ... from vicidi... [12009]'),),
        "datetime_end": (D('event_time <= "..." in SELECT ... from vicidi... [12009]'),),
        "agent_user": (S("search clause user='...' in SELECT ... from v... (+1) [12009, 19940]"),),
        "campaign_id": (S("search clause campaign_id='...' in SELECT ...... [12009]"),),
        "group_by_campaign": (),
    },
    "user_group_status": {
        "user_groups": (S("'|' turned into ',' and pasted into user_grou... [12378]"),),
    },
    "in_group_status": {
        "in_groups": (S("'|' -> ',' pasted into campaign_id IN('...')... (+1) [12631, 12652]"),),
    },
    "user_details": {
        "agent_user": (
            S("agent_search_SQL where user='...' (built 1307... (+2) [13127, 13145, 19940]"),
        ),
    },
    "callid_info": {
        "call_id": (S("call_search_SQL where caller_code='...' (buil... (+1) [13271, 13345]"),),
        "detail": (),
    },
    "logged_in_agents": {
        "campaigns": (S("'|' -> ',' pasted into campaign_id IN('...')... [18072]"),),
        "user_groups": (S("'|' -> ',' pasted into user_group IN('...') (... [18101]"),),
        "show_sub_status": (),
    },
    "call_status_stats": {
        "campaigns": (
            S("split on '-' and quoted into campaign_id in (... (+2) [18327, 18349, 18374]"),
        ),
        "query_date": (S("call_date>='<query_date> <query_time>' in the... [18374]"),),
        "query_time": (S("inside the same '<date> <time>' literal [18374]"),),
        "end_date": (S("call_date<='<end_date> <end_time>' [18374]"),),
        "end_time": (S("inside the same '<date> <time>' literal [18374]"),),
        "ingroups": (S("split on '-' and quoted into campaign_id in (... [18395]"),),
        "statuses": (S("split on '-' and quoted into status in ('...'... [18374]"),),
    },
    "call_dispo_report": {
        "campaigns": (S("split on '-' and quoted into campaign_id in (... (+1) [18599, 18657]"),),
        "ingroups": (S("split on '-' and quoted into campaign_id in (... [18677]"),),
        "did_ids": (S("split on '-' and quoted into did_id in ('...'... [18697]"),),
        "did_patterns": (S("split on '-' and quoted into did_pattern in (... [18566]"),),
        "query_date": (S("call_date>='<query_date> <query_time>' in the... [18657]"),),
        "query_time": (S("inside the same '<date> <time>' literal [18657]"),),
        "end_date": (S("call_date<='<end_date> <end_time>' [18657]"),),
        "end_time": (S("inside the same '<date> <time>' literal [18657]"),),
        "statuses": (S("split on '-' plus statuses found for categori... [18657]"),),
        "categories": (S("split on '-' and quoted into category in ('..... [18599]"),),
        "users": (S("split on '-' plus users of the user groups, q... [18657]"),),
        "user_groups": (S("split on '-' and quoted into user_group in ('... [18627]"),),
        "status_breakdown": (),
        "show_percentages": (),
    },
    "check_phone_number": {
        "phone_number": (
            S("SELECT count(*) from vicidial_dnc where phone... (+3) [17821, 17855, 17936 ...]"),
        ),
        "local_call_time": (
            S("SELECT count(*) from vicidial_call_times wher... (+1) [17721, 19710]"),
        ),
        "phone_code": (S("lookup_gmt_api(): country_code='...' in vicid... (+1) [17936, 18966]"),),
        "postal_code": (
            D('lookup_gmt_api(): postal_code LIKE "<postal_c... [18899]'),
            S("api_log result_reason='...' - NOTICE line 'PH... [17936]"),
        ),
        "state": (S("dialable_gmt(): state_call_time_state='...' i... (+1) [17936, 19741]"),),
        "owner": (S("lookup_gmt_api(): select GMT_offset from vici... (+1) [17936, 18920]"),),
        "dnc_check": (),
        "campaign_dnc_check": (),
        "campaign_id": (S("SELECT use_other_campaign_dnc from vicidial_c... (+1) [17844, 17858]"),),
        "usacan_prefix_check": (),
        "usacan_areacode_check": (),
        "nanpa_ac_prefix_check": (),
        "tz_method": (),
    },
    "ccc_lead_info": {
        "call_id": (S("call_search_SQL where caller_code='...' and c... [13477]"),),
    },
    "lead_callback_info": {
        "lead_id": (
            B("where lead_id=<value> (unquoted, built 13632)... (+1) [13684, 13732]"),
            S("api_log result_reason='...' - each output lin... [13783]"),
        ),
        "search_location": (),
    },
    "lead_dearchive": {
        "lead_id": (
            S("lead_search_SQL where lead_id='...' (built 13... (+3) [13904, 13915, 13923 ...]"),
        ),
    },
    "lead_field_info": {
        "lead_id": (B("lead_search_SQL where lead_id=<value> (unquot... (+1) [14057, 14150]"),),
        "field_name": (B("column name: SELECT <field_name> from vicidia... [14150]"),),
        "archived_lead": (),
    },
    "lead_status_search": {
        "status": (S("status='...' in SELECT distinct(lead_id) from... (+1) [14703, 14719]"),),
        "date": (D('call_date >= "<date> 00:00:00" and call_date... (+1) [14703, 14719]'),),
        "lead_id": (B("lead_id=<value> (unquoted) in SELECT distinct... (+1) [14703, 14719]"),),
        "custom_fields": (),
        "archived_lead": (),
    },
    "update_log_entry": {
        "group": (
            S("SELECT count(*) from vicidial_inbound_groups... (+3) [15370, 15377, 15409 ...]"),
        ),
        "call_id": (
            B("lead_id=<number> (unquoted) in SELECT lead_id... [15409]"),
            S("uniqueid='...' variant (15397/15399) - UNREAC... [15399]"),
        ),
        "status": (S("UPDATE vicidial_closer_log|vicidial_log SET s... [15433]"),),
    },
    "batch_update_lead": {
        "lead_ids": (B("SELECT lead_id FROM vicidial_list(_archive) W... [17588]"),),
        "records": (B("SELECT ... LIMIT <records> [17588]"),),
        "list_exists_check": (),
        "reset_lead": (),
        "archived_lead": (),
        "user_field": (D("UPDATE vicidial_list(_archive) SET user= ...... [17609]"),),
        "list_id_field": (
            D("UPDATE vicidial_list(_archive) SET list_id= .... [17610]"),
            S("list exists check SELECT vicidial_lists list_id= [17566]"),
        ),
        "status": (
            D("UPDATE vicidial_list(_archive) SET status= ..... [17611]"),
            READ_BACK_LEAD,
        ),
        "gmt_offset_now": (
            D("UPDATE vicidial_list(_archive) SET gmt_offset... [17614]"),
            READ_BACK_LEAD,
        ),
        "called_count": (
            D("UPDATE vicidial_list(_archive) SET called_cou... [17635]"),
            READ_BACK_LEAD,
        ),
        "phone_code": (
            D("UPDATE vicidial_list(_archive) SET phone_code... [17636]"),
            READ_BACK_LEAD,
        ),
        "vendor_lead_code": (
            D("UPDATE vicidial_list(_archive) SET vendor_lea... [17612]"),
            READ_BACK_LEAD,
        ),
        "source_id": (
            D("UPDATE vicidial_list(_archive) SET source_id=... [17613]"),
            READ_BACK_LEAD,
        ),
        "title": (
            D("UPDATE vicidial_list(_archive) SET title= ...... [17615]"),
            READ_BACK_LEAD,
        ),
        "first_name": (
            D("UPDATE vicidial_list(_archive) SET first_name... [17616]"),
            READ_BACK_LEAD,
        ),
        "middle_initial": (
            D("UPDATE vicidial_list(_archive) SET middle_ini... [17617]"),
            READ_BACK_LEAD,
        ),
        "last_name": (
            D("UPDATE vicidial_list(_archive) SET last_name=... [17618]"),
            READ_BACK_LEAD,
        ),
        "address1": (
            D("UPDATE vicidial_list(_archive) SET address1=... [17619]"),
            READ_BACK_LEAD,
        ),
        "address2": (
            D("UPDATE vicidial_list(_archive) SET address2=... [17620]"),
            READ_BACK_LEAD,
        ),
        "address3": (
            D("UPDATE vicidial_list(_archive) SET address3=... [17621]"),
            READ_BACK_LEAD,
        ),
        "city": (
            D("UPDATE vicidial_list(_archive) SET city= ...... [17622]"),
            READ_BACK_LEAD,
        ),
        "state": (
            D("UPDATE vicidial_list(_archive) SET state= ...... [17623]"),
            READ_BACK_LEAD,
        ),
        "province": (
            D("UPDATE vicidial_list(_archive) SET province=... [17624]"),
            READ_BACK_LEAD,
        ),
        "postal_code": (
            D("UPDATE vicidial_list(_archive) SET postal_cod... [17625]"),
            READ_BACK_LEAD,
        ),
        "country_code": (
            D("UPDATE vicidial_list(_archive) SET country_co... [17626]"),
            READ_BACK_LEAD,
        ),
        "gender": (
            D("UPDATE vicidial_list(_archive) SET gender= ..... [17627]"),
            READ_BACK_LEAD,
        ),
        "date_of_birth": (
            D("UPDATE vicidial_list(_archive) SET date_of_bi... [17628]"),
            READ_BACK_LEAD,
        ),
        "alt_phone": (
            D("UPDATE vicidial_list(_archive) SET alt_phone=... [17629]"),
            READ_BACK_LEAD,
        ),
        "email": (
            D("UPDATE vicidial_list(_archive) SET email= ...... [17630]"),
            READ_BACK_LEAD,
        ),
        "security_phrase": (
            D("UPDATE vicidial_list(_archive) SET security_p... [17631]"),
            READ_BACK_LEAD,
        ),
        "comments": (
            D("UPDATE vicidial_list(_archive) SET comments=... [17632]"),
            READ_BACK_LEAD,
        ),
        "rank": (
            D("UPDATE vicidial_list(_archive) SET rank= ...... [17633]"),
            READ_BACK_LEAD,
        ),
        "owner": (
            D("UPDATE vicidial_list(_archive) SET owner= ...... [17634]"),
            READ_BACK_LEAD,
        ),
    },
    "sounds_list": {
        "stage": (),
    },
    "moh_list": {},
    "vm_list": {},
    "ingroup_list": {},
    "callmenu_list": {},
    "container_list": {
        "type": (S("SELECT container_id,container_notes from vici... [2364]"),),
    },
    "agent_ingroup_info": {
        "agent_user": (
            S("SELECT count(*) from vicidial_users where use... (+4) [2456, 2472, 2488 ...]"),
        ),
        "stage": (),
    },
}


# One function's facts: parameter -> every place its value lands in SQL.
SqlFacts = Mapping[str, tuple[SqlUse, ...]]


def with_sql(spec: FunctionSpec, table: Mapping[str, SqlFacts] | None = None) -> FunctionSpec:
    """The spec with each parameter's SQL facts attached (every parameter must have some).

    ``table``: :data:`SQL_USES` by default. The Non-Agent table lists exactly the catalog's
    parameters; the Agent API's (:mod:`.agent_sql`) lists every parameter api.php reads, some of
    which the gateway does not offer (``alt_user``), so only a missing one is an error there."""
    uses = (SQL_USES if table is None else table)[spec.name]
    names = {p.name for p in spec.params}
    missing = names ^ set(uses) if table is None or table is SQL_USES else names - set(uses)
    if missing:
        raise ValueError(f"{spec.name}: SQL facts missing or unknown for {sorted(missing)}")
    params = tuple(
        dataclasses.replace(
            p,
            sql=uses[p.name],
            decoded_when=DECODED_WHEN.get((spec.name, p.name)),
            forwarded=(spec.name, p.name) in FORWARDED,
        )
        for p in spec.params
    )
    return dataclasses.replace(spec, params=params)
