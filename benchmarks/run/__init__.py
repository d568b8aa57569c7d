"""Benchmark a baked project against the seed article's configuration, side by side.

    python -m benchmarks.run                        # the full run (about 10 minutes)
    python -m benchmarks.run --quick                # one short round, to try it
    python -m benchmarks.run --database postgresql  # every project on PostgreSQL
    python -m benchmarks.run --write-readme         # and the README's table from it
    python -m benchmarks.run --help

Run it from the template's root with a Python that has the template's test
requirements and the generated project's dependencies (the test environment of
README.md). It needs wrk (https://github.com/wg/wrk; ``apt-get install wrk`` on Debian and Ubuntu).

What it does, in one run:

1. bakes the default project (``setup_environment=current``, the timed "bake
   with dependencies present"), a project with refresh rotation and blacklist,
   a project with the cookie transport (refresh token in a cookie, CSRF
   checked; its ``/api/`` beside its health too), an ES256 issuer and a verifier of its tokens
   (``service_role=verifier``), an issuer with open sign-up and TOTP login
   (the accounts and two-factor rows), and sets up the article's project
   (``jwt_authentication_with_drf/``: its settings and views, Django's default
   PBKDF2 hasher, no connection reuse);
2. serves each with gunicorn (same worker count; ours through its
   ``config/gunicorn.py`` and production settings); the verifier fetches the
   issuer's key set through a local proxy that counts the fetches;
3. loads each endpoint with wrk, alternating the servers, ``--rounds`` times,
   and keeps the median of the rounds;
4. bakes the project as a newcomer would: a fresh ``.venv`` with uv, and
   with pip;
5. prints a table of rates and ratios, each against its target (``report.py``),
   and writes every measurement as JSON; with ``--write-readme``, the table
   goes into the template's README too (``python -m benchmarks.run.readme``
   writes it from a run's JSON later).

Ratios between servers measured in the same run are what to compare across
machines; absolute rates depend on the machine and on what else it runs.
"""
