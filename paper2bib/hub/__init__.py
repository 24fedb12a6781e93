"""Hugging Face Hub papers as a source: daily, weekly and monthly pages, paper pages, collections.

``sources.py`` reads what a user writes (``hf:2025-W12``, a ``huggingface.co/papers…`` URL) and
turns Hub answers into entries (pure); ``client.py`` is the only Hub I/O.
"""
