"""gitstatus: a status page from Markdown incident files in git."""

__version__ = "0.1.0"
