"""The browser UI (Gradio), a thin layer over `rag.Assistant`.

    from ui import launch
    launch(Assistant(store=".rag"), host="127.0.0.1", port=7860)
"""

__all__ = ["build_app", "launch"]


def __getattr__(name):
    if name in __all__:  # gradio takes seconds to import: only when the UI is used
        from ui import app

        return getattr(app, name)
    raise AttributeError(name)
