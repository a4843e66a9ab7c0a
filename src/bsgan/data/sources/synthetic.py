"""Procedural close-ups of a worn ball screw spindle: the default data, no download needed.

Each image is a small scene rendered at twice the target size, one function per visual element:

1. ``raceway``: the thread flank seen close up, drawn flat in *thread space* (rows across the
   thread, columns along it): broad specular bands and dark groove edges across the thread, and
   grinding marks along it (fine hairlines and broader streaks of finite length).
2. A defect for the failure classes: ``pitting`` (dark, jagged craters with a rough floor, glints
   and a lit rim, alone or in a cluster along the thread) or ``rust`` (brown-orange, mottled,
   granular patches with darker oxide spots, stretched along the grinding marks).
3. ``look_alikes`` on *every* class, so they are no class cue: dust specks, lint fibres, lubricant
   streaks, faint discolouration and reflections a classifier must learn to ignore.
4. ``thread_warp`` maps thread space into the photo: tilted and slightly bent as a helix is in
   side view. ``colourise`` turns brightness into brass-like or steel-grey metal (darker tones are
   more saturated, as under warm light), ``lighting`` adds exposure, gradient and vignetting, and
   ``optics`` adds a colour cast, focus blur, 2x downsampling, JPEG-like soft chroma and sensor noise.

The difficulty knob ``data.synthetic.difficulty`` = ``d`` in [0, 1] moves every factor one way,
each linearly in ``d`` (so the knob is monotone):

- defects shrink (pit radius x (1.3 - 0.8 d), rust extent x (1.2 - 0.6 d)), fade (contrast
  x (1 - 0.5 d)) and wander from the centre, partly out of frame when hard (spread 0.1 + 0.35 d);
- look-alikes, on every class, grow more frequent (Poisson mean 0.4 + 3.6 d), stronger
  (x (0.4 + 0.6 d)) and bigger (dust specks up to 1 + 1.5 d % of the image);
- the photo gets harder: lighting slope (sd 0.2 + 0.3 d), focus blur (up to 0.4 + 1.2 d px) and
  sensor noise (up to 0.008 + 0.02 d) rise.

At 0 a defect is plain to see; at 1 a person must look twice. The default 0.5 is meant to be
learnable but not trivial: the paper's classifier, 30 epochs on the default counts at 48 px, reached
macro F1 0.98 / 0.85 / 0.33 at d = 0 / 0.5 / 1 in a first check (one seed; not yet calibrated).

Every image draws from its own generator seeded by ``(seed, class, split, index)``, so changing
one class's count never changes another image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

from bsgan.config import SYNTHETIC_CLASSES, DataConfig
from bsgan.data.sample import Sample

SPLITS = ("train", "test")
SUPERSAMPLE = 2
Rng = np.random.Generator
Array = np.ndarray
"""Float32 images: (H, W) brightness or (H, W, 3) RGB, nominally in [0, 1]."""

BRASS = np.array([0.80, 1.0, 1.6], dtype=np.float32)
STEEL = np.array([1.0, 1.0, 1.06], dtype=np.float32)
"""Per-channel exponents on brightness: ``> 1`` saturates dark tones, as warm light does on steel."""
BRASS_TINT = np.array([1.0, 0.95, 0.74], dtype=np.float32)
"""Warm light also tints the highlights yellow."""
RUST_ORANGE = np.array([0.68, 0.40, 0.13], dtype=np.float32)
RUST_BROWN = np.array([0.32, 0.19, 0.08], dtype=np.float32)


def spread(cells: int, size: int) -> Array:
    """(cells, size) weights that interpolate ``cells`` coarse samples smoothly over ``size`` pixels.

    Upsampling a coarse random grid by small matrix products gives the look of a wide filter at a
    fraction of its cost. ``einsum`` rather than ``@``: BLAS threads only slow such tiny products.
    """
    position = np.linspace(0, cells - 1, size, dtype=np.float32)[None, :]
    weights = np.exp(-4 * (position - np.arange(cells, dtype=np.float32)[:, None]) ** 2)
    return weights / weights.sum(axis=0, keepdims=True)


def noise(rng: Rng, shape: tuple[int, int], scale: float) -> Array:
    """Smooth random field of unit spread with features about ``scale`` px wide."""
    if scale <= 3:
        field = gaussian_filter(rng.standard_normal(shape, dtype=np.float32), scale / 2)
    else:
        grid = rng.standard_normal((int(shape[0] / scale) + 2, int(shape[1] / scale) + 2), dtype=np.float32)
        rows = np.einsum("ki,kl->il", spread(grid.shape[0], shape[0]), grid)
        field = np.einsum("ik,kj->ij", rows, spread(grid.shape[1], shape[1]))
    return field / (field.std() + 1e-6)


def streaks(rng: Rng, shape: tuple[int, int], width: float, length: float) -> Array:
    """Noise stretched along the columns: marks ``width`` px across and about ``length`` px long."""
    coarse = rng.standard_normal((shape[0], int(shape[1] / length) + 2), dtype=np.float32)
    coarse = gaussian_filter(coarse, (width, 0))
    return np.einsum("ik,kj->ij", coarse / (coarse.std() + 1e-6), spread(coarse.shape[1], shape[1]))


def raceway(rng: Rng, m: int, n: int) -> Array:
    """Brightness of the intact flank in thread space: specular bands, groove edges, grinding marks."""
    across = (np.arange(m, dtype=np.float32) - m / 2) / n + rng.uniform(-0.5, 0.5)
    profile = np.full(m, rng.uniform(0.35, 0.6), dtype=np.float32)
    for _ in range(rng.integers(1, 4)):  # specular highlights of the curved flank
        width = rng.uniform(0.04, 0.3)
        profile += rng.uniform(0.1, 0.45) * np.exp(-(((across - rng.uniform(-0.7, 0.7)) / width) ** 2))
    for _ in range(rng.integers(0, 3)):  # dark groove bottoms and land edges
        width = rng.uniform(0.01, 0.12)
        profile -= rng.uniform(0.1, 0.4) * np.exp(-(((across - rng.uniform(-0.6, 0.6)) / width) ** 2))
    if rng.uniform() < 0.5:  # a sharp edge between a lit flank and a shaded one
        edge = np.tanh((across - rng.uniform(-0.4, 0.4)) / rng.uniform(0.003, 0.03))
        profile += rng.uniform(0.1, 0.3) * edge
    shade = profile[:, None] * (1 + 0.12 * streaks(rng, (m, m), 0.1 * n, 0.6 * n))
    s = n / 192
    shade += rng.uniform(0.01, 0.035) * streaks(rng, (m, m), 0.6 * s, 120 * s)
    shade += rng.uniform(0.0, 0.04) * streaks(rng, (m, m), 2.5 * s, 150 * s)
    marks = streaks(rng, (m, m), 0.5 * s, 80 * s)
    shade -= rng.uniform(0.1, 0.4) * np.clip(marks - 1.6, 0, None) - rng.uniform(0, 0.3) * np.clip(-marks - 2, 0, None)
    return shade


def blob(
    rng: Rng,
    yy: Array,
    xx: Array,
    size: tuple[float, float],
    rough: float,
    grain: float,
    fingers: float = 0.0,
    edge: float = 3.0,
) -> Array:
    """Irregular mask in [0, 1]: an ellipse whose outline is torn by noise ``grain`` px wide.

    ``fingers`` adds tears stretched across the thread: the flaky, splintered edge of a fatigue pit.
    ``edge`` sets how sharp the outline is: crisp for a crater, soft for a stain.
    """
    distance = (yy / size[0]) ** 2 + (xx / size[1]) ** 2
    tear = noise(rng, distance.shape, grain) + 0.2 * noise(rng, distance.shape, max(1.5, grain / 6))
    if fingers:
        tear += fingers * streaks(rng, distance.shape[::-1], grain / 4, grain * 1.5).T
    return np.clip((1 - distance - rough * tear) * edge, 0, 1)


def window(centre: Array, reach: Array, m: int) -> tuple[slice, slice, Array, Array]:
    """Slices of the canvas within ``reach`` (rows, columns) of ``centre`` and offsets from it.

    Defects and marks are drawn in their window only, so they cost their own area, not the image's.
    """
    low = np.clip(np.asarray(centre) - reach, 0, m - 1).astype(int)
    high = np.maximum(low + 1, np.clip(np.asarray(centre) + reach + 1, 0, m).astype(int))
    yy = np.arange(low[0], high[0], dtype=np.float32)[:, None] - float(centre[0])
    xx = np.arange(low[1], high[1], dtype=np.float32)[None, :] - float(centre[1])
    return slice(low[0], high[0]), slice(low[1], high[1]), yy, xx


def defect_centre(rng: Rng, m: int, n: int, difficulty: float) -> Array:
    """Where a defect sits: near the middle when easy, anywhere (even half outside) when hard."""
    reach = (0.1 + 0.35 * difficulty) * n
    return m / 2 + rng.uniform(-reach, reach, 2)


def pitting(rng: Rng, shade: Array, n: int, difficulty: float) -> Array:
    """Dark jagged craters, alone or in a cluster along the thread.

    Real pits are not flat holes: a dark outline, flaky plates split by dark cracks, a few glints,
    a lit rim on the side facing the light and a worn, darker halo around them.
    """
    m = shade.shape[0]
    radius = n * rng.uniform(0.1, 0.22) * (1.3 - 0.8 * difficulty)
    depth = rng.uniform(0.75, 1.0) * (1 - 0.5 * difficulty)
    count = min(rng.geometric(0.45), 5)
    reach = radius * np.array([2.5, 2 + count])
    rows, cols, yy, xx = window(defect_centre(rng, m, n, difficulty), reach, m)
    shape = (yy.size, xx.size)
    crater = np.zeros(shape, dtype=np.float32)
    for _ in range(count):
        dy, dx = (rng.normal(0, [0.5, 1.5]) * radius * (count > 1)).tolist()
        size = (radius * rng.uniform(0.5, 1.0) * np.array([rng.uniform(0.5, 1.0), rng.uniform(0.8, 2.0)])).tolist()
        pit = blob(rng, yy - dy, xx - dx, tuple(size), rng.uniform(0.3, 0.6), max(1.5, radius / 2), 0.6)
        crater = np.maximum(crater, pit)
    plates = noise(rng, shape, max(2.0, radius / 2.5))
    cracks = np.clip(1 - 3 * np.abs(plates), 0, 1)
    outline = np.clip(4 * crater * (1 - crater), 0, 1)
    halo = gaussian_filter(crater, radius / 2)
    dark = crater * (0.45 + 0.2 * plates + 0.45 * cracks) + 0.6 * outline + 0.3 * halo
    glint = np.clip(noise(rng, shape, 1.5) - 1.7, 0, 1) * crater * (1 - cracks)
    lit = np.sign(rng.uniform(-1, 1)) * max(1, round(radius / 6))
    rim = np.clip(crater - np.roll(crater, int(lit), axis=0), 0, 1)
    patch = shade[rows, cols] * (1 - depth * np.clip(dark, 0, 0.95))
    out = shade.copy()
    out[rows, cols] = patch + depth * (0.35 * rim + 0.6 * glint)
    return out


def colourise(rng: Rng, shade: Array) -> Array:
    """Metal colour from brightness: brass-like under warm light or plain steel grey.

    A look-up table of 1024 levels is much cheaper than three powers per pixel.
    """
    warm = rng.uniform(0.3, 1.0) if rng.uniform() < 0.65 else rng.uniform(0.0, 0.2)
    levels = np.linspace(0.005, 1.0, 1024, dtype=np.float32)[:, None]
    exponents = (1 - warm) * STEEL + warm * BRASS * [rng.uniform(0.9, 1.1), 1, 1]
    table = (levels**exponents * (1 - warm * rng.uniform(0.3, 1.0) * (1 - BRASS_TINT))).astype(np.float32)
    return np.take(table, np.clip(shade * 1023, 0, 1023).astype(np.intp), axis=0)


def rust(rng: Rng, rgb: Array, n: int, difficulty: float) -> Array:
    """A brown-orange corroded patch stretched along the grinding marks: mottled, granular, spotted."""
    m = rgb.shape[0]
    extent = n * rng.uniform(0.12, 0.45) * (1.2 - 0.6 * difficulty)
    size = (extent * rng.uniform(0.35, 0.8), extent * rng.uniform(1.0, 2.2))
    rows, cols, yy, xx = window(defect_centre(rng, m, n, difficulty), 1.6 * np.array(size), m)
    shape, s = (yy.size, xx.size), n / 192
    region = blob(rng, yy, xx, size, rng.uniform(0.3, 0.7), extent / 3)
    along_marks = 1 + 0.6 * streaks(rng, shape, 1.5 * s, 20 * s)
    halo = blob(rng, yy, xx, (size[0] * 1.7, size[1] * 1.4), 0.5, extent / 3)
    speckle = np.clip(noise(rng, shape, 2.0 * s) - 1.2, 0, 1) * halo
    strength = 1 - 0.5 * difficulty
    cover = np.clip(region * along_marks, 0, 1) * rng.uniform(0.6, 0.95) * strength
    cover = np.maximum(cover, 0.8 * speckle * strength)[..., None]
    tone = np.clip(rng.uniform(0.3, 0.7) + 0.3 * noise(rng, shape, extent / 3) + 0.15 * noise(rng, shape, 2 * s), 0, 1)
    oxide = tone[..., None] * RUST_BROWN + (1 - tone[..., None]) * RUST_ORANGE * rng.uniform(0.85, 1.15, 3).astype(
        np.float32
    )
    oxide *= (1 + 0.25 * noise(rng, shape, 1.2 * s))[..., None]
    spots = np.clip(noise(rng, shape, 3 * s) - 1.5, 0, 1)[..., None]
    patch = rgb[rows, cols]
    oxide *= (1 - 0.7 * spots) * (0.7 + 0.45 * patch.mean(axis=2, keepdims=True))
    out = rgb.copy()
    out[rows, cols] = patch * (1 - cover) + oxide * cover
    return out


LOOK_ALIKE_TINTS = np.array([[0.80, 0.70, 0.50], [1.0, 0.88, 0.72], [1.6, 1.6, 1.55]], dtype=np.float32)
"""Oil film (warm, darker), discolouration (faintly warm), reflection (brighter)."""
LOOK_ALIKE_SIZES = ((0.02, 0.06, 0.2, 0.6), (0.08, 0.2, 0.1, 0.3), (0.03, 0.1, 0.1, 0.4))
"""(across min, max, along min, max) as fractions of the image, for the tints above."""


def look_alikes(rng: Rng, rgb: Array, n: int, difficulty: float) -> Array:
    """Harmless marks: dust, lint, lubricant streaks, discolouration, reflections; more when harder."""
    m = rgb.shape[0]
    out = rgb.copy()
    for _ in range(rng.poisson(0.4 + 3.6 * difficulty)):
        kind = rng.integers(5)
        strength = rng.uniform(0.3, 1.0) * (0.4 + 0.6 * difficulty)
        centre = m / 2 + rng.uniform(-0.5, 0.5, 2) * n
        if kind == 0:  # dust: a few soft specks, mostly dark, bigger when harder
            for _ in range(rng.integers(1, 6)):
                r = n * rng.uniform(0.004, 0.01 + 0.015 * difficulty)
                rows, cols, yy, xx = window(centre + rng.normal(0, 0.15 * n, 2), np.array([r, r]), m)
                speck = np.clip(1 - (yy**2 + xx**2) / r**2, 0, 1)[..., None]
                out[rows, cols] *= 1 + strength * speck * rng.choice([-0.6, -0.6, 0.4])
        elif kind == 1:  # lint: a thin bent fibre
            t = np.linspace(-0.5, 0.5, 4 * n)
            angle = rng.uniform(0, np.pi) + rng.normal(0, 1.0) * t
            step = rng.uniform(0.1, 0.4) * n / t.size
            ys = (centre[0] + np.cumsum(np.sin(angle)) * step).astype(int) % m
            xs = (centre[1] + np.cumsum(np.cos(angle)) * step).astype(int) % m
            out[ys, xs] *= 1 - 0.5 * strength
            out[(ys + 1) % m, xs] *= 1 - 0.4 * strength
        else:  # broad marks: oil streak along the thread, discolouration, reflection
            sizes = LOOK_ALIKE_SIZES[kind - 2]
            size = (rng.uniform(*sizes[:2]) * n, rng.uniform(*sizes[2:]) * n)
            rows, cols, yy, xx = window(centre, 1.3 * np.array(size), m)
            mark = blob(rng, yy, xx, size, 0.3, max(size) / 3, edge=1.0)[..., None]
            out[rows, cols] *= 1 + 0.5 * strength * mark * (LOOK_ALIKE_TINTS[kind - 2] - 1)
    return out


def thread_warp(rng: Rng, rgb: Array, n: int) -> Array:
    """The photo seen through thread space: the thread tilted and bent like a helix in side view.

    Nearest-neighbour lookup is enough: the 2x supersampling hides its steps.
    """
    m = rgb.shape[0]
    y = np.arange(n, dtype=np.float32)[:, None] - n / 2
    x = np.arange(n, dtype=np.float32)[None, :] - n / 2
    angle = np.deg2rad(rng.uniform(-25, 25))
    along = x * np.cos(angle) + y * np.sin(angle)
    across = -x * np.sin(angle) + y * np.cos(angle) + rng.uniform(-0.08, 0.08) * along**2 / n
    rows = np.clip(across + m / 2, 0, m - 1).astype(np.intp)
    cols = np.clip(along + m / 2, 0, m - 1).astype(np.intp)
    return np.take(rgb.reshape(-1, 3), rows * m + cols, axis=0)


def lighting(rng: Rng, rgb: Array, difficulty: float) -> Array:
    """Exposure, a brightness gradient and vignetting: the ring light is never quite even."""
    n = rgb.shape[0]
    y = np.arange(n, dtype=np.float32)[:, None] / n - 0.5
    x = y.T
    slope = rng.normal(0, 0.2 + 0.3 * difficulty, 2).tolist()
    gain = rng.uniform(0.75, 1.15) * (1 + slope[0] * y + slope[1] * x - rng.uniform(0, 0.6) * (x**2 + y**2))
    return rgb * gain[..., None]


def optics(rng: Rng, rgb: Array, size: int, difficulty: float) -> Image.Image:
    """Colour cast, focus blur, downsampling, JPEG-like soft chroma and sensor noise."""
    cast = 1 + rng.uniform(-0.04, 0.04) * np.array([1, 0, -1]) + rng.uniform(-0.015, 0.015, 3)
    rgb = sum(rgb[i::SUPERSAMPLE, j::SUPERSAMPLE] for i in range(SUPERSAMPLE) for j in range(SUPERSAMPLE))
    rgb *= (cast / SUPERSAMPLE**2).astype(np.float32)
    blur = rng.uniform(0.1, 0.4 + 1.2 * difficulty)
    rgb = gaussian_filter(rgb, (blur, blur, 0))
    luma = rgb.mean(axis=2, keepdims=True)
    rgb = luma + gaussian_filter(rgb - luma, (0.8, 0.8, 0))
    sigma = rng.uniform(0.003, 0.008 + 0.02 * difficulty)
    grain = sigma * rng.standard_normal((size, size, 1), dtype=np.float32)
    rgb = rgb + grain + 0.3 * sigma * rng.standard_normal(rgb.shape, dtype=np.float32)
    return Image.fromarray((np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8))


def render(label: str, size: int, difficulty: float, rng: Rng) -> Image.Image:
    """One ``size`` x ``size`` RGB image of class ``label``."""
    n = SUPERSAMPLE * size
    m = int(n * 1.4) + 2  # thread space covers the photo at any tilt
    shade = raceway(rng, m, n)
    if label == "pitting":
        shade = pitting(rng, shade, n, difficulty)
    rgb = colourise(rng, shade)
    if label == "rust":
        rgb = rust(rng, rgb, n, difficulty)
    rgb = thread_warp(rng, look_alikes(rng, rgb, n, difficulty), n)
    return optics(rng, lighting(rng, rgb, difficulty), size, difficulty)


def load(config: DataConfig, root: Path) -> list[Sample]:
    """Render ``data.synthetic.counts`` images per class and split (``root`` is not used)."""
    samples = []
    for label, counts in config.synthetic.counts.items():
        if config.classes is not None and label not in config.classes:
            continue
        class_index = SYNTHETIC_CLASSES.index(label)
        for split_index, split in enumerate(SPLITS):
            for index in range(getattr(counts, split)):
                rng = np.random.default_rng([config.seed, class_index, split_index, index])
                image = render(label, config.image_size, config.synthetic.difficulty, rng)
                samples.append(Sample(image, label, f"synthetic/{label}/{split}/{index:04d}", None, split))
    return samples
