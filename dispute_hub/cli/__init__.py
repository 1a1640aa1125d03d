"""The `flask --app dispute_hub …` commands; each module holds the commands of one area."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from .court import import_court_outcomes_command
    from .intake import import_cases_command
    from .mediation import sweep_deadlines_command
    from .retrain import retrain_classifier_command
    from .rollup import stats_rollup_command
    from .search import reindex_command, similar_command
    from .setup import (
        create_api_token_command,
        create_user_command,
        init_db_command,
        seed_demo_command,
        verify_chains_command,
    )
    from .stats import stats_command
    from .triage import triage_command

    for command in (init_db_command, seed_demo_command, create_user_command, verify_chains_command,
                    create_api_token_command, import_cases_command, triage_command, retrain_classifier_command,
                    import_court_outcomes_command, sweep_deadlines_command, similar_command, reindex_command,
                    stats_command, stats_rollup_command):
        app.cli.add_command(command)
