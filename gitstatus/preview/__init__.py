"""``gitstatus serve``: the live preview, its build loop and watcher (serve.py) and its HTTP side (http.py)."""
