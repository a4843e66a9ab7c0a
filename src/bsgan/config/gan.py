"""The ``gan`` section: the generator family, its training recipe and the few-shot generator options."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bsgan.config.base import ClassName, Probability, Section
from bsgan.config.runtime import RuntimeConfig


class LabelValues(Section):
    """Discriminator targets for one class; ``real < 1`` / ``fake > 0`` is one-sided label smoothing."""

    real: Probability = 1.0
    fake: Probability = 0.0

    @model_validator(mode="after")
    def _real_above_fake(self) -> LabelValues:
        if self.real <= self.fake:
            raise ValueError(f"real label {self.real} must be above fake label {self.fake}")
        return self


class GanConfig(RuntimeConfig):
    """The ``gan`` section: the DCGAN of Table 2 and the training recipe of Table 3."""

    classes: list[ClassName] = Field(default_factory=lambda: ["pitting", "rust"], min_length=1)
    """Failure classes that get generators; ``dvc.yaml`` expands two stages per class (original, classical)."""
    sources: list[Literal["original", "classical"]] = Field(default_factory=lambda: ["original", "classical"],
                                                            min_length=1)
    """Train sets that get generators. A source left out still has its DVC stages, which only write a
    ``skipped.json``: the classical-set GANs are half the GAN time, and tasks 1, 2, 4 and 6 do not read them."""
    architecture: Literal["dcgan", "fastgan"] = "dcgan"
    """The generator family: the paper's DCGAN (BCE), or FastGAN (Liu et al. 2021: skip-layer excitation, a
    self-supervised discriminator, hinge loss) built for few-shot sets. Widths multiply each family's channels."""
    latent_size: Annotated[int, Field(ge=1, le=4096)] = 100
    generator_width: Annotated[float, Field(gt=0.0, le=4.0)] = 1.0
    """Multiplier on the paper's generator channels (1024, 512, 256, 128); fastgan: on 512, 256, 128, 64, 64, 32."""
    discriminator_width: Annotated[float, Field(gt=0.0, le=4.0)] = 1.0
    """Multiplier on the paper's discriminator channels (32, 64, 128, 256); fastgan: on 32, 64, 128, 256, 512."""
    noise_std: Annotated[float, Field(ge=0.0, le=2.0)] = 0.1
    """Std of the discriminator's Gaussian input-noise layer; 0 switches it off."""
    dropout: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.25
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 50
    loops: Annotated[int, Field(ge=1)] = 30000
    """Training loops (the paper's unit): k_d discriminator updates, then k_g generator updates."""
    k_d: Annotated[int, Field(ge=1, le=20)] = 4
    k_g: Annotated[int, Field(ge=1, le=20)] = 3
    lr_g: Annotated[float, Field(gt=0.0, le=1.0)] = 0.0002
    lr_d: Annotated[float, Field(gt=0.0, le=1.0)] = 0.0002
    beta1_g: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    beta1_d: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    labels: dict[str, LabelValues] = Field(
        default_factory=lambda: {"pitting": LabelValues(real=1.0, fake=0.0), "rust": LabelValues(real=0.85, fake=0.15)}
    )
    """Per failure class; a class not listed uses real 1 / fake 0."""
    diffaug: list[Literal["translation", "cutout", "color"]] = Field(default_factory=list)
    """Differentiable augmentation of real and fake images before the discriminator."""
    compile: bool = False
    """``torch.compile`` the generator and discriminator (a one-off compile of seconds to minutes)."""
    compile_mode: Literal["default", "reduce-overhead", "max-autotune"] = "default"
    """``reduce-overhead`` replays CUDA graphs: on a GPU it removes the launch cost of small layers."""
    devices: Annotated[int, Field(ge=1, le=1024)] = 1
    """Processes training one generator with DDP (GPUs, or CPU processes over gloo); batch_size is per process."""
    checkpoint_every: Annotated[int, Field(ge=1)] = 500
    log_every: Annotated[int, Field(ge=1)] = 100
    eval_every: Annotated[int, Field(ge=0)] = 0
    """Loops between FID/KID probes against the class's real train images (0: off); shows when training stops
    helping."""
    eval_count: Annotated[int, Field(ge=2, le=10000)] = 100
    """Generated images per probe (a fixed latent batch): few keeps the probe cheap; FID is biased upwards at small
    counts."""
    seed: Annotated[int, Field(ge=0)] = 0
    repeats: Annotated[int, Field(ge=1, le=100)] = 1
    """Generators trained per class and source, repeat r with seed ``seed + r`` and otherwise the same recipe;
    classify seed s uses repeat ``s % repeats``, so generator randomness enters the task intervals. 1: one."""
    # Few-shot generator options (issue 16). Each is off by default; the paper profile keeps them off.
    ema: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    """Decay of an exponential moving average of the generator's weights, the generator that samples
    (Yazici et al. 2019); ramped up over the first loops. 0: off, the trained weights sample."""
    ada_target: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0
    """Adaptive augmentation (Karras et al. 2020): each ``diffaug`` op is applied with a probability p that
    rises while the overfitting heuristic r_t = E[sign(D(real))] is above this target and falls below it
    (0: off, every op always applied; Karras et al. use 0.6)."""
    ada_interval: Annotated[int, Field(ge=1)] = 4
    """Loops between updates of p."""
    ada_speed: Annotated[int, Field(ge=1)] = 10000
    """Real images shown to the discriminator for p to move from 0 to 1."""
    pretrain_loops: Annotated[int, Field(ge=0)] = 0
    """Loops on the intact class's real train images first; every failure-class GAN then fine-tunes from
    those weights (the surface before the defect, as in DFMGAN). 0: off, trained from scratch."""
    freeze_d: Annotated[int, Field(ge=0, le=4)] = 0
    """Lowest discriminator conv blocks frozen while fine-tuning from pretrained weights (FreezeD)."""
    classical_from_original: bool = False
    """The classical-set GAN starts from the original-set GAN's weights instead of from scratch."""
    on_collapse: Literal["restart", "stop", "warn"] = "restart"
    """What a collapse seen by the fidelity probe (``eval.verdict`` bounds) or the loss curve does: ``restart``
    trains again with the next seed (at most ``collapse_restarts`` times, then stops), ``stop`` fails the stage
    with the evidence, ``warn`` logs it and keeps the generator. A collapse is a tail event of a recipe (3 of
    14 default trainings on one CPU): one unlucky seed must not decide every GAN task."""
    collapse_restarts: Annotated[int, Field(ge=0, le=20)] = 2
    """Seeds tried after the first collapses (``on_collapse: restart``). Attempt a of repeat r trains with seed
    ``seed + r + a * repeats``: the same params give the same seeds, so a restarted generator is reproducible."""

    @field_validator("classes")
    @classmethod
    def _class_names(cls, classes: list[str]) -> list[str]:
        if len(set(classes)) != len(classes):
            raise ValueError("a class is listed twice")
        return classes

    @field_validator("sources")
    @classmethod
    def _sources_once(cls, sources: list[str]) -> list[str]:
        if len(set(sources)) != len(sources):
            raise ValueError("a source is listed twice")
        return sources

    @model_validator(mode="after")
    def _compile_in_one_process(self) -> GanConfig:
        if self.compile and self.devices > 1:
            raise ValueError("compile: true needs devices: 1 (compiled networks do not travel to DDP's spawned "
                             "processes)")
        return self

    @model_validator(mode="after")
    def _options_have_what_they_need(self) -> GanConfig:
        if self.ada_target and not self.diffaug:
            raise ValueError("ada_target > 0 adapts how often the diffaug ops apply: list some in diffaug")
        if self.freeze_d and not (self.pretrain_loops or self.classical_from_original):
            raise ValueError("freeze_d > 0 freezes pretrained layers: needs pretrain_loops > 0 or "
                             "classical_from_original")
        if self.classical_from_original and self.sources == ["classical"]:
            raise ValueError("classical_from_original fine-tunes from the original-set GAN: keep original in sources")
        return self

    @model_validator(mode="after")
    def _fastgan_has_no_label_targets(self) -> GanConfig:
        if self.architecture == "fastgan":
            smoothed = sorted(name for name, values in self.labels.items() if (values.real, values.fake) != (1.0, 0.0))
            if smoothed:
                raise ValueError(f"gan.labels: {', '.join(smoothed)} smooth the BCE targets of the dcgan; fastgan's "
                                 "hinge loss has none (set them to real 1.0 / fake 0.0 with architecture: fastgan)")
        return self

    def labels_for(self, label: str) -> LabelValues:
        return self.labels.get(label, LabelValues())

    def recipe(self) -> dict[str, Any]:
        """The settings one generator is trained with: everything but which generators exist (``classes``,
        ``repeats``) and how it is watched."""
        return self.model_dump(mode="json", exclude={"classes", "sources", "repeats", "eval_every",
                                                             "eval_count", "on_collapse", "collapse_restarts"})

    def for_repeat(self, repeat: int, attempt: int = 0) -> GanConfig:
        """The settings repeat ``repeat`` of a generator trains with: seed ``seed + repeat``, the rest unchanged;
        after ``attempt`` collapses, ``attempt * repeats`` further on (no other repeat's seed)."""
        offset = repeat + attempt * self.repeats
        return self if offset == 0 else self.model_copy(update={"seed": self.seed + offset})
