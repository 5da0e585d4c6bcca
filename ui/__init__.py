"""The ways people use the assistant, each a thin layer over `rag.Assistant`: the `rag`
command (`cli`) and the browser UI (`web`, Gradio; `format` holds its plain helpers).
"""
