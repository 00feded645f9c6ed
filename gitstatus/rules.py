"""Every rule ``gitstatus check`` holds a status repo to, and the problems that break them.

ARCHITECTURE: a :class:`Rule` is a value: its code, its severity, a one-line summary and,
where one fix fits every case, a default hint. Each rule is a named constant of this module,
defined in the order of docs/diagnostics.md, and together they are :data:`RULES`, the one
table (a test keeps the documentation in step with it). Code that reports a problem names the
constant (``rules.UNKNOWN_STATUS``), and code that reacts to one compares rules
(``d.rule is rules.NO_FRONT_MATTER``) or severities, never code strings: a code is what users
see and search for, the constant is what the program means. A rule is pickled by its code, so
a diagnostic made in a worker process still holds the very constant.

A :class:`Diagnostic` is one problem at one place: the rule it breaks, the ``message`` saying
what is wrong and, apart from it, the ``hint`` saying what to do. Loading and validating
collect them into lists instead of raising, so one run reports every problem in every file;
the reporters (report.py) only format such a list.

The printed text is ``message + sep + hint`` (:attr:`Diagnostic.text`). The separator is a
field of the diagnostic, ``": "`` by default, because the messages are sentences written to
read well, and some read better with ``"; "`` ("unknown impact 'majr'; use one of: …"). Any
separator is kept exactly, so the text users, docs and CI logs know is unchanged; tools get
the hint on its own as well (``--format json``). A message whose remark in parentheses only
explains (the notices of ``check --base``) keeps it: a hint is what to do about the problem.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from . import terminal


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True)
class Rule:
    """One rule: its stable code (E… errors, W… warnings, N… notices), what breaking it means, and its fix."""

    code: str
    """Stable: docs, CI logs and users' muscle memory refer to it."""
    severity: Severity
    summary: str
    """The one-line meaning, as in the table of docs/diagnostics.md."""
    hint: str = ""
    """What to do, when one fix fits every diagnostic of the rule; a diagnostic may say better."""

    def __reduce__(self) -> tuple[Callable[[str], Rule], tuple[str]]:
        """Pickled as its code, so a diagnostic from a worker process holds the very constant (``is`` holds)."""
        return by_code, (self.code,)


E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTICE

# --- files --------------------------------------------------------------------------------------------
CANNOT_READ = Rule("E001", E, "the file cannot be read")
NOT_UTF8 = Rule("E002", E, "the file is not valid UTF-8", hint="save the file as UTF-8")
TOO_LARGE = Rule("E003", E, "the file is larger than 1 MiB", hint="split or shorten it")
BAD_FILE_NAME = Rule("E004", E, "the file name is not a valid incident id")
LINK_OUTSIDE = Rule("E005", E, "a symbolic link leads outside the status repo")
NOT_REGULAR_FILE = Rule("E006", E, "the file is not a regular file")
NOT_A_FOLDER = Rule("E007", E, "a folder gitstatus reads is not a folder it can list")
ID_TOO_LONG = Rule("E010", E, "the incident id is too long")
ID_DEVICE_NAME = Rule("E011", E, "the incident id is a device name on Windows")
# --- front matter and YAML (incident files and components.yaml) -------------------------------------------
NO_FRONT_MATTER = Rule("E101", E, "the file does not start with a front matter block (---)")
UNCLOSED_FRONT_MATTER = Rule("E102", E, "the front matter block is never closed with ---",
                             hint="add a line '---' after it")
YAML_SYNTAX = Rule("E103", E, "YAML syntax error")
NOT_A_MAPPING = Rule("E104", E, "the YAML is not a mapping of keys to values")
DUPLICATE_KEY = Rule("E105", E, "a key appears twice", hint="keep one")
UNKNOWN_KEY = Rule("E106", E, "unknown key")
MISSING_KEY = Rule("E107", E, "a required key is missing")
WRONG_TYPE = Rule("E108", E, "a value has the wrong type")
UNKNOWN_IMPACT = Rule("E109", E, "unknown impact")
UNKNOWN_COMPONENT = Rule("E110", E, "unknown component")
COMPONENT_LISTED_TWICE = Rule("E111", E, "a component is listed twice")
BAD_COMPONENT_STATUS = Rule("E112", E, "invalid component_status entry")
SCHEDULED_NOT_MAINTENANCE = Rule("E113", E, "scheduled is only allowed on maintenance incidents",
                                 hint="remove it or change the impact")
BAD_WINDOW = Rule("E114", E, "invalid scheduled window")
YAML_NOT_SUPPORTED = Rule("E115", E, "YAML anchors, aliases and tags are not supported")
EMPTY_TEXT = Rule("E116", E, "a text value is empty")
UNKNOWN_LANGUAGE = Rule("E117", E, "unknown or repeated language")
UNKNOWN_WORDS_KEY = Rule("E118", E, "an own phrase names no key of the catalogue")
BAD_WORDS = Rule("E119", E, "an own phrase does not fit its key",
                 hint="keep the catalogue's {placeholders}, and write plural forms as one:, few:, other: …")
# --- updates ------------------------------------------------------------------------------------------
TEXT_BEFORE_UPDATES = Rule("E201", E, "text before the first update heading",
                           hint="start the body with a heading '## <time> — <status>'")
BAD_HEADING = Rule("E202", E, "malformed update heading")
BAD_TIME = Rule("E203", E, "invalid time in an update heading")
UNKNOWN_STATUS = Rule("E204", E, "unknown status", hint="use investigating, identified, monitoring or resolved "
                      "(maintenance also: scheduled, in progress, verifying, completed, cancelled)")
MAINTENANCE_STATUS = Rule("E205", E, "a maintenance status on an incident that is not maintenance",
                          hint="an incident uses investigating, identified, monitoring or resolved")
NO_UPDATES = Rule("E206", E, "the incident has no updates")
EMPTY_UPDATE = Rule("E207", E, "an update has no message", hint="write below the heading what users should "
                    "know (even 'We are still investigating.')")
UNCLOSED_CODE_BLOCK = Rule("E208", E, "a code block is never closed and hides an update heading")
CONFLICT_MARKERS = Rule("E209", E, "git merge conflict markers are left in the file",
                        hint="keep what both sides wrote (two responders' updates both stay, oldest first) and "
                             "delete the marker lines; 'gitstatus merge-driver' merges appended updates by itself "
                             "(see docs/github.md)")
BAD_UPDATE_COMPONENT = Rule("E210", E, "an update's Components line names a component that is not this incident's")
BAD_UPDATE_COMPONENT_STATUS = Rule("E211", E, "an update's Components line has an entry that is not a component "
                                   "and a component status", hint="write 'Components: api operational, dashboard "
                                   "degraded_performance' (statuses: operational, degraded_performance, "
                                   "partial_outage, major_outage, under_maintenance)")
FINAL_COMPONENT_STATUS = Rule("E212", E, "the final update leaves a component in a status other than operational",
                              hint="an incident's effect ends with its final update: post the update before it "
                                   "with the status, or open a new incident for what is still wrong")
UPDATE_HEADING_IN_MESSAGE = Rule("E213", E, "a '###' heading looks like an update heading and joins the "
                                 "previous update's message", hint="an update heading has two '#': write "
                                 "'## <time> — <status>'")
POSTMORTEM_OUT_OF_PLACE = Rule("E214", E, "a post-mortem section is out of place",
                               hint="a post-mortem is the last section of a resolved incident, dated at or after "
                                    "its Resolved update: '## <time> — Post-mortem'")
BAD_TEMPLATE = Rule("E215", E, "an incident template is not one 'gitstatus new --template' can use")
BAD_RESCHEDULED = Rule("E216", E, "an update's 'Rescheduled from' line is not a window of a maintenance",
                       hint="write 'Rescheduled from: 2026-12-03 02:00 UTC to 2026-12-03 04:00 UTC' right under the "
                            "heading of a maintenance's update")
# --- lifecycle ------------------------------------------------------------------------------------------
OUT_OF_ORDER = Rule("E301", E, "an update is earlier than the one before it",
                    hint="updates are written oldest first, each appended at the end of the file")
AFTER_FINAL = Rule("E302", E, "an update follows the final update",
                   hint="a closed incident stays closed; open a new incident instead")
IN_THE_FUTURE = Rule("E303", E, "an update is in the future", hint="fix the date or the timezone")
NEWEST_FIRST = Rule("E304", E, "the updates are written newest first",
                    hint="updates go oldest first: put the first update at the top and append each new one at "
                         "the end of the file")
CANCELLED_AFTER_START = Rule("E305", E, "a maintenance is cancelled after its work began",
                             hint="cancel only before the window opens; once work began, post 'Completed' "
                                  "and say what was done")
# --- components.yaml --------------------------------------------------------------------------------------
NO_COMPONENTS = Rule("E401", E, "components.yaml has no components")
BAD_COMPONENT_ID = Rule("E402", E, "invalid component id")
DUPLICATE_COMPONENT_ID = Rule("E403", E, "duplicate component id")
UNKNOWN_TIMEZONE = Rule("E404", E, "unknown timezone")
BAD_SITE_URL = Rule("E405", E, "invalid site URL")
BAD_NUMBER = Rule("E406", E, "invalid number")
BAD_DATE = Rule("E407", E, "invalid date")
COMPONENT_ID_TOO_LONG = Rule("E408", E, "a component id is too long")
COMPONENT_DEVICE_NAME = Rule("E409", E, "a component or group id is a device name on Windows")
BAD_NOTIFY_CHANNEL = Rule("E411", E, "invalid notify channel")
UNKNOWN_NOTIFY_WORD = Rule("E412", E, "unknown event kind or format in a notify channel")
# --- history (check --base) --------------------------------------------------------------------------------
UPDATE_REMOVED = Rule("E501", E, "a published update was removed",
                      hint="published updates stay: put it back (fixing a typo in its message is fine)")
UPDATE_CHANGED = Rule("E502", E, "a published update's time or status was changed",
                      hint="published times and statuses stay as they are (post a new update to correct them)")
REOPENED = Rule("E503", E, "a resolved incident was reopened",
                hint="a closed incident stays closed; for a new problem open a new incident")
RENAMED = Rule("E504", E, "a published incident was renamed", hint="keep the old name")
BACKDATED = Rule("E505", E, "an update was added before a published update")
MADE_LESS_SEVERE = Rule("E506", E, "a closed incident was made to look less severe",
                        hint="keep what was published (a correction that makes the record worse, "
                             "after a postmortem, is allowed)")
PAST_WINDOW_MOVED = Rule("E507", E, "a maintenance window was moved where it has passed",
                         hint="keep it, and say in a new update what really happened")
# --- warnings --------------------------------------------------------------------------------------------
NO_RECENT_UPDATE = Rule("W101", W, "an active incident has had no update for over 60 minutes",
                        hint="post an update at least every 30-60 minutes, even 'still investigating'")
LONG_INCIDENT = Rule("W102", W, "an incident has been active for over 7 days", hint="resolve it if it is over")
EXAMPLE_INCIDENT = Rule("W103", W, "the example incident that gitstatus init wrote is still there",
                        hint="delete the file before you publish the page")
WINDOW_OVER_WHEN_WRITTEN = Rule("W104", W, "a maintenance window was over before its first update",
                                 hint="check the window's dates; to record past work, date the first update "
                                      "inside the window")
WORDS_FOR_ANOTHER_LANGUAGE = Rule("W107", W, "own phrases for a language the page is not shown in",
                                  hint="add the language to site.languages, or delete the phrases")
LANGUAGE_AND_LANGUAGES = Rule("W108", W, "site.language is not the first of site.languages",
                              hint="the first of site.languages is the default language: put it first, or "
                                   "delete site.language")
EXAMPLE_URL = Rule("W110", W, "site.url is still the example address that gitstatus init wrote",
                   hint="write the address the page is published at, and remove the comment")
# --- notices ---------------------------------------------------------------------------------------------
INCIDENT_DELETED = Rule("N501", N, "a published incident was deleted")
MESSAGE_EDITED = Rule("N502", N, "a published update's message was edited")
TITLE_CHANGED = Rule("N503", N, "a published incident's title was changed")
RECORD_CHANGED = Rule("N504", N, "a published incident's impact or components were changed")
WINDOW_MOVED_AHEAD = Rule("N505", N, "a maintenance window was moved ahead of time")

del E, W, N

#: The table: every rule above, in the order they are defined (and documented).
RULES: tuple[Rule, ...] = tuple(value for value in dict(globals()).values() if isinstance(value, Rule))
_BY_CODE = {rule.code: rule for rule in RULES}


def by_code(code: str) -> Rule:
    """The rule with this code (``KeyError`` when there is none)."""
    return _BY_CODE[code]


@functools.total_ordering
@dataclass(frozen=True, eq=True)
class Diagnostic:
    """One problem at one place. Lines and columns are 1-based; 0 means "the whole file".

    Sorted by file, line, column, code and text: the order of every report.
    """

    path: str
    line: int
    col: int
    rule: Rule
    message: str
    """What is wrong."""
    hint: str | None = None
    """What to do about it: ``None`` takes the rule's default hint, ``""`` says there is none."""
    sep: str = ": "
    """What joins the message and the hint in :attr:`text` (see the module's docstring)."""

    def __post_init__(self) -> None:
        if self.hint is None:
            object.__setattr__(self, "hint", self.rule.hint)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def text(self) -> str:
        """The message with its hint, as every report prints it."""
        return f"{self.message}{self.sep}{self.hint}" if self.hint else self.message

    def _key(self) -> tuple[str, int, int, str, str]:
        return self.path, self.line, self.col, self.rule.code, self.text

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() < other._key()

    def at(self, prefix: str) -> Diagnostic:
        """The same diagnostic with its path under ``prefix`` (the root as the user typed it)."""
        if not prefix or prefix == ".":
            return self
        return dataclasses.replace(self, path=os.path.join(prefix, self.path))


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """True when the run must fail: any error, or with ``strict`` any warning too."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diagnostics)


# --- a word outside a closed set -------------------------------------------------------------------------

@dataclass(frozen=True)
class Unknown:
    """A word that is not one of a closed set, quoted as written, and what to say about it."""

    quoted: str
    """``'word'``, with lookalike and invisible characters written as escapes."""
    note: str
    """`` (U+0435 … is not a Latin letter; did you mean 'x'?)``, or an empty string."""

    def __str__(self) -> str:
        return self.quoted + self.note


def unknown(word: str, choices: Iterable[str]) -> Unknown:
    """How every message about a word outside a closed set (statuses, impacts, keys, ids) shows it.

    A lookalike letter (Cyrillic 'е' in "Invеstigating") or an invisible one (a zero-width space)
    makes a word that reads exactly like a choice and is not; "unknown status 'Investigating'" would
    leave the writer staring at it. So every character that is neither plain ASCII nor in any of the
    choices, and every hidden one, is written as an escape, the first is named, and the close
    choice is suggested as before.
    """
    choices = list(choices)
    alphabet = set("".join(choices))
    odd = [(i, c) for i, c in enumerate(word, 1)
           if terminal.is_hidden(c) or (not c.isascii() and c not in alphabet)]
    marked = {i for i, _ in odd}
    quoted = "'" + "".join(terminal.escape(c) if i in marked else c for i, c in enumerate(word, 1)) + "'"
    notes = [_odd_character(*odd[0])] if odd else []
    visible = "".join(c for c in word if not terminal.is_hidden(c))
    lowered = {c.lower(): c for c in choices}  # letter case is no difference worth a worse suggestion
    matches = difflib.get_close_matches(visible.lower(), lowered, n=1, cutoff=0.6)
    if matches:
        notes.append(f"did you mean '{lowered[matches[0]]}'?")
    return Unknown(quoted, f" ({'; '.join(notes)})" if notes else "")


def _odd_character(position: int, char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if terminal.is_hidden(char):
        if not name:  # controls have no name, nor do lone surrogates (bytes of a name that are not UTF-8)
            what = "a control character" if unicodedata.category(char) == "Cc" else "not a character"
            return f"{code}, {what}, at position {position} is invisible"
        return f"{code} {name} at position {position} is invisible"
    if unicodedata.category(char).startswith("L"):
        kind = "a plain ASCII letter" if name.startswith("LATIN") else "a Latin letter"
        return f"{code} {name} at position {position} is not {kind}"
    return f"{code} {name or 'a character'} at position {position} is not an ASCII character"
