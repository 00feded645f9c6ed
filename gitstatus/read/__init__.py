"""Pure per-file readers: one file's bytes (and the settings it needs) to values and diagnostics.

Nothing here opens a file or looks at the clock: ``source.py`` reads, ``project.py`` assembles
and runs the rules that need ``now`` or several files. So a reader's result depends only on its
inputs and can be cached by their content.
"""
