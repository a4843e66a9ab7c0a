"""``bsgan turing-test``: a sheet from the project's images, and scoring answers into MLflow."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import mlflow
import pytest
import torch

from bsgan.cli import main
from bsgan.models.dcgan.generator_file import save_generator
from bsgan.models.dcgan.torch_model import Generator


@pytest.fixture
def project(write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Prepared tiny data and 4 images of an untrained rust generator."""
    root = write_params({"generate": {"count": 6, "interpolation_pairs": 1, "interpolation_steps": 3},
                         "gan": {"device": "cpu"}, "eval": {"fid_repeats": 1}}).parent
    monkeypatch.chdir(root)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    assert main(["prepare", "--out", "data/prepared", "--metrics", "m.json"]) == 0
    (root / "models/gan/rust-original").mkdir(parents=True)
    torch.manual_seed(0)
    save_generator(Generator(32, 100, 0.0625), 32, 0.0625, root / "models/gan/rust-original/generator.pt")
    assert main(["generate", "--class", "rust", "--source", "original"]) == 0
    return root


def test_writes_a_sheet_and_scores_answers_into_mlflow(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["turing-test", "--class", "rust", "--count", "3"]) == 0
    page = (project / "reports/turing/rust-original.html").read_text()
    assert page.count("<figure") == 6 and "data:image/png;base64," in page
    key = json.loads((project / "reports/turing/rust-original.key.json").read_text())
    assert sorted(key["truth"].values()) == ["generated"] * 3 + ["real"] * 3

    answers = {"sheet": "rust-original", "answers": {i: "real" for i in key["truth"]}}  # says "real" to everything
    (project / "answers.json").write_text(json.dumps(answers))
    capsys.readouterr()
    assert main(["turing-test", "--score", "answers.json"]) == 0
    assert capsys.readouterr().out.startswith("accuracy 0.50 (3/6), 95% CI 0.12-0.88")
    [run] = mlflow.search_runs(experiment_names=["gan-eval"], output_format="list")
    assert run.data.metrics["turing/accuracy"] == 0.5 and run.data.tags["sheet"] == "rust-original"


def test_asking_for_more_images_than_exist_is_one_clear_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["turing-test", "--class", "rust", "--count", "50"]) == 2
    assert "(real): only 5 images, the sheet needs 50" in capsys.readouterr().err


def test_bad_answers_and_a_missing_generate_step_are_one_clear_line(project: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (project / "list.json").write_text("[1, 2, 3]")
    (project / "no-sheet.json").write_text(json.dumps({"answers": {"a": "real"}}))
    for command, message in [
        ("--score list.json", ("list.json: expected the answers a sheet downloads (a JSON object with 'sheet' and "
                               "'answers'), got a JSON list")),
        ("--score no-sheet.json", "no-sheet.json: no 'sheet' name"),
        # pitting has prepared images but no generated ones: the missing step is generate, not prepare
        ("--class pitting", ("data/generated/pitting-original: no generated images "
                             "(run `bsgan generate --class pitting --source original` or `dvc repro` first)")),
    ]:
        assert main(["turing-test", *command.split()]) == 2, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


def test_answers_saved_as_utf16_and_a_negative_count_are_one_clear_line(project: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (project / "utf16.json").write_bytes('{"sheet": "rust-original"}'.encode("utf-16"))  # starts with FF FE
    for command, message in [("--score utf16.json", "utf16.json: not UTF-8 text"),
                             ("--class rust --count -3", "--count -3: the sheet needs at least 1"),
                             ("--class rust --count 0", "--count 0: the sheet needs at least 1")]:
        assert main(["turing-test", *command.split()]) == 2, command
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err


def test_partial_answers_say_so_and_every_score_is_kept(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["turing-test", "--class", "rust", "--count", "3"]) == 0
    key = json.loads((project / "reports/turing/rust-original.key.json").read_text())
    first = sorted(key["truth"])[0]
    (project / "one.json").write_text(json.dumps({"sheet": "rust-original",
                                                  "answers": {first: key["truth"][first]}}))
    (project / "all.json").write_text(json.dumps({"sheet": "rust-original", "answers": key["truth"]}))
    capsys.readouterr()
    assert main(["turing-test", "--score", "one.json"]) == 0
    assert "accuracy 1.00 (1/1)" in (out := capsys.readouterr()).out and "only 1 of the sheet's 6 images" in out.out
    assert main(["turing-test", "--score", "all.json"]) == 0
    history = (project / "reports/turing/rust-original.scores.csv").read_text().splitlines()
    assert [row.split(",")[:3] for row in history[1:]] == [["one.json", "1", "1"], ["all.json", "6", "6"]]
