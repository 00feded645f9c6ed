"""The CI files ``gitstatus init --host`` writes: GitHub Pages, GitLab Pages, Netlify, Cloudflare Pages.

Every host's CI checks before it builds, and checks a publish against the last published commit
where the host says which one that is, so a direct push is held to the history rules that a
pull request is held to. Where gitstatus comes from is one choice, :class:`Origin`: GitHub
workflows use the gitstatus GitHub Action (``uses: OWNER/REPO@REF``, which installs gitstatus
from its own checkout); the other hosts pip-install the same repository at the same ref, or
the requirement ``--install`` names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import DISTRIBUTION
from ..errors import UsageError

#: The gitstatus repository on GitHub: the Action's home, and where pip finds the source.
DEFAULT_REPOSITORY = "gitstatus/gitstatus"
#: The branch the publish workflows move to the commit they published, and check the next one against.
PUBLISHED_BRANCH = "gitstatus-published"

_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}")


class OriginError(UsageError, ValueError):
    """An ``--action`` or ``--install`` value that would not work in a workflow (a usage error)."""


def default_ref(version: str | None = None) -> str:
    """The major version tag of this gitstatus (``v1`` for 1.4.2), which the release workflow moves.

    A status repo then gets fixes without a change, and a new major version (which may change
    what its files mean) only when its writers choose it. A build without a release tag
    counts from 0.0.0; there is no v0, so it names v1, the first major version.
    """
    if version is None:
        from .. import __version__

        version = __version__
    major = re.match(r"\d+", version)
    return f"v{max(int(major.group()) if major else 0, 1)}"


@dataclass(frozen=True)
class Origin:
    """Where a status repo's CI gets gitstatus: the Action's repository and ref, or a pip requirement."""

    repository: str = DEFAULT_REPOSITORY
    ref: str = ""
    install: str | None = None  # a pip requirement instead of the repository's checkout

    @property
    def action(self) -> str:
        return f"{self.repository}@{self.ref or default_ref()}"

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repository}"

    @property
    def requirement(self) -> str:
        """What hosts without the Action pip-install, and what the writers' guide installs locally."""
        return self.install or f"{DISTRIBUTION} @ git+{self.url}@{self.ref or default_ref()}"


def parse_origin(action: str | None, install: str | None) -> Origin:
    """``--action OWNER/REPO[@REF]`` and ``--install REQUIREMENT`` as an Origin, or OriginError.

    Both end up in YAML and TOML strings and in shell commands, so only the characters GitHub
    allows in a repository's name and git in a ref (no quotes, spaces, ``$`` or line breaks) pass.
    """
    origin = Origin()
    if action is not None:
        repository, at, ref = action.partition("@")
        if not _REPOSITORY.fullmatch(repository) or (at and (not _REF.fullmatch(ref) or ".." in ref)):
            raise OriginError("--action must be OWNER/REPO@REF, a GitHub repository and a tag, branch or commit, "
                              f"such as {DEFAULT_REPOSITORY}@{default_ref()} or acme/gitstatus@v1.2.0")
        origin = Origin(repository, ref)
    if install is not None:
        if not install.strip() or any(c in install for c in "\"\\\n\r") or "${{" in install:
            raise OriginError(f"--install must be one pip requirement, such as '{DISTRIBUTION}==1.0.0' or "
                              f"'{DISTRIBUTION} @ git+https://github.com/you/gitstatus@v1'")
        origin = Origin(origin.repository, origin.ref, install.strip())
    return origin


# --- GitHub Actions: the pull-request check, shared by every host whose repo is on GitHub -----------------

STATUS_CHECK_YML = """\
# Checks every pull request: the format of each file, and the history rules against the base
# branch (published updates stay as they are, resolved incidents stay closed, incident ids never
# change). Problems appear on the pull request's diff; the run's summary lists what the change will
# show readers of the page. It runs on every pull request, with no path filter, so that it can be
# a required check (a required check that a filter skips would block the merge for ever).
name: Status check

on:
  pull_request:

permissions:
  contents: read

concurrency:  # a new push to the pull request replaces the check of the previous one
  group: status-check-${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  check:
    name: gitstatus check
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0  # the base branch with its history, for base
          persist-credentials: false
      # The gitstatus GitHub Action installs gitstatus from its own repository at this ref.
      # Keep the ref the same in every workflow.
      - name: Check against the base branch
        uses: @@ACTION@@
        with:
          command: check
          base: origin/${{ github.base_ref }}@@INSTALL@@
      - name: Build the page (templates and links)
        uses: @@ACTION@@
        with:
          command: build
          out: ${{ runner.temp }}/site@@INSTALL@@
"""

#: The build job's first steps: the last published commit, and the check against it.
_CACHE_STEP = """\
      - name: Keep the gitstatus cache between runs
        uses: actions/cache@v6  # read files and rendered pages: a run redoes only what changed
        with:
          path: .gitstatus-cache
          key: gitstatus-cache-${{ github.run_id }}
          restore-keys: gitstatus-cache-
"""

_FIND_PUBLISHED = """\
      - name: Find the last published commit
        id: published
        run: |
          if commit="$(git rev-parse --verify --quiet "refs/remotes/origin/$PUBLISHED^{commit}")"; then
            echo "commit=$commit" >> "$GITHUB_OUTPUT"
            echo "Checking against the last published commit, $commit (branch $PUBLISHED)."
            if ! git merge-base --is-ancestor "$commit" HEAD; then
              echo "::warning title=History rewritten::The last published commit is not in this commit's" \\
                "history (a force-push?); the page is compared with it file by file all the same."
            fi
          else
            echo "::notice title=First publish::There is no branch $PUBLISHED yet, so this publish is checked" \\
              "without the history rules; the Record job creates the branch once the page is deployed."
          fi
      - name: Check against the last published commit
        uses: @@ACTION@@
        with:
          command: check
          base: ${{ steps.published.outputs.commit }}@@INSTALL@@
"""

_RECORD_AND_REPORT = """\
  record:
    name: Record what was published
    needs: deploy
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions:
      contents: write  # to move the branch that marks the last published commit (and nothing else)
    steps:
      - name: Move the branch to this commit
        env:
          GH_TOKEN: ${{ github.token }}
          REPOSITORY: ${{ github.repository }}
          SHA: ${{ github.sha }}
        run: |
          if gh api "repos/$REPOSITORY/git/ref/heads/$PUBLISHED" --silent 2> /dev/null; then
            gh api --method PATCH "repos/$REPOSITORY/git/refs/heads/$PUBLISHED" -f sha="$SHA" -F force=true --silent
          else
            gh api --method POST "repos/$REPOSITORY/git/refs" -f ref="refs/heads/$PUBLISHED" -f sha="$SHA" --silent
          fi
          echo "The branch $PUBLISHED now marks $SHA as the last published commit."

  announce:
    name: Announce
    needs: [build, deploy]  # after the deploy: only what readers can already see is announced
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0  # notify compares the files with the commit it announced last
          persist-credentials: false
      # The record of what was announced (docs/notify.md) lives in the workflow's cache: each run
      # restores the newest one and saves its own, so a failed or skipped run loses nothing.
      - name: Restore the record of what was announced
        uses: actions/cache/restore@v6
        with:
          path: .gitstatus-notify
          key: gitstatus-notify-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: gitstatus-notify-
      - name: Announce what changed
        uses: @@ACTION@@
        # One line per variable that a channel under notify: in components.yaml names (url_env,
        # secret_env), from the repository's secrets, e.g. OPS_NOTIFY_URL: ${{ secrets.OPS_NOTIFY_URL }}
        # (the same lines in the Report job's last step). With no channels, nothing is sent.
        env:
          OPS_NOTIFY_URL: ${{ secrets.OPS_NOTIFY_URL }}
        with:
          command: notify
          state: .gitstatus-notify/notify-state.json@@NOTIFY_BASE_URL@@@@INSTALL@@
      - name: Save the record of what was announced
        if: always()
        uses: actions/cache/save@v6
        with:
          path: .gitstatus-notify
          key: gitstatus-notify-${{ github.run_id }}-${{ github.run_attempt }}

  report:
    name: Report
    if: always()
    needs: [build, deploy, record, announce]
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read  # components.yaml's channels, to tell the team when the page was not published
    steps:
      - name: Say what was published, or why nothing was
        env:
          BUILD: ${{ needs.build.result }}
          DEPLOY: ${{ needs.deploy.result }}
          RECORD: ${{ needs.record.result }}
          ANNOUNCE: ${{ needs.announce.result }}
          SHA: ${{ github.sha }}
        run: |
          {
            if [ "$DEPLOY" = success ]; then
              echo "### Published"
              echo
              echo "The status page now shows commit \\`$SHA\\`."
              if [ "$RECORD" != success ]; then
                echo
                echo "The branch \\`$PUBLISHED\\` could not be moved to it ($RECORD), so the next publish is"
                echo "checked against an older commit: see the *Record what was published* job."
              fi
              if [ "$ANNOUNCE" != success ]; then
                echo
                echo "Announcing it did not fully succeed ($ANNOUNCE): the *Announce* job's summary says which"
                echo "channel failed; the next run sends what it missed."
              fi
            else
              echo "### Not published"
              echo
              if [ "$BUILD" != success ]; then
                echo "The check or the build failed ($BUILD): the *Build* job's annotations and summary say"
                echo "what to fix. The page still shows the last published version."
              else
                echo "The deployment failed ($DEPLOY). @@DEPLOY_HINT@@"
                echo "The page still shows the last published version."
              fi
            fi
          } >> "$GITHUB_STEP_SUMMARY"
          if [ "$DEPLOY" != success ]; then
            echo "::error title=Not published::the status page was not published: see this run's summary"
          fi
      - uses: actions/checkout@v7
        if: needs.build.result == 'failure' || needs.deploy.result == 'failure'
        with:
          persist-credentials: false
      - name: Tell the team that the page was not published
        if: needs.build.result == 'failure' || needs.deploy.result == 'failure'
        uses: @@ACTION@@
        env:  # the same lines as in the Announce job
          OPS_NOTIFY_URL: ${{ secrets.OPS_NOTIFY_URL }}
        with:
          command: notify
          args: --publish-failed@@INSTALL@@
      - name: Fail when the page was not published
        if: needs.deploy.result != 'success'
        run: exit 1
"""

PAGES_PUBLISH_YML = """\
# Publishes the status page to GitHub Pages: on every push to main, on demand, and on a schedule,
# because the page changes with time alone ("past days" roll over, maintenance windows open and
# close). GitHub may start scheduled runs late (often 5-15 minutes, more at busy times); running
# twice an hour keeps the page at most about 45 minutes behind the clock in practice.
# Before it builds, it checks the page against the last commit it published (the branch
# gitstatus-published, which the Record job moves after each deployment), so a direct push to
# main is held to the same history rules as a pull request. Once the page is live, the Announce
# job tells the channels under notify: in components.yaml what changed (docs/notify.md). The
# Report job's summary says what was published, or why nothing was, and then tells the team.
# Needs Settings > Pages > Source: "GitHub Actions".
name: Publish status page

on:
  push:
    branches: [main]
  schedule:
    - cron: "7,37 * * * *"
  workflow_dispatch:

permissions: {}  # each job asks for what it needs

concurrency:
  group: pages
  cancel-in-progress: false  # let a deployment that has started finish

env:
  PUBLISHED: @@PUBLISHED@@  # the branch that marks the last published commit

jobs:
  build:
    name: Build
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
      pages: read  # configure-pages reads the Pages settings (private repos need it said)
    outputs:
      base-url: ${{ steps.pages.outputs.base_url }}  # the links of the announcements
    steps:
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0  # every branch with its history: the last published commit, for base
          persist-credentials: false
      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v5
@@FIND_PUBLISHED@@\
      - name: Build the page
        uses: @@ACTION@@
        with:
          command: build
          out: _site
          base-url: ${{ steps.pages.outputs.base_url }}@@INSTALL@@
      - uses: actions/upload-pages-artifact@v5
        with:
          path: _site

  deploy:
    name: Deploy
    needs: build
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write     # to deploy to Pages
      id-token: write  # to prove the deployment comes from this workflow
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5

@@RECORD_AND_REPORT@@"""

CLOUDFLARE_PUBLISH_YML = """\
# Publishes the status page to Cloudflare Pages (a project made for direct upload): on every
# push to main, on demand, and twice an hour, because the page changes with time alone ("past
# days" roll over, maintenance windows open and close). Before it builds, it checks the page
# against the last commit it published (the branch gitstatus-published, which the Record job
# moves after each deployment), so a direct push to main is held to the same history rules as a
# pull request. Once the page is live, the Announce job tells the channels under notify: in
# components.yaml what changed (docs/notify.md). The Report job's summary says what was
# published, or why nothing was, and then tells the team.
# Needs a Cloudflare Pages project named like this repository (or change PROJECT below), and the
# secrets CLOUDFLARE_API_TOKEN (a token with the permission "Cloudflare Pages: Edit") and
# CLOUDFLARE_ACCOUNT_ID under Settings > Secrets and variables > Actions. The page's address is
# site.url in components.yaml.
name: Publish status page

on:
  push:
    branches: [main]
  schedule:
    - cron: "7,37 * * * *"
  workflow_dispatch:

permissions: {}  # each job asks for what it needs

concurrency:
  group: cloudflare-pages
  cancel-in-progress: false  # let a deployment that has started finish

env:
  PUBLISHED: @@PUBLISHED@@  # the branch that marks the last published commit

jobs:
  build:
    name: Build
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v7
        with:
          fetch-depth: 0  # every branch with its history: the last published commit, for base
          persist-credentials: false
@@FIND_PUBLISHED@@\
      - name: Build the page
        uses: @@ACTION@@
        with:
          command: build
          out: _site@@INSTALL@@
      - uses: actions/upload-artifact@v7
        with:
          name: site
          path: _site
          if-no-files-found: error

  deploy:
    name: Deploy
    needs: build
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions: {}
    steps:
      - uses: actions/download-artifact@v8
        with:
          name: site
          path: _site
      - uses: actions/setup-node@v7
        with:
          node-version: "24"
      - name: Deploy to Cloudflare Pages
        env:
          CLOUDFLARE_API_TOKEN: ${{ secrets.CLOUDFLARE_API_TOKEN }}
          CLOUDFLARE_ACCOUNT_ID: ${{ secrets.CLOUDFLARE_ACCOUNT_ID }}
          # The Cloudflare Pages project: by default it has the repository's name.
          PROJECT: ${{ github.event.repository.name }}
        run: |
          if [ -z "$CLOUDFLARE_API_TOKEN" ] || [ -z "$CLOUDFLARE_ACCOUNT_ID" ]; then
            echo "::error title=Cloudflare Pages is not set up::add the secrets CLOUDFLARE_API_TOKEN and" \\
              "CLOUDFLARE_ACCOUNT_ID (Settings > Secrets and variables > Actions)"
            exit 1
          fi
          npx --yes @@WRANGLER@@ pages deploy _site --project-name="$PROJECT" --branch=main --commit-hash="$GITHUB_SHA"

@@RECORD_AND_REPORT@@"""

#: wrangler, Cloudflare's command line, pinned so that a new release never changes a deployment unannounced.
WRANGLER = "wrangler@4.164.0"

NETLIFY_REBUILD_YML = """\
# Netlify builds the status page on every push by itself (netlify.toml). This workflow starts a
# build twice an hour as well, because the page changes with time alone ("past days" roll over,
# maintenance windows open and close), through a Netlify build hook.
# Needs the repository secret NETLIFY_BUILD_HOOK: on Netlify, Site configuration > Build & deploy >
# Build hooks > Add build hook; then its URL under Settings > Secrets and variables > Actions.
name: Rebuild status page

on:
  schedule:
    - cron: "7,37 * * * *"
  workflow_dispatch:

permissions: {}

jobs:
  rebuild:
    name: Start a Netlify build
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - name: Call the build hook
        env:
          HOOK: ${{ secrets.NETLIFY_BUILD_HOOK }}
        run: |
          if [ -z "$HOOK" ]; then
            echo "::error title=No build hook::add the secret NETLIFY_BUILD_HOOK, a Netlify build hook's URL" \\
              "(Settings > Secrets and variables > Actions)"
            exit 1
          fi
          curl --fail --silent --show-error --max-time 60 --request POST --data '{}' "$HOOK"
"""

NETLIFY_TOML = """\
# Netlify builds and publishes the status page on every push to the production branch, and on
# every build hook call (.github/workflows/rebuild.yml), with gitstatus: @@URL@@. Before it
# builds, it checks the page against the last commit Netlify built (CACHED_COMMIT_REF) when the
# clone has that commit, so a direct push is held to the history rules a pull request is held
# to; without it (the first build) the page is checked without them. The page's address is
# site.url in components.yaml.
[build]
  command = '@@NETLIFY_COMMAND@@'
  publish = "site"

[build.environment]
  PYTHON_VERSION = "3.11"
  # The gitstatus release to build with, as a pip requirement.
  GITSTATUS = "@@REQUIREMENT@@"
"""

NETLIFY_COMMAND = (
    'python3 -m pip install --quiet --disable-pip-version-check "$GITSTATUS" && '
    'if [ -n "${CACHED_COMMIT_REF:-}" ] && [ "$CACHED_COMMIT_REF" != "${COMMIT_REF:-}" ] '
    '&& git cat-file -e "$CACHED_COMMIT_REF^{commit}" 2> /dev/null; '
    'then gitstatus check --base "$CACHED_COMMIT_REF"; '
    'else echo "No commit of an earlier build in this clone: checking without the history rules."; gitstatus check; '
    'fi && '
    "gitstatus build --out site"
)

GITLAB_CI_YML = """\
# The status page on GitLab Pages, built with gitstatus (@@URL@@).
# - Merge requests: gitstatus check against the target branch (the history rules: published
#   updates stay as they are, resolved incidents stay closed, ids never change), then a build.
# - The default branch: gitstatus check against the commit before the push, when the pipeline has
#   one, then the build, published by the pages job.
# The page changes with time alone ("past days" roll over, maintenance windows open and close):
# add a pipeline schedule (Build > Pipeline schedules) on the default branch, every 30 minutes.
# The page's address is site.url in components.yaml.
variables:
  # The gitstatus release to use, as a pip requirement.
  GITSTATUS: "@@REQUIREMENT@@"
  GIT_DEPTH: "0"  # the whole history, for check --base

default:
  image: python:3.11-bookworm
  before_script:
    - python -m pip install --quiet --disable-pip-version-check "$GITSTATUS"

status-check:
  stage: test
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - branch="$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - git fetch --quiet origin "+refs/heads/$branch:refs/remotes/origin/$branch"
    - gitstatus check --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"
    - gitstatus build --out "${TMPDIR:-/tmp}/gitstatus-site"

pages:
  stage: deploy
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - |
      before="${CI_COMMIT_BEFORE_SHA:-}"
      if [ -n "$before" ] && [ "$before" != 0000000000000000000000000000000000000000 ] \\
          && git cat-file -e "$before^{commit}" 2> /dev/null; then
        gitstatus check --base "$before"
      else
        echo "No earlier commit for this pipeline (a schedule, a new branch or a manual run):" \\
          "checking without the history rules."
        gitstatus check
      fi
    - gitstatus build --out public
  artifacts:
    paths:
      - public
"""

_DEPLOY_HINTS = {
    "github": "On the first run, check that Settings > Pages > Source is GitHub Actions; "
              "otherwise the *Deploy* job's log says why.",
    "cloudflare": "The *Deploy* job's log says why: check the secrets CLOUDFLARE_API_TOKEN and "
                  "CLOUDFLARE_ACCOUNT_ID, and that the Pages project exists.",
}


#: The announcements' links: the Pages address the build job found; Cloudflare's is site.url.
_NOTIFY_BASE_URL = {"github": "\n          base-url: ${{ needs.build.outputs.base-url }}", "cloudflare": ""}


def _with_install(origin: Origin) -> str:
    """The Action's ``install`` input, when ``--install`` chose a requirement."""
    return f'\n          install: "{origin.install}"' if origin.install else ""


def _publish(template: str, host: str) -> str:
    return (template.replace("@@FIND_PUBLISHED@@", _CACHE_STEP + _FIND_PUBLISHED)
            .replace("@@RECORD_AND_REPORT@@", _RECORD_AND_REPORT)
            .replace("@@DEPLOY_HINT@@", _DEPLOY_HINTS[host])
            .replace("@@NOTIFY_BASE_URL@@", _NOTIFY_BASE_URL[host])
            .replace("@@PUBLISHED@@", PUBLISHED_BRANCH)
            .replace("@@WRANGLER@@", WRANGLER))


def _fill(text: str, origin: Origin) -> str:
    return (text.replace("@@ACTION@@", origin.action).replace("@@INSTALL@@", _with_install(origin))
            .replace("@@REQUIREMENT@@", origin.requirement).replace("@@URL@@", origin.url)
            .replace("@@NETLIFY_COMMAND@@", NETLIFY_COMMAND))


def ci_files(host: str, origin: Origin) -> dict[str, str]:
    """The CI files ``init --host HOST`` writes, by path relative to the status repo."""
    files = {
        "github": {".github/workflows/status-check.yml": STATUS_CHECK_YML,
                   ".github/workflows/publish.yml": _publish(PAGES_PUBLISH_YML, "github")},
        "gitlab": {".gitlab-ci.yml": GITLAB_CI_YML},
        "netlify": {"netlify.toml": NETLIFY_TOML,
                    ".github/workflows/status-check.yml": STATUS_CHECK_YML,
                    ".github/workflows/rebuild.yml": NETLIFY_REBUILD_YML},
        "cloudflare": {".github/workflows/status-check.yml": STATUS_CHECK_YML,
                       ".github/workflows/publish.yml": _publish(CLOUDFLARE_PUBLISH_YML, "cloudflare")},
    }[host]
    return {path: _fill(text, origin) for path, text in files.items()}


# --- the writers' guide: what differs per host ----------------------------------------------------------

@dataclass(frozen=True)
class Guide:
    """The host's words in the writers' guide that ``init`` writes."""

    published: str  # how the page gets published, a sentence
    review: str     # "pull request" or "merge request"
    check: str      # what checks a review, a phrase
    setup: str      # the numbered set-up steps after editing components.yaml and the example


GUIDES = {
    "github": Guide(
        published="A pull request is checked by GitHub Actions, and merging it to `main` publishes the\n"
                  "page to GitHub Pages within a minute or two.",
        review="pull request", check="the *Status check* workflow",
        setup="""\
3. On GitHub, set **Settings → Pages → Source** to **GitHub Actions**.
4. Push to `main`. The *Publish status page* workflow checks, builds and deploys the page; its
   summary says what was published, or why nothing was.
5. Make *gitstatus check* a required check of `main` (**Settings → Rules → Rulesets**), so that
   nothing merges past it.
"""),
    "gitlab": Guide(
        published="A merge request is checked by GitLab CI, and merging it to the default branch\n"
                  "publishes the page to GitLab Pages within a minute or two.",
        review="merge request", check="the *status-check* job",
        setup="""\
3. Push to GitLab. The `pages` job checks, builds and publishes the page (**Deploy → Pages** shows
   its address).
4. Add a pipeline schedule (**Build → Pipeline schedules**, every 30 minutes, the default branch)
   so that the page follows the clock.
5. Set **Settings → Merge requests → Pipelines must succeed**, so that nothing merges past the check.
"""),
    "netlify": Guide(
        published="A pull request is checked by GitHub Actions, and merging it to `main` makes Netlify\n"
                  "build and publish the page within a minute or two.",
        review="pull request", check="the *Status check* workflow",
        setup="""\
3. On Netlify, **Add new site → Import an existing project** and pick this repository;
   `netlify.toml` sets the build command and the folder to publish.
4. Add a build hook on Netlify (**Site configuration → Build & deploy → Build hooks**) and save
   its URL as the repository secret `NETLIFY_BUILD_HOOK` on GitHub, so that the page follows the clock.
5. Make *gitstatus check* a required check of `main` (**Settings → Rules → Rulesets**).
"""),
    "cloudflare": Guide(
        published="A pull request is checked by GitHub Actions, and merging it to `main` publishes the\n"
                  "page to Cloudflare Pages within a minute or two.",
        review="pull request", check="the *Status check* workflow",
        setup="""\
3. Create a Cloudflare Pages project for direct upload, named like this repository
   (`npx wrangler pages project create NAME --production-branch main`), and an API token with
   the permission *Cloudflare Pages: Edit*.
4. On GitHub, under **Settings → Secrets and variables → Actions**, add the secrets
   `CLOUDFLARE_API_TOKEN` and `CLOUDFLARE_ACCOUNT_ID`.
5. Push to `main`. The *Publish status page* workflow checks, builds and deploys the page.
6. Make *gitstatus check* a required check of `main` (**Settings → Rules → Rulesets**).
"""),
}
