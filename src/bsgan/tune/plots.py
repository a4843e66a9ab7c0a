"""A study's pictures, from Optuna's own visualisations: interactive HTML (plotly, self-contained) and PNG.

Optimisation history, parameter importances (fANOVA), parallel coordinates and slices. A plot that
needs more finished trials than the study has yet is skipped with a line saying so.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import optuna.visualization as interactive
import optuna.visualization.matplotlib as static

from bsgan.metrics.figures import plt  # selects the off-screen backend first

log = logging.getLogger(__name__)
PLOTS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "history": (interactive.plot_optimization_history, static.plot_optimization_history),
    "importances": (interactive.plot_param_importances, static.plot_param_importances),
    "parallel_coordinate": (interactive.plot_parallel_coordinate, static.plot_parallel_coordinate),
    "slice": (interactive.plot_slice, static.plot_slice),
}


def write_plots(study: optuna.Study, folder: Path) -> list[str]:
    """``<name>.html`` and ``<name>.png`` per plot into ``folder``; returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    finished = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    for name, (html_plot, png_plot) in PLOTS.items():
        if len(finished) < 2:
            log.info("%s: needs 2 complete trials, the study has %d", name, len(finished))
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                html_plot(study).write_html(folder / f"{name}.html", include_plotlyjs=True, full_html=True)
                axes = png_plot(study)
        except (ValueError, RuntimeError) as exc:  # e.g. importances when no parameter varied
            log.info("%s: skipped (%s)", name, exc)
            continue
        figure = np.ravel(axes)[0].figure
        figure.set_size_inches(max(figure.get_figwidth(), 8), max(figure.get_figheight(), 5))
        figure.savefig(folder / f"{name}.png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        written.append(name)
    return written
