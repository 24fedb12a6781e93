"""What people write after a title in a reading list, cut off (pure functions, linear time).

* a reference's sentences: ``Title. In ICCV, 2023.``, ``Title. ICCV 2023``, ``Title. *ICCV*,
  2023.``, ``Title. arXiv preprint, 2023``, and Vancouver's ``Title. Chen H, Ren J. ICCV
  2023:13165-13176.`` (or ``Chen H, Ren J. Title. ICCV 2023.``, the authors first);
* a venue after a dash: ``Title — ICCV 2023 (oral)``, ``title - iccv 2023``;
* ``, ICCV 2023``, `` arxiv'2021``, ``, in Proc. ICCV 2023``, ``(Accepted at ICCV 2023)``, ``(to appear in TPAMI)``.

Each rule needs a year (or an acceptance) in what it cuts, so a title with a period or a dash
inside ("Ask Me Anything. A Simple…", "GPT-4 - Technical Report") keeps it.
"""

from __future__ import annotations

import re
from itertools import islice

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|['’]\d{2}\b")
#: a period ending a sentence: not an initial ("H. Chen"), nor "et al.", "Proc.", "vs.", "e.g."
_SENTENCE_END = re.compile(
    r"(?<=[^\s.])(?<!\b[A-Z])(?<!\bal)(?<!\bProc)(?<!\bvs)(?<!\bVol)(?<!\bNo)(?<!\bpp)(?<!\be\.g)(?<!\bi\.e)\.\s+"
)
_NAME = r"(?:[A-Z][\w'’-]+(?:\s+[A-Z]{1,3})?|(?:[A-Z]\.\s?){1,3}[A-Z][\w'’-]+|[A-Z][\w'’-]+,\s+(?:[A-Z]\.\s?){1,3})"
#: "Chen H, Ren J, Gu J", "H. Chen, J. Ren and J. Gu", "Chen, H., Ren, J." — a list of authors
_AUTHORS = rf"{_NAME}(?:(?:,\s*(?:and\s+)?|;\s*|\s+and\s+|\s*&\s*){_NAME}){{0,30}}(?:,?\s+et\.?\s+al)?"
#: "Hoang Anh Dung, Cuong Pham, Trung Le": two names at least, written out (one could be a title's words)
_FULL_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]*){1,3}"
_FULL_NAMES = rf"{_FULL_NAME}(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_FULL_NAME}){{1,30}}(?:,?\s+et\.?\s+al)?"
#: a reference that starts with its authors: "Chen H, Ren J. Title…", "H. Chen, J. Ren, and J. Gu. Title…"
_AUTHORS_FIRST = re.compile(rf"(?:{_AUTHORS}|{_FULL_NAMES})\.\s+(?=[A-Z\"“*_])")
#: " — ICCV 2023 (oral)", " - iccv 2023", " | CVPR'24"
_DASH_VENUE = re.compile(
    r"(?<!\s)\s+[-–—|]\s+(?:[A-Za-z][\w&+.'’-]*\s+){0,3}[A-Za-z][\w&+.'’-]*\s*['’]?(?:(?:19|20)\d{2}|\d{2})\b"
    r"(?:\s*[(\[][^()\[\]]{1,20}[)\]])?\.?\s*$"
)
#: ", ICCV 2023", ", NeurIPS'24 (oral)": a venue and year after a comma
_COMMA_VENUE = re.compile(
    r",\s+(?:[A-Z][\w&+.'’-]*\s+){0,3}[A-Z][\w&+.'’-]*\s*['’]?(?:(?:19|20)\d{2}|\d{2})\b[^,()\[\]]{0,20}"
    r"(?:\s*[(\[][^()\[\]]{1,20}[)\]])?\.?\s*$"
)
#: " CVPR'23", " arxiv'2021": a venue with an apostrophe year, after a space
_APOSTROPHE_VENUE = re.compile(r"(?<!\s)\s+(?:[A-Za-z][\w&+.-]*\s+){0,2}[A-Za-z][\w&+.-]*['’](?:19|20)?\d{2}\b\.?\s*$")
#: ", in Proc. ICCV 2023", ", In Proceedings of the CVPR, 2024"
_IN_VENUE = re.compile(r",\s+[Ii]n\s+(?:Proc\.?|Proceedings)?[^()\[\]]{0,80}?(?:19|20)\d{2}\b[^()\[\]]{0,20}$")
#: " (Accepted at ICCV 2023)", " [to appear in TPAMI]"
_ACCEPTED = re.compile(
    r"(?<!\s)\s*[(\[](?:accepted|to appear|published|presented)\b[^()\[\]]{0,60}[)\]]\.?\s*$", re.IGNORECASE
)

_MAX_TAIL = 160  # characters of a reference's tail, at most


#: lower-case words a reference's tail has ("In Proc. of the …", "arXiv preprint"); prose has others
_TAIL_WORDS = frozenset(
    "in of the and on for et al pp vol no arxiv preprint proc proceedings conference journal".split()
)


def _is_reference_tail(tail: str) -> bool:
    """Whether ``tail`` is what a reference writes after its title — a year, and names, venues
    and numbers rather than sentences ("Then things happened in 1999. Nobody cited it")."""
    prose = sum(1 for w in re.findall(r"\b[a-z][a-z'’]+\b", tail) if w not in _TAIL_WORDS)
    return bool(_YEAR.search(tail)) and prose <= 1


def _sentences_cut(line: str) -> str:
    """The title of ``Title. Venue Year.`` (or ``Authors. Title. Venue Year.``): the line's
    first sentence (the second when the first is a list of authors), when a later one holds
    a year; the line as it is otherwise."""
    ends = list(islice(_SENTENCE_END.finditer(line), 2))
    if not ends or len(line) - ends[0].end() > _MAX_TAIL or not _is_reference_tail(line[ends[0].end() :]):
        return line
    first = line[: ends[0].start()]
    return first if len(first.split()) >= 3 else line


def _after_authors(line: str) -> str:
    """``line`` without the authors a reference starts with, when a title and a year follow."""
    m = _AUTHORS_FIRST.match(line)
    if not m or len(line) - m.end() > 2 * _MAX_TAIL:
        return line
    rest = line[m.end() :]
    title = _sentences_cut(rest)
    return title if title != rest else line


def without_citation_tail(line: str) -> str:
    """``line`` without what a reference writes after its title (see the module docstring)."""
    out = _sentences_cut(_after_authors(_ACCEPTED.sub("", line)))
    out = _IN_VENUE.sub("", out)
    out = _COMMA_VENUE.sub("", out)
    out = _DASH_VENUE.sub("", out) if len(out) < 1000 else out
    out = _APOSTROPHE_VENUE.sub("", out) if len(out) < 1000 else out
    return out.strip() if len(out.split()) >= 2 else line
