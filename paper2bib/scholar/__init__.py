"""The published version of a preprint: Semantic Scholar links it by arXiv id, DBLP gives the record.

``published.py`` decides (pure: the evidence rules and the checks that keep a wrong paper
out); ``s2.py`` and ``dblp.py`` are the only I/O with the two services.
"""
