"""The Gradio chat UI: a thin layer over `rag.Assistant` (not built yet)."""
