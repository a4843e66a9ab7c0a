"""The model card states the data, the scores with their intervals, and what was never tested."""

from __future__ import annotations

from bsgan.deploy.model_card import model_card
from bsgan.models.classifier.classifier_file import ClassifierInfo

INFO = ClassifierInfo(["intact", "pitting"], 32, 0.5, "t4_original_classical", 0, "c0ffee" * 10 + "abcd", "intact", 80)
RESULT = {
    "task": "t4_original_classical", "title": "4 original + classical",
    "composition": {"intact": {"real": 691}, "pitting": {"real": 28, "augment": 672}},
    "summary": {name: {"mean": mean, "std": 0.01, "ci_low": mean - 0.03, "ci_high": mean + 0.03, "n": 3}
                for name, mean in (("macro_f1", 0.9226), ("accuracy", 0.97), ("f1_intact", 0.99),
                                   ("f1_pitting", 0.85))},
}
FACTS = {"source": "labelme", "confidence": 0.95, "baseline": "t1_original", "p_value": 0.0421,
         "test_counts": {"intact": 231, "pitting": 13}, "seeds": [0, 1, 2], "parity": 3e-8,
         "onnx_sha256": "f" * 64, "chosen_by": "tasks.export"}


def test_the_card_gives_scores_with_intervals_data_and_limits() -> None:
    card = model_card(INFO, RESULT, FACTS)
    assert card.startswith("# Model card: bsgan failure classifier, task t4_original_classical")
    assert "| macro_f1 | 0.923 | 0.893 – 0.953 | 3 |" in card
    assert "| F1 pitting | 0.850 | 0.820 – 0.880 | 3 |" in card
    assert "pitting: 28 real, 672 augment" in card and "231 intact, 13 pitting images" in card
    assert "crops 80 photo pixels wide" in card and "paired p = 0.042" in card
    limits = card.split("## Not tested on", 1)[1]
    assert "other machines" in limits and "Calibration" in limits and "244 test images" in limits


def test_the_baseline_itself_gets_no_p_value() -> None:
    card = model_card(INFO, RESULT | {"task": "t1_original"}, FACTS)
    assert "paired p" not in card
