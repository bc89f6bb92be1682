"""The backends that write an answer: extractive (no model), litellm (any hosted provider) and the
embedded local llama.cpp model."""
