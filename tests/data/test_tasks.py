"""Train-set composition of every task: counts first, then images."""

from __future__ import annotations

import pytest
import torch

from bsgan.config import AugmentConfig, TaskDefinition, TasksConfig, parse_params
from bsgan.data.tasks import classical_augmenter, compose, hold_out, plan
from bsgan.errors import ParamsError

PAPER = TasksConfig().definitions
AVAILABLE = {"real": 100, "classical": 600, "gan_original": 700, "gan_classical": 700}
"""The paper's pitting class: 100 real train images, classical set topped up to 700, 700 per generator."""


def counts(task: str, available: dict[str, int] = AVAILABLE, target: int = 700) -> dict[str, int]:
    return {portion.source: portion.count for portion in plan(PAPER[task], "pitting", available, target)}


def test_the_paper_tasks_compose_as_in_the_paper() -> None:
    assert counts("t1_original") == {"real": 100}
    assert counts("t2_original_gan") == {"real": 100, "gan_original": 600}
    assert counts("t3_gan_only") == {"gan_original": 700}
    assert counts("t4_original_classical") == {"real": 100, "augment": 600}
    assert counts("t5_original_gan_classical") == {"real": 100, "gan_classical": 600}
    assert counts("t6_classical_on_gan") == {"real": 100, "gan_original": 100, "augment": 500}


def test_rust_has_more_real_images_and_needs_fewer() -> None:
    rust = AVAILABLE | {"real": 128, "classical": 572}
    assert counts("t2_original_gan", rust) == {"real": 128, "gan_original": 572}
    assert counts("t6_classical_on_gan", rust) == {"real": 128, "gan_original": 100, "augment": 472}
    assert sum(counts("t4_original_classical", rust).values()) == 700


def test_a_seventh_task_is_one_registry_entry() -> None:
    params = parse_params({"tasks": {"definitions": {
        **{name: task.model_dump() for name, task in PAPER.items()},
        "t7_half_gan": {"title": "7 original + 300 GAN",
                        "parts": [{"source": "real"}, {"source": "gan_original", "count": 300}]},
    }}})
    task = params.tasks.definitions["t7_half_gan"]
    assert [(p.source, p.count) for p in plan(task, "rust", AVAILABLE, 700)] == [("real", 100), ("gan_original", 300)]


def test_a_class_already_above_the_target_gets_nothing_added() -> None:
    assert counts("t2_original_gan", AVAILABLE | {"real": 800}) == {"real": 800, "gan_original": 0}
    assert counts("t6_classical_on_gan", AVAILABLE | {"real": 650}) == {"real": 650, "gan_original": 50, "augment": 0}


def test_too_few_generated_images_name_the_key_to_raise() -> None:
    with pytest.raises(ParamsError,
                       match=r"needs 600 pitting images from gan_original, which holds 50 \(raise generate.count\)"):
        counts("t2_original_gan", AVAILABLE | {"gan_original": 50})


def test_augment_cannot_start_a_task() -> None:
    with pytest.raises(ParamsError, match="tasks.definitions.bad: parts: 'augment' cannot come first"):
        parse_params({"tasks": {"definitions": {"bad": {"title": "x", "parts": [{"source": "augment", "count": 5}]}},
                                "baseline": "bad"}})


def test_the_baseline_must_be_a_task() -> None:
    with pytest.raises(ParamsError, match="tasks: baseline: 'nope' is not a task"):
        parse_params({"tasks": {"baseline": "nope"}})


def test_compose_takes_prefixes_and_augments_what_was_gathered() -> None:
    real = torch.zeros(4, 3, 16, 16, dtype=torch.uint8)
    generated = torch.arange(10, dtype=torch.uint8)[:, None, None, None].expand(10, 3, 16, 16).contiguous()
    seen: list[int] = []

    def augment(images: torch.Tensor, count: int) -> torch.Tensor:
        seen.append(len(images))
        return torch.full((count, 3, 16, 16), 255, dtype=torch.uint8)

    task = TaskDefinition(title="x", parts=[{"source": "real"}, {"source": "gan_original", "count": 3},
                                            {"source": "augment", "count": "fill"}])
    images = compose(plan(task, "rust", {"real": 4, "gan_original": 10}, 12), {"real": real, "gan_original": generated},
                     augment)
    assert images.shape == (12, 3, 16, 16)
    assert seen == [7], "augmentation draws from the 4 real and 3 generated images"
    assert images[4:7, 0, 0, 0].tolist() == [0, 1, 2], "the first generated images, in order"
    assert (images[7:] == 255).all()


def test_classical_augmenter_is_seeded_and_uses_every_source() -> None:
    images = torch.randint(0, 256, (3, 3, 16, 16), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    augment = classical_augmenter(AugmentConfig(), "rust", seed=0)
    first, again = augment(images, 7), augment(images, 7)
    assert first.shape == (7, 3, 16, 16) and first.dtype == torch.uint8
    assert torch.equal(first, again)
    assert not torch.equal(classical_augmenter(AugmentConfig(), "rust", seed=1)(images, 7), first)


def test_hold_out_is_stratified_seeded_and_disjoint() -> None:
    keep, held = hold_out(100, 0.1, "pitting", seed=0)
    assert len(held) == 10 and len(keep) == 90 and not set(keep) & set(held)
    assert (held == hold_out(100, 0.1, "pitting", seed=0)[1]).all()
    assert not (held == hold_out(100, 0.1, "rust", seed=0)[1]).all()
    assert len(hold_out(5, 0.05, "x", 0)[1]) == 1, "a small class still gives one validation image"
    assert len(hold_out(5, 0.0, "x", 0)[1]) == 0
