"""Answering: the engine (validate → retrieve → myth check → generate → gate), dialogue (push-back,
stance keeping), the prompt, the citation gate and Markdown rendering, and the backends that write the
answer (backends/: extractive, litellm, the local llama.cpp model)."""

from ..core.exports import lazy

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "Engine": "engine",
    "MAX_QUESTION": "engine",
    "LOCAL_BUDGET": "engine",
    "is_pushback": "dialogue",
    "parse": "critique",
    "verify": "critique",
    "to_markdown": "critique",
    "build": "prompt",
}
__all__ = sorted(_API)

__getattr__ = lazy(__name__, _API)
