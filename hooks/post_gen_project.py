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
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

STRICT_SETUP_VARIABLE = "TEMPLATE_STRICT_SETUP"


def unused_paths(answers):
    """Return the generated paths (relative to the project) the answers do not use."""
    paths = []
    if not answers["use_docker"]:
        paths += ["Dockerfile", "compose.yaml", ".dockerignore"]
    if answers["ci_provider"] != "github":
        paths += [".github"]
    if not answers["rotate_refresh_tokens"]:
        paths += ["tests/test_rotation.py"]
    if not answers["use_token_blacklist"]:
        # Sessions are recorded with the blacklist's outstanding tokens.
        paths += ["tests/test_logout.py", "tests/test_sessions.py"]
        paths += [f"{answers['project_slug']}/token_sessions"]
    if answers["token_transport"] != "cookie":
        paths += [
            f"{answers['project_slug']}/jwt_auth/cookies.py",
            "tests/test_cookie_transport.py",
        ]
    database = f"{answers['project_slug']}/database"
    if answers["database"] == "sqlite":
        # SQLite creates its file itself (database/base.py makes it owner-only).
        paths += [f"{database}/management"]
    else:
        paths += [f"{database}/{name}" for name in ("apps.py", "base.py", "checks.py")]
        paths += ["tests/test_database_file.py"]
    if answers["service_role"] == "verifier":
        paths += verifier_unused_paths(answers["project_slug"])
    else:
        paths += ["tests/test_verifier.py"]
    return paths


def verifier_unused_paths(package):
    """Return what only an issuer needs: signing, publishing keys, token endpoints' tests."""
    jwt_auth = f"{package}/jwt_auth"
    return [
        f"{jwt_auth}/wellknown.py",
        f"{jwt_auth}/urls.py",
        f"{jwt_auth}/rotation.py",
        f"{jwt_auth}/management/commands/rotate_jwt_key.py",
        f"{jwt_auth}/management/commands/generate_jwt_keys.py",
        f"{package}/token_sessions",
        *(
            f"tests/test_{name}.py"
            for name in (
                "answers",
                "attacks",
                "auth_cache",
                "endpoints",
                "issuer_audience",
                "jwks",
                "jwt_checks",
                "jwt_keys",
                "key_set",
                "logout",
                "malformed_requests",
                "openapi",
                "redaction",
                "rotate_jwt_key",
                "rotation",
                "sessions",
                "simplejwt_gaps",
                "throttling",
                "verify",
            )
        ),
    ]


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
    command = bootstrap_command(answers)
    if command is None:
        print(
            f"Generated {project_dir} (files only). To set it up, run:\n"
            f"  cd {shlex.quote(str(project_dir))} && python3 bootstrap.py"
        )
        return
    status = run_setup(command, project_dir)
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
