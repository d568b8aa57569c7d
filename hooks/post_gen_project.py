"""Prune what the answers do not need, then hand over to the project's bootstrap.py.

Setup lives in the generated project (``python3 bootstrap.py``) so a teammate
who clones it later runs the very same steps. This hook only chooses the
arguments. When setup fails the generated files stay and bootstrap.py prints
the command that finishes it; set ``TEMPLATE_STRICT_SETUP=1`` (CI) to make
the bake fail instead.

The answers reach this file as JSON rendered by cookiecutter into the string
below; the module itself stays plain Python so tests can import it.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

STRICT_SETUP_VARIABLE = "TEMPLATE_STRICT_SETUP"


def unused_paths(answers):
    """Return the generated paths (relative to the project) the answers do not use.

    Code is grouped by role and by option, each package with its tests, so an
    answer not chosen removes a folder or a module, and its tests go with it.
    """
    package = answers["project_slug"]
    paths = []
    if not answers["use_docker"]:
        paths += ["Dockerfile", "compose.yaml", ".dockerignore"]
    if answers["ci_provider"] != "github":
        paths += [".github"]
    if answers["service_role"] == "issuer":
        paths += [f"{package}/verifier", "config/settings/verifier.py"]
        if answers["account_signup"] != "open":
            paths += [
                f"{package}/accounts/signup.py",
                f"{package}/accounts/tests/test_signup.py",
            ]
    else:
        paths += [
            f"{package}/issuer",
            f"{package}/security_events",
            f"{package}/service_clients",
            "config/settings/security_events.py",
            f"{package}/users/addresses.py",
            f"{package}/accounts",
            "config/settings/accounts.py",
            # What the issuer's cleanup commands share.
            f"{package}/database/batches.py",
            f"{package}/database/cleanup_command.py",
        ]
    if answers["mfa"] != "totp":
        # RequireMFA stays (jwt_auth/permissions.py): it reads the amr claim,
        # which a verifier's issuer may set.
        paths += [f"{package}/mfa", "config/settings/mfa.py"]
    if answers["__sessions"] != "yes":
        paths += [f"{package}/token_sessions", "config/settings/token_sessions.py"]
    if answers["token_transport"] != "cookie":
        paths += [
            f"{package}/issuer/cookies.py",
            f"{package}/issuer/cookie_checks.py",
            f"{package}/issuer/tests/cookie_transport",
            "config/settings/cookie_transport.py",
        ]
    if answers["login_field"] != "email":
        paths += [f"{package}/users/tests/test_email_login.py"]
    if not answers["rotate_refresh_tokens"]:
        paths += [f"{package}/issuer/tests/test_rotation.py"]
    if answers["database"] == "sqlite":
        # SQLite creates its file itself (database/base.py makes it owner-only).
        paths += [f"{package}/database/management", f"{package}/database/postgresql"]
    else:
        # PostgreSQL keeps the create_database command only.
        paths += [
            f"{package}/database/{name}"
            for name in ("apps.py", "base.py", "checks.py", "tests")
        ]
    return paths


def remove_paths(project_dir, paths):
    for relative in paths:
        path = Path(project_dir) / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def rendered_by_cruft(answers):
    """Return True when cruft, not a user, is rendering the template.

    cruft renders the template again into temporary folders for every
    ``update``, ``diff`` and ``check``; setting up there would install
    dependencies and roll secrets for nothing. Its answers carry ``_commit``.
    """
    return "_commit" in answers


def bootstrap_command(answers, python=sys.executable):
    """Return the command that sets the project up as the answers ask, or None.

    bootstrap.py itself knows whether to create the superuser (its default is
    the ``create_superuser`` answer).
    """
    if answers["setup_environment"] == "skip":
        return None
    return [python, "bootstrap.py", "--env", answers["setup_environment"]]


def strict_setup(environ=os.environ):
    """Return True when a failed setup must fail the bake (for CI)."""
    return environ.get(STRICT_SETUP_VARIABLE, "").lower() in {"1", "true", "yes"}


def run_setup(command, project_dir):
    """Run bootstrap.py; return its exit status (127 when it could not start)."""
    try:
        return subprocess.run(command, cwd=project_dir, check=False).returncode
    except OSError as error:
        print(f"bootstrap.py could not start: {error}", file=sys.stderr)
        return 127


def git(*arguments, cwd):
    """Run git; return it completed, whatever its exit status (None without git)."""
    try:
        return subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError:
        return None


def inside_repository(directory):
    """Return True when ``directory`` is inside a git work tree already."""
    completed = git("rev-parse", "--is-inside-work-tree", cwd=directory)
    return completed is not None and completed.stdout.strip() == "true"


def start_repository(project_dir):
    """Make ``project_dir`` a git repository and stage its files; return None, or why not.

    Nothing is done inside an existing repository (the project is a folder of
    it) or without git. The bake runs it beside the setup: git hashes the
    generated files (most of its time) while bootstrap.py works.
    """
    if inside_repository(project_dir):
        return "git: inside an existing repository, so no repository of its own"
    if git("init", "--quiet", cwd=project_dir) is None:
        return "git: not installed, so no repository (git init later)"
    git("add", "--all", cwd=project_dir)
    return None


def first_commit(project_dir, author_name, author_email, refusal=None):
    """Stage what changed since ``start_repository``, then commit; return what was done.

    ``refusal``: what ``start_repository`` returned. The commit is the author's
    answers' when git knows no user, so that it never stops at "Please tell
    me who you are".
    """
    if refusal is not None:
        return refusal
    git("add", "--all", cwd=project_dir)
    identity = []
    for key, answer in (("user.name", author_name), ("user.email", author_email)):
        configured = git("config", key, cwd=project_dir)
        if not configured.stdout.strip():
            identity += ["-c", f"{key}={answer}"]
    committed = git(
        *identity, "commit", "--quiet", "--message", "Generate the project",
        cwd=project_dir,
    )  # fmt: skip
    if committed.returncode != 0:
        reason = (committed.stderr.strip().splitlines() or ["no output"])[-1]
        return f"git: initialized, but the first commit failed ({reason})"
    return "git: initialized with a first commit of every file (git log)"


# Where this machine found the template and put the project: no use elsewhere.
MACHINE_KEYS = ("_output_dir", "_repo_dir")


def template_source(answers):
    """Return ``(url, commit)`` of the template the bake used, or None.

    A local template is named by its absolute path, a cloned one by the URL
    cookiecutter cloned it from (``gh:`` expanded); either must be a git
    repository, whose commit is what cruft updates from.
    """
    repo_dir = answers.get("_repo_dir")
    if not repo_dir:
        return None
    head = git("rev-parse", "HEAD", cwd=repo_dir)
    if head is None or head.returncode != 0:
        return None
    if Path(str(answers.get("_template", ""))).expanduser().is_dir():
        url = str(Path(repo_dir).resolve())
    else:
        origin = git("remote", "get-url", "origin", cwd=repo_dir)
        if origin.returncode != 0:
            return None
        url = origin.stdout.strip()
    return url, head.stdout.strip()


def cruft_state(answers, url, commit):
    """Return the ``.cruft.json`` content ``cruft create`` would have written."""
    context = {key: value for key, value in answers.items() if key not in MACHINE_KEYS}
    context |= {"_template": url, "_commit": commit}
    return {
        "template": url,
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
    }


def record_template_state(project_dir, answers):
    """Write ``.cruft.json`` so that ``cruft update`` works without prompts; say so.

    Nothing is written when the template is not a git repository (a zip file,
    a copy): no commit to update from.
    """
    source = template_source(answers)
    if source is None:
        return "cruft: the template is no git repository, so no .cruft.json"
    state = cruft_state(answers, *source)
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": "))
    (Path(project_dir) / ".cruft.json").write_text(text + "\n")
    return "cruft: .cruft.json records the template and its commit (cruft update)"


def main():
    answers = json.loads(RENDERED_ANSWERS)
    project_dir = Path.cwd()
    remove_paths(project_dir, unused_paths(answers))

    if rendered_by_cruft(answers):
        print(
            "Rendered by cruft: files only. In a project you have just created, "
            "run 'python3 bootstrap.py' once to set it up."
        )
        return
    print(record_template_state(project_dir, answers))
    command = bootstrap_command(answers)
    with ThreadPoolExecutor(max_workers=1) as beside:
        starting = None
        if answers["init_git"]:
            starting = beside.submit(start_repository, project_dir)
        status = 0 if command is None else run_setup(command, project_dir)
    if starting is not None:
        # After the setup, so that the first commit holds the uv.lock it creates.
        author = answers["author_name"], answers["author_email"]
        print(first_commit(project_dir, *author, starting.result()))
    if command is None:
        print(
            f"Generated {project_dir} (files only). To set it up, run:\n"
            f"  cd {shlex.quote(str(project_dir))} && python3 bootstrap.py"
        )
        return
    if status == 0:
        return
    if strict_setup():
        print(
            f"{STRICT_SETUP_VARIABLE} is set: failing the bake because setup failed.",
            file=sys.stderr,
        )
        sys.exit(status)
    print(f"The generated files are kept in {project_dir}.", file=sys.stderr)
    if status == 127:
        print(
            f"Finish the setup with:\n  cd {shlex.quote(str(project_dir))} && "
            f"{shlex.join(['python3', *command[1:]])}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
