"""``params.yaml``, read and validated in one place into frozen, typed config objects.

Stages receive these objects, never raw dicts. Unknown keys are errors (a misspelt key must not be
silently ignored) and every failure becomes one :class:`~bsgan.errors.ParamsError` line that names
the dotted key, e.g. ``params.yaml: data.image_size: must be >= 16 (got 8)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bsgan.errors import ParamsError

SYNTHETIC_CLASSES = ("pitting", "rust", "intact")
_CLASS_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveInt = Annotated[int, Field(ge=1)]


def normalise_class_name(label: str) -> str:
    """Map a free-form label (``"Pitting"``, ``"Surface Rust"``) to a class name (``surface_rust``)."""
    return re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class SplitCounts(_Section):
    """Number of images of one class in each split."""

    train: Annotated[int, Field(ge=1)]
    test: Annotated[int, Field(ge=1)]


class SyntheticConfig(_Section):
    """The procedural ball-screw surface generator (the default source; no download)."""

    difficulty: Probability = 0.5
    """0 = defects large and obvious; 1 = small, faint defects and many look-alikes on intact."""
    counts: dict[str, SplitCounts] = Field(
        default_factory=lambda: {
            "pitting": SplitCounts(train=100, test=32),
            "rust": SplitCounts(train=128, test=41),
            "intact": SplitCounts(train=700, test=222),
        }
    )

    @field_validator("counts")
    @classmethod
    def _known_classes(cls, counts: dict[str, SplitCounts]) -> dict[str, SplitCounts]:
        unknown = sorted(set(counts) - set(SYNTHETIC_CLASSES))
        if unknown:
            raise ValueError(
                f"unknown class {unknown[0]!r}; the synthetic source draws {', '.join(SYNTHETIC_CLASSES)}"
            )
        if len(counts) < 2:
            raise ValueError("needs at least two classes")
        return counts


class IntactFilterConfig(_Section):
    """Thresholds that drop automatically cut intact crops a person would reject.

    All statistics are computed on the grey-level crop resized to 96 x 96 and scaled to [0, 1]
    (whatever ``data.image_size`` is), so the thresholds keep their meaning.
    """

    min_std: Annotated[float, Field(ge=0.0, le=0.5)] = 0.04
    """Near-uniform crops (plain background, blown-out highlight) have a lower contrast than this."""
    min_sharpness: Annotated[float, Field(ge=0.0)] = 0.0035
    """Mean gradient magnitude (Gaussian, sigma 2 px) in the crop's blurriest quadrant; out-of-focus
    crops and background fall below it (BSData sample: 25th percentile of candidate crops about
    0.0027, median 0.0039; 0.0035 drops about 40 %)."""
    max_dark_fraction: Probability = 0.6
    """Crops with more pixels darker than ``dark_level`` show background, not the spindle (its
    shadowed grooves cover less than this)."""
    dark_level: Probability = 0.2


class LabelmeConfig(_Section):
    """Full photographs with labelme polygon annotations (the BSData layout)."""

    margin: Annotated[float, Field(ge=0.0, le=2.0)] = 0.25
    """Margin added on every side of a polygon's bounding box, as a fraction of its longer side."""
    min_crop: Annotated[int, Field(ge=8)] = 48
    """Smallest crop side in source pixels; tiny defects get this much context."""
    max_aspect: Annotated[float, Field(ge=1.0, le=10.0)] = 1.5
    """A polygon box longer than this ratio is covered by several square crops along its long axis."""
    intact_crop: Annotated[int, Field(ge=0)] = 0
    """Side of intact crops in source pixels; 0 = the median failure-crop side of that photo (so both
    classes share a scale), for unlabelled photos the median over the data set."""
    intact_per_photo: Annotated[int, Field(ge=0)] = 40
    """Cap on intact crops per photo, so a few large photos do not dominate the class."""
    intact_max: Annotated[int, Field(ge=0)] = 922
    """Cap on intact crops over all photos (the paper kept 922)."""
    intact_from_unlabelled: bool = False
    """Also cut intact crops from photos without annotation file (unverified as defect-free)."""
    filter: IntactFilterConfig = Field(default_factory=IntactFilterConfig)


class LeakConfig(_Section):
    """How ``prepare`` looks for test images that are (nearly) train images."""

    max_hash_distance: Annotated[int, Field(ge=0, le=64)] = 6
    """A train/test pair whose 64-bit perceptual hashes differ in at most this many bits counts as a near
    duplicate (0: identical hashes only). Unrelated crops differ in about 32 bits; one spot photographed
    again, or a crop shifted by a few pixels, in a handful."""
    pairs_shown: Annotated[int, Field(ge=1, le=64)] = 8
    """Closest train/test pairs drawn in ``data/prepared/leaks/closest_pairs.png`` and listed in the report."""


class DataConfig(_Section):
    """The ``data`` section: which source feeds ``prepare`` and how."""

    source: Literal["synthetic", "labelme", "folder"] = "synthetic"
    root: Path = Path("data/raw")
    """Input folder for the ``labelme`` and ``folder`` sources (relative to the project root)."""
    image_size: Annotated[int, Field(ge=16, le=1024)] = 96
    intact_class: str = "intact"
    classes: list[str] | None = None
    """Classes to keep (all found when null); a listed class missing from the data is an error."""
    test_fraction: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.25
    min_source_side: Annotated[int, Field(ge=1)] = 16
    """Shortest side of an image of the ``folder`` source (labelme crops have ``labelme.min_crop``); a smaller
    one would be blown up to ``image_size`` into blur, so it is an error naming the file."""
    group_by: str | None = None
    """Regular expression searched in each image's source path (relative to ``root``); the text of its named
    group ``group`` (or of every named group ``group_*``, joined by ``-``; or else the whole match) is the unit
    the train/test split keeps whole. Null: each source photo (folder source: each file) is its own unit."""
    seed: Annotated[int, Field(ge=0)] = 0
    leak: LeakConfig = Field(default_factory=LeakConfig)
    train_limit: int | dict[str, int | None] | None = None
    """Cap on real train images per failure class, applied in ``prepare`` so every later stage sees the same
    budget (null: all): one number for every failure class, or per class (``{pitting: 25}``; a class not
    listed keeps all). A cap above what a class has keeps all of it. The test split is never capped."""
    train_limit_seed: Annotated[int, Field(ge=0)] = 0
    """Seeds each class's draw order; a budget keeps a prefix of it, so smaller budgets nest in larger ones."""
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig)
    labelme: LabelmeConfig = Field(default_factory=LabelmeConfig)

    @field_validator("train_limit", mode="before")
    @classmethod
    def _train_limit(cls, limit: Any) -> Any:
        def check(value: Any, where: str) -> None:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise ValueError(f"{where}must be a whole number of images >= 1 or null (got {value!r})")

        if isinstance(limit, dict):
            for label, value in limit.items():
                check(value, f"{label}: ")
        else:
            check(limit, "")
        return limit

    @field_validator("intact_class")
    @classmethod
    def _class_name(cls, name: str) -> str:
        if not _CLASS_NAME.match(name):
            raise ValueError(f"{name!r} is not a class name (lower case letters, digits, '_')")
        return name

    @field_validator("group_by")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
        return pattern

    @field_validator("classes")
    @classmethod
    def _class_names(cls, names: list[str] | None) -> list[str] | None:
        if names is None:
            return None
        for name in names:
            cls._class_name(name)
        if len(set(names)) < 2:
            raise ValueError("needs at least two distinct classes")
        return names

    @model_validator(mode="after")
    def _intact_is_a_class(self) -> DataConfig:
        if self.classes is not None and self.intact_class not in self.classes:
            raise ValueError(f"data.intact_class {self.intact_class!r} is not in data.classes {self.classes}")
        if self.source == "synthetic":
            drawn = set(self.synthetic.counts)
            if self.intact_class not in drawn:
                raise ValueError(
                    f"data.intact_class {self.intact_class!r} is not a synthetic class ({', '.join(sorted(drawn))})"
                )
            missing = sorted(set(self.classes or ()) - drawn)
            if missing:
                raise ValueError(f"data.classes: {missing[0]!r} is not drawn by the synthetic source")
        if isinstance(self.train_limit, dict):
            for label in (label for label, cap in self.train_limit.items() if cap is not None):
                if label == self.intact_class:
                    raise ValueError(f"data.train_limit.{label}: the intact class is never capped")
                if self.classes is not None and label not in self.classes:
                    raise ValueError(f"data.train_limit.{label}: not a class in data.classes {self.classes}")
                if self.source == "synthetic" and label not in self.synthetic.counts:
                    raise ValueError(f"data.train_limit.{label}: not a class the synthetic source draws")
        return self


class AugmentConfig(_Section):
    """Classical augmentation of each failure class's train split (the paper's recipe)."""

    target_per_class: Annotated[int, Field(ge=1)] = 700
    """Images per failure class after augmentation, originals included."""
    seed: Annotated[int, Field(ge=0)] = 0
    hflip_p: Probability = 0.5
    vflip_p: Probability = 0.5
    rotation_p: Probability = 0.5
    rotation_degrees: Annotated[float, Field(ge=0.0, le=180.0)] = 20.0
    translate_p: Probability = 0.5
    translate_fraction: Annotated[float, Field(ge=0.0, le=0.5)] = 0.1
    noise_p: Probability = 0.5
    noise_std: Annotated[float, Field(ge=0.0, le=1.0)] = 0.03
    """Standard deviation of additive Gaussian noise on images scaled to [0, 1]."""

    @model_validator(mode="after")
    def _some_step_fires(self) -> AugmentConfig:
        steps = (self.hflip_p, self.vflip_p, self.rotation_p, self.translate_p, self.noise_p)
        if not any(steps):
            raise ValueError("every step's probability is 0: augmentation could only copy the originals")
        return self


class LabelValues(_Section):
    """Discriminator targets for one class; ``real < 1`` / ``fake > 0`` is one-sided label smoothing."""

    real: Probability = 1.0
    fake: Probability = 0.0

    @model_validator(mode="after")
    def _real_above_fake(self) -> LabelValues:
        if self.real <= self.fake:
            raise ValueError(f"real label {self.real} must be above fake label {self.fake}")
        return self


class GanConfig(_Section):
    """The ``gan`` section: the DCGAN of Table 2 and the training recipe of Table 3."""

    classes: list[str] = Field(default_factory=lambda: ["pitting", "rust"], min_length=1)
    """Failure classes that get generators; ``dvc.yaml`` expands two stages per class (original, classical)."""
    latent_size: Annotated[int, Field(ge=1, le=4096)] = 100
    generator_width: Annotated[float, Field(gt=0.0, le=4.0)] = 1.0
    """Multiplier on the paper's generator channels (1024, 512, 256, 128)."""
    discriminator_width: Annotated[float, Field(gt=0.0, le=4.0)] = 1.0
    """Multiplier on the paper's discriminator channels (32, 64, 128, 256)."""
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
    precision: Literal["32", "bf16"] = "32"
    """``bf16``: autocast to bfloat16 (weights and optimiser stay float32); fast on GPUs and AMX/AVX512-BF16 CPUs."""
    channels_last: bool = False
    """Convolutions in NHWC layout (faster in oneDNN and cuDNN for most shapes; same math)."""
    tf32: bool = False
    """CUDA only: float32 matmuls and convolutions on TF32 tensor cores (10-bit mantissa); false is exact float32."""
    compile: bool = False
    """``torch.compile`` the generator and discriminator (a one-off compile of seconds to minutes)."""
    compile_mode: Literal["default", "reduce-overhead", "max-autotune"] = "default"
    """``reduce-overhead`` replays CUDA graphs: on a GPU it removes the launch cost of small layers."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    devices: Annotated[int, Field(ge=1, le=1024)] = 1
    """Processes training one generator with DDP (GPUs, or CPU processes over gloo); batch_size is per process."""
    checkpoint_every: Annotated[int, Field(ge=1)] = 500
    log_every: Annotated[int, Field(ge=1)] = 100
    eval_every: Annotated[int, Field(ge=0)] = 0
    """Loops between FID/KID probes against the class's real train images (0: off); shows when training stops helping."""
    eval_count: Annotated[int, Field(ge=2, le=10000)] = 100
    """Generated images per probe (a fixed latent batch): few keeps the probe cheap; FID is biased upwards at small counts."""
    seed: Annotated[int, Field(ge=0)] = 0
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

    @field_validator("classes")
    @classmethod
    def _class_names(cls, classes: list[str]) -> list[str]:
        for label in classes:
            if not _CLASS_NAME.match(label):
                raise ValueError(f"{label!r} is not a class name (lower case letters, digits, _)")
        if len(set(classes)) != len(classes):
            raise ValueError("a class is listed twice")
        return classes

    @model_validator(mode="after")
    def _compile_in_one_process(self) -> GanConfig:
        if self.compile and self.devices > 1:
            raise ValueError("compile: true needs devices: 1 (compiled networks do not travel to DDP's spawned processes)")
        return self

    @model_validator(mode="after")
    def _options_have_what_they_need(self) -> GanConfig:
        if self.ada_target and not self.diffaug:
            raise ValueError("ada_target > 0 adapts how often the diffaug ops apply: list some in diffaug")
        if self.freeze_d and not (self.pretrain_loops or self.classical_from_original):
            raise ValueError("freeze_d > 0 freezes pretrained layers: needs pretrain_loops > 0 or "
                             "classical_from_original")
        return self

    def labels_for(self, label: str) -> LabelValues:
        return self.labels.get(label, LabelValues())

    def recipe(self) -> dict[str, Any]:
        """The settings one generator is trained with: everything but which generators exist and how it is watched."""
        return self.model_dump(mode="json", exclude={"classes", "eval_every", "eval_count"})


class GenerateConfig(_Section):
    """The ``generate`` section: images drawn from each trained generator for the classification tasks."""

    count: Annotated[int, Field(ge=1)] | Literal["auto"] = "auto"
    """Images per generator (tasks and evaluate_gan use prefixes of them); ``auto``: the most anything reads,
    from the class's train size (:mod:`bsgan.data.sizes`): ``tasks.target_per_class``, ``eval.fid_repeats`` x
    train images, ``eval.turing_count``."""
    seed: Annotated[int, Field(ge=0)] = 0
    """Latent vectors are ``randn(count, latent_size)`` from this seed; row i makes image i."""
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 100
    interpolation_pairs: Annotated[int, Field(ge=1, le=64)] = 6
    interpolation_steps: Annotated[int, Field(ge=3, le=32)] = 10
    interpolation: Literal["slerp", "linear"] = "slerp"
    """Path between two latent points: great circle (suits Gaussian latents) or straight line."""


class ReferenceConfig(_Section):
    """``eval.reference``: the project's classifier network, trained on real images only, that GAN-test asks."""

    epochs: Annotated[int, Field(ge=1, le=1000)] = 12
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 32
    lr: Annotated[float, Field(gt=0.0, le=1.0)] = 0.001
    beta1: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    width: Annotated[float, Field(gt=0.0, le=4.0)] = 0.5


class EvalConfig(_Section):
    """The ``eval`` section: how ``evaluate_gan`` judges each generator (the paper's Table 6 and Figures 9-10)."""

    fid_repeats: Annotated[int, Field(ge=1, le=100)] = 5
    """Disjoint generated sets, each the size of the class's real train set, that FID/KID are averaged over
    (paper: 10, which needs 1300 images for its 128 rust images). They are consecutive slices of ``data/generated``,
    so ``generate.count`` must cover them (``auto`` does)."""
    kid_subsets: Annotated[int, Field(ge=1, le=10000)] = 100
    kid_subset_size: Annotated[int, Field(ge=2)] = 50
    """Images per KID subset, capped by the smaller set; below the set sizes, so subsets differ."""
    tsne_perplexity: Annotated[float, Field(gt=1.0, le=100.0)] = 30.0
    nearest_pairs: Annotated[int, Field(ge=1, le=64)] = 8
    """Generated images shown beside their nearest real train image (closest first)."""
    turing_count: Annotated[int, Field(ge=1, le=500)] = 20
    """Real and generated images each on the blinded sheet for people."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """Where the Inception network runs."""
    seed: Annotated[int, Field(ge=0)] = 0
    prdc_k: Annotated[int, Field(ge=1, le=50)] = 5
    """Nearest neighbour whose distance is a real image's radius for precision/recall/density/coverage."""
    reference: ReferenceConfig = Field(default_factory=lambda: ReferenceConfig())
    """The GAN-test classifier: trained on the real train split only, seeded with ``eval.seed``."""


TaskSource = Literal["real", "classical", "gan_original", "gan_classical", "augment"]
"""Where a task's failure-class images come from: the real train split, the ``augment`` stage's classical
images (originals excluded), a generator trained on the originals or on the classical set, or classical
augmentation of the images the task has gathered so far (the paper's task 6)."""


class TaskPart(_Section):
    """One ingredient of a task's train set, per failure class."""

    source: TaskSource
    count: Annotated[int, Field(ge=0)] | Literal["all", "fill"] = "all"
    """``all`` of the source; a number (capped so the class does not pass ``tasks.target_per_class``); or
    ``fill``: as many as bring the class to the target."""

    @field_validator("count", mode="before")
    @classmethod
    def _count(cls, count: Any) -> Any:
        """One message for the union (pydantic would report each member under an internal name)."""
        if isinstance(count, bool) or not (count in ("all", "fill") or isinstance(count, int) and count >= 0):
            raise ValueError(f"must be a number >= 0, 'all' or 'fill' (got {count!r})")
        return count


class TaskDefinition(_Section):
    """A classification task: how each failure class's train set is composed (intact stays real)."""

    title: str
    parts: list[TaskPart] = Field(min_length=1)

    @model_validator(mode="after")
    def _parts_make_sense(self) -> TaskDefinition:
        if self.parts[0].source == "augment":
            raise ValueError("parts: 'augment' cannot come first (it augments the images gathered before it)")
        for part in self.parts:
            if part.source == "augment" and part.count == "all":
                raise ValueError("parts: 'augment' has no 'all' (give a number or 'fill')")
        return self


def _paper_tasks() -> dict[str, TaskDefinition]:
    def task(title: str, *parts: tuple[str, int | str]) -> TaskDefinition:
        return TaskDefinition(title=title, parts=[TaskPart(source=s, count=c) for s, c in parts])  # type: ignore[arg-type]

    return {
        "t1_original": task("1 original", ("real", "all")),
        "t2_original_gan": task("2 original + GAN", ("real", "all"), ("gan_original", "fill")),
        "t3_gan_only": task("3 GAN only", ("gan_original", "fill")),
        # classical augmentation at task time, of the real images the task keeps (not data/augmented, which
        # also holds copies of the validation images)
        "t4_original_classical": task("4 original + classical", ("real", "all"), ("augment", "fill")),
        "t5_original_gan_classical": task("5 original + GAN(classical)", ("real", "all"), ("gan_classical", "fill")),
        "t6_classical_on_gan": task("6 classical on (original + GAN)", ("real", "all"), ("gan_original", 100),
                                    ("augment", "fill")),
    }


class TasksConfig(_Section):
    """The ``tasks`` section: the registry of classification tasks (the paper's six by default)."""

    target_per_class: PositiveInt = 700
    """Train images per failure class that ``fill`` parts top up to."""
    baseline: str = "t1_original"
    """The task every other one is compared with (relative change, paired test)."""
    definitions: dict[str, TaskDefinition] = Field(default_factory=_paper_tasks)
    export: str | None = None
    """The task whose classifiers ``bsgan export`` (and ``bsgan predict`` by default) use; None: the task with
    the highest lower bound of the macro F1 interval."""

    @model_validator(mode="after")
    def _names(self) -> TasksConfig:
        for name in self.definitions:
            if not _CLASS_NAME.match(name):
                raise ValueError(f"definitions: {name!r} is not a task name (lower case letters, digits, '_')")
        if self.baseline not in self.definitions:
            raise ValueError(f"baseline: {self.baseline!r} is not a task in tasks.definitions")
        if self.export is not None and self.export not in self.definitions:
            raise ValueError(f"export: {self.export!r} is not a task in tasks.definitions")
        return self


class ClassifyConfig(_Section):
    """The ``classify`` section: the paper's Table 5 CNN and Table 7 training, repeated over seeds."""

    epochs: PositiveInt = 100
    batch_size: Annotated[int, Field(ge=1, le=4096)] = 32
    lr: Annotated[float, Field(gt=0.0, le=1.0)] = 0.0002
    beta1: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    width: Annotated[float, Field(gt=0.0, le=8.0)] = 1.0
    """Multiplier on the paper's channels (16, 32, 64) and its dense layer (64)."""
    repeats: Annotated[int, Field(ge=1, le=100)] = 10
    """Trainings per task, with seeds 0..repeats-1 (same seed: same initialisation and batch order)."""
    val_fraction: Annotated[float, Field(ge=0.0, lt=0.5)] = 0.1
    """Share of each class's real train images held out for validation (never the test split)."""
    final_model: Literal["last", "best"] = "last"
    """The model that is tested: after the last epoch, or at the epoch of best validation macro F1."""
    confidence: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.95
    """Level of the confidence intervals over repeats and of the bootstrap over test images."""
    bootstrap_resamples: Annotated[int, Field(ge=100, le=100000)] = 2000
    """Resamples of the test images (within each class, with replacement) in compare_tasks' paired bootstrap."""
    bootstrap_seed: Annotated[int, Field(ge=0)] = 0
    split_seed: Annotated[int, Field(ge=0)] = 0
    """Seed of the validation split and of task-time classical augmentation (same for every task)."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    precision: Literal["32", "bf16"] = "32"
    """``bf16``: autocast to bfloat16 (weights stay float32); fast on GPUs and AMX/AVX512-BF16 CPUs."""
    channels_last: bool = False
    """Convolutions in NHWC layout (same math)."""
    tf32: bool = False
    """CUDA only: float32 matmuls and convolutions on TF32 tensor cores; false is exact float32."""
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    """Repeats trained at once, each in its own process with an equal share of the cores (or of one GPU)."""

    @model_validator(mode="after")
    def _best_needs_validation(self) -> ClassifyConfig:
        if self.final_model == "best" and self.val_fraction == 0:
            raise ValueError("final_model: 'best' needs a validation split (val_fraction > 0)")
        return self


class SearchRange(_Section):
    """A numeric dimension searched between ``low`` and ``high`` (integers when the setting is one)."""

    low: float
    high: float
    log: bool = False
    """Sample on a log scale (latent sizes, learning rates)."""
    step: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> SearchRange:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low} and {self.high})")
        if self.log and self.low <= 0:
            raise ValueError(f"a log scale needs low > 0 (got {self.low})")
        if self.log and self.step is not None:
            raise ValueError("log and step cannot be combined")
        return self


class SearchChoices(_Section):
    """A dimension searched over a list of values."""

    choices: list[Any] = Field(min_length=1)


SearchDimension = SearchRange | SearchChoices | bool | int | float | list[str]
"""A fixed value (not searched), a range, or choices."""

TUNABLE: dict[str, type] = {
    "batch_size": int, "latent_size": int, "k_d": int, "k_g": int, "noise_std": float, "dropout": float,
    "lr_g": float, "lr_d": float, "beta1_g": float, "beta1_d": float, "diffaug": list,
    "label_real": float, "label_fake": float,
}
"""The GAN settings a study may search: ``gan.<name>``, and the tuned class's ``gan.labels`` (real, fake)."""


def _paper_space() -> dict[str, Any]:
    """The paper's search (batch size, latent size, k_d/k_g, label smoothing) plus noise, learning rates, DiffAugment."""
    return {
        "batch_size": SearchChoices(choices=[16, 32, 50, 64, 100]),
        "latent_size": SearchRange(low=64, high=2000, log=True),
        "k_d": SearchRange(low=1, high=5), "k_g": SearchRange(low=1, high=5),
        "label_real": SearchRange(low=0.7, high=1.0), "label_fake": 0.0,
        "noise_std": SearchRange(low=0.0, high=0.3),
        "lr_g": SearchRange(low=5e-5, high=1e-3, log=True), "lr_d": SearchRange(low=5e-5, high=1e-3, log=True),
        "diffaug": SearchChoices(choices=[[], ["translation", "color", "cutout"]]),
    }


class TuneConfig(_Section):
    """The ``tune`` section: Optuna studies of one GAN's settings at a fixed training budget (``bsgan tune``)."""

    metric: Literal["kid", "fid"] = "kid"
    """Minimised: of ``eval_count`` generated images against the class's real train images."""
    loops: Annotated[int, Field(ge=1)] = 400
    """Training budget per trial."""
    report_every: Annotated[int, Field(ge=1)] = 100
    """Loops between intermediate measurements, which the pruner judges."""
    eval_count: Annotated[int, Field(ge=2, le=10000)] = 100
    sampler: Literal["tpe", "random"] = "tpe"
    seed: Annotated[int, Field(ge=0)] = 0
    """Seeds the sampler; every trial's networks start from ``gan.seed``, so trials differ by their settings."""
    pruner: Literal["median", "hyperband", "none"] = "median"
    startup_trials: Annotated[int, Field(ge=0)] = 5
    """Trials before the median pruner prunes (and TPE stops sampling at random)."""
    warmup_reports: Annotated[int, Field(ge=0)] = 1
    """Measurements of a trial before the median pruner may stop it."""
    space: dict[str, SearchDimension] = Field(default_factory=_paper_space)

    @field_validator("space", mode="before")
    @classmethod
    def _known_settings(cls, space: Any) -> Any:
        """A mapping with ``choices`` is choices, one with ``low``/``high`` a range, anything else a fixed value."""
        if not isinstance(space, dict):
            return space
        parsed = {}
        for name, dimension in space.items():
            kind = TUNABLE.get(name)
            if kind is None:
                raise ValueError(f"{name!r} cannot be searched (searchable: {', '.join(TUNABLE)})")
            if isinstance(dimension, dict):
                model = SearchChoices if "choices" in dimension else SearchRange
                try:
                    dimension = model.model_validate(dimension)
                except ValidationError as exc:
                    raise ValueError(f"{name}: {_format_error(exc.errors()[0])}") from None
            if kind is int and isinstance(dimension, SearchRange) and not (
                    dimension.low.is_integer() and dimension.high.is_integer()):
                raise ValueError(f"{name}: an integer setting needs integer low and high")
            parsed[name] = dimension
        return parsed

    @model_validator(mode="after")
    def _reports_fit_the_budget(self) -> TuneConfig:
        if self.report_every > self.loops:
            raise ValueError(f"tune.report_every: {self.report_every} is more than tune.loops ({self.loops})")
        return self


class Params(_Section):
    """The whole ``params.yaml``."""

    data: DataConfig = Field(default_factory=DataConfig)
    augment: AugmentConfig = Field(default_factory=AugmentConfig)
    gan: GanConfig = Field(default_factory=GanConfig)
    generate: GenerateConfig = Field(default_factory=GenerateConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    classify: ClassifyConfig = Field(default_factory=ClassifyConfig)
    tune: TuneConfig = Field(default_factory=TuneConfig)

    @model_validator(mode="after")
    def _gan_fits_the_images(self) -> Params:
        if self.data.image_size % 16:
            raise ValueError(f"data.image_size: the DCGAN needs a multiple of 16 (got {self.data.image_size})")
        return self

    @model_validator(mode="after")
    def _gan_classes_are_failures(self) -> Params:
        data = self.data
        for label in self.gan.classes:
            if label == data.intact_class:
                raise ValueError(f"gan.classes: {label!r} is data.intact_class; GANs learn failure classes only")
            if data.classes is not None and label not in data.classes:
                raise ValueError(f"gan.classes: {label!r} is not in data.classes")
            if data.source == "synthetic" and label not in data.synthetic.counts:
                raise ValueError(f"gan.classes: {label!r} is not drawn by the synthetic source")
        return self

    @model_validator(mode="after")
    def _generated_sets_cover_fid_repeats(self) -> Params:
        """With the synthetic source the train counts are known here: fail before any stage runs, not after
        minutes of featurising (other sources are checked when ``evaluate_gan`` starts)."""
        if self.data.source != "synthetic" or self.generate.count == "auto":  # auto covers them by construction
            return self
        limit = self.data.train_limit
        for label in self.gan.classes:
            if label in self.data.synthetic.counts:
                train = self.data.synthetic.counts[label].train
                cap = limit.get(label) if isinstance(limit, dict) else limit
                check_fid_sets(self, label, train if cap is None else min(train, cap))
        return self


def check_fid_sets(params: Params, label: str, train_images: int) -> None:
    """``eval.fid_repeats`` sets of the class's train-set size must fit into ``generate.count`` images."""
    needed = params.eval.fid_repeats * train_images
    if params.generate.count != "auto" and needed > params.generate.count:
        raise ValueError(
            f"eval.fid_repeats: {params.eval.fid_repeats} sets of {train_images} {label} images (its train set) need "
            f"generate.count >= {needed} (got {params.generate.count}); raise generate.count or lower eval.fid_repeats")


_UNION_TAG = re.compile(r"^(constrained-)?(int|float|str|bool|list|dict|none|literal|function-\w+)(\[.*\])?$|^[A-Z]\w*$")
"""Names pydantic puts into an error's location for the member of a union that failed (``constrained-int``,
``literal['all','fill']``, ``SearchRange``): internal, not keys of params.yaml."""


def _format_error(error: dict[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"] if not (isinstance(part, str) and _UNION_TAG.match(part)))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key (misspelt?)"
    elif error["type"] != "value_error" and "input" in error and not isinstance(error["input"], dict):
        message = f"{message} (got {error['input']!r})"
    return f"{key}: {message}" if key else message


def parse_params(raw: Any, origin: str = "params.yaml") -> Params:
    """Validate an already-loaded params mapping; raise :class:`ParamsError` naming the bad key."""
    if raw is None or raw == {}:
        raise ParamsError(f"{origin}: holds no settings (empty or only comments); write the settings, e.g. with "
                          "`bsgan profile cpu`, rather than run silently on the code's defaults")
    if not isinstance(raw, dict):
        raise ParamsError(f"{origin}: expected a mapping of sections, got {type(raw).__name__}")
    try:
        return Params.model_validate(raw)
    except ValidationError as exc:
        raise ParamsError(f"{origin}: {_format_error(exc.errors()[0])}") from None


def load_params(path: Path | str = "params.yaml") -> Params:
    """Read and validate ``params.yaml``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"{path}: params file not found") from None
    except IsADirectoryError:
        raise ParamsError(f"{path}: is a folder, not a params file (give --params path/to/params.yaml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: unreadable params file ({exc.__class__.__name__}: {exc})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ParamsError(f"{path}: not valid YAML{where}") from None
    return parse_params(raw, origin=str(path))
