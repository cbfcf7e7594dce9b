"""The rows of the simulator's in-memory VICIdial database.

Each dataclass mirrors the columns of one stock VICIdial table that the simulated functions read or
write (``vicidial_users``, ``vicidial_list`` ...). Values are kept as the strings VICIdial prints,
because the replies print database values verbatim (``-5.00``, ``1.0``, empty dates); numbers are
only parsed where the PHP code compares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The 32 standard lead columns, in lead_all_info's order (they are also Lead's attribute names).
LEAD_COLUMNS: tuple[str, ...] = (
    "status", "user", "vendor_lead_code", "source_id", "list_id", "gmt_offset_now", "phone_code",
    "phone_number", "title", "first_name", "middle_initial", "last_name", "address1", "address2",
    "address3", "city", "state", "province", "postal_code", "country_code", "gender",
    "date_of_birth", "alt_phone", "email", "security_phrase", "comments", "called_count",
    "last_local_call_time", "rank", "owner", "entry_list_id", "lead_id",
)  # fmt: skip

ALL_FUNCTIONS = " ALL_FUNCTIONS "  # the column default of vicidial_users.api_allowed_functions


@dataclass
class SimUser:
    """A ``vicidial_users`` row: API users and agents alike (agents simply cannot log in here)."""

    user: str
    password: str
    full_name: str
    user_level: int
    user_group: str
    active: bool = True
    # Space-delimited, as stored: " add_lead lead_search " or " ALL_FUNCTIONS ".
    api_allowed_functions: str = ALL_FUNCTIONS
    vdc_agent_api_access: bool = True
    view_reports: bool = True
    modify_leads: int = 1
    modify_lists: bool = True
    # Lockout state (user_authorization): last_login_date None is NULL in the database.
    failed_login_count: int = 0
    last_login_date: float | None = None

    def may_call(self, function: str) -> bool:
        """The ``api_allowed_functions`` test, a substring match exactly like the PHP."""
        allowed = self.api_allowed_functions
        return f" {function} " in allowed or "ALL_FUNCTIONS" in allowed


@dataclass
class UserGroup:
    """A ``vicidial_user_groups`` row: the scoping of campaigns and visible user groups."""

    user_group: str
    allowed_campaigns: str = " -ALL-CAMPAIGNS- - "
    admin_viewable_groups: str = " ---ALL--- "

    def campaign_filter(self, *, literal_all: bool = False) -> frozenset[str] | None:
        """Allowed campaign ids, or None for all.

        Most functions treat any ``-ALL`` in ``allowed_campaigns`` as "all"; lead_all_info,
        ccc_lead_info and lead_callback_info look for the literal ``ALL-CAMPAIGNS`` (quirk).
        """
        raw = self.allowed_campaigns
        everything = "ALL-CAMPAIGNS" in raw.upper() if literal_all else "-ALL" in raw.upper()
        if everything:
            return None
        return frozenset(c for c in raw.replace(" -", "").split() if c)

    def viewable_groups(self) -> frozenset[str] | None:
        """User groups whose users are visible, or None for all (``--ALL--`` or too short)."""
        raw = self.admin_viewable_groups
        if "--ALL--" in raw.upper() or len(raw) <= 3:
            return None
        return frozenset({"---ALL---", *(g for g in raw.replace(" -", "").split() if g)})


@dataclass
class Campaign:
    """A ``vicidial_campaigns`` row (only the columns the simulated functions use)."""

    campaign_id: str
    campaign_name: str
    active: str
    user_group: str
    dial_method: str
    auto_dial_level: str
    lead_order: str
    dial_statuses: str  # as stored: " NEW NA B -"
    dial_timeout: str
    dial_prefix: str = "9"
    manual_dial_prefix: str = ""
    three_way_dial_prefix: str = ""
    local_call_time: str = "24hours"

    @property
    def dial_status_set(self) -> frozenset[str]:
        return frozenset(s for s in self.dial_statuses.split() if s != "-")


@dataclass
class SimList:
    """A ``vicidial_lists`` row."""

    list_id: str
    list_name: str
    campaign_id: str
    active: str = "Y"
    list_changedate: str = ""
    list_lastcalldate: str = ""
    expiration_date: str = "2099-12-31"
    resets_today: str = "0"
    local_call_time: str = "campaign"


@dataclass
class AltPhone:
    """A ``vicidial_list_alt_phones`` row (multi_alt_phones)."""

    phone_number: str
    phone_code: str
    note: str
    count: int


@dataclass
class Lead:
    """A ``vicidial_list`` (or ``vicidial_list_archive``) row; attribute names are column names."""

    lead_id: int
    list_id: str
    phone_number: str
    status: str = "NEW"
    user: str = ""
    vendor_lead_code: str = ""
    source_id: str = ""
    gmt_offset_now: str = "-5.00"
    phone_code: str = "1"
    title: str = ""
    first_name: str = ""
    middle_initial: str = ""
    last_name: str = ""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    city: str = ""
    state: str = ""
    province: str = ""
    postal_code: str = ""
    country_code: str = ""
    gender: str = "U"
    date_of_birth: str = ""
    alt_phone: str = ""
    email: str = ""
    security_phrase: str = ""
    comments: str = ""
    called_count: str = "0"
    last_local_call_time: str = ""
    rank: str = "0"
    owner: str = ""
    entry_list_id: str = "0"
    called_since_last_reset: str = "N"
    entry_epoch: float = 0.0  # entry_date, as epoch seconds (duplicate checks compare it)
    alt_phones: list[AltPhone] = field(default_factory=list)

    def column(self, name: str) -> str:
        return str(getattr(self, name))


@dataclass
class LiveAgent:
    """A ``vicidial_live_agents`` row plus what agent_status reads from the agent logs."""

    user: str
    status: str
    campaign_id: str
    conf_exten: str
    callerid: str = ""
    lead_id: int = 0
    calls_today: int = 0
    pause_code: str = ""  # vicidial_agent_log.sub_status of the current row
    # Sub-status of a live call (RING, 3-WAY, PARK, DEAD, DIAL); DISPO and PREVIEW are derived.
    call_sub_status: str = ""
    preview_lead_id: int = 0
    # IP of a LOGIN event older than two days (the only kind agent_status finds - code quirk).
    old_login_ip: str | None = None


@dataclass
class Callback:
    """A ``vicidial_callbacks`` row."""

    callback_id: int
    lead_id: int
    list_id: str
    campaign_id: str
    status: str
    entry_time: str
    callback_time: str
    user: str
    recipient: str
    comments: str
    user_group: str
    lead_status: str


@dataclass
class HopperEntry:
    """A ``vicidial_hopper`` row."""

    hopper_id: int
    lead_id: int
    campaign_id: str
    list_id: str
    status: str = "READY"
    priority: int = 0
    source: str = "P"


@dataclass(frozen=True)
class RequestRecord:
    """What the simulator saw of one request; never any parameter value.

    Tests use it to count upstream calls and to check how the gateway sends its credential
    (``pass`` in ``body_names`` and never in ``query_names``). ``query_string`` is the raw query
    string with the values of password parameters replaced by ``***``.
    """

    function: str
    method: str
    query_string: str
    query_names: tuple[str, ...]
    body_names: tuple[str, ...]
    user: str
    # GOOD / BAD / LOCK, or None when no login was attempted (version, coffee).
    login: str | None

    @property
    def has_query(self) -> bool:
        return bool(self.query_string)

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(sorted({*self.query_names, *self.body_names}))
