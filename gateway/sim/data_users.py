"""Simulator tables and seed data for the users functions (see gateway/catalog/users.py).

One :class:`UserAdminData` hangs off every :class:`~gateway.sim.state.SimState` as
``state.useradmin``; :func:`seed` fills it when a seeded state is built. Shared tables
(users, campaigns, lists, leads, callbacks, hopper, dnc) live on the state itself.

The shared :class:`~gateway.sim.model.SimUser` carries only what login and the core functions
need; the other ``vicidial_users`` columns these functions read or write (phone login, email,
custom fields, the admin permission flags ...) live here in :class:`UserDetails`, keyed by user
id. A user without a row here (an API user added after seeding) gets the column defaults, with the
admin flags of a manager when its level is 8 or 9, so the simulator's API users may do everything.

Seed rows reproduce the reference server of ``tests/data/samples``: server 127.0.0.1 (MEETME,
already flagged for a conf rebuild), phone ``gs102`` (dialplan 102), alias ``ALIAS1``, agent
conferences 8600051-8600059, remote agent 1003 (INACTIVE), filter phone group ``BLOCKED`` holding
3125550197, and one earlier ``vicidial_manager`` row so the next originate gets id 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import SimUser
    from .state import SimState

SYSTEM_DNC = "SYSTEM_INTERNAL"  # add_dnc_phone's campaign_id for the system-wide list
SEED_SERVER_IP = "127.0.0.1"
SEED_PHONE_LOGIN = "gs102"
BLOCKED_GROUP = "BLOCKED"
BLOCKED_NUMBER = "3125550197"


@dataclass
class UserDetails:
    """The ``vicidial_users`` columns of one user that SimUser does not have."""

    phone_login: str = ""
    phone_pass: str = ""
    voicemail_id: str = ""
    email: str = ""
    custom: list[str] = field(default_factory=lambda: [""] * 5)  # custom_one..custom_five
    hotkeys_active: str = "0"
    wrapup_seconds_override: str = "-1"
    agent_choose_ingroups: str = "1"
    agent_choose_blended: str = "1"
    closer_default_blended: str = "0"
    closer_campaigns: str = ""  # " IN1 IN2 -"
    force_change_password: str = "N"
    # Permission flags of the admin functions (columns ENUM('0','1')).
    modify_users: bool = False
    modify_same_user_level: bool = True  # the column default is '1'
    delete_users: bool = False
    ast_admin_access: bool = False
    ast_delete_phones: bool = False
    modify_remoteagents: bool = False
    delete_from_dnc: bool = False

    @classmethod
    def defaults_for(cls, user: SimUser) -> UserDetails:
        """The row of a user created without details: managers (level 8+) may do everything."""
        manager = user.user_level >= 8
        return cls(
            modify_users=manager,
            delete_users=manager,
            ast_admin_access=manager,
            ast_delete_phones=manager,
            modify_remoteagents=manager,
            delete_from_dnc=manager,
        )


@dataclass
class Server:
    """A ``servers`` row."""

    server_ip: str
    server_id: str
    conf_engine: str = "MEETME"  # or CONFBRIDGE
    rebuild_conf_files: str = "Y"
    generate_vicidial_conf: str = "Y"
    active_asterisk_server: str = "Y"


@dataclass
class Phone:
    """A ``phones`` row (the columns add_phone / update_phone set)."""

    extension: str
    server_ip: str
    dialplan_number: str
    voicemail_id: str
    login: str
    password: str
    protocol: str
    conf_secret: str  # registration_password
    fullname: str
    local_gmt: str
    outbound_cid: str
    phone_context: str = "default"
    email: str = ""
    active: str = "Y"
    status: str = "ACTIVE"
    user_group: str = "---ALL---"
    is_webphone: str = "N"
    webphone_auto_answer: str = "Y"
    use_external_server_ip: str = "N"
    template_id: str = ""
    on_hook_agent: str = "N"
    outbound_alt_cid: str = ""
    phone_ring_timeout: str = "60"
    delete_vm_after_email: str = "N"


@dataclass
class PhoneAlias:
    """A ``phones_alias`` row."""

    alias_id: str
    alias_name: str
    logins_list: str  # comma-separated phone logins


@dataclass
class GroupAlias:
    """A ``groups_alias`` row."""

    group_alias_id: str
    group_alias_name: str
    caller_id_number: str
    caller_id_name: str
    active: str
    user_group: str


@dataclass
class RemoteAgent:
    """A ``vicidial_remote_agents`` row."""

    remote_agent_id: int
    user_start: str
    number_of_lines: str
    server_ip: str
    conf_exten: str
    status: str
    campaign_id: str


@dataclass
class RankRow:
    """A ``vicidial_campaign_agents`` or ``vicidial_inbound_group_agents`` row."""

    rank: str = "0"
    weight: str = "0"
    grade: str = "1"


@dataclass
class Originate:
    """A ``vicidial_manager`` Originate row (blind_monitor), plus the monitor log's type."""

    man_id: int
    server_ip: str
    callerid: str
    channel: str
    exten: str
    outbound_cid: str
    monitor_type: str
    agent_user: str


@dataclass
class MailSent:
    """A password-reset email (update_user reset_password): PHP mail() in the simulator."""

    to: str
    subject: str
    message: str


@dataclass
class UserAdminData:
    """Tables only the users functions use."""

    details: dict[str, UserDetails] = field(default_factory=dict)
    servers: dict[str, Server] = field(default_factory=dict)
    conferences: set[tuple[str, str]] = field(default_factory=set)  # (conf_exten, server_ip)
    confbridges: set[tuple[str, str]] = field(default_factory=set)
    phones: list[Phone] = field(default_factory=list)
    phone_aliases: dict[str, PhoneAlias] = field(default_factory=dict)
    group_aliases: dict[str, GroupAlias] = field(default_factory=dict)
    remote_agents: list[RemoteAgent] = field(default_factory=list)
    filter_phone_groups: dict[str, set[str]] = field(default_factory=dict)
    conf_templates: set[str] = field(default_factory=set)
    inbound_groups: list[str] = field(default_factory=list)  # vicidial_inbound_groups ids
    campaign_agents: dict[tuple[str, str], RankRow] = field(default_factory=dict)
    ingroup_agents: dict[tuple[str, str], RankRow] = field(default_factory=dict)
    originates: list[Originate] = field(default_factory=list)
    next_manager_id: int = 1
    mail: list[MailSent] = field(default_factory=list)
    # system_settings
    auto_user_add_value: int = 101
    pass_hash_enabled: bool = False
    agent_whisper_enabled: bool = False
    active_voicemail_server: str = ""
    reload_timestamp: float | None = None

    def user_details(self, user: SimUser) -> UserDetails:
        """The user's extra columns (created with the defaults on first use)."""
        row = self.details.get(user.user)
        if row is None:
            row = self.details[user.user] = UserDetails.defaults_for(user)
        return row

    def phone(self, extension: str, server_ip: str) -> Phone | None:
        for phone in self.phones:
            if phone.extension == extension and phone.server_ip == server_ip:
                return phone
        return None

    def phone_by_login(self, login: str) -> Phone | None:
        return next((p for p in self.phones if p.login == login), None)

    def remote_agents_of(self, user_start: str) -> list[RemoteAgent]:
        return [r for r in self.remote_agents if r.user_start == user_start]

    def originate(self, row: Originate) -> Originate:
        row.man_id = self.next_manager_id
        self.next_manager_id += 1
        self.originates.append(row)
        return row


def _phone_102() -> Phone:
    return Phone(
        extension=SEED_PHONE_LOGIN, server_ip=SEED_SERVER_IP, dialplan_number="102",
        voicemail_id="102", login=SEED_PHONE_LOGIN, password="test", protocol="SIP",
        conf_secret="test", fullname="Test Admin Phone", local_gmt="-5.00",
        outbound_cid="3125550100",
    )  # fmt: skip


def seed(state: SimState) -> None:
    """Fill ``state.useradmin`` (and add shared rows these functions need)."""
    data = state.useradmin
    data.servers[SEED_SERVER_IP] = Server(SEED_SERVER_IP, "sim1")
    data.conferences.update((str(conf), SEED_SERVER_IP) for conf in range(8600051, 8600060))
    data.phones.append(_phone_102())
    data.phone_aliases["ALIAS1"] = PhoneAlias("ALIAS1", "Front desk", SEED_PHONE_LOGIN)
    data.remote_agents.append(
        RemoteAgent(1, "1003", "1", SEED_SERVER_IP, "8600080", "INACTIVE", "TESTCAMP")
    )
    data.filter_phone_groups[BLOCKED_GROUP] = {BLOCKED_NUMBER}
    data.conf_templates.add("SIP_generic")
    # The reference server's in-groups (ingroup_list sample), plus the retired OLDQUEUE.
    data.inbound_groups.extend(
        ["AGENTDIRECT", "AGENTDIRECT_CHAT", "SALESLINE", "SUPPORT", "OLDQUEUE"]
    )
    for agent in ("1001", "1002"):
        for campaign_id in state.campaigns:
            data.campaign_agents[(agent, campaign_id)] = RankRow()
    data.next_manager_id = 2  # one earlier originate on the reference server
    for user in state.users.values():
        data.details[user.user] = UserDetails.defaults_for(user)
