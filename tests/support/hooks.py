"""The template's hooks, imported from their unrendered files, and the answers they get."""

import importlib.util
import json

from cookiecutter.environment import StrictEnvironment

from tests.support.baking import TEMPLATE_DIR


def load_hook(name):
    """Import ``hooks/<name>.py`` as a module of its own, as cookiecutter runs it alone."""
    spec = importlib.util.spec_from_file_location(
        name, TEMPLATE_DIR / "hooks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def default_answers(**overrides):
    """The answers cookiecutter would pass for the defaults, after prompting."""
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    answers = {
        key: (value[0] if isinstance(value, list) else value)
        for key, value in context.items()
        if key != "__prompts__"
    }
    answers["project_slug"] = "my_service"
    answers["access_token_lifetime_minutes"] = str(
        answers["access_token_lifetime_minutes"]
    )
    answers["refresh_token_lifetime_days"] = str(answers["refresh_token_lifetime_days"])
    answers.update(overrides)
    # cookiecutter renders its private variables (``__signing``, ``__sessions``)
    # from the answers, in the order of cookiecutter.json, with its own environment.
    for key, value in context.items():
        if key.startswith("__") and key != "__prompts__" and key not in overrides:
            answers[key] = (
                StrictEnvironment().from_string(value).render(cookiecutter=answers)
            )
    return answers
