"""The exceptions the library raises on purpose; the CLI turns each into one line."""

from __future__ import annotations

__all__ = ["RagError", "InputError", "StoreError", "StoreBusyError", "ModelMismatchError", "ConfigError"]


class RagError(Exception):
    """Base class. `hint` says how to fix the problem."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(RagError):
    """A user's file, line or argument cannot be used."""


class ConfigError(RagError):
    """A setting has a value that cannot work."""


class StoreError(RagError):
    """The store is missing, unreadable or of another format version."""


class ModelMismatchError(StoreError):
    """The store was built with another embedding model than the one asked for."""


class StoreBusyError(StoreError):
    """Another process is writing the store, and did not finish within the wait."""
