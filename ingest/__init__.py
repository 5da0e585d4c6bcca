"""Ingestion pipeline: load -> clean -> chunk -> embed -> store.

Modules, in pipeline order: `loaders` (files, encodings via `encoding`, formats), `clean`
(annotations, page chrome, teaser tails), `metadata` (title, date), `normalize` (the indexing
form), `sentences` and `chunk`, `tokenize` (lexical tokens), `embed` (the embedding model),
`pipeline` (incremental ingest into the store).
"""

from rag import _offline  # noqa: F401  (sets offline defaults before any HF import)
