"""Offline defaults, set before Hugging Face or Chroma modules are imported.

Nothing may download at run time: the hub is switched to offline mode and Chroma's telemetry
off, and Gradio's analytics off, unless the user has set these variables explicitly.
"""

import os

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "GRADIO_TELEMETRY_ENABLED": "False",
}.items():
    os.environ.setdefault(_name, _value)
