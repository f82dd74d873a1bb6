"""The LMS side of the SCORM browser tests, and a learner who drives the player inside the SCO.

An LMS reads the manifest (launch pages, mastery, the SCORM 2004 activity tree), seeds the CMI data of each
launch, gives the SCO scorm-again's ``API`` / ``API_1484_11`` in a host page that frames it, and keeps what the
SCO stored for the next launch. The host pages log every SetValue, Commit, Initialize and Finish/Terminate
call in ``window.LOG``, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

LEARNER_ID = "learner-7"
LEARNER_NAME = "Haddad, Lina"  # the "Last, First" form LMSs send
# scorm-again with Moodle's behaviour: the status is recomputed from score.raw and the mastery score at every
# finish, and a status left "not attempted" becomes "completed".
MOODLE_LIKE = {"mastery_override": True, "autoCompleteLessonStatus": True}
PLAIN = {"mastery_override": False, "autoCompleteLessonStatus": False}

_LOGGER = """
  window.LOG = [];
  function hook(api, v12) {
    (v12 ? ['LMSInitialize', 'LMSFinish', 'LMSCommit'] : ['Initialize', 'Terminate', 'Commit']).forEach(function (ev) {
      api.on(ev, function () { LOG.push([ev]); });
    });
    api.on((v12 ? 'LMSSetValue' : 'SetValue') + '.cmi.*', function (el, v) { LOG.push(['set', el, String(v)]); });
  }
"""
# One SCO in a frame, with the API of SCORM version HOST.version seeded with HOST.cmi (nested CMI JSON).
HOST_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/scorm-again.js"></script></head>
<body><iframe name="sco" title="Course" style="width:1000px;height:700px"></iframe>
<script>
(function () {%(logger)s
  var H = window.HOST, v12 = H.version === '1.2';
  var api = v12 ? new Scorm12API(Object.assign({logLevel: 5}, H.settings)) :
    new Scorm2004API(Object.assign({logLevel: 5}, H.settings));
  api.loadFromJSON(H.cmi, '');
  hook(api, v12);
  window[v12 ? 'API' : 'API_1484_11'] = api;
  window.snapshot = function () { return JSON.parse(JSON.stringify(api.cmi)); };
  if (H.opener) {
    window.popup = window.open(H.sco, 'course-window');
  } else {
    document.querySelector('iframe').src = H.sco;
  }
})();
</script></body></html>
""" % {"logger": _LOGGER}
# The multi-SCO SCORM 2004 course under scorm-again's sequencing engine: HOST.tree is the activity tree read
# from the manifest, HOST.base the package folder. The host delivers each activity the engine chooses.
SEQ_HOST_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/scorm-again.js"></script></head>
<body><iframe name="sco" title="Course" style="width:1000px;height:700px"></iframe>
<script>
(function () {%(logger)s
  var H = window.HOST, hrefs = {}, passing = {}, api;
  (function walk(a) {
    if (a.href) hrefs[a.id] = a.href;
    var o = a.primaryObjective;
    if (o && o.satisfiedByMeasure) passing[a.id] = String(o.minNormalizedMeasure);
    (a.children || []).forEach(walk);
  })(H.tree);
  function deliver(a) {
    // A fresh run-time data model per delivered SCO, seeded as the LMS does (RTE 4.2.22 scaled_passing_score).
    api.reset(undefined, {preserveListeners: true});
    api.cmi.learner_id = H.learnerId;
    api.cmi.learner_name = H.learnerName;
    api.cmi.credit = 'credit';
    api.cmi.mode = 'normal';
    if (passing[a.id]) api.cmi.scaled_passing_score = passing[a.id];
    LOG.push(['deliver', a.id]);
    document.querySelector('iframe').src = H.base + hrefs[a.id];
  }
  api = new Scorm2004API({logLevel: 5, sequencing: {activityTree: H.tree, eventListeners: {
    onActivityDelivery: function (a) { setTimeout(function () { deliver(a); }, 0); },
    onSequencingSessionEnd: function (d) { LOG.push(['end', d.reason]); }
  }}});
  hook(api, false);
  window.API_1484_11 = api;
  window.track = function (id) { return api.getActivityTrackingData(id); };
  window.snapshot = function () { return JSON.parse(JSON.stringify(api.cmi)); };
  window.navigate = function (request, target) { return api.processNavigationRequest(request, target); };
  navigate('start');
})();
</script></body></html>
""" % {"logger": _LOGGER}
# A page of another origin between the LMS and the SCO: its properties throw when the SCO looks for the API.
RELAY_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Relay</title><link rel="icon" href="data:,"></head>
<body><iframe name="inner" title="Course" style="width:1000px;height:700px"></iframe>
<script>document.querySelector('iframe').src = decodeURIComponent(location.hash.slice(1));</script></body></html>
"""


def write_site(root: Path, scorm_again: Path) -> None:
    """Write the host pages and scorm-again into ``root``."""
    (root / "scorm-again.js").write_bytes(scorm_again.read_bytes())
    (root / "host.html").write_text(HOST_HTML, encoding="utf-8")
    (root / "seqhost.html").write_text(SEQ_HOST_HTML, encoding="utf-8")
    (root / "relay.html").write_text(RELAY_HTML, encoding="utf-8")


# ---- what an LMS reads from the manifest ------------------------------------------------------------------

NS12 = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
NS2004 = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
          "imsss": "http://www.imsglobal.org/xsd/imsss", "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
          "lom": "http://ltsc.ieee.org/xsd/LOM"}


@dataclass(frozen=True)
class Sco:
    """A SCO as an LMS sees it: its item, launch page and mastery (1.2: 0-100, 2004: 0-1, or None)."""

    item: str
    href: str
    mastery: str | None


def version_of(manifest: Path) -> str:
    """'1.2' or '2004', from the manifest's namespace."""
    root = etree.parse(str(manifest)).getroot()
    return "1.2" if root.tag == f"{{{NS12['cp']}}}manifest" else "2004"


def scos(manifest: Path) -> list[Sco]:
    """The SCOs of the default organization, in order."""
    version = version_of(manifest)
    ns = NS12 if version == "1.2" else NS2004
    doc = etree.parse(str(manifest))
    hrefs = {r.get("identifier"): r.get("href") for r in doc.iterfind("cp:resources/cp:resource", ns)}
    out = []
    for item in doc.iterfind("cp:organizations/cp:organization//cp:item[@identifierref]", ns):
        if version == "1.2":
            mastery = item.findtext("adlcp:masteryscore", namespaces=ns)
        else:
            objective = item.find("imsss:sequencing/imsss:objectives/imsss:primaryObjective", ns)
            mastery = (objective.findtext("imsss:minNormalizedMeasure", "1", ns)
                       if objective is not None and objective.get("satisfiedByMeasure") == "true" else None)
        out.append(Sco(item.get("identifier"), hrefs[item.get("identifierref")], mastery))
    return out


def activity_tree(manifest: Path) -> dict[str, Any]:
    """The SCORM 2004 activity tree of the default organization, as scorm-again's sequencing settings."""
    ns = NS2004
    doc = etree.parse(str(manifest))
    hrefs = {r.get("identifier"): r.get("href") for r in doc.iterfind("cp:resources/cp:resource", ns)}

    def flag(value: str | None, default: bool) -> bool:
        return default if value is None else value == "true"

    def activity(element: etree._Element) -> dict[str, Any]:
        node: dict[str, Any] = {"id": element.get("identifier"), "title": element.findtext("cp:title", namespaces=ns)}
        controls: dict[str, Any] = {}
        sequencing = element.find("imsss:sequencing", ns)
        if sequencing is not None:
            mode = sequencing.find("imsss:controlMode", ns)
            if mode is not None:
                controls.update(choice=flag(mode.get("choice"), True), flow=flag(mode.get("flow"), False))
            rollup = sequencing.find("imsss:rollupRules", ns)
            if rollup is not None:
                controls.update(rollupObjectiveSatisfied=flag(rollup.get("rollupObjectiveSatisfied"), True),
                                rollupProgressCompletion=flag(rollup.get("rollupProgressCompletion"), True),
                                objectiveMeasureWeight=float(rollup.get("objectiveMeasureWeight", "1")))
                rules = [_rollup_rule(rule) for rule in rollup.iterfind("imsss:rollupRule", ns)]
                if rules:
                    node["rollupRules"] = {"rules": rules}
            delivery = sequencing.find("imsss:deliveryControls", ns)
            if delivery is not None:
                node["deliveryControls"] = {
                    "tracked": flag(delivery.get("tracked"), True),
                    "completionSetByContent": flag(delivery.get("completionSetByContent"), False),
                    "objectiveSetByContent": flag(delivery.get("objectiveSetByContent"), False)}
            objective = sequencing.find("imsss:objectives/imsss:primaryObjective", ns)
            if objective is not None:
                node["primaryObjective"] = {
                    "objectiveID": objective.get("objectiveID"), "isPrimary": True,
                    "satisfiedByMeasure": flag(objective.get("satisfiedByMeasure"), False),
                    "minNormalizedMeasure": float(objective.findtext("imsss:minNormalizedMeasure", "1", ns))}
        if controls:
            node["sequencingControls"] = controls
        children = [activity(item) for item in element.iterfind("cp:item", ns)]
        if children:
            node["children"] = children
        if element.get("identifierref"):
            node["href"] = hrefs[element.get("identifierref")]
        return node

    return activity(doc.find("cp:organizations/cp:organization", ns))


def _rollup_rule(rule: etree._Element) -> dict[str, Any]:
    ns = NS2004
    conditions = rule.find("imsss:rollupConditions", ns)
    # scorm-again names the manifest's activityProgressKnown condition progressKnown.
    names = {"activityProgressKnown": "progressKnown"}
    return {"action": rule.find("imsss:rollupAction", ns).get("action"),
            "consideration": rule.get("childActivitySet", "all"),
            "conditionCombination": conditions.get("conditionCombination", "all"),
            "conditions": [{"condition": names.get(c.get("condition"), c.get("condition")),
                            "operator": c.get("operator", "noOp")} for c in conditions]}


# ---- run-time data an LMS seeds ---------------------------------------------------------------------------

def first_cmi(version: str, sco: Sco, *, mode: str = "normal", credit: str = "credit") -> dict[str, Any]:
    """The CMI data of a first launch (RTE 1.2 3.4, 2004 4.2)."""
    if version == "1.2":
        return {"core": {"student_id": LEARNER_ID, "student_name": LEARNER_NAME, "credit": credit,
                         "lesson_mode": mode, "entry": "ab-initio", "lesson_status": "not attempted"},
                "student_data": {"mastery_score": sco.mastery or ""}}
    return {"learner_id": LEARNER_ID, "learner_name": LEARNER_NAME, "credit": credit, "mode": mode,
            "entry": "ab-initio", "completion_status": "unknown", "scaled_passing_score": sco.mastery or ""}


def resume_cmi(version: str, sco: Sco, saved: dict[str, Any], *, mode: str = "normal",
               credit: str = "credit") -> dict[str, Any]:
    """The CMI data of the next launch, from what the previous session stored (``saved``: a snapshot)."""
    cmi = first_cmi(version, sco, mode=mode, credit=credit)
    if version == "1.2":
        core = saved["core"]
        cmi["core"].update(lesson_status=core["lesson_status"], lesson_location=core["lesson_location"],
                           entry="resume" if core["exit"] == "suspend" else "",
                           score={k: core["score"][k] for k in ("raw", "min", "max")})
    else:
        cmi.update(completion_status=saved["completion_status"], success_status=saved["success_status"],
                   location=saved["location"], entry="resume" if saved["exit"] == "suspend" else "",
                   score={k: saved["score"][k] for k in ("scaled", "raw", "min", "max")})
    cmi["suspend_data"] = saved["suspend_data"]
    return cmi


# ---- a launch and the learner in it -------------------------------------------------------------------------

@dataclass
class Launch:
    """A host page holding one SCO (or, with sequencing, the SCOs the engine delivers)."""

    page: Any
    version: str

    @property
    def frame(self) -> Any:
        """The SCO's frame (or the popup's main frame when the SCO was opened in a window)."""
        popup = self._popup()
        if popup:
            return popup.main_frame
        frame = self.page.frame(name="sco")
        inner = [f for f in frame.child_frames if f.name == "inner"]
        return inner[0] if inner else frame

    def _popup(self) -> Any:
        """The window this host opened for the SCO, if it opened one."""
        popups = [p for p in self.page.context.pages if p.opener() == self.page and not p.is_closed()]
        return popups[-1] if popups else None

    @property
    def learner(self) -> Learner:
        """The learner, in the player of the current SCO."""
        return Learner(self.frame)

    def log(self) -> list[list[str]]:
        """Every call the SCO made, in order."""
        return self.page.evaluate("LOG")

    def sets(self, prefix: str = "cmi.") -> list[tuple[str, str]]:
        """The SetValue calls whose element starts with ``prefix``."""
        return [(e[1], e[2]) for e in self.log() if e[0] == "set" and e[1].startswith(prefix)]

    def last(self, element: str) -> str | None:
        """The last value the SCO set for ``element``."""
        values = [v for k, v in self.sets(element) if k == element]
        return values[-1] if values else None

    def count(self, event: str) -> int:
        """How many times the SCO called ``event`` (LMSFinish, Terminate, LMSCommit...)."""
        return sum(1 for e in self.log() if e[0] == event)

    def snapshot(self) -> dict[str, Any]:
        """The CMI data as the LMS holds it."""
        return self.page.evaluate("snapshot()")

    def leave(self, *, finished: bool = False) -> None:
        """The learner leaves: the LMS unloads the SCO, which must finish (terminate) as it goes.

        ``finished``: the SCO has already finished, so no further finish is awaited.
        """
        finish = "LMSFinish" if self.version == "1.2" else "Terminate"
        before = self.count(finish)
        popup = self._popup()
        if popup:
            popup.close(run_before_unload=True)
        else:
            self.page.evaluate("document.querySelector('iframe').src = 'about:blank'")
            self.page.frame(name="sco").wait_for_url("about:blank")
        if not finished:
            self.page.wait_for_function(f"n => LOG.filter(e => e[0] === '{finish}').length > n", arg=before)


class Learner:
    """Moves through the player in a frame the way a learner does, by its routes and controls."""

    def __init__(self, frame: Any):
        self.frame = frame

    def wait(self) -> None:
        self.frame.locator("main h1").first.wait_for()

    def data(self) -> dict[str, Any]:
        """The course data the player shows (QR_DATA)."""
        return self.frame.evaluate("QR_DATA")

    def modules(self) -> list[dict[str, Any]]:
        """The modules this launch shows (all, or the one in its scope)."""
        scope = self.frame.evaluate("QR_LAUNCH.scope")
        return [m for m in self.data()["modules"] if scope in (None, m["id"])]

    def route(self) -> str:
        return self.frame.evaluate("location.hash")

    def go(self, route: str) -> None:
        self.frame.evaluate("r => { location.hash = '#/' + r; }", route)
        self.frame.wait_for_function("r => location.hash === '#/' + r", arg=route)
        self.wait()

    def read_pages(self, module: dict[str, Any]) -> None:
        for page in module["pages"]:
            self.go(f"{module['id']}/{page['id']}")

    def answer(self, values: list[str]) -> None:
        for value in values:
            self.frame.locator(f"main input[value='{value}']").check()
        self.frame.locator("main form button[type=submit]").click()
        self.frame.locator("main .qr-fb:not(:empty)").wait_for()

    def take_quiz(self, module: dict[str, Any], answers: list[list[str]], *, retry: bool = False) -> None:
        """Start the quiz (or retry it from the result page) and answer every question; ends on the result."""
        mid = module["id"]
        if retry:
            self.go(f"{mid}/_result")
            self.frame.locator("main .qr-actions button").first.click()
        else:
            self.go(f"{mid}/_quiz")
            self.frame.locator("main p > button").first.click()
        for index, values in enumerate(answers):
            self.frame.wait_for_function("h => location.hash === h", arg=f"#/{mid}/_quiz/{index + 1}")
            self.answer(values)
            self.frame.locator("main .qr-actions a").first.click()
        self.frame.wait_for_function("h => location.hash === h", arg=f"#/{mid}/_result")

    def answer_survey(self, module: dict[str, Any], value: int = 4) -> None:
        self.go(f"{module['id']}/_survey")
        for fieldset in self.frame.locator("main fieldset").all():
            fieldset.locator(f"input[value='{value}']").check()
        self.frame.locator("main form button[type=submit]").click()
        self.frame.locator("main form").wait_for(state="detached")

    def do_module(self, module: dict[str, Any], *, passing: bool = True) -> None:
        """Read every page, then answer the survey or take the quiz: right first time, or wrong until final."""
        self.read_pages(module)
        if module["survey"]:
            self.answer_survey(module)
        if module["quiz"]:
            questions = module["quiz"]["questions"]
            if passing:
                self.take_quiz(module, [q["correct"] for q in questions])
            else:
                for attempt in range(module["maxAttempts"]):
                    self.take_quiz(module, failing_answers(questions), retry=attempt > 0)


def failing_answers(questions: list[dict[str, Any]]) -> list[list[str]]:
    """The first question right, every other wrong."""
    return [q["correct"] if i == 0 else wrong_answer(q) for i, q in enumerate(questions)]


def wrong_answer(question: dict[str, Any]) -> list[str]:
    if question["type"] == "true-false":
        return ["false" if question["correct"] == ["true"] else "true"]
    wrong = [c["id"] for c in question["choices"] if c["id"] not in question["correct"]]
    return wrong[:1]


# ---- the formats SCORM prescribes ---------------------------------------------------------------------------

INTERACTION = re.compile(r"^cmi\.interactions\.(\d+)\.(.+)$")


def interactions(launch: Launch) -> list[dict[str, str]]:
    """The interactions the SCO wrote, by index, each a dict of field -> value, in the order first written."""
    rows: dict[int, dict[str, str]] = {}
    order: list[int] = []
    for element, value in launch.sets("cmi.interactions."):
        match = INTERACTION.match(element)
        assert match, element
        index = int(match.group(1))
        if index not in rows:
            order.append(index)
            rows[index] = {}
        rows[index][match.group(2)] = value
    assert order == list(range(len(order))), f"interactions not appended at _count: {order}"
    return [rows[i] for i in order]
