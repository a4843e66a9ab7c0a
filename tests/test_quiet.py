import logging
import os
import warnings

import pytest
import torch

from bsgan.config import ClassifyConfig
from bsgan.metrics.inception import InceptionFeatures
from bsgan.models.classifier.training import LabelledImages, train_classifier
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


def test_a_classifier_without_validation_split_trains_without_warnings() -> None:
    """GAN-test's reference classifier trains on the whole real train split: Lightning's 'no val_dataloader'
    warning is expected there and must not reach the stage's log."""
    images = torch.randint(0, 256, (8, 3, 16, 16), dtype=torch.uint8)
    data = LabelledImages(images, torch.tensor([0, 1] * 4))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        quiet_third_party()
        train_classifier(data, None, data, ["intact", "pitting"], ClassifyConfig(epochs=1, batch_size=4, width=0.25), 0)
    assert [str(w.message) for w in caught if "validation_step" in str(w.message)] == []
