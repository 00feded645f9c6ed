"""gitstatus: a status page from Markdown incident files in git."""

#: The distribution's name on PyPI ("gitstatus" there is an unrelated project).
DISTRIBUTION = "gitstatus-page"

_VERSION: str | None = None


def __getattr__(name: str) -> str:
    """``__version__``, looked up when first asked for: importlib.metadata (and the email package it
    imports) costs every command a sixth of its start-up, and most never need it."""
    global _VERSION
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _VERSION is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            #: The version of the installed distribution, which setuptools-scm took from the git tag when
            #: it was built: one source of truth, read where it is recorded rather than copied here.
            _VERSION = version(DISTRIBUTION)
        except PackageNotFoundError:  # the package imported from a folder without being installed
            _VERSION = "0.0.0+unknown"
    return _VERSION
