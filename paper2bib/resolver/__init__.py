"""Resolving digest entries to arXiv records: query building, scoring, the API client, batching."""
