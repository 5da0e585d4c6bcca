"""Language-model clients behind one seam: `ModelClient.stream(messages)` yields text.

    openai   any OpenAI-compatible chat-completions endpoint (hosted APIs, vLLM, llama.cpp
             server, LM Studio), through llama-index's OpenAILike client
    ollama   Ollama's native /api/chat, through llama-index's Ollama client
    transformers  a local Hugging Face causal LM from a directory (RAG_LLM_MODEL=/path/to/model),
             for users with weights on disk; generation runs in this process on the CPU

Faults are bounded and named: each attempt waits at most `timeout` seconds for the server,
and the whole reply, retries included, at most `timeout * 4`, whatever the server sends
(keep-alive comments, a trickle, a stall); a refused connection, a timeout or an
HTTP 5xx before any text arrived is retried `retries` times with a short pause; everything
else becomes one `LLMError` line that names the backend, the address and what to do. The API
key comes from the settings (`RAG_LLM_API_KEY`) or the caller; it is never logged, printed or
stored. The client library (or a local model) is set up on the first question, not before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator

from common.errors import ConfigError, RagError

__all__ = ["ModelClient", "LLMError", "make_client", "BACKENDS"]

BACKENDS = ("extractive", "openai", "ollama", "transformers")
_DEFAULT_URL = {"openai": "http://127.0.0.1:8000/v1", "ollama": "http://127.0.0.1:11434"}


class LLMError(RagError):
    """The backend could not give an answer; the message is one line for the user."""

    def __init__(self, message: str, hint: str = "", retryable: bool = False, auth: bool = False):
        super().__init__(message, hint)
        self.retryable = retryable
        self.auth = auth


@dataclass
class ModelClient:
    name: str
    base_url: str
    model: str
    timeout: float
    retries: int
    connect: Callable[[], object] = field(repr=False)   # builds the llama-index LLM (or local model)

    @cached_property
    def _llm(self):
        return self.connect()

    def stream(self, messages: list[dict]) -> Iterator[str]:
        """Yield the reply's text as it arrives; raise LLMError on any fault. The whole reply,
        retries included, takes at most `timeout * 4` seconds whatever the server sends:
        keep-alive comments, a trickle of text or nothing at all."""
        from llama_index.core.llms import ChatMessage

        chat = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
        llm = self._llm   # a model that cannot be set up is a ConfigError, not a fault to retry
        budget = self.timeout * 4
        deadline = time.monotonic() + budget
        for attempt in range(self.retries + 1):
            sent_any = False
            try:
                for delta in _within(lambda: llm.stream_chat(chat), deadline):
                    if delta:
                        sent_any = True
                        yield delta
                if not sent_any:
                    raise LLMError(f"{self.name} at {self.base_url} sent no text",
                                   hint=f"check that model {self.model!r} is loaded and that the address is an "
                                        f"{'OpenAI-compatible /v1' if self.name == 'openai' else 'Ollama'} endpoint")
                return
            except _Overdue:
                what = "to finish its reply" if sent_any else "and sent no text in that time"
                raise LLMError(f"{self.name} at {self.base_url} took longer than {budget:g} s {what}",
                               hint="raise RAG_LLM_TIMEOUT (a reply may take 4 times it) or use a faster model") \
                    from None
            except LLMError:
                raise
            except Exception as exc:  # client libraries raise many types; classify them once here
                err = self._classify(exc, midway=sent_any)
                if err.retryable and not sent_any and attempt < self.retries and time.monotonic() < deadline:
                    time.sleep(min(0.5 * (attempt + 1), 2.0, max(0.0, deadline - time.monotonic())))
                    continue
                raise err from None

    def _classify(self, exc: Exception, midway: bool) -> LLMError:
        where = f"{self.name} at {self.base_url}"
        status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
        kind = type(exc).__name__
        text = " ".join(str(exc).split())[:160]
        if status in (401, 403):
            return LLMError(f"{where} rejected the API key (HTTP {status})",
                            hint="set RAG_LLM_API_KEY to a valid key for this endpoint", auth=True)
        if status == 404:
            return LLMError(f"{where} does not know model {self.model!r} or the address is wrong (HTTP 404)",
                            hint="check RAG_LLM_MODEL and RAG_LLM_BASE_URL")
        if status is not None:
            return LLMError(f"{where} returned HTTP {status}: {text}", retryable=status >= 500 or status == 429)
        if "Timeout" in kind or kind == "Empty" or "timed out" in text.lower():
            return LLMError(f"{where} did not answer within {self.timeout:g} s",
                            hint="raise RAG_LLM_TIMEOUT or check the server", retryable=True)
        if midway or "RemoteProtocol" in kind or "incomplete" in text.lower() or "peer closed" in text.lower():
            return LLMError(f"the reply from {where} broke off midway ({kind})", retryable=not midway)
        if "Connect" in kind or "connection" in text.lower():
            return LLMError(f"cannot reach {where} ({text or kind})",
                            hint="start the server or fix RAG_LLM_BASE_URL", retryable=True)
        return LLMError(f"{where} sent a reply that is not the expected protocol ({kind}: {text})",
                        hint="check that RAG_LLM_BASE_URL points at the right kind of server (--llm openai|ollama)")


class _Overdue(Exception):
    """The reply's deadline passed."""


def _within(start: Callable[[], Iterator], deadline: float) -> Iterator[str]:
    """The deltas of the stream `start()` returns, read in a helper thread so that waiting for
    the next one is bounded by `deadline`, whatever the connection does: a server sending only
    keep-alive comments never hands control back to a reader in this thread. Past the deadline
    the helper is told to stop; it ends when its connection yields or closes."""
    import queue
    import threading

    parts: queue.Queue = queue.Queue()
    stop = threading.Event()

    def pump() -> None:
        try:
            for part in start():
                if stop.is_set():
                    return
                parts.put(("part", part.delta or ""))
            parts.put(("end", None))
        except BaseException as exc:   # handed to the reader, which classifies it
            parts.put(("error", exc))

    threading.Thread(target=pump, daemon=True, name="llm-stream").start()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Overdue()
            try:
                kind, value = parts.get(timeout=left)
            except queue.Empty:
                raise _Overdue() from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


def make_client(name: str, *, base_url: str = "", model: str = "", api_key: str = "",
                timeout: float = 30.0, retries: int = 1) -> ModelClient | None:
    """The client for a backend name, or None for the extractive reader."""
    name = (name or "extractive").strip().lower()
    if name == "extractive":
        return None
    if name not in BACKENDS:
        raise ConfigError(f"unknown LLM backend {name!r}", hint="use one of " + ", ".join(BACKENDS))
    if not model:
        raise ConfigError(f"the {name} backend needs a model name",
                          hint="set RAG_LLM_MODEL or pass --llm-model (e.g. qwen2.5:7b-instruct)")
    if name == "transformers":
        from pathlib import Path

        if not Path(model).expanduser().is_dir():
            raise ConfigError(f"the transformers backend needs a model directory; {model!r} is not one",
                              hint="set RAG_LLM_MODEL to a directory with config.json, weights and tokenizer")
        return ModelClient(name=name, base_url=model, model=model, timeout=timeout, retries=0,
                           connect=lambda: _LocalCausalLM(model, timeout))
    url = (base_url or _DEFAULT_URL[name]).rstrip("/")

    def connect():
        if name == "openai":
            from llama_index.llms.openai_like import OpenAILike

            return OpenAILike(model=model, api_base=url, api_key=api_key or "none", is_chat_model=True,
                              context_window=32768, max_tokens=512, temperature=0.0, timeout=timeout,
                              max_retries=0, reuse_client=True)
        from llama_index.llms.ollama import Ollama

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
        return Ollama(model=model, base_url=url, request_timeout=timeout, temperature=0.0,
                      context_window=32768, headers=headers)

    return ModelClient(name=name, base_url=url, model=model, timeout=timeout, retries=retries, connect=connect)


class _LocalCausalLM:
    """A causal LM from a local directory, streaming through transformers' TextIteratorStreamer.

    It offers the one method `ModelClient.stream` uses, `stream_chat`, yielding objects with `.delta`."""

    MAX_NEW_TOKENS = 384

    def __init__(self, path: str, timeout: float):
        try:
            import transformers
            from transformers import AutoModelForCausalLM, AutoTokenizer

            transformers.utils.logging.disable_progress_bar()
            self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
        except Exception as exc:
            raise ConfigError(f"cannot load a causal language model from {path} ({type(exc).__name__}: "
                              f"{str(exc)[:160]})", hint="give a directory saved with save_pretrained") from None
        self.model.eval()
        self.timeout = timeout

    def stream_chat(self, chat):
        import threading
        from types import SimpleNamespace

        from transformers import TextIteratorStreamer

        messages = [{"role": str(getattr(m.role, "value", m.role)), "content": m.content} for m in chat]
        if getattr(self.tokenizer, "chat_template", None):
            prompt = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        else:
            prompt = "\n\n".join(f"{m['role']}: {m['content']}" for m in messages) + "\n\nassistant:"
        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        limit = getattr(self.model.config, "max_position_embeddings", None) or getattr(
            self.model.config, "n_positions", None)
        if limit and inputs["input_ids"].shape[1] + self.MAX_NEW_TOKENS > limit:
            raise LLMError(f"the prompt ({inputs['input_ids'].shape[1]} tokens) does not fit the local model's "
                           f"context of {limit}", hint="lower RAG_TOP_K or use a model with a longer context")
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=self.timeout)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.tokenizer.eos_token_id
        worker = threading.Thread(target=self.model.generate, daemon=True, kwargs=dict(
            **inputs, streamer=streamer, max_new_tokens=self.MAX_NEW_TOKENS, do_sample=False, pad_token_id=pad))
        worker.start()
        for text in streamer:
            yield SimpleNamespace(delta=text)
        worker.join(timeout=self.timeout)
