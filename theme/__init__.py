"""The built-in theme: Jinja templates and static files, shipped in the wheel as gitstatus.theme."""
