"""Validate every answer before cookiecutter writes a single file.

Each validator takes the answer(s) it judges and raises ``ValueError`` with
"<what is wrong>. <what is allowed>." when the answer cannot work. ``main``
runs all of them, prints every problem on its own line as
``ERROR: <variable>: <message>`` and exits 1, which makes cookiecutter remove
the (still empty) project directory.

Cookiecutter checks nothing while it prompts, so a mistyped answer is only
refused here, after the last prompt. To spare the user every prompt again,
the refusal ends with one ready-to-paste ``cookiecutter ... --no-input``
command holding every answer given, the refused ones marked for editing.

The answers reach this file as JSON rendered by cookiecutter into the string
below; the module itself stays plain Python so tests can import the validators.
"""

import json
import keyword
import os
import re
import shlex
import sys
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

MAX_ACCESS_TOKEN_LIFETIME_MINUTES = 7 * 24 * 60
MAX_REFRESH_TOKEN_LIFETIME_DAYS = 365
# Longer names would not fit the generated code's lines (imports, greetings).
MAX_SLUG_LENGTH = 32
MAX_PROJECT_NAME_LENGTH = 60

# Import names the generated project depends on or defines next to its package.
RESERVED_SLUGS = frozenset(
    {
        "argon2",
        "bootstrap",
        "config",
        "corsheaders",
        "cryptography",
        "django",
        "django_otp",
        "django_tasks",
        "django_tasks_db",
        "drf_spectacular",
        "drf_spectacular_sidecar",
        "environ",
        "gunicorn",
        "hypothesis",
        "jwt",
        "manage",
        "mypy",
        "mypy_django_plugin",
        "mypy_drf_plugin",
        "psycopg",
        "py",
        "pyotp",
        "pytest",
        "pytest_django",
        "redis",
        "rest_framework",
        "rest_framework_simplejwt",
        "ruff",
        "site",
        "tests",
        "uv",
        "whitenoise",
    }
)

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
HEADER_TYPE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
USERNAME_PATTERN = re.compile(r"[\w.@+-]+")
# The shape Django's EmailValidator accepts for ordinary addresses.
EMAIL_PATTERN = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
# Characters that would break the TOML, Python and Markdown files they land in.
UNSAFE_TEXT_CHARACTERS = frozenset('"\\{}`\n\r\t')
# Appended to each refused answer of the retry command (see retry_command).
FIX_MARK = "<-fix"


def validate_text(value, *, required=True, max_length=200):
    """Check a free-text answer that is written into TOML and Python strings.

    Valid: ``"My Service"``, ``"Bob's orders API"``, ``"Zürich billing"``.
    Invalid: ``""`` (when required), ``'The "best" API'`` (double quote),
    ``"a\\b"`` (backslash), ``"{x}"`` (braces), text over ``max_length``.
    """
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text. Give plain text")
    if required and not value.strip():
        raise ValueError("it is empty. Give a non-empty text")
    unsafe = sorted(set(value) & UNSAFE_TEXT_CHARACTERS)
    if unsafe:
        shown = " ".join(repr(character) for character in unsafe)
        raise ValueError(
            f"{value!r} contains {shown}. Use text without double quotes, "
            "backslashes, braces, backticks, tabs or line breaks"
        )
    if len(value) > max_length:
        raise ValueError(
            f"it is {len(value)} characters long. Use at most {max_length} characters"
        )


def validate_project_slug(slug):
    """Check that the slug can be the project's Python package and directory.

    Valid: ``my_service``, ``billing2``, ``orders_api``.
    Invalid: ``My_Service`` (uppercase), ``my-service`` (hyphen), ``2fa``
    (leading digit), ``class`` (keyword), ``email`` (standard library),
    ``django`` or ``jwt`` (dependencies), ``config`` or ``tests`` (the
    project's own packages), a name over 32 characters.
    """
    allowed = (
        "Use lowercase letters, digits and underscores, starting with a letter "
        "(e.g. my_service)"
    )
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        raise ValueError(f"{slug!r} is not a lowercase Python identifier. {allowed}")
    if len(slug) > MAX_SLUG_LENGTH:
        raise ValueError(
            f"it is {len(slug)} characters long. Use at most {MAX_SLUG_LENGTH} characters"
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        raise ValueError(f"{slug!r} is a Python keyword. {allowed}, not a keyword")
    if slug in sys.stdlib_module_names:
        raise ValueError(
            f"{slug!r} would shadow the standard library module {slug!r}. "
            "Choose another name (e.g. my_service)"
        )
    if slug in RESERVED_SLUGS:
        raise ValueError(
            f"{slug!r} is already used by the generated project or one of its "
            "dependencies. Choose another name (e.g. my_service)"
        )


def validate_email(value):
    """Check an email address the way Django's ``EmailValidator`` would.

    Valid: ``admin@example.com``, ``first.last+tag@mail.example.org``.
    Invalid: ``admin``, ``admin@localhost`` (no domain suffix), ``a b@x.io``,
    ``@example.com``.
    """
    if not isinstance(value, str) or not EMAIL_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid email address. "
            "Give an address like admin@example.com"
        )


def parse_whole_number(value):
    """Return ``value`` as an ``int`` when it is a whole number written in digits.

    Valid: ``5``, ``"5"``, ``" 15 "``. Invalid: ``"5.0"``, ``"-1"``,
    ``"five"``, ``True``, ``""``.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number. Give digits, e.g. 5")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"{value!r} is not a whole number. Give digits, e.g. 5")


def validate_access_token_lifetime(minutes):
    """Check the access token lifetime in minutes.

    Valid: ``5``, ``"15"``, ``"60"``. Invalid: ``"0"``, ``"-5"``, ``"1.5"``,
    ``"10081"`` (more than a week: use refresh tokens for long sessions).
    """
    value = parse_whole_number(minutes)
    if not 1 <= value <= MAX_ACCESS_TOKEN_LIFETIME_MINUTES:
        raise ValueError(
            f"{value} is out of range. Give a whole number of minutes from 1 to "
            f"{MAX_ACCESS_TOKEN_LIFETIME_MINUTES} (one week)"
        )


def validate_refresh_token_lifetime(days):
    """Check the refresh token lifetime in days.

    Valid: ``1``, ``"7"``, ``"30"``. Invalid: ``"0"``, ``"two"``, ``"366"``.
    """
    value = parse_whole_number(days)
    if not 1 <= value <= MAX_REFRESH_TOKEN_LIFETIME_DAYS:
        raise ValueError(
            f"{value} is out of range. Give a whole number of days from 1 to "
            f"{MAX_REFRESH_TOKEN_LIFETIME_DAYS}"
        )


def validate_token_lifetimes(access_minutes, refresh_days):
    """Check that an access token expires before the refresh token that made it.

    Valid: ``(5, 1)``, ``(60, 7)``. Invalid: ``(1440, 1)`` (as long as the
    refresh token), ``(2880, 1)``.
    """
    access = parse_whole_number(access_minutes)
    refresh = parse_whole_number(refresh_days)
    if access >= refresh * 24 * 60:
        raise ValueError(
            f"{refresh} day(s) is not longer than the access token lifetime of "
            f"{access} minutes. Give a refresh lifetime longer than the access "
            "lifetime"
        )


def parse_header_types(value):
    """Return the header types of a comma-separated answer, in order.

    Valid: ``"Bearer"`` -> ``["Bearer"]``, ``"Bearer, JWT"`` ->
    ``["Bearer", "JWT"]``. Invalid: ``""``, ``"Bearer,"`` (empty entry),
    ``"Bearer Token"`` (two words), ``"Bearer,Bearer"`` (duplicate),
    ``"Bé"`` (not ASCII).
    """
    allowed = (
        "Give comma-separated single words of ASCII letters, digits, '-' or '_' "
        "(e.g. Bearer or Bearer,JWT)"
    )
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"it is empty. {allowed}")
    header_types = [part.strip() for part in value.split(",")]
    if "" in header_types:
        raise ValueError(f"{value!r} has an empty entry. {allowed}")
    for header_type in header_types:
        if not HEADER_TYPE_PATTERN.fullmatch(header_type):
            raise ValueError(f"{header_type!r} is not a single word. {allowed}")
    if len(set(header_types)) != len(header_types):
        raise ValueError(f"{value!r} lists a header type twice. {allowed}, each once")
    return header_types


def validate_blacklist_after_rotation(blacklist_after_rotation, rotate, blacklist):
    """Check that blacklisting after rotation has both things it needs.

    Valid: ``(False, any, any)``, ``(True, True, True)``.
    Invalid: ``(True, False, True)`` (nothing is rotated),
    ``(True, True, False)`` (there is no blacklist to put tokens in).
    """
    if not blacklist_after_rotation:
        return
    missing = []
    if not rotate:
        missing.append("rotate_refresh_tokens")
    if not blacklist:
        missing.append("use_token_blacklist")
    if missing:
        raise ValueError(
            f"it needs {' and '.join(missing)} to be true. Turn "
            f"{' and '.join(missing)} on, or blacklist_after_rotation off"
        )


def validate_token_transport(transport, blacklist):
    """Check that the cookie transport has the logout endpoint that clears its cookie.

    A browser app cannot delete an HttpOnly cookie itself: only the logout
    endpoint (``/api/token/blacklist/``, part of the blacklist) can.
    Valid: ``("header", any)``, ``("cookie", True)``.
    Invalid: ``("cookie", False)``.
    """
    if transport == "cookie" and not blacklist:
        raise ValueError(
            "the cookie transport needs use_token_blacklist to be true (its logout "
            "endpoint clears the cookie). Turn use_token_blacklist on, or choose "
            "token_transport=header"
        )


def validate_username(value):
    """Check a username the way Django's ``UnicodeUsernameValidator`` would.

    Valid: ``admin``, ``ops.lead``, ``jane+admin@corp``.
    Invalid: ``""``, ``"jane doe"`` (space), ``"admin!"``, 151 characters.
    """
    if not isinstance(value, str) or not USERNAME_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid Django username. Use letters, digits and "
            "@ . + - _ only, without spaces"
        )
    if len(value) > 150:
        raise ValueError(f"it is {len(value)} characters long. Use at most 150")


def validate_python_version(django_version, minimum, setup_environment, version_info):
    """Check that the Python that will run the setup can run the chosen Django.

    ``minimum`` is the oldest Python of that Django (``_minimum_python`` in
    cookiecutter.json, also the generated ``requires-python``).
    Valid: ``("5.2", "3.11", "venv", (3, 11))``,
    ``("6.1", "3.12", "current", (3, 12))``,
    ``("6.1", "3.12", "skip", (3, 11))`` (nothing runs here).
    Invalid: ``("6.1", "3.12", "venv", (3, 11))``, ``("5.2", "3.11", "current", (3, 10))``.
    """
    if setup_environment == "skip":
        return
    needed = tuple(int(part) for part in minimum.split("."))
    if tuple(version_info[:2]) < needed:
        running = ".".join(str(part) for part in version_info[:2])
        raise ValueError(
            f"Django {django_version} needs Python {minimum} or newer, but setup "
            f"would run with Python {running}. Run cookiecutter with Python "
            f"{minimum}+, choose another Django version, or set "
            "setup_environment=skip"
        )


def validate_service_role(service_role, jwt_algorithm, signing, token_transport):
    """Check that a verifier can verify its issuer's tokens, and needs no token endpoints.

    ``signing`` is cookiecutter.json's ``__signing`` for ``jwt_algorithm``.
    Valid: ``("issuer", "HS256", "hmac", "cookie")``,
    ``("verifier", "RS256", "asymmetric", "header")``.
    Invalid: ``("verifier", "HS256", "hmac", "header")`` (a shared secret cannot
    be published), ``("verifier", "ES256", "asymmetric", "cookie")`` (a verifier
    serves no token endpoint to set a cookie).
    """
    if service_role != "verifier":
        return
    if signing == "hmac":
        raise ValueError(
            f"a verifier needs an asymmetric jwt_algorithm, and {jwt_algorithm} "
            "signs with a shared secret. Choose jwt_algorithm RS256, ES256, "
            "PS256 or EdDSA, or service_role=issuer"
        )
    if token_transport != "header":
        raise ValueError(
            "a verifier serves no token endpoints, so token_transport=cookie has "
            "nothing to set the cookie. Choose token_transport=header, or "
            "service_role=issuer"
        )


def validate_mfa(mfa, service_role, blacklist):
    """Check that two-factor login lives where logins and sessions do.

    A verifier logs nobody in (its ``RequireMFA`` reads the issuer's ``amr``
    claim whatever this answer), and enrolling ends the user's other
    sessions, which the blacklist keeps.
    Valid: ``("none", any, any)``, ``("totp", "issuer", True)``.
    Invalid: ``("totp", "verifier", True)``, ``("totp", "issuer", False)``.
    """
    if mfa != "totp":
        return
    if service_role != "issuer":
        raise ValueError(
            "a verifier logs nobody in, so it has no second factor to ask for (its "
            "RequireMFA permission reads the issuer's amr claim anyway). Choose "
            "mfa=none, or service_role=issuer"
        )
    if not blacklist:
        raise ValueError(
            "two-factor login ends the user's other sessions when a device is added "
            "or removed, and sessions need the token blacklist. Turn "
            "use_token_blacklist on, or choose mfa=none"
        )


def validate_issuer_only(service_role, name, value, default):
    """Check that an account answer other than its default goes to an issuer.

    Accounts (sign-up, email login, password reset) live where users log in:
    a verifier has no password and no login of its own.
    Valid: ``("issuer", "login_field", "email", "username")``,
    ``("verifier", "account_signup", "closed", "closed")``.
    Invalid: ``("verifier", "login_field", "email", "username")``,
    ``("verifier", "account_signup", "open", "closed")``.
    """
    if service_role == "verifier" and value != default:
        raise ValueError(
            f"a verifier has no accounts of its own, so {name}={value} would do "
            f"nothing. Keep {name}={default}, or choose service_role=issuer"
        )


def validate_email_verification(email_verification, account_signup):
    """Check that optional email verification comes with open sign-up.

    Accounts made by administrators need no verification: only the default
    (``mandatory``, which then means nothing) is accepted with closed sign-up.
    Valid: ``("mandatory", "closed")``, ``("optional", "open")``,
    ``("mandatory", "open")``. Invalid: ``("optional", "closed")``.
    """
    if email_verification == "optional" and account_signup != "open":
        raise ValueError(
            "email_verification only applies to open sign-up, and account_signup "
            "is closed. Choose account_signup=open, or leave email_verification "
            "at its default"
        )


def validate_not_marked(value):
    """Check that an answer no longer carries the retry command's ``<-fix`` mark.

    Valid: ``"15"``, ``"My Service"``. Invalid: ``"abc <-fix"``, ``"<-fix"``
    (pasted back without being edited).
    """
    if isinstance(value, str) and FIX_MARK in value:
        raise ValueError(
            f"{value!r} still carries the {FIX_MARK!r} mark of the retry command. "
            "Replace the marked value with your answer"
        )


def rotation_warnings(rotate, blacklist):
    """Return a warning when rotated refresh tokens can never be refused.

    Rotation without the blacklist hands out a new refresh token on every
    refresh while every old one stays valid until it expires.
    """
    if rotate and not blacklist:
        return [
            "WARNING: rotate_refresh_tokens without use_token_blacklist: every old "
            "refresh token stays valid until it expires. Turn use_token_blacklist and "
            "blacklist_after_rotation on to refuse them."
        ]
    return []


def find_problems(answers, version_info=sys.version_info):
    """Return ``(variable, message)`` for every problem found, in a stable order."""
    checks = [
        (
            "project_name",
            validate_text,
            (answers["project_name"],),
            {"max_length": MAX_PROJECT_NAME_LENGTH},
        ),
        ("project_slug", validate_project_slug, (answers["project_slug"],), {}),
        ("description", validate_text, (answers["description"],), {"required": False}),
        ("author_name", validate_text, (answers["author_name"],), {}),
        ("author_email", validate_email, (answers["author_email"],), {}),
        (
            "django_version",
            validate_python_version,
            (
                answers["django_version"],
                answers["_minimum_python"][answers["django_version"]],
                answers["setup_environment"],
                version_info,
            ),
            {},
        ),
        (
            "access_token_lifetime_minutes",
            validate_access_token_lifetime,
            (answers["access_token_lifetime_minutes"],),
            {},
        ),
        (
            "refresh_token_lifetime_days",
            validate_refresh_token_lifetime,
            (answers["refresh_token_lifetime_days"],),
            {},
        ),
        ("auth_header_types", parse_header_types, (answers["auth_header_types"],), {}),
        ("superuser_username", validate_username, (answers["superuser_username"],), {}),
        (
            "service_role",
            validate_service_role,
            (
                answers["service_role"],
                answers["jwt_algorithm"],
                answers["__signing"],
                answers["token_transport"],
            ),
            {},
        ),
        ("superuser_email", validate_email, (answers["superuser_email"],), {}),
        (
            "mfa",
            validate_mfa,
            (answers["mfa"], answers["service_role"], answers["use_token_blacklist"]),
            {},
        ),
    ]
    problems = []
    failed = set()
    # An answer pasted back with its mark is reported as such, not judged.
    for variable, value in public_answers(answers).items():
        try:
            validate_not_marked(value)
        except ValueError as error:
            problems.append((variable, str(error)))
            failed.add(variable)
    for variable, validator, args, kwargs in checks:
        if variable in failed:
            continue
        try:
            validator(*args, **kwargs)
        except ValueError as error:
            problems.append((variable, str(error)))
            failed.add(variable)

    lifetimes = {"access_token_lifetime_minutes", "refresh_token_lifetime_days"}
    if not failed & lifetimes:
        try:
            validate_token_lifetimes(
                answers["access_token_lifetime_minutes"],
                answers["refresh_token_lifetime_days"],
            )
        except ValueError as error:
            problems.append(("refresh_token_lifetime_days", str(error)))
    try:
        validate_blacklist_after_rotation(
            answers["blacklist_after_rotation"],
            answers["rotate_refresh_tokens"],
            answers["use_token_blacklist"],
        )
    except ValueError as error:
        problems.append(("blacklist_after_rotation", str(error)))
    try:
        validate_token_transport(
            answers["token_transport"], answers["use_token_blacklist"]
        )
    except ValueError as error:
        problems.append(("token_transport", str(error)))
    for name, default in (("login_field", "username"), ("account_signup", "closed")):
        try:
            validate_issuer_only(answers["service_role"], name, answers[name], default)
        except ValueError as error:
            problems.append((name, str(error)))
    try:
        validate_email_verification(
            answers["email_verification"], answers["account_signup"]
        )
    except ValueError as error:
        problems.append(("email_verification", str(error)))
    return problems


def collect_errors(answers, version_info=sys.version_info):
    """Return one ``ERROR: <variable>: <message>.`` line per problem found."""
    return [
        f"ERROR: {variable}: {message}."
        for variable, message in find_problems(answers, version_info)
    ]


# The retry command ----------------------------------------------------------------


def public_answers(answers):
    """Return the answers a user can give on the command line, by name.

    Private variables (``_template``, ``_minimum_python``, ``__prompts__``...)
    are cookiecutter's or the template's own, never asked.
    """
    return {name: value for name, value in answers.items() if not name.startswith("_")}


def command_line_value(value):
    """Return ``value`` as cookiecutter reads it back from ``name=value``, or None.

    ``True`` -> ``"yes"``, ``5`` -> ``"5"``, ``"My Service"`` unchanged; a
    list or a dictionary cannot be given on the command line: None.
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, str)):
        return str(value)
    return None


def cookiecutter_program(executable):
    """Return the words that start cookiecutter the way the user started it.

    Hooks run with cookiecutter's own interpreter: under ``uvx`` it lives in
    uv's archive cache, under ``pipx run`` in pipx's cache, and the plain
    ``cookiecutter`` command may not exist on the user's PATH at all.
    """
    parts = Path(executable).parts
    if "archive-v0" in parts:
        return ["uvx", "cookiecutter"]
    if "pipx" in parts and ".cache" in parts:
        return ["pipx", "run", "cookiecutter"]
    return ["cookiecutter"]


def same_directory(first, second):
    """Return True when both paths name one existing directory."""
    try:
        return Path(first).resolve(strict=True) == Path(second).resolve(strict=True)
    except (OSError, TypeError):
        return False


def retry_command(answers, refused, *, executable=sys.executable, shell_cwd=None):
    """Return a shell command that bakes again with every answer given.

    Each refused answer keeps what was typed, followed by `` <-fix``, and
    comes last: after pasting, the cursor sits right behind the answer to
    edit. Every value is single-quoted where the shell would read anything
    into it, so pasting runs nothing but cookiecutter; and an answer pasted
    back still marked is refused (``validate_not_marked``, or cookiecutter
    itself for a yes/no or choice answer), so the command cannot bake
    unedited. ``shell_cwd`` is the user's directory (``$PWD``): when it is
    where the bake was to go, ``--output-dir`` is left out.
    """
    words = [*cookiecutter_program(executable), answers["_template"], "--no-input"]
    if answers.get("_checkout"):
        words += ["--checkout", answers["_checkout"]]
    output_dir = answers.get("_output_dir")
    if output_dir and not same_directory(output_dir, shell_cwd):
        words += ["--output-dir", output_dir]
    given = []
    marked = []
    for name, value in public_answers(answers).items():
        text = command_line_value(value)
        if text is None:
            continue
        if name in refused:
            # An answer pasted back unedited already carries the mark: once is enough.
            if FIX_MARK in text:
                text = text.replace(FIX_MARK, "").rstrip()
            marked.append(f"{name}={shlex.quote(f'{text} {FIX_MARK}'.lstrip())}")
        else:
            given.append(f"{name}={shlex.quote(text)}")
    return " ".join([*map(shlex.quote, words), *given, *marked])


def retry_advice(command):
    """Return the lines that follow the errors: how to try again with one edit."""
    return (
        "\nNothing was written. To try again without the prompts, copy the next "
        f"line, edit each answer marked {FIX_MARK} at its end, and run it:\n\n"
        f"{command}\n\n"
        "(The traceback cookiecutter prints below only repeats that these checks "
        "stopped the bake.)"
    )


def main():
    answers = json.loads(RENDERED_ANSWERS)
    warnings = rotation_warnings(
        answers["rotate_refresh_tokens"], answers["use_token_blacklist"]
    )
    if warnings:
        print("\n".join(warnings), file=sys.stderr)
    problems = find_problems(answers)
    if problems:
        for variable, message in problems:
            print(f"ERROR: {variable}: {message}.", file=sys.stderr)
        refused = {variable for variable, _ in problems}
        command = retry_command(answers, refused, shell_cwd=os.environ.get("PWD"))
        print(retry_advice(command), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
