"""Fuzz and property tests, one module per input surface: files, settings, options, environment, stdin."""
