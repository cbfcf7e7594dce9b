"""The simulator's in-memory VICIdial: its tables, VICIdial's login rule, and a request log.

One :class:`SimState` is one VICIdial server. The aiohttp handlers run on one event loop and never
await while they change it, so no locking is needed. Tests reach in directly (``state.leads``,
``state.users``) to arrange data and to check effects; the request log and login counters exist
so tests can count how often the gateway really called upstream and how often it failed to log in.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .agents import AGENT_STATUSES, AgentApiData, AgentSession
from .clock import Clock, datetime_text
from .data_leads import LeadMediaData
from .data_lists import ListAdminData
from .data_reports import ReportData
from .data_users import UserAdminData
from .faults import Faults
from .model import (
    ALL_FUNCTIONS,
    Callback,
    Campaign,
    HopperEntry,
    Lead,
    LiveAgent,
    RequestRecord,
    SimList,
    SimUser,
    UserGroup,
)

LoginResult = Literal["GOOD", "BAD", "LOCK"]

# user_authorization(): 10 failures lock the account until 15 minutes after the last login.
LOCK_TRIGGER_ATTEMPTS = 10
LOCK_SECONDS = 900


@dataclass(frozen=True)
class LoginStats:
    """Login attempts seen for one user name (existing or not); ``failures`` includes locks."""

    attempts: int
    failures: int
    locks: int


class SimState:
    """Tables of one simulated VICIdial server; build a populated one with :meth:`seeded`."""

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock
        self.users: dict[str, SimUser] = {}
        self.user_groups: dict[str, UserGroup] = {}
        self.campaigns: dict[str, Campaign] = {}  # insertion order is the database order
        self.lists: dict[str, SimList] = {}
        self.leads: dict[int, Lead] = {}
        self.archived_leads: dict[int, Lead] = {}
        self.live_agents: dict[str, LiveAgent] = {}
        self.dnc: set[str] = set()
        self.campaign_dnc: dict[str, set[str]] = {}
        self.callbacks: list[Callback] = []
        self.archived_callbacks: list[Callback] = []
        self.hopper: dict[int, HopperEntry] = {}  # by lead_id
        self.requests: list[RequestRecord] = []
        # Requests that would have broken out of VICIdial's SQL (see .sqlguard); with
        # strict_sql, closing the simulator raises if there are any.
        self.sql_breakouts: list[str] = []
        self.strict_sql = True
        self.faults: Faults | None = None  # set to make the server misbehave (see .faults)
        # Tables of the other function areas, one object each (gateway/sim/data_*.py).
        self.useradmin = UserAdminData()
        self.listadmin = ListAdminData()
        self.reports = ReportData()
        self.leadmedia = LeadMediaData()
        self.agentapi = AgentApiData()  # the Agent API's sessions and tables (.agents)
        self._attempts: Counter[str] = Counter()
        self._failures: Counter[str] = Counter()
        self._locks: Counter[str] = Counter()
        self._next_lead_id = 1
        self._next_callback_id = 1
        self._next_hopper_id = 1

    @classmethod
    def seeded(
        cls, api_users: Mapping[str, str] | None = None, *, clock: Clock = time.time
    ) -> SimState:
        """A server holding data like the reference server's (see :mod:`gateway.sim.seed`).

        ``api_users`` maps API user names to passwords; each becomes a level-9 user allowed all
        functions. Without it, user ``6666`` gets a random password (``state.users["6666"]``).
        """
        from .seed import seed  # seed builds on this class

        state = cls(clock=clock)
        seed(state)
        users = api_users if api_users is not None else {"6666": secrets.token_hex(8)}
        for user, password in users.items():
            state.add_api_user(user, password)
        return state

    # --- time ---------------------------------------------------------------------------------

    def now(self) -> float:
        return self.clock()

    def now_text(self) -> str:
        return datetime_text(self.clock())

    # --- users and login ----------------------------------------------------------------------

    def add_api_user(
        self,
        user: str,
        password: str,
        *,
        allowed_functions: Iterable[str] | None = None,
        user_level: int = 9,
        user_group: str = "ADMIN",
        active: bool = True,
        full_name: str = "API User",
    ) -> SimUser:
        """Create (or replace) an API user; ``allowed_functions`` None means ALL_FUNCTIONS."""
        allowed = ALL_FUNCTIONS
        if allowed_functions is not None:
            allowed = " " + " ".join(allowed_functions) + " "
        row = SimUser(
            user=user,
            password=password,
            full_name=full_name,
            user_level=user_level,
            user_group=user_group,
            active=active,
            api_allowed_functions=allowed,
        )
        self.users[user] = row
        return row

    def set_password(self, user: str, password: str) -> None:
        """Change a user's password (credential-rotation tests); KeyError if unknown."""
        self.users[user].password = password

    def authenticate(
        self, user: str, password: str, *, min_level: int = 7, user_update: bool = True
    ) -> LoginResult:
        """VICIdial's ``user_authorization(..., 'REPORTS', 1, 1)`` with its lockout rule.

        A login succeeds when the user exists with that password, level >= 7, is active, and is
        not locked (fewer than 10 failures, or the last login is over 15 minutes old). A failure
        of an existing user increments the counter while it is below 10; at 10 it restarts at 1
        (and stamps last_login_date) when the last login is old, else the reply is LOCK. Failures
        of unknown users change nothing. A success resets the counter and stamps the time.

        The Agent API logs in with ``min_level=1`` (``user_level > 0``) and
        ``user_update=False``: a success then changes nothing.
        """
        now = self.clock()
        lock_over = now - LOCK_SECONDS
        self._attempts[user] += 1
        row = self.users.get(user)
        if row is not None:
            last = row.last_login_date if row.last_login_date is not None else 0.0
            unlocked = row.failed_login_count < LOCK_TRIGGER_ATTEMPTS or last < lock_over
            if row.password == password and row.user_level >= min_level and row.active and unlocked:
                if user_update:
                    row.last_login_date = now
                    row.failed_login_count = 0
                return "GOOD"
        self._failures[user] += 1
        if row is None:
            return "BAD"
        if row.failed_login_count < LOCK_TRIGGER_ATTEMPTS:
            row.failed_login_count += 1
            return "BAD"
        if lock_over > (row.last_login_date or 0.0):
            row.failed_login_count = 1
            row.last_login_date = now
            return "BAD"
        self._locks[user] += 1
        return "LOCK"

    def lock_over(self) -> int:
        """The epoch before which a last login no longer locks (in the login SQL)."""
        return int(self.clock()) - LOCK_SECONDS

    def login_stats(self, user: str) -> LoginStats:
        return LoginStats(self._attempts[user], self._failures[user], self._locks[user])

    def login_attempts(self, user: str) -> int:
        """Logins tried with this user name (``version`` never logs in)."""
        return self._attempts[user]

    def failed_logins(self, user: str) -> int:
        """Logins of this user name that failed (BAD or LOCK replies)."""
        return self._failures[user]

    def user_group_of(self, user: SimUser) -> UserGroup:
        """The user's group; a missing group scopes like an empty row (nothing allowed)."""
        group = self.user_groups.get(user.user_group)
        return group or UserGroup(user.user_group, allowed_campaigns="", admin_viewable_groups="")

    # --- agent sessions (Agent API) ------------------------------------------------------------

    def put_agent(
        self,
        user: str,
        status: str | None,
        *,
        campaign_id: str = "TESTCAMP",
        lead_id: int = 0,
        callerid: str = "",
        pause_code: str = "",
        conf_exten: str | None = None,
    ) -> AgentSession | None:
        """Put agent ``user`` in a state: logged in with ``status`` (READY, PAUSED, INCALL,
        QUEUE, CLOSER), or logged out with None. An INCALL agent without ``callerid`` gets an
        outbound call id for its lead (``M...`` 20 characters; ``Y...`` marks an inbound call).
        Returns the session extras (``state.agentapi.sessions[user]``) to adjust further.
        """
        if status is None:
            self.live_agents.pop(user, None)
            self.agentapi.sessions.pop(user, None)
            return None
        if status not in AGENT_STATUSES:
            raise ValueError(f"unknown agent status {status!r}")
        if status == "INCALL" and not callerid and lead_id > 0:
            callerid = f"M{int(self.clock()) % 10**9:09d}{lead_id:010d}"
        if conf_exten is None:
            old = self.live_agents.get(user)
            conf_exten = old.conf_exten if old is not None else "8600059"
        self.live_agents[user] = LiveAgent(
            user, status, campaign_id, conf_exten, callerid=callerid, lead_id=lead_id,
            pause_code=pause_code,
        )  # fmt: skip
        session = self.agentapi.session(user)
        session.pending_pause = session.pending_logout = False
        return session

    # --- request log --------------------------------------------------------------------------

    def record(self, entry: RequestRecord) -> None:
        self.requests.append(entry)

    def hits(self, function: str | None = None) -> int:
        """How many requests reached the simulator (for one function, if given)."""
        return sum(1 for r in self.requests if function is None or r.function == function)

    def clear_log(self) -> None:
        self.requests.clear()
        self._attempts.clear()
        self._failures.clear()
        self._locks.clear()

    # --- leads --------------------------------------------------------------------------------

    def lead_table(self, archived: bool) -> dict[int, Lead]:
        """``vicidial_list`` or, with ``archived_lead=Y``, ``vicidial_list_archive``."""
        return self.archived_leads if archived else self.leads

    def insert_lead(self, lead: Lead, *, archived: bool = False) -> Lead:
        """Store a lead; a lead_id of 0 takes the next auto-increment value."""
        if lead.lead_id <= 0:
            lead.lead_id = self._next_lead_id
        self._next_lead_id = max(self._next_lead_id, lead.lead_id + 1)
        self.lead_table(archived)[lead.lead_id] = lead
        return lead

    def find_leads(self, match: Callable[[Lead], bool], *, archived: bool = False) -> list[Lead]:
        """Matching leads, newest lead_id first (``order by lead_id desc``)."""
        table = self.lead_table(archived)
        return [lead for lead_id, lead in sorted(table.items(), reverse=True) if match(lead)]

    def campaign_lists(self, campaign_id: str) -> set[str]:
        return {lst.list_id for lst in self.lists.values() if lst.campaign_id == campaign_id}

    # --- callbacks and hopper -----------------------------------------------------------------

    def add_callback(self, callback: Callback) -> Callback:
        callback.callback_id = self._next_callback_id
        self._next_callback_id += 1
        self.callbacks.append(callback)
        return callback

    def archive_and_delete_callbacks(self, lead_id: int) -> tuple[int, int]:
        """Move a lead's callbacks to the archive (as delete_lead does): (deleted, archived)."""
        mine = [cb for cb in self.callbacks if cb.lead_id == lead_id]
        self.archived_callbacks.extend(mine)
        self.callbacks = [cb for cb in self.callbacks if cb.lead_id != lead_id]
        return len(mine), len(mine)

    def add_to_hopper(self, entry: HopperEntry) -> HopperEntry:
        entry.hopper_id = self._next_hopper_id
        self._next_hopper_id += 1
        self.hopper[entry.lead_id] = entry
        return entry
