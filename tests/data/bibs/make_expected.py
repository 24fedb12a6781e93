"""Write each corpus file's ``.expected.json`` and the corpus's ``arxiv-records.json``.

Run from the repository root: ``python tests/data/bibs/make_expected.py``. It reads only
the .bib files beside it (bibtexparser does the reading), so what it lists is what the
files say, independent of paper2bib's update code:

* per entry: its key, the arXiv id it cites (if any) and every field that is the user's
  (not one of the fields ``update`` owns, see ``paper2bib.bibedit.OWNED``), with its value;
* per arXiv id: a record as arXiv would give it for the paper the file names (title,
  authors and year from the file's first entry citing it; primary class from the entry,
  if it names one), which the tests serve from an in-process arXiv.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from paper2bib.bibedit import OWNED
from paper2bib.digest.bibfile import arxiv_ref, authors, read_fields, split_bib
from paper2bib.text import latex_to_unicode, squash_space
from paper2bib.userfile import decode_exact

HERE = Path(__file__).resolve().parent


def main() -> None:
    records: dict[str, dict] = {}
    for path in sorted(HERE.glob("*.bib")):
        text, _, _ = decode_exact(path.read_bytes(), path.name)
        chunks = split_bib(text, strict=False)
        entries = []
        for c, f in zip([c for c in chunks if c.kind == "entry"], read_fields(text, chunks)):
            if f is None:
                entries.append({"key": c.key, "line": c.line, "readable": False})
                continue
            ref = arxiv_ref(f)
            user = {k: v for k, v in f.items() if k not in OWNED and k not in ("ID", "ENTRYTYPE", "note")}
            entries.append(
                {
                    "key": c.key,
                    "line": c.line,
                    "arxiv_id": ref.arxiv_id if ref else None,
                    "user_fields": user,
                    "note": f.get("note"),
                }
            )
            if ref and ref.arxiv_id not in records and f.get("title"):
                year = (f.get("year") or f.get("date", "")[:4] or "").strip()
                if not re.fullmatch(r"\d{4}", year):
                    year = "20" + ref.arxiv_id[:2] if re.match(r"\d{4}\.", ref.arxiv_id) else "2000"
                cls = (f.get("primaryclass") or f.get("eprintclass") or "").strip()
                records[ref.arxiv_id] = {
                    "id": ref.arxiv_id,
                    "version": 1,
                    "title": squash_space(latex_to_unicode(f["title"]).replace("{", "").replace("}", "")),
                    "authors": list(authors(f.get("author"))) or ["Anonymous"],
                    "summary": "",
                    "published": f"{year}-01-15",
                    "primary_category": cls if "." in cls or "-" in cls else None,
                }
        out = {"source": path.name, "entries": entries}
        path.with_suffix(".expected.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
    (HERE / "arxiv-records.json").write_text(
        json.dumps(sorted(records.values(), key=lambda r: r["id"]), indent=1, ensure_ascii=False) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
