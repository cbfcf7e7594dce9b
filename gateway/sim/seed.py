"""Seed data: the world of the reference VICIdial server the samples were captured from.

Campaigns, lists 101/1001, lead 5001, archived lead 4999 and agents 1001/1002 carry exactly the
values visible in ``tests/data/samples``, so those replies can be reproduced byte for byte; the rest
(lists 102/999, agents 1003/1004, the other leads) is invented in the same style. API users are
added by :meth:`SimState.seeded` because their passwords come from the caller.
"""

from __future__ import annotations

import calendar
import time
from typing import TYPE_CHECKING

from . import data_agents, data_leads, data_lists, data_reports, data_users
from .model import Callback, Campaign, HopperEntry, Lead, LiveAgent, SimList, SimUser, UserGroup

if TYPE_CHECKING:
    from .state import SimState

# A number in the system DNC list, and one in TESTCAMP's campaign DNC list.
DNC_NUMBER = "3125550199"
CAMPAIGN_DNC_NUMBER = "3125550198"


def _epoch(text: str) -> float:
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S")))


def _groups() -> list[UserGroup]:
    return [
        UserGroup("ADMIN"),
        UserGroup(
            "AGENTS", allowed_campaigns=" TESTCAMP SALESOUT - ", admin_viewable_groups=" AGENTS -"
        ),
    ]


def _agents() -> list[SimUser]:
    names = {"1001": "Alice Agent", "1002": "Bob Agent", "1003": "Carol Agent", "1004": "Dan Agent"}
    return [
        SimUser(
            user=user,
            password="1234",
            full_name=name,
            user_level=1,
            user_group="AGENTS",
            api_allowed_functions="",
            vdc_agent_api_access=False,
            view_reports=False,
            modify_leads=0,
            modify_lists=False,
        )
        for user, name in names.items()
    ]


def _campaigns() -> list[Campaign]:
    return [
        Campaign("TESTCAMP", "Test Campaign", "Y", "---ALL---", "RATIO", "1.0", "DOWN",
                 " NEW NA B -", "26", local_call_time="24hours"),
        Campaign("SALESOUT", "Outbound Sales", "Y", "---ALL---", "RATIO", "2.0", "DOWN COUNT",
                 " NEW NA -", "30", local_call_time="9am-9pm"),
        Campaign("SURVEY", "Customer Survey", "N", "ADMIN", "MANUAL", "0", "UP",
                 " NEW -", "60", local_call_time="9am-5pm"),
    ]  # fmt: skip


def _lists() -> list[SimList]:
    return [
        SimList("101", "Test list 101", "TESTCAMP", "Y", "2026-11-27 22:36:26",
                "2024-06-03 16:00:00", "2099-12-31", "1"),
        SimList("102", "Test list 102", "SURVEY", "Y", "2024-06-01 09:10:00",
                "2024-06-02 12:00:00", "2099-12-31", "0"),
        SimList("999", "Default inbound list", "TESTCAMP", "N", "2024-05-01 08:00:00",
                "", "2099-12-31", "0"),
        SimList("1001", "Sales leads June", "SALESOUT", "Y", "2024-06-01 09:20:00",
                "2024-06-03 15:00:00", "2099-12-31", "0"),
    ]  # fmt: skip


def _lead_5001() -> Lead:
    return Lead(
        lead_id=5001, list_id="101", phone_number="3125550001", status="SALE", user="1001",
        vendor_lead_code="VL5001", source_id="WEB", gmt_offset_now="-5.00", title="Mr",
        first_name="John", middle_initial="Q", last_name="Public", address1="100 Main St",
        city="Chicago", state="IL", postal_code="60601", country_code="USA", gender="M",
        date_of_birth="1980-01-15", alt_phone="3125550901", email="john.public@example.invalid",
        comments="wants premium", called_count="2", last_local_call_time="2024-06-03 10:00:00",
        owner="1001", entry_epoch=_epoch("2024-06-01 09:00:00"),
    )  # fmt: skip


def _simple(lead_id: int, list_id: str, phone: str, first: str, last: str, **extra: str) -> Lead:
    """A lead with the usual defaults: NEW, Chicago-style values, entered 2024-06-01."""
    lead = Lead(
        lead_id=lead_id, list_id=list_id, phone_number=phone, user="6666",
        vendor_lead_code=f"VL{lead_id}", source_id="WEB", first_name=first, last_name=last,
        city="Chicago", state="IL", country_code="USA", gmt_offset_now="-5.00",
        last_local_call_time="2024-06-01 09:00:00",
        entry_epoch=_epoch("2024-06-01 09:00:00") + lead_id,
    )  # fmt: skip
    for name, value in extra.items():
        setattr(lead, name, value)
    return lead


def _leads() -> list[Lead]:
    sales_june = [
        _simple(5010, "1001", "3125550010", "Omar", "Haddad", status="SALE", user="1002",
                source_id="LIST", address1="10 State St", postal_code="60603", gender="M",
                email="omar.h@example.invalid", comments="closed deal", called_count="1",
                last_local_call_time="2024-06-03 14:00:00", owner="1002", entry_list_id="1001"),
        _simple(5011, "1001", "3125550011", "Priya", "Shah", status="NA", called_count="1"),
        _simple(5012, "1001", "3125550012", "Liam", "Burke", status="B", called_count="2"),
        _simple(5013, "1001", "3125550013", "Mei", "Chen", status="CALLBK", called_count="1"),
        _simple(5014, "1001", "3125550014", "Noah", "Reyes"),
        _simple(5015, "1001", "3125550015", "Ava", "Kowalski"),
        _simple(5016, "1001", "3125550016", "Ezra", "Novak"),
        _simple(5017, "1001", "3125550017", "Iris", "Okafor"),
        _simple(5018, "1001", "3125550018", "Hugo", "Larsen"),
    ]  # fmt: skip
    return [
        _lead_5001(),
        _simple(5002, "101", "3125550002", "Jane", "Doe", city="Chicago"),
        _simple(5003, "101", "7275550003", "Carlos", "Diaz", city="Tampa", state="FL",
                gmt_offset_now="-4.00"),
        _simple(5004, "101", "3125550004", "Grace", "Lee", status="CALLBK", called_count="1"),
        _simple(5005, "101", "4075550005", "Sam", "Ortiz", city="Orlando", state="FL",
                gmt_offset_now="-4.00"),
        _simple(5006, "101", "4155550006", "Nina", "Park", city="San Francisco", state="CA",
                gmt_offset_now="-7.00"),
        *sales_june,
        _simple(5020, "101", "3125550001", "John", "Public"),
        _simple(5030, "102", "2125550030", "Tom", "Hardy", city="New York", state="NY",
                gmt_offset_now="-4.00"),
        _simple(5031, "102", "2125550031", "Ada", "Byron", city="New York", state="NY",
                gmt_offset_now="-4.00", status="DONE"),
    ]  # fmt: skip


def _live_agents() -> list[LiveAgent]:
    return [
        LiveAgent("1001", "INCALL", "TESTCAMP", "8600051", callerid="M6031200000000005001",
                  lead_id=5001, calls_today=3, old_login_ip="10.10.10.51"),
        LiveAgent("1002", "PAUSED", "SALESOUT", "8600052", calls_today=1, pause_code="BREAK"),
    ]  # fmt: skip


def seed(state: SimState) -> None:
    """Fill an empty state with the reference world (no API users)."""
    state.user_groups.update({g.user_group: g for g in _groups()})
    state.users.update({u.user: u for u in _agents()})
    state.campaigns.update({c.campaign_id: c for c in _campaigns()})
    state.lists.update({lst.list_id: lst for lst in _lists()})
    for lead in _leads():
        state.insert_lead(lead)
    state.insert_lead(
        _simple(4999, "101", "3125550999", "Old", "Record", status="SALE"), archived=True
    )
    state.live_agents.update({a.user: a for a in _live_agents()})
    state.dnc.add(DNC_NUMBER)
    state.campaign_dnc["TESTCAMP"] = {CAMPAIGN_DNC_NUMBER}
    state.add_callback(
        Callback(0, 5004, "101", "TESTCAMP", "ACTIVE", "2024-06-03 11:00:00",
                 "2024-06-04 10:00:00", "1001", "USERONLY", "call back tomorrow morning",
                 "AGENTS", "CALLBK")
    )  # fmt: skip
    for lead_id, campaign, priority in ((5020, "TESTCAMP", 5), (5003, "TESTCAMP", 0)):
        state.add_to_hopper(HopperEntry(0, lead_id, campaign, "101", priority=priority))
    for area in (data_users, data_lists, data_reports, data_leads, data_agents):
        area.seed(state)
