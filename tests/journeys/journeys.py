"""The journey suite's data: scripted conversations read from the YAML files in data/.

A journey is what one person types or presses, turn by turn, and what every turn must
show. The data knows nothing of a channel's mechanics (no terminal numbers, no Telegram
objects), so any channel runner can play it: the engine runner, the web chat in Chromium,
and later WhatsApp. README.md in this folder describes the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
PATHS_FILE = "_paths.yaml"
ORGS = ("little-hearts", "takatuf", "qader", "alhuda", "health-coop")
CHANNELS = ("engine", "web")
ATTACHMENTS = ("photo", "document", "voice", "sticker")
CONTACTS = ("own", "foreign")
MODES = ("handover", "idle")
# The runner's own words for what a step does; everything else in a step is an expectation.
ACTIONS = ("say", "press", "attach", "contact")
EXPECTATIONS = (
    "reply_contains",
    "reply_not_contains",
    "buttons_include",
    "buttons_not_include",
    "first_button",
    "silent",
    "state",
)
# Steps a browser can play through the web chat's text box and buttons.
WEB_ACTIONS = ("say", "press")
# Left-to-right isolates (and their kin) that replies may wrap numbers in: invisible, and
# never part of what a journey checks.
_ISOLATES = re.compile("[\u2066-\u2069]")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class JourneyError(ValueError):
    """A journey file that does not follow the format: says which file and journey."""


def plain(text: str) -> str:
    """Text as compared: without the bidi isolates a channel may add around numbers."""
    return _ISOLATES.sub("", text)


@dataclass(frozen=True)
class StateCheck:
    mode: str | None = None  # "handover" | "idle"; None: not checked
    form_step: str | None = None
    check_form_step: bool = False  # form_step: null means "no form in progress"


@dataclass(frozen=True)
class Step:
    action: str  # one of ACTIONS
    value: str  # the text, the button label, the attachment kind, "own" | "foreign"
    reply_contains: tuple[str, ...] = ()
    reply_not_contains: tuple[str, ...] = ()
    buttons_include: tuple[str, ...] = ()
    buttons_not_include: tuple[str, ...] = ()
    first_button: str | None = None
    silent: bool | None = None
    state: StateCheck | None = None

    def describe(self) -> str:
        shown = self.value if len(self.value) <= 80 else f"{self.value[:40]}… ({len(self.value)})"
        return f"{self.action}: {shown!r}" if self.action == "say" else f"{self.action}: {shown}"


@dataclass(frozen=True)
class Journey:
    id: str
    org: str
    channels: tuple[str, ...]
    covers: tuple[str, ...]
    steps: tuple[Step, ...]
    never_stored: tuple[str, ...] = ()
    # Words no reply of the whole journey may contain (an association's own terms).
    never_says: tuple[str, ...] = ()
    description: str = ""
    source: str = ""  # the file it came from, for messages

    def on(self, channel: str) -> bool:
        return channel in self.channels


def load_all(directory: Path = DATA_DIR) -> list[Journey]:
    """Every journey of every data file; files starting with "_" hold shared paths only."""
    journeys: list[Journey] = []
    seen: dict[str, str] = {}
    paths = load_paths(directory / PATHS_FILE)
    for path in sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_")):
        for journey in load_file(path, paths):
            if journey.id in seen:
                raise JourneyError(f"{path.name}: id {journey.id!r} also in {seen[journey.id]}")
            seen[journey.id] = path.name
            journeys.append(journey)
    return journeys


def load_paths(path: Path) -> dict[str, list[Any]]:
    """Named runs of steps (`go: NAME` in a journey), e.g. the way to a form step."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    paths = raw.get("paths") if isinstance(raw, Mapping) else None
    if not isinstance(paths, Mapping) or not all(isinstance(v, list) for v in paths.values()):
        raise JourneyError(f"{path.name}: paths: {{name: [steps]}} expected")
    return {str(k): list(v) for k, v in paths.items()}


def load_file(path: Path, paths: Mapping[str, list[Any]] | None = None) -> Iterator[Journey]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = raw.get("journeys") if isinstance(raw, Mapping) else raw
    if not isinstance(items, list):
        raise JourneyError(f"{path.name}: a list of journeys (or journeys: [...]) expected")
    defaults = raw.get("defaults", {}) if isinstance(raw, Mapping) else {}
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise JourneyError(f"{path.name}: journey #{index + 1} is not a mapping")
        where = f"{path.name}: {item.get('id', f'#{index + 1}')}"
        try:
            yield _journey({**defaults, **item}, path.name, paths or {})
        except JourneyError as exc:
            raise JourneyError(f"{where}: {exc}") from None


def _expand(steps: Sequence[Any], paths: Mapping[str, list[Any]], depth: int = 0) -> list[Any]:
    """The steps with every `go: NAME` replaced by that path's own steps."""
    if depth > 10:
        raise JourneyError("paths refer to each other in a loop")
    out: list[Any] = []
    for step in steps:
        if isinstance(step, Mapping) and "go" in step:
            if set(step) != {"go"} or step["go"] not in paths:
                raise JourneyError(f"go: {step.get('go')!r} is not a path of {PATHS_FILE}")
            out += _expand(paths[step["go"]], paths, depth + 1)
        else:
            out.append(step)
    return out


def _journey(item: Mapping[str, Any], source: str, paths: Mapping[str, list[Any]]) -> Journey:
    known = {"id", "org", "channels", "covers", "steps", "never_stored", "never_says"}
    _no_unknown(item, known | {"description"}, "journey")
    jid = str(item.get("id", ""))
    if not _ID.match(jid):
        raise JourneyError(f"id {jid!r}: lower-case letters, digits and '-' only")
    org = item.get("org")
    if org not in ORGS:
        raise JourneyError(f"org {org!r} is not one of {', '.join(ORGS)}")
    channels = _strings(item.get("channels", ["engine"]), "channels")
    if not channels or any(c not in CHANNELS for c in channels):
        raise JourneyError(f"channels {channels} must be among {', '.join(CHANNELS)}")
    raw_steps = item.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise JourneyError("steps: a non-empty list expected")
    steps = tuple(_step(s, n + 1) for n, s in enumerate(_expand(raw_steps, paths)))
    if "web" in channels:
        for n, step in enumerate(steps, 1):
            if step.action not in WEB_ACTIONS:
                raise JourneyError(f"step {n}: {step.action} cannot be played in the web chat")
            if step.action == "say" and not step.value.strip():
                raise JourneyError(f"step {n}: the web chat sends no empty line")
    return Journey(
        id=jid,
        org=str(org),
        channels=channels,
        covers=_strings(item.get("covers", []), "covers"),
        steps=steps,
        never_stored=_strings(item.get("never_stored", []), "never_stored"),
        never_says=_strings(item.get("never_says", []), "never_says"),
        description=str(item.get("description", "")),
        source=source,
    )


def _step(raw: Any, number: int) -> Step:
    if not isinstance(raw, Mapping):
        raise JourneyError(f"step {number}: a mapping expected, got {raw!r}")
    _no_unknown(raw, {*ACTIONS, *EXPECTATIONS, "times"}, f"step {number}")
    actions = [a for a in ACTIONS if a in raw]
    if len(actions) != 1:
        raise JourneyError(f"step {number}: exactly one of {', '.join(ACTIONS)}")
    action = actions[0]
    value = "" if raw[action] is None else str(raw[action])
    if "times" in raw:
        if action != "say" or not isinstance(raw["times"], int) or raw["times"] < 1:
            raise JourneyError(f"step {number}: times goes with say, a positive number")
        value *= raw["times"]
    if action == "attach" and value not in ATTACHMENTS:
        raise JourneyError(f"step {number}: attach one of {', '.join(ATTACHMENTS)}")
    if action == "contact" and value not in CONTACTS:
        raise JourneyError(f"step {number}: contact own or foreign")
    if action == "press" and not value:
        raise JourneyError(f"step {number}: press needs a label")
    silent = raw.get("silent")
    if silent is not None and not isinstance(silent, bool):
        raise JourneyError(f"step {number}: silent is true or false")
    first = raw.get("first_button")
    return Step(
        action=action,
        value=value,
        reply_contains=_strings(raw.get("reply_contains", []), "reply_contains"),
        reply_not_contains=_strings(raw.get("reply_not_contains", []), "reply_not_contains"),
        buttons_include=_strings(raw.get("buttons_include", []), "buttons_include"),
        buttons_not_include=_strings(raw.get("buttons_not_include", []), "buttons_not_include"),
        first_button=None if first is None else str(first),
        silent=silent,
        state=_state(raw.get("state"), number),
    )


def _state(raw: Any, number: int) -> StateCheck | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise JourneyError(f"step {number}: state is a mapping")
    _no_unknown(raw, {"mode", "form_step"}, f"step {number} state")
    mode = raw.get("mode")
    if mode is not None and mode not in MODES:
        raise JourneyError(f"step {number}: state mode is handover or idle")
    step = raw.get("form_step")
    return StateCheck(
        mode=mode,
        form_step=None if step is None else str(step),
        check_form_step="form_step" in raw,
    )


def _strings(raw: Any, name: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, Sequence) or not all(isinstance(x, str | int) for x in raw):
        raise JourneyError(f"{name}: a list of strings expected")
    return tuple(str(x) for x in raw)


def _no_unknown(raw: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise JourneyError(f"{where}: unknown key(s) {', '.join(unknown)}")


# -- playing: what a runner saw, checked against a step -------------------------------------


@dataclass(frozen=True)
class Seen:
    """One reply as the person sees it: its text and its buttons' labels."""

    text: str
    buttons: tuple[str, ...] = ()


class NoSuchButton(AssertionError):
    """A press whose label matches no button of the previous turn."""


def pick_button(labels: Sequence[str], wanted: str) -> int:
    """The index of the button to press: the exact label first, else one containing it."""
    shown = [plain(label).strip() for label in labels]
    wanted = plain(wanted).strip()
    for matches in (
        [i for i, label in enumerate(shown) if label == wanted],
        [i for i, label in enumerate(shown) if wanted in label],
    ):
        if matches:
            return matches[0]
    raise NoSuchButton(f"no button {wanted!r} among {shown}")


def check(step: Step, replies: Sequence[Seen], state: Mapping[str, Any] | None) -> list[str]:
    """What this turn got wrong, in words; empty when it shows what the step expects."""
    text = "\n".join(plain(r.text) for r in replies)
    labels = [plain(b) for r in replies for b in r.buttons]
    problems: list[str] = []
    if step.silent is False and not replies:
        problems.append("no reply at all (silent: false)")
    if step.silent is True and replies:
        problems.append("a reply came (silent: true)")
    problems += [f"no reply contains {w!r}" for w in step.reply_contains if plain(w) not in text]
    problems += [f"a reply contains {w!r}" for w in step.reply_not_contains if plain(w) in text]
    problems += [
        f"no button contains {w!r}"
        for w in step.buttons_include
        if not any(plain(w) in label for label in labels)
    ]
    problems += [
        f"a button contains {w!r}"
        for w in step.buttons_not_include
        if any(plain(w) in label for label in labels)
    ]
    if step.first_button is not None and (not labels or plain(step.first_button) not in labels[0]):
        problems.append(f"the first button is not {step.first_button!r}")
    if step.state is not None:
        problems += _check_state(step.state, state or {})
    return problems


def _check_state(expected: StateCheck, state: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    mode = "handover" if state.get("mode") == "handover" else "idle"
    if expected.mode is not None and expected.mode != mode:
        problems.append(f"state mode is {mode!r}, expected {expected.mode!r}")
    step = form_step(state)
    if expected.check_form_step and expected.form_step != step:
        problems.append(f"state form_step is {step!r}, expected {expected.form_step!r}")
    return problems


def form_step(state: Mapping[str, Any]) -> str | None:
    form = state.get("form")
    return str(form.get("step")) if isinstance(form, Mapping) else None


class Log:
    """The whole conversation as played, for the message of a failing journey."""

    def __init__(self, journey: Journey, where: str) -> None:
        self.journey = journey
        self.lines = [
            f"journey {journey.id} ({journey.org}, {where}; {journey.source})",
            f"covers: {'; '.join(journey.covers) or '-'}",
        ]
        self.failures: list[str] = []

    def turn(
        self,
        number: int,
        step: Step,
        replies: Sequence[Seen],
        state: Mapping[str, Any] | None,
        problems: Sequence[str],
    ) -> None:
        self.lines.append(f"{number:>2} » {step.describe()}")
        for reply in replies:
            body = plain(reply.text).splitlines() or [""]
            self.lines.append(f"   « {body[0]}")
            self.lines += [f"     {line}" for line in body[1:]]
            if reply.buttons:
                self.lines.append("     " + " ".join(f"[{plain(b)}]" for b in reply.buttons))
        if not replies:
            self.lines.append("   « (no reply)")
        if state is not None:
            mode = "handover" if state.get("mode") == "handover" else "idle"
            self.lines.append(f"   state: mode={mode} form_step={form_step(state)}")
        for problem in problems:
            self.lines.append(f"   ✗ {problem}")
            self.failures.append(f"step {number} ({step.describe()}): {problem}")

    def note(self, text: str) -> None:
        self.lines.append(f"   ✗ {text}")
        self.failures.append(text)

    def report(self) -> str:
        head = [f"{len(self.failures)} problem(s):", *(f"  - {f}" for f in self.failures), ""]
        return "\n".join([*head, *self.lines])
