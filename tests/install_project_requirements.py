"""Install the generated project's dependencies into this Python.

The generated pyproject.toml is their single source: this bakes the template
(files only) with the answers that pull in every optional dependency, reads
the dependencies it declares, and installs them with pip, so that bakes with
``setup_environment=current`` find them here.
"""

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# Answers whose projects together declare every dependency the template offers.
ANSWER_SETS = [
    {"database": "postgresql", "use_redis": True},
    {"token_transport": "cookie", "mfa": "totp"},
]


def declared_requirements(answers):
    """Return the runtime and dev requirements of a project baked with ``answers``."""
    with tempfile.TemporaryDirectory() as output_dir:
        project = cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            output_dir=output_dir,
            extra_context={**answers, "setup_environment": "skip"},
        )
        pyproject = tomllib.loads((Path(project) / "pyproject.toml").read_text())
    project_table = pyproject["project"]
    return [
        *project_table["dependencies"],
        *project_table["optional-dependencies"]["dev"],
    ]


def main():
    requirements = sorted(
        {req for answers in ANSWER_SETS for req in declared_requirements(answers)}
    )
    print("Installing the generated project's requirements:", ", ".join(requirements))
    subprocess.run([sys.executable, "-m", "pip", "install", *requirements], check=True)


if __name__ == "__main__":
    main()
