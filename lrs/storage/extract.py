"""The values GET statements filters on, taken from a statement at insert.

Communication §2.1.3 defines the filters:

- ``agent``: the Actor or the Object when it is an Agent or Group; Groups match through
  their members too. With ``related_agents=true`` also Authority, Instructor, Team (and
  xAPI 2.0's contextAgents and contextGroups), and all of these in a SubStatement.
- ``activity``: the Object when it is an Activity. With ``related_activities=true`` also
  every context Activity, and the Object and context Activities of a SubStatement.
- ``verb``, ``registration``: the statement's own.

A statement whose Object is a StatementRef also matches every non-time filter its target
matches (§2.1.3.s3); the storage adds the target's values to the referring statement.
"""

from __future__ import annotations

import typing as t

from lrs.models import (
    IDX_ACTIVITY,
    IDX_ACTIVITY_RELATED,
    IDX_AGENT,
    IDX_AGENT_RELATED,
    IDX_REGISTRATION,
    IDX_VERB,
)
from lrs.schemas import agent_key
from lrs.storage import index_value

FilterValues = set[tuple[int, str]]
_DIRECT_OF = {IDX_AGENT_RELATED: IDX_AGENT, IDX_ACTIVITY_RELATED: IDX_ACTIVITY}


def filter_values(statement: dict[str, t.Any]) -> FilterValues:
    """Return the ``(kind, value)`` pairs of ``statement``'s own filterable values."""
    direct_agents: set[str] = set()
    related_agents: set[str] = set()
    direct_activities: set[str] = set()
    related_activities: set[str] = set()

    _add_agent(direct_agents, statement.get("actor"))
    target = statement.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType", "Activity")
        if kind in ("Agent", "Group"):
            _add_agent(direct_agents, target)
        elif kind == "Activity":
            _add_activity(direct_activities, target)
        elif kind == "SubStatement":
            _add_agent(related_agents, target.get("actor"))
            inner = target.get("object")
            if isinstance(inner, dict):
                inner_kind = inner.get("objectType", "Activity")
                if inner_kind in ("Agent", "Group"):
                    _add_agent(related_agents, inner)
                elif inner_kind == "Activity":
                    _add_activity(related_activities, inner)
            _add_context(related_agents, related_activities, target.get("context"))
    _add_agent(related_agents, statement.get("authority"))
    _add_context(related_agents, related_activities, statement.get("context"))

    values: FilterValues = set()
    values.update((IDX_AGENT, key) for key in direct_agents)
    values.update((IDX_AGENT_RELATED, key) for key in related_agents - direct_agents)
    values.update((IDX_ACTIVITY, key) for key in direct_activities)
    values.update((IDX_ACTIVITY_RELATED, key) for key in related_activities - direct_activities)
    verb = statement.get("verb")
    if isinstance(verb, dict) and isinstance(verb.get("id"), str):
        values.add((IDX_VERB, index_value(verb["id"])))
    context = statement.get("context")
    if isinstance(context, dict) and isinstance(context.get("registration"), str):
        values.add((IDX_REGISTRATION, context["registration"].lower()))
    return values


def merge_values(own: FilterValues, inherited: FilterValues) -> FilterValues:
    """Combine a statement's values with its StatementRef target's, one kind per value.

    A value that is direct on either side stays direct only, so that a ``related_*``
    query, which reads both kinds, never meets the same statement twice.
    """
    merged = own | inherited
    return {(kind, value) for kind, value in merged if (_DIRECT_OF.get(kind), value) not in merged}


def _add_agent(keys: set[str], agent: t.Any) -> None:
    if not isinstance(agent, dict):
        return
    try:
        keys.add(index_value(agent_key(agent)))
    except (ValueError, KeyError, TypeError, AttributeError):
        pass  # an Anonymous Group: only its members identify it
    members = agent.get("member")
    if isinstance(members, list):
        for member in members:
            if isinstance(member, dict):
                try:
                    keys.add(index_value(agent_key(member)))
                except (ValueError, KeyError, TypeError, AttributeError):
                    pass


def _add_activity(ids: set[str], activity: t.Any) -> None:
    if isinstance(activity, dict) and isinstance(activity.get("id"), str):
        ids.add(index_value(activity["id"]))


def _add_context(agents: set[str], activities: set[str], context: t.Any) -> None:
    if not isinstance(context, dict):
        return
    _add_agent(agents, context.get("instructor"))
    _add_agent(agents, context.get("team"))
    for entry in context.get("contextAgents") or ():
        if isinstance(entry, dict):
            _add_agent(agents, entry.get("agent"))
    for entry in context.get("contextGroups") or ():
        if isinstance(entry, dict):
            _add_agent(agents, entry.get("group"))
    groups = context.get("contextActivities")
    if isinstance(groups, dict):
        for value in groups.values():
            for activity in value if isinstance(value, list) else [value]:
                _add_activity(activities, activity)
