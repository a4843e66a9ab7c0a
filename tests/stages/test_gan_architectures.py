"""Each ``gan.architecture`` through the real stages: trained, killed, resumed to the same bytes, generated from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from bsgan.cli import main
from bsgan.data.prepared import read_image_set
from bsgan.models.architectures import GENERATORS
from bsgan.models.dcgan.generator_file import load_generator
from tests.conftest import TINY_GAN
from tests.stages.gan_project import power_cut_at_loop, prepared_project

PLAIN_LABELS = {"rust": {"real": 1.0, "fake": 0.0}}
"""FastGAN's hinge loss has no BCE targets to smooth."""
ARCHITECTURES = {"dcgan": TINY_GAN, "fastgan": {**TINY_GAN, "architecture": "fastgan", "labels": PLAIN_LABELS}}


@pytest.fixture(params=sorted(ARCHITECTURES))
def project(request: pytest.FixtureRequest, write_params: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    params = write_params({"gan": {**ARCHITECTURES[request.param], "ema": 0.9},
                           "generate": {"count": 6, "batch_size": 4, "interpolation_pairs": 1,
                                        "interpolation_steps": 3}, "eval": {"fid_repeats": 1}})
    return prepared_project(params, monkeypatch)


def test_a_killed_run_resumes_to_the_bytes_of_an_uninterrupted_one_and_generates(
        project: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    architecture = request.node.callspec.params["project"]
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "whole"]) == 0

    with power_cut_at_loop(2), pytest.raises(RuntimeError, match="power cut"):  # after the checkpoint of loops 1-2
        main(["train-gan", "--class", "rust", "--source", "original", "--models", "parts"])
    assert (project / "checkpoints/gan/rust-original/last.ckpt").exists()
    assert main(["train-gan", "--class", "rust", "--source", "original", "--models", "parts"]) == 0

    resumed = project / "parts/rust-original/generator.pt"
    assert resumed.read_bytes() == (project / "whole/rust-original/generator.pt").read_bytes()
    assert isinstance(load_generator(resumed), GENERATORS[architecture])

    assert main(["generate", "--class", "rust", "--source", "original", "--models", "parts"]) == 0
    rows = read_image_set(project / "data/generated/rust-original", split="train")
    assert len(rows) == 6 and {row.label for row, _ in rows} == {"rust"}



@pytest.mark.parametrize("project", ["fastgan"], indirect=True)
def test_fastgan_fine_tunes_from_intact_with_frozen_lowest_blocks_under_the_probe(write_params: Callable[..., Path],
                                                                                 project: Path) -> None:
    write_params({"gan": {**ARCHITECTURES["fastgan"], "pretrain_loops": 2, "freeze_d": 1, "eval_every": 2,
                          "eval_count": 6}, "eval": {"fid_repeats": 1}})
    assert main(["train-gan", "--class", "rust", "--source", "original"]) == 0

    [cached] = project.glob(".cache/gan_pretrain/*.pt")
    start = torch.load(cached, weights_only=True)
    trained = torch.load(project / "models/gan/rust-original/checkpoint.ckpt", weights_only=False)["state_dict"]
    stem = "discriminator.blocks.0.0.parametrizations.weight.original"  # block 0: frozen by freeze_d: 1
    assert torch.equal(trained[stem], start[stem])
    above = "discriminator.blocks.1.main.0.parametrizations.weight.original"
    assert not torch.equal(trained[above], start[above])
    probe = (project / "plots/gan_fidelity/rust-original.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in probe[1:]] == ["2", "4"]
