"""The environment the settings read, with the git-ignored ``.env`` file of the project.

``bootstrap.py`` writes ``.env``; variables set in the environment win over it.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")
