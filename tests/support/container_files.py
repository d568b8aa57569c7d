"""Read a baked project's Dockerfile, .dockerignore and compose.yaml as Docker would.

The checks that need no container engine: the files parse, every path they
name exists in the build context, and the commands they run work when run
here. tests/support/engine.py runs them in containers.
"""

import re
import shlex
import shutil
from pathlib import Path

import yaml


def dockerfile_instructions(path):
    """Return the Dockerfile's instructions as ``(KEYWORD, arguments)`` pairs.

    Continuation lines are joined; comments and parser directives are dropped.
    """
    instructions = []
    pending = ""
    for line in Path(path).read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def stages(instructions):
    """Split instructions into build stages: a list of ``(name, instructions)``."""
    result = []
    for keyword, arguments in instructions:
        if keyword == "FROM":
            name = arguments.split(" AS ")[1].strip() if " AS " in arguments else None
            result.append((name, []))
        elif result:
            result[-1][1].append((keyword, arguments))
    return result


def exec_form(arguments):
    """Return the argument list of a JSON (exec form) CMD or ENTRYPOINT."""
    return yaml.safe_load(arguments)


def env_assignments_and_command(run_arguments):
    """Split ``VAR=value ... command`` of a RUN line into a dict and the command."""
    words = shlex.split(run_arguments.split("&&")[0])
    assignments = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        assignments[name] = value
    return assignments, words


def _pattern_regex(pattern):
    """Translate one .dockerignore pattern (Go filepath.Match plus ``**``) to a regex."""
    pattern = pattern.strip("/")
    regex = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            regex += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            regex += ".*"
            index += 2
        elif pattern[index] == "*":
            regex += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            regex += "[^/]"
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            regex += pattern[index : end + 1]
            index = end + 1
        else:
            regex += re.escape(pattern[index])
            index += 1
    return re.compile(regex + r"\Z")


def dockerignore_patterns(project):
    patterns = []
    for line in (Path(project) / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if pattern and not pattern.startswith("#"):
            if pattern.startswith("!"):
                raise NotImplementedError("negated .dockerignore patterns")
            patterns.append(_pattern_regex(pattern))
    return patterns


def ignored_by_docker(relative_path, patterns):
    """Return True when .dockerignore keeps ``relative_path`` out of the build context."""
    parts = Path(relative_path).parts
    candidates = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    return any(
        pattern.match(candidate) for pattern in patterns for candidate in candidates
    )


def build_context(project, destination):
    """Copy what ``docker build`` would send from ``project`` to ``destination``."""
    project = Path(project)
    patterns = dockerignore_patterns(project)
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if path.is_file() and not ignored_by_docker(relative, patterns):
            target = Path(destination) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return Path(destination)


def compose_file(project):
    return yaml.safe_load((Path(project) / "compose.yaml").read_text())
