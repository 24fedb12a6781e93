"""The glue the commands share: exporting merges entries and links, keys are stored once."""

from __future__ import annotations

from conftest import record_from_json
from paper2bib import workflow
from paper2bib.config import load_settings
from paper2bib.library import Library
from paper2bib.models import Entry, Link, Resolution


def test_an_id_only_entry_gets_the_links_of_its_arxiv_abstract(tmp_path, seed_records):
    rec = record_from_json(next(d for d in seed_records if d["id"] == "2409.19256"))
    settings = load_settings()
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title=None, arxiv_id="2409.19256")])
        lib.save_resolutions([(eid, Resolution("resolved", 1.0, rec.arxiv_id, 1, "by id"))], [rec])
        (paper,) = workflow.export_records(lib, settings)
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
        papers = workflow.export_records(lib, settings)
        again = workflow.export_records(lib, settings)
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
        assert workflow.export_records(lib, settings) == []
