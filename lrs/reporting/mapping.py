"""From one stored statement to what the progress model learns from it (an :class:`Observation`).

A statement belongs to the course when its object, or an activity of its context, is the
course IRI or under it. Its module (``qrscorm.iris``):

- the object is a module IRI (``<iri_base>/modules/<id>``): a statement about the module
  (xAPI and SCORM-forwarded records);
- the object is under a module IRI (``…/pages/…``, ``…/questions/…``, ``…/items/…``): a
  statement about a part of the module; ``answered`` on ``…/items/<item>`` of a survey
  module is a survey answer (``result.response`` is the Likert value; no response is
  "prefer not to answer");
- otherwise a module IRI among ``context.contextActivities.grouping`` or ``parent``: a cmi5
  statement about the AU, whose object id the LMS made, mapped through the publisher id
  the AU carries in ``grouping`` (cmi5 §9.6.2.2).

``completed``, ``passed`` and ``failed`` count only about the module itself. Country is
the sending credential's tenant's (Data §2.4.9: the LRS knows who sent it); only a WHO
tenant's forward key may assert another in the country context extension. A statement
flagged synthetic (demo data) maps to nothing unless the database is a demo database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import typing as t

from lrs.reporting.catalogue import COUNTRY_EXTENSION, COURSE_VERSION_EXTENSION
from lrs.schemas import agent_key, parse_timestamp

if t.TYPE_CHECKING:
    from lrs.reporting.catalogue import Catalogue

SYNTHETIC_EXTENSION = "https://qualityrights.who.int/xapi/extensions/synthetic"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
RESULT_VERBS = {ADL_VERBS + name: name for name in ("completed", "passed", "failed")}
ANSWERED = ADL_VERBS + "answered"
_COUNTRY = re.compile(r"^[A-Z]{2,3}$")
_MODULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:[.,]\d+)?)Y)?(?:(?P<mo>\d+(?:[.,]\d+)?)M)?(?:(?P<w>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<d>\d+(?:[.,]\d+)?)D)?(?:T(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$"
)
_SECONDS = {"y": 31_536_000, "mo": 2_592_000, "w": 604_800, "d": 86_400, "h": 3600, "mi": 60, "s": 1}
_MAX_SECONDS = 2_000_000_000


@dataclasses.dataclass(frozen=True)
class Sender:
    """Who sent a statement: its tenant and the kind of credential."""

    tenant_id: int
    tenant_kind: str
    country: str
    credential_kind: str


@dataclasses.dataclass(frozen=True)
class Observation:
    """What one statement tells about one learner in one course."""

    tenant_id: int
    learner: str  # learner_hash of the actor
    course: str
    at_us: int  # min(timestamp, stored): when it happened, never later than it arrived
    order: str  # at_us and statement id: the order "earliest" and "latest" follow
    country: str
    language: str
    version: str
    module: str | None = None
    result: str | None = None  # completed, passed or failed, about the module itself
    score: float | None = None
    seconds: int | None = None
    item: str | None = None
    phase: str | None = None
    answered: bool = False
    value: int | None = None
    module_name: str | None = None


def json_object(value: t.Any) -> dict[str, t.Any]:
    """Return ``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def learner_hash(key: str) -> str:
    """Return the learner column of an actor with canonical IFI ``key`` (``lrs.schemas.agent_key``)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def order_of(at_us: int, statement_id: str) -> str:
    """Return the ``*_order`` value of a statement (time first, then id)."""
    return f"{max(0, at_us):020d}{statement_id}"


def parse_seconds(duration: t.Any) -> int | None:
    """Return an ISO 8601 duration (Data §4.6) in whole seconds, or None."""
    if not isinstance(duration, str):
        return None
    match = _DURATION.match(duration)
    if match is None:
        return None
    total = sum(float(v.replace(",", ".")) * _SECONDS[k] for k, v in match.groupdict().items() if v)
    return int(min(total, _MAX_SECONDS))


def actor_key(statement: dict[str, t.Any]) -> str | None:
    """Return the canonical IFI of a statement's Agent actor; None for Groups and anything else."""
    actor = statement.get("actor")
    if not isinstance(actor, dict) or actor.get("objectType", "Agent") != "Agent":
        return None
    try:
        return agent_key(actor)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _context_ids(context: dict[str, t.Any]) -> list[str]:
    groups = context.get("contextActivities")
    ids: list[str] = []
    if isinstance(groups, dict):
        for name in ("grouping", "parent"):
            value = groups.get(name)
            for activity in value if isinstance(value, list) else [value]:
                if isinstance(activity, dict) and isinstance(activity.get("id"), str):
                    ids.append(activity["id"])
    return ids


def _locate(catalogue: Catalogue, object_id: str, context_ids: list[str]) -> tuple[bool, str | None, str]:
    """Return (in the course, module id or None, part of the module or "")."""
    prefix = catalogue.module_prefix()
    if object_id.startswith(prefix):
        module, _, part = object_id[len(prefix):].partition("/")
        return True, module, part
    for activity in context_ids:
        if activity.startswith(prefix) and "/" not in activity[len(prefix):]:
            return True, activity[len(prefix):], ""
    base = catalogue.iri_base
    inside = [object_id, *context_ids]
    return any(i == base or i.startswith(base + "/") for i in inside), None, ""


def _name(definition: t.Any, language: str) -> str | None:
    names = definition.get("name") if isinstance(definition, dict) else None
    if not isinstance(names, dict) or not names:
        return None
    for tag in (language, "en", "en-US"):
        for key, value in names.items():
            if key.lower() == tag and isinstance(value, str):
                return value[:200]
    first = next(iter(names.values()))
    return first[:200] if isinstance(first, str) else None


def observe(statement: dict[str, t.Any], stored_us: int, sender: Sender, catalogue: Catalogue, *,
            accept_synthetic: bool) -> Observation | None:
    """Return what ``statement`` (valid, as stored) tells the progress model, or None."""
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity":
        return None
    object_id = target.get("id")
    key = actor_key(statement)
    if not isinstance(object_id, str) or key is None:
        return None
    context = json_object(statement.get("context"))
    extensions = json_object(context.get("extensions"))
    if extensions.get(SYNTHETIC_EXTENSION) is not None and not accept_synthetic:
        return None
    inside, module, part = _locate(catalogue, object_id, _context_ids(context))
    if not inside or (module is not None and not _MODULE_ID.match(module)):
        return None
    try:
        at_us = int(parse_timestamp(statement["timestamp"]).timestamp() * 1_000_000)
    except (KeyError, TypeError, ValueError):
        at_us = stored_us
    at_us = min(at_us, stored_us)
    country = sender.country
    asserted = extensions.get(COUNTRY_EXTENSION)
    if sender.tenant_kind == "who" and sender.credential_kind == "forward" and isinstance(asserted, str):
        country = asserted.upper() if _COUNTRY.match(asserted.upper()) else country
    language = context.get("language")
    language = language.lower()[:35] if isinstance(language, str) else ""
    version = extensions.get(COURSE_VERSION_EXTENSION)
    version = str(version)[:64] if isinstance(version, (str, int, float)) and not isinstance(version, bool) else ""
    fields: dict[str, t.Any] = {}
    verb = json_object(statement.get("verb")).get("id")
    result = json_object(statement.get("result"))
    if module is not None and part == "":
        if catalogue.module(module) is None:  # names of known modules come from the catalogue
            fields["module_name"] = _name(target.get("definition"), language)
        if verb in RESULT_VERBS:
            fields["result"] = RESULT_VERBS[verb]
            fields["seconds"] = parse_seconds(result.get("duration"))
            score = json_object(result.get("score")).get("scaled")
            if fields["result"] != "completed" and isinstance(score, (int, float)) and not isinstance(score, bool):
                fields["score"] = float(score)
    elif module is not None and part.startswith("items/") and verb == ANSWERED:
        info = catalogue.module(module)
        if info is not None and info.phase:
            response = result.get("response")
            value = int(response) if isinstance(response, str) and response.strip().isdigit() else None
            if response is None or value in catalogue.scale:
                fields.update(item=part[len("items/"):][:100], phase=info.phase, answered=True, value=value)
    return Observation(
        tenant_id=sender.tenant_id, learner=learner_hash(key), course=catalogue.course, at_us=at_us,
        order=order_of(at_us, str(statement.get("id", ""))), country=country, language=language, version=version,
        module=module, **fields,
    )
