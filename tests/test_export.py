"""Exporting merges entries and links; keys are stored once."""

from __future__ import annotations

from conftest import record_from_json
from paper2bib.commands.export import export, export_records
from paper2bib.config import load_settings
from paper2bib.models import Entry, Link, Resolution
from paper2bib.services import Services
from paper2bib.store import Library


def test_an_id_only_entry_gets_the_links_of_its_arxiv_abstract(tmp_path, seed_records):
    rec = record_from_json(next(d for d in seed_records if d["id"] == "2409.19256"))
    settings = load_settings()
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title=None, arxiv_id="2409.19256")])
        lib.save_resolutions([(eid, Resolution("resolved", 1.0, rec.arxiv_id, 1, "by id"))], [rec])
        (paper,) = export_records(Services(settings, library=lib))
    assert paper.links == (Link("https://github.com/volcengine/verl", "code"),)


def test_two_entries_of_one_paper_export_once_with_all_links(tmp_path, seed_records):
    rec = record_from_json(next(d for d in seed_records if d["id"] == "2409.19256"))
    settings = load_settings()
    with Library(settings.library) as lib:
        added = lib.add_entries(
            [
                Entry(
                    title="HybridFlow: A Flexible and Efficient RLHF Framework",
                    links=(Link("https://hybridflow.example.org", "project"),),
                ),
                Entry(title=None, arxiv_id="2409.19256"),
            ]
        )
        lib.save_resolutions([(eid, Resolution("resolved", 1.0, rec.arxiv_id, 1, "x")) for eid, _ in added], [rec])
        papers = export_records(Services(settings, library=lib))
        again = export_records(Services(settings, library=lib))
    assert len(papers) == 1
    assert papers[0].links == (
        Link("https://hybridflow.example.org", "project"),
        Link("https://github.com/volcengine/verl", "code"),
    )
    assert papers[0].key == again[0].key == "sheng2024hybridflow"


def test_unresolved_entries_are_not_exported(tmp_path):
    settings = load_settings()
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title="Not On arXiv")])
        lib.save_resolutions([(eid, Resolution("unresolved", 0.2, why="no candidate"))])
        assert export_records(Services(settings, library=lib)) == []


def _resolve_all(lib, recs):
    """Resolve every entry of the library that names an id to its record (as arXiv would)."""
    for e in lib.entries():
        rec = recs.get(e.hint_id or "")
        if rec:
            lib.save_resolutions([(e.id, Resolution("resolved", 1.0, rec.arxiv_id, rec.version, "by id"))], [rec])


def test_papers_from_a_bib_keep_their_keys_and_a_taken_key_is_reported(tmp_path, seed_records):
    from paper2bib.digest import parse_text

    recs = {d["id"]: record_from_json(d) for d in seed_records[:3]}
    a, b, c = recs
    settings = load_settings()
    with Library(settings.library) as lib:
        lib.add_entries([Entry(title=None, arxiv_id=a)])  # exported before the .bib came
        _resolve_all(lib, recs)
        generated = export_records(Services(settings, library=lib))[0].key
        bib = f"@misc{{MyKeyA, title={{A}}, eprint={{{a}}}}}\n@misc{{{generated}, title={{B}}, eprint={{{b}}}}}\n@misc{{k:c, title={{C}}, eprint={{{c}}}}}\n"
        lib.add_entries(parse_text(bib, "refs.bib"))
        _resolve_all(lib, recs)
        report = export(Services(settings, library=lib))
    keys = {p.record.arxiv_id: p.key for p in report.papers}
    assert keys[a] == "MyKeyA"  # the .bib's key replaced the generated one
    assert keys[c] == "k:c"
    assert keys[b] == generated  # MyKeyA freed it, and B's .bib key is that very key
    assert report.conflicts == []
    with Library(settings.library) as lib:
        lib.add_entries(parse_text(f"@misc{{MyKeyA, title={{C again}}, eprint={{{c}}}}}\n", "other.bib"))
        report = export(Services(settings, library=lib))
    assert {p.record.arxiv_id: p.key for p in report.papers}[c] == "k:c"  # first .bib key wins, nothing renamed
