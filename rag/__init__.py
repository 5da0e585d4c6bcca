"""Question answering over news articles, offline, with exact numbers and citations.

Public API:
    Assistant  - ingest, remove, search, ask, ask_stream (see rag.assistant)
    Answer, Citation, Hit - the dataclasses it returns; TextDelta, Final - the stream's events
    Settings   - configuration (RAG_* environment variables, overridable per call)
    Retriever, Reader, AnswerBackend - the seams an Assistant's parts are injected through
    ExtractiveReader, SpanReader, RoutedReader - the offline readers (rules, fitted spans, both)
    RagError and subclasses - errors raised on purpose, each with a hint

The pipeline, one direction only: common -> text -> store -> ingest -> rag -> ui.
"""

from common import offline  # noqa: F401  (before any Hugging Face / Chroma import)
from common.errors import ConfigError, InputError, ModelMismatchError, RagError, StoreError
from ingest.loaders import SUPPORTED
from rag.assistant import Assistant
from rag.protocols import AnswerBackend, Reader, Retriever
from rag.reader import ExtractiveReader
from rag.span_reader import RoutedReader, SpanReader
from rag.settings import Settings
from rag.types import Answer, Citation, Final, Hit, StreamEvent, TextDelta

__all__ = ["Assistant", "Answer", "Citation", "Hit", "TextDelta", "Final", "StreamEvent", "Settings",
           "Retriever", "Reader", "AnswerBackend", "ExtractiveReader", "SpanReader", "RoutedReader", "SUPPORTED", "RagError", "InputError", "ConfigError",
           "StoreError", "ModelMismatchError"]
