"""Addresses of pages in the MLflow UI: what ``bsgan ui`` prints and the report links to."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

HOST = "127.0.0.1"
DEFAULT_PORT = 5000


def base_url(host: str = HOST, port: int = DEFAULT_PORT) -> str:
    return f"http://{host}:{port}"


TRAINING_LAYOUT = "workflowType=machine_learning"
"""MLflow 3's UI opens in its GenAI layout; this query selects the runs-and-metrics one our runs need."""


def run_url(base: str, experiment_id: str, run_id: str) -> str:
    """A run's page in the MLflow UI."""
    return f"{base}/#/experiments/{experiment_id}/runs/{run_id}?{TRAINING_LAYOUT}"


def runs_url(base: str, experiment_id: str) -> str:
    """An experiment's table of runs."""
    return f"{base}/#/experiments/{experiment_id}/runs?{TRAINING_LAYOUT}"


def compare_url(base: str, experiment_ids: list[str], run_ids: list[str]) -> str:
    """The UI's side-by-side view of ``run_ids`` (params, metrics, plots)."""
    query = urlencode({"runs": json.dumps(run_ids), "experiments": json.dumps(sorted(set(experiment_ids)))},
                      quote_via=quote)
    return f"{base}/#/compare-runs?{query}&{TRAINING_LAYOUT}"


def experiments_url(base: str) -> str:
    return f"{base}/#/experiments?{TRAINING_LAYOUT}"
