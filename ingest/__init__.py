"""Files to stored chunks: load -> clean -> chunk -> embed -> store.

Modules, in pipeline order: `loaders` (files, encodings via `encoding`, formats), `clean`
(annotations, page chrome, teaser tails), `metadata` (title, date), `chunk` (sentence-aware
chunks with stable ids), `pipeline` (incremental ingest into a vector store and a lexical
index, both given to it).
"""

from common import offline  # noqa: F401  (sets offline defaults before any HF import)
