"""The model card of an exported classifier: what it learnt from, how well, and what nobody checked.

Follows the headings of Mitchell et al., "Model Cards for Model Reporting" (2019), cut to what this
project knows: the data, the task, the scores with their intervals, and the limits of the evidence.
"""

from __future__ import annotations

from typing import Any

from bsgan.models.classifier.classifier_file import ClassifierInfo

_SCORES = ("macro_f1", "accuracy", "macro_precision", "macro_recall")


def _row(name: str, spread: dict[str, Any]) -> str:
    return f"| {name} | {spread['mean']:.3f} | {spread['ci_low']:.3f} – {spread['ci_high']:.3f} | {spread['n']} |"


def model_card(info: ClassifierInfo, result: dict[str, Any], facts: dict[str, Any]) -> str:
    """Markdown for the task ``result`` (``results.json``) exported from seeds described by ``info``.

    ``facts``: ``source`` (data.source), ``confidence``, ``baseline``, ``p_value`` (macro F1 vs the
    baseline, or None), ``test_counts`` ({class: images}), ``seeds``, ``parity`` (max |ONNX - PyTorch|
    probability on the test split), ``onnx_sha256``, ``chosen_by``.
    """
    classes = info.classes
    summary = result["summary"]
    composition = result["composition"]
    confidence = round(100 * facts["confidence"])
    lines = [
        f"# Model card: bsgan failure classifier, task {result['task']}",
        "",
        "## Model",
        "",
        (f"- The paper's Table 5 CNN (width x{info.width}, input {info.image_size}x{info.image_size}), an ensemble of "
        f"{len(facts['seeds'])} seeds ({', '.join(map(str, facts['seeds']))}): the mean of their softmax outputs."),
        f"- Task `{result['task']}` ({result['title']}), chosen by {facts['chosen_by']}.",
        f"- Classes, in output order: {', '.join(f'`{c}`' for c in classes)}"
        + (f"; `{info.intact_class}` is the intact surface." if info.intact_class else "."),
        ("- `classifier.onnx`: input `image`, float32 `(N, 3, H, W)` RGB in [0, 255], any H and W; output "
        "`probabilities`, `(N, classes)`. Resizing (bilinear, antialiased) and normalisation "
        f"(mean {info.normalisation['mean']}, std {info.normalisation['std']} on [0, 1]) are inside the graph."),
        (f"- Parity: the largest difference between ONNX Runtime's and PyTorch's probabilities on the test split "
        f"was {facts['parity']:.2e}. ONNX file sha256 `{facts['onnx_sha256'][:16]}…`."),
        "",
        "## Data",
        "",
        f"- Source: `{facts['source']}`"
        + (f"; crops {info.crop_side} photo pixels wide (median), resized to {info.image_size} px." if info.crop_side
           else f"; images {info.image_size} px."),
        "- Train images per class and origin: "
        + "; ".join(f"{label}: " + ", ".join(f"{count} {source}" for source, count in parts.items())
                    for label, parts in composition.items()) + ".",
        f"- Train set sha256 `{info.train_sha256[:16]}…` (images and labels, as the classifier files record it).",
        "- Test: the untouched real test split, "
        + ", ".join(f"{count} {label}" for label, count in facts["test_counts"].items()) + " images.",
        "",
        f"## Scores on the test split (mean over seeds, {confidence}% confidence interval)",
        "",
        "| metric | mean | interval | seeds |",
        "|---|---|---|---|",
        *(_row(name, summary[name]) for name in _SCORES if name in summary),
        *(_row(f"F1 {label}", summary[f"f1_{label}"]) for label in classes if f"f1_{label}" in summary),
        "",
        ("The interval is over seeds of one data split: it shows how much training randomness moves the score, "
        "not how the score would move on new photographs."),
    ]
    if facts.get("p_value") is not None and result["task"] != facts["baseline"]:
        lines += ["", f"Macro F1 against the baseline task `{facts['baseline']}`: paired p = {facts['p_value']:.3f}."]
    lines += [
        "",
        "## Not tested on",
        "",
        ("- Photographs from other machines, spindles, cameras, lenses, lighting or surface finishes than the "
        "source data; nothing here measures how it transfers."),
        "- Failure classes other than those listed: any other defect is forced into one of them.",
        (f"- Images at another scale than the train crops{f' ({info.crop_side} px)' if info.crop_side else ''}: the "
        "graph resizes whatever it gets, but the network learnt one scale."),
        ("- Whole photographs: the test scores are of single crops; a sliding-window scan (`bsgan predict --scan`) "
        "has its own error rates (README, \"Use a trained classifier\")."),
        "- Calibration: the probabilities were not checked against observed frequencies.",
        f"- Small samples: {sum(facts['test_counts'].values())} test images; rare classes have wide intervals.",
        "",
    ]
    return "\n".join(lines)
