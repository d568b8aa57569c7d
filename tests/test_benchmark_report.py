"""The benchmark's table and the README block made from it (no bake, no server).

A run's JSON (``python -m benchmarks.run``) becomes rows with targets, and
``python -m benchmarks.run.readme`` writes them between two markers of the
template's README: the same run always gives the same block, and the block in
the README is the one its recorded run gives (no hand edit survives).
"""

import copy
import json

import pytest

from benchmarks.run import readme
from benchmarks.run.command_line import parse_args
from benchmarks.run.report import ROTATION_TARGETS, TARGETS, target_met

# Every measure of issue 23's table, and the rows of what the other issues
# added: each must carry a target, so that a regression shows.
ISSUE_23_ROWS = {
    "api_vs_health",
    "cookie_api_vs_health",
    "issuer_api_vs_health",
    "verifier_api_vs_health",
    "refresh_rotation_vs_article",
    "refresh_vs_article",
    "login_vs_article",
    "bake_current_seconds",
    "bake_newcomer_uv_seconds",
    "bake_newcomer_pip_seconds",
    "prune_seconds",
    "refresh_p99_during_prune_vs_idle",
}
FEATURE_ROWS = {
    "signup_vs_login",
    "client_grant_vs_article_refresh",
    "totp_login_vs_password_login",
    "verifier_hung_vs_answering",
    "verifier_unknown_kid_seconds",
    "reset_known_vs_unknown",
    "refresh_hook_vs_none",
    "login_hook_vs_none",
}


def outcomes(*rates, **extra):
    return [{"rate": rate, "failed": 0} | extra for rate in rates]


def recorded_run(**conditions):
    """A small run's JSON, as ``python -m benchmarks.run --json`` writes it."""
    verifier_api = [
        {"rate": 1900.0, "failed": 0, "key_set_fetches": 0},
        {"rate": 2000.0, "failed": 0, "key_set_fetches": 1},
    ]
    strangers = {"sent": 40, "statuses": {"401": 40}}
    return {
        "conditions": {
            "date": "2026-12-07 05:40 UTC",
            "commit": "542fa2c",
            "database": "sqlite",
            "redis": False,
            "rounds": 3,
            "duration": 10,
            "workers": 2,
            "threads": 2,
            "connections": 8,
            "bakes": 5,
            "rates": True,
            "only": None,
            "quick": False,
            "cpus": 2,
            "load_average_at_start": 0.4,
        }
        | conditions,
        "machine": {"cpus": 2, "load_average_at_start": [0.4, 0.5, 0.6]},
        "rates": {
            "health": {
                "baseline": outcomes(2500.0, 2400.0),
                "ours": outcomes(2700.0, 2600.0),
                "cookie": outcomes(2650.0, 2550.0),
                "issuer": outcomes(2400.0, 2500.0),
                "verifier": outcomes(2000.0, 2100.0),
            },
            "api": {
                "baseline": outcomes(800.0, 780.0),
                "ours": outcomes(2600.0, 2450.0),
                "cookie": outcomes(2300.0, 2200.0),
                "issuer": outcomes(2350.0, 2400.0),
                "verifier": verifier_api,
            },
            "jwks": {"issuer": outcomes(3200.0, 3100.0)},
            "password_check": {
                "baseline": outcomes(3.3, 3.4),
                "ours": outcomes(33.0, 35.0),
            },
            "obtain": {
                "baseline": outcomes(6.9, 7.0),
                "ours": outcomes(60.0, 58.0),
                "no_hook": outcomes(61.0, 60.0),
            },
            "refresh": {
                "baseline": outcomes(890.0, 900.0),
                "ours": outcomes(700.0, 720.0),
                "no_hook": outcomes(900.0, 950.0),
            },
            "client_grant": {"ours": outcomes(950.0, 1000.0)},
            "refresh_cookie": {"cookie": outcomes(690.0, 700.0)},
            "refresh_rotation": {"rotation": outcomes(520.0, 540.0)},
            "reset_unknown": {"accounts": outcomes(300.0, 280.0)},
            "reset_known": {"accounts": outcomes(290.0, 285.0)},
            "plain_login": {"accounts": outcomes(24.0, 25.0)},
            "signup": {"accounts": outcomes(23.0, 24.0)},
            "password_login": {"accounts": outcomes(19.5, 20.0)},
            "totp_login": {"accounts": outcomes(18.0, 19.0)},
            "api_strangers": {
                "verifier": outcomes(
                    900.0, 880.0, strangers=strangers | {"slowest": 0.1}
                )
            },
            "api_issuer_hung": {
                "verifier": outcomes(
                    870.0, 860.0, strangers=strangers | {"slowest": 0.2}
                )
            },
            "key_set_fetches_whole_run": {"verifier": 2},
        },
        "bakes": {
            "current": [1.9, 2.1, 1.8],
            "newcomer_uv": [3.5],
            "newcomer_pip": [9.0],
        },
    }


def recorded_token_tables():
    """A ``python -m benchmarks.token_tables --json`` report, trimmed."""
    return {
        "options": {"rows": "1000000", "rounds": "3", "duration": "10", "workers": "2"},
        "small": {"rate": 300.0, "p99_ms": 40.0},
        "large": {"rate": 290.0, "p99_ms": 50.0},
        "cleanup": {
            "seconds": 25.5,
            "loads": [{"rate": 250.0, "p99_ms": 60.0}, {"rate": 260.0, "p99_ms": 70.0}],
        },
    }


def rows_by_key(run, token_tables=None):
    rows = readme.rows_of(run, token_tables)
    return {row.key: row for row in rows}


def test_every_measure_of_issue_23_and_of_the_features_has_a_target():
    rows = rows_by_key(recorded_run(), recorded_token_tables())
    missing = (ISSUE_23_ROWS | FEATURE_ROWS) - set(rows)
    assert not missing, f"rows without a measure: {sorted(missing)}"
    untargeted = [
        key for key in ISSUE_23_ROWS | FEATURE_ROWS if rows[key].target is None
    ]
    assert not untargeted, f"rows without a target: {sorted(untargeted)}"
    assert all(
        target_met(rows[key]) is not None for key in ISSUE_23_ROWS | FEATURE_ROWS
    )


@pytest.mark.parametrize(
    ("key", "bound"),
    [
        ("api_vs_health", 0.95),
        ("cookie_api_vs_health", 0.95),
        ("issuer_api_vs_health", 0.95),
        ("verifier_api_vs_health", 0.95),
        ("refresh_vs_article", 1.2),
        ("login_vs_article", 9.0),
        ("bake_current_seconds", 2.0),
        ("bake_newcomer_uv_seconds", 4.0),
        ("bake_newcomer_pip_seconds", 8.0),
        ("prune_seconds", 30.0),
        ("refresh_p99_during_prune_vs_idle", 1.5),
    ],
)
def test_the_targets_are_issue_23s(key, bound):
    assert TARGETS[key][2] == bound


def test_the_rotation_target_is_the_databases():
    sqlite = rows_by_key(recorded_run())["refresh_rotation_vs_article"]
    postgresql = rows_by_key(recorded_run(database="postgresql"))[
        "refresh_rotation_vs_article"
    ]
    assert sqlite.target == ROTATION_TARGETS["sqlite"] == ("ratio", ">=", 1.0)
    assert postgresql.target == ROTATION_TARGETS["postgresql"] == ("ratio", ">=", 2.5)


def test_ratios_and_verdicts_follow_the_measurements():
    rows = rows_by_key(recorded_run(), recorded_token_tables())
    # Paired ratios: the median of 2600/2700 and 2450/2600.
    assert rows["api_vs_health"].ours == pytest.approx((2600 / 2700 + 2450 / 2600) / 2)
    assert target_met(rows["api_vs_health"]) is True
    assert target_met(rows["login_vs_article"]) is False  # 8.5, under 9
    # The hasher alone: the login's ratio cannot exceed it.
    assert rows["password_check"].ratio == pytest.approx((33 / 3.3 + 35 / 3.4) / 2)
    assert rows["password_check"].target is None
    assert rows["verifier_key_set_fetches"].ours == 1
    assert rows["bake_current_seconds"].ours == 1.9
    assert target_met(rows["bake_newcomer_pip_seconds"]) is False
    # The median slice's p99, as benchmarks.token_tables compares it.
    assert rows["refresh_p99_during_prune_vs_idle"].ratio == pytest.approx(65 / 50)
    assert target_met(rows["prune_seconds"]) is True


def test_a_load_the_run_did_not_make_is_not_measured():
    run = recorded_run()
    del run["rates"]["client_grant"]
    run["bakes"] = {}
    rows = rows_by_key(run)
    assert target_met(rows["client_grant_vs_article_refresh"]) is None
    assert target_met(rows["bake_current_seconds"]) is None
    assert "| client credentials grant vs the article's refresh | 895 | - | - |" in (
        readme.render_block(run)
    )


def test_the_block_is_the_same_for_the_same_run():
    run, tables = recorded_run(), recorded_token_tables()
    block = readme.render_block(run, tables)
    # Through JSON, keys sorted: what a recorded run reads back as.
    reread = json.loads(json.dumps(copy.deepcopy(run), sort_keys=True))
    assert readme.render_block(reread, tables) == block
    assert readme.render_block(run, tables) == block


def test_the_record_keeps_what_makes_the_same_block():
    run, tables = recorded_run(), recorded_token_tables()
    run["options"] = {"json": "/home/someone/run.json", "template": "/home/someone"}
    tables["cleanup"]["output"] = "Deleted 500000 tokens."
    recorded = json.loads(json.dumps(readme.recordable(run, tables)))
    assert "/home/someone" not in json.dumps(recorded)
    assert readme.render_block(recorded["run"], recorded["token_tables"]) == (
        readme.render_block(run, tables)
    )


def test_the_block_says_when_where_and_how_the_run_was_made():
    block = readme.render_block(recorded_run(), recorded_token_tables())
    lines = block.splitlines()
    assert lines[0] == readme.START
    assert lines[-1] == readme.END
    conditions = lines[2]
    for fact in (
        "2026-12-07 05:40 UTC",
        "542fa2c",
        "sqlite",
        "medians of 3 rounds of 10 s",
        "2 sync workers",
        "wrk -t2 -c8",
    ):
        assert fact in conditions
    assert "Provisional" not in block
    assert "1,000,000 outstanding tokens" in block


def test_the_block_is_a_markdown_table_of_every_row():
    run, tables = recorded_run(), recorded_token_tables()
    lines = readme.render_block(run, tables).splitlines()
    header = lines.index("| measure | reference | ours | ratio | target | met |")
    assert lines[header + 1] == "| --- | ---: | ---: | ---: | --- | --- |"
    table = []
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split(" | ")])
    rows = readme.rows_of(run, tables)
    assert [cells[0] for cells in table] == [row.label for row in rows]
    assert all(len(cells) == 6 for cells in table)
    by_label = {cells[0]: cells for cells in table}
    assert by_label["refresh, rotation + blacklist (req/s)"][1:] == [
        "895",
        "530",
        "0.59",
        "ratio ≥ 1",
        "**NOT met**",
    ]
    assert by_label["bake with dependencies present (s)"][1:] == [
        "-",
        "1.90",
        "-",
        "ours ≤ 2",
        "met",
    ]
    assert by_label["password reset, known vs unknown address"][4] == (
        "ratio between 0.8 and 1.25"
    )


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [
        ({"quick": True, "rounds": 1}, "--quick; 1 round, not 3"),
        ({"only": ["signup", "plain_login"]}, "only signup, plain_login"),
        ({"bakes": 0}, "no bakes"),
        ({"commit": "542fa2c-dirty"}, "template at 542fa2c-dirty"),
        ({"load_average_at_start": 5.2}, "busy machine (load average 5.2 on 2 CPUs"),
    ],
)
def test_a_run_not_to_compare_is_marked_provisional(conditions, reason):
    block = readme.render_block(recorded_run(**conditions))
    (line,) = [line for line in block.splitlines() if "Provisional" in line]
    assert reason in line


def test_token_tables_smaller_than_the_issues_are_marked_provisional():
    tables = recorded_token_tables()
    tables["options"]["rows"] = "20000"
    block = readme.render_block(recorded_run(), tables)
    assert "token tables of 20,000 tokens, not 1,000,000" in block
    assert "| prune_tokens on 20,000 tokens, under load (s) |" in block


def test_without_a_token_tables_report_the_block_says_how_to_add_one():
    block = readme.render_block(recorded_run())
    assert "prune_tokens" not in block
    assert "--token-tables FILE" in block


def test_failed_requests_are_told():
    run = recorded_run()
    run["rates"]["signup"]["accounts"][0]["failed"] = 12
    assert "**12 requests failed**" in readme.render_block(run)


def test_only_the_block_is_replaced_and_again_gives_the_same_text():
    text = f"# Title\n\nBefore.\n\n{readme.START}\nold table\n{readme.END}\n\nAfter.\n"
    block = readme.render_block(recorded_run())
    written = readme.replace_block(text, block)
    assert written.startswith("# Title\n\nBefore.\n\n")
    assert written.endswith("\n\nAfter.\n")
    assert readme.current_block(written) == block
    assert readme.replace_block(written, block) == written
    with pytest.raises(ValueError, match="needs one"):
        readme.replace_block("no markers", block)


def test_the_readme_command_writes_then_checks(tmp_path, capsys):
    run_json = tmp_path / "run.json"
    run_json.write_text(json.dumps(recorded_run()))
    page = tmp_path / "README.md"
    page.write_text(f"Intro.\n\n{readme.START}\n{readme.END}\n")
    record = tmp_path / "record.json"
    paths = ["--readme", str(page), "--record", str(record)]
    assert readme.main([str(run_json), *paths]) == 0
    assert readme.main(["--check", *paths]) == 0
    page.write_text(page.read_text().replace("| 895 |", "| 990 |", 1))
    assert readme.main(["--check", *paths]) == 1
    assert "not the generated one" in capsys.readouterr().out
    assert readme.main(paths) == 0  # From the record again.
    assert readme.main(["--check", *paths]) == 0


def test_the_readme_table_is_the_one_its_recorded_run_gives():
    """README.md's block was generated from benchmarks/readme_table.json, untouched."""
    recorded = json.loads(readme.RECORD.read_text())
    block = readme.render_block(recorded["run"], recorded["token_tables"])
    assert readme.current_block(readme.README.read_text()) == block, (
        "README.md's benchmark table differs from its record: regenerate it with "
        "`python -m benchmarks.run.readme` (from a new run: give its JSON)"
    )


def test_the_benchmark_command_line_is_unchanged_and_can_write_the_readme():
    defaults = parse_args([])
    assert (defaults.rounds, defaults.duration, defaults.database) == (3, 10, "sqlite")
    assert not defaults.write_readme
    assert defaults.token_tables is None
    quick = parse_args(
        ["--quick", "--skip-bakes", "--only", "signup", "--write-readme"]
    )
    assert (quick.rounds, quick.duration, quick.only) == (1, 5, ["signup"])
    assert quick.write_readme
