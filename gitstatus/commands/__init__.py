"""The commands as plain functions: options in, a result out. No click here (cli.py maps to and from the shell)."""

#: Where ``init --host`` can publish (commands/hosting.py writes each one's CI); here so the CLI's
#: options need not import the CI templates.
HOSTS = ("github", "gitlab", "netlify", "cloudflare")
