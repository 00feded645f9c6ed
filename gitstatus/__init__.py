"""gitstatus: a status page from Markdown incident files in git."""

from importlib.metadata import PackageNotFoundError, version

#: The distribution's name on PyPI ("gitstatus" there is an unrelated project).
DISTRIBUTION = "gitstatus-page"

try:
    #: The version of the installed distribution, which setuptools-scm took from the git tag when
    #: it was built: one source of truth, read where it is recorded rather than copied here.
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # the package imported from a folder without being installed
    __version__ = "0.0.0+unknown"
