"""Where chunks live and how they are found again: the embedding model (`embed`), the Chroma
collection that is the source of truth (`chroma`), the BM25 cache derived from it (`lexical`),
the chunk metadata written and read in one place (`schema`), and the Protocols each of them
satisfies (`protocols`).
"""

from common import offline  # noqa: F401  (before any Hugging Face or Chroma import)
