import logging
import os
import warnings

import pytest

from bsgan.metrics.inception import InceptionFeatures
from bsgan.quiet import quiet_third_party


def test_lightnings_roll_call_and_stop_line_are_dropped_real_warnings_kept(caplog: pytest.LogCaptureFixture) -> None:
    quiet_third_party()
    lightning = logging.getLogger("pytorch_lightning.utilities.rank_zero")
    with caplog.at_level(logging.INFO):
        for line in ("GPU available: False, used: False", "TPU available: False, using: 0 TPU cores",
                     "`Trainer.fit` stopped: `max_epochs=3` reached.", "💡 Tip: try LitServe"):
            lightning.info(line)
        lightning.warning("GPU available but not used.")
        logging.getLogger("pytorch_lightning.loggers.mlflow").warning(
            "Experiment with name gan not found. Creating it.")
    assert [record.getMessage() for record in caplog.records] == ["GPU available but not used."]


def test_mlflow_says_only_warnings() -> None:
    quiet_third_party()
    assert logging.getLogger("mlflow").getEffectiveLevel() >= logging.WARNING
    assert os.environ["MLFLOW_LOGGING_LEVEL"] == "WARNING"


def test_loading_the_fid_network_warns_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        quiet_third_party()
        InceptionFeatures()
    assert [str(w.message) for w in caught] == []
