"""The commands as plain functions: options in, a result out. No click here (cli.py maps to and from the shell)."""
