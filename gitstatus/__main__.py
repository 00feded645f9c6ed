"""``python -m gitstatus``: the same as the ``gitstatus`` command."""

from .cli import main

main()
