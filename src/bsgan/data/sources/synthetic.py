"""Procedural close-ups of a ball screw spindle surface: the default data, no download needed.

Each image is rendered as a small scene, one function per visual element:

1. ``raceway``: the threaded spindle seen from the side — bright, curved specular bands and dark groove
   bottoms repeating across the image, slightly tilted and bent as on a helix, with fine grinding
   marks running along the thread, a steel or brass-like tint and uneven lighting.
2. A defect for the failure classes: ``pitting`` (dark, jagged craters with a lit rim, alone or in
   a cluster stretched along the thread) or ``rust`` (brown-orange, granular, mottled patches).
3. ``look_alikes``, on every class so they are no class cue: dust specks, lint fibres, lubricant
   streaks and faint stains — harmless marks a classifier must learn to ignore.
4. ``optics``: focus blur, sensor noise and a downsampling from twice the size (antialiasing).

The difficulty knob ``data.synthetic.difficulty`` (0..1) moves every factor one way: at 0 defects are
large, dark and sharp and intact images are clean; towards 1 defects shrink, fade and may sit partly
outside the frame, while look-alikes grow more frequent and stronger, and blur and noise rise.

Every image draws from its own generator seeded by ``(seed, class, split, index)``, so changing
one class's count never changes another image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter, zoom

from bsgan.config import SYNTHETIC_CLASSES, DataConfig
from bsgan.data.sample import Sample

SPLITS = ("train", "test")
Canvas = np.ndarray
"""An (H, W, 3) float image in [0, 1]."""


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Gaussian-filtered white noise scaled to unit standard deviation.

    Wide filters are applied on a coarser grid and interpolated up: the same look at a fraction of
    the cost, which keeps the default 1223 images to seconds.
    """
    step = max(1, int(sigma // 3))
    coarse = (-(-shape[0] // step), -(-shape[1] // step))
    field = gaussian_filter(rng.standard_normal(coarse), sigma / step, mode="wrap")
    if step > 1:
        field = zoom(field, step, order=1)[: shape[0], : shape[1]]
    return field / (field.std() + 1e-8)


def thread_coordinates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (along, across) the thread: tilted a few degrees and bent like a helix in side view."""
    y, x = np.mgrid[0:n, 0:n] / n - 0.5
    angle = np.deg2rad(rng.uniform(-18, 18))
    along = x * np.cos(angle) + y * np.sin(angle)
    across = -x * np.sin(angle) + y * np.cos(angle) + rng.uniform(-0.25, 0.25) * along**2
    return along, across


def raceway(rng: np.random.Generator, n: int, difficulty: float) -> tuple[Canvas, np.ndarray, np.ndarray]:
    """The intact metal surface, and the thread coordinates for placing defects on it."""
    along, across = thread_coordinates(rng, n)
    period = rng.uniform(0.45, 1.1)
    phase = (across / period + rng.uniform(0, 1)) % 1.0
    # One groove flank per period: a wide specular band, a dark groove bottom, a narrow second highlight.
    shade = (
        0.55
        + 0.45 * np.exp(-(((phase - 0.35) / rng.uniform(0.08, 0.16)) ** 2))
        - 0.35 * np.exp(-(((phase - 0.75) / rng.uniform(0.04, 0.09)) ** 2))
        + 0.15 * np.exp(-(((phase - 0.9) / 0.03) ** 2))
    )
    # Grinding marks: a fine random profile across the thread, so the streaks follow its curve.
    profile = gaussian_filter(rng.standard_normal(4096), 1.0, mode="wrap")
    streaks = profile[((across + 1.0) * 1.5 * n).astype(int) % 4096] / (profile.std() + 1e-8)
    streaks *= 1 + 0.5 * smooth_noise(rng, (n, n), n / 6)
    shade = shade + rng.uniform(0.015, 0.04) * streaks + 0.05 * smooth_noise(rng, (n, n), n / 10)
    light = 1 + rng.uniform(-0.35, 0.35) * along + rng.uniform(-0.25, 0.25) * across
    light += rng.uniform(0.0, 0.4) * np.exp(-(((along - rng.uniform(-0.4, 0.4)) / 0.25) ** 2))
    light *= rng.uniform(0.65, 1.0) - 0.15 * difficulty * rng.uniform()
    # Two spindle looks of BSData: warm, brass-like steel under yellow light, or plain grey steel.
    warm = rng.uniform(0.0, 1.0) if rng.uniform() < 0.5 else rng.uniform(0.0, 0.15)
    tint = (1 - warm) * np.array([0.80, 0.80, 0.81]) + warm * np.array([0.95, 0.86, 0.62])
    tint = tint * rng.uniform(0.97, 1.03, 3)
    canvas = np.clip(shade * light, 0, 1.4)[..., None] * tint
    return np.clip(canvas, 0, 1), along, across


def blob(rng: np.random.Generator, along: np.ndarray, across: np.ndarray, centre: tuple[float, float],
         size: tuple[float, float], roughness: float, detail: float = 1 / 40) -> np.ndarray:
    """A soft irregular blob in [0, 1] stretched along the thread.

    ``roughness`` sets how ragged the outline is and ``detail`` the scale of its ragged features as a
    fraction of the image: small for the jagged edge of a crater, larger for a wavy rust front.
    """
    distance = ((along - centre[0]) / size[0]) ** 2 + ((across - centre[1]) / size[1]) ** 2
    ragged = distance + roughness * smooth_noise(rng, along.shape, along.shape[0] * detail)
    return np.clip((1.0 - ragged) * 4, 0, 1)


def pitting(rng: np.random.Generator, canvas: Canvas, along: np.ndarray, across: np.ndarray, difficulty: float) -> Canvas:
    """Dark craters with jagged edges and a rough, uneven floor, alone or in a cluster along the thread."""
    n = canvas.shape[0]
    scale = rng.uniform(0.06, 0.14) * (1.25 - 0.7 * difficulty)
    spread = 0.15 + 0.3 * difficulty
    centre = rng.uniform(-spread, spread, 2)
    depth = rng.uniform(0.6, 0.9) * (1.0 - 0.45 * difficulty)
    crater = np.zeros((n, n))
    for _ in range(rng.integers(1, 7)):
        offset = centre + rng.normal(0, scale * 0.9, 2) * (1.8, 0.5)
        size = scale * rng.uniform(0.3, 1.0) * np.array([rng.uniform(1.0, 2.5), 1.0])
        crater = np.maximum(crater, blob(rng, along, across, tuple(offset), tuple(size), rng.uniform(0.6, 1.2)))
    floor = np.clip(0.75 + 0.35 * smooth_noise(rng, (n, n), n / 48), 0.2, 1.0)
    inner = gaussian_filter(crater, 0.8) * floor
    lit_rim = np.clip(crater - np.roll(crater, (max(1, n // 80),) * 2, axis=(0, 1)), 0, 1)
    tone = np.array([0.30, 0.24, 0.18]) * canvas.mean(axis=(0, 1)) * 0.5
    darkened = canvas * (1 - depth * inner[..., None]) + tone * depth * inner[..., None]
    return np.clip(darkened + 0.25 * depth * gaussian_filter(lit_rim, 0.8)[..., None], 0, 1)


def rust(rng: np.random.Generator, canvas: Canvas, along: np.ndarray, across: np.ndarray, difficulty: float) -> Canvas:
    """A brown-orange corroded patch: mottled, granular, with darker spots of oxide."""
    n = canvas.shape[0]
    scale = rng.uniform(0.15, 0.38) * (1.2 - 0.6 * difficulty)
    spread = 0.1 + 0.35 * difficulty
    centre = tuple(rng.uniform(-spread, spread, 2))
    region = blob(rng, along, across, centre, (scale * rng.uniform(1.0, 2.0), scale), rng.uniform(0.5, 1.0), 1 / 12)
    mottling = np.clip(0.85 + 0.3 * smooth_noise(rng, (n, n), n / 10), 0, 1)
    cover = gaussian_filter(region * mottling, 1.5) * rng.uniform(0.5, 0.9) * (1.0 - 0.5 * difficulty)
    colour = np.array([rng.uniform(0.45, 0.62), rng.uniform(0.26, 0.36), rng.uniform(0.12, 0.2)])
    grain = 1 + 0.08 * smooth_noise(rng, (n, n), 0.8) + 0.15 * smooth_noise(rng, (n, n), 3)
    oxide = colour * grain[..., None] * (0.7 + 0.3 * canvas.mean(axis=2, keepdims=True))
    dark_spots = gaussian_filter((smooth_noise(rng, (n, n), 2.0) > 1.5) * region, 1.0)
    oxide = oxide * (1 - 0.45 * dark_spots[..., None])
    return np.clip(canvas * (1 - cover[..., None]) + oxide * cover[..., None], 0, 1)


def look_alikes(rng: np.random.Generator, canvas: Canvas, along: np.ndarray, across: np.ndarray, difficulty: float) -> Canvas:
    """Harmless marks: dust specks, lint, lubricant streaks, faint stains; more and stronger when harder."""
    n = canvas.shape[0]
    for _ in range(rng.poisson(0.5 + 3.0 * difficulty)):
        kind = rng.choice(["dust", "lint", "oil", "stain"])
        strength = rng.uniform(0.1, 0.2 + 0.4 * difficulty)
        centre = tuple(rng.uniform(-0.45, 0.45, 2))
        if kind == "dust":
            specks = (rng.uniform(size=(n, n)) > 0.99985 - 0.0002 * difficulty) * 1.0
            mark = np.clip(gaussian_filter(specks, rng.uniform(0.6, 1.3)) * 8, 0, 1)
            sign = -1 if rng.uniform() < 0.7 else 1
            canvas = canvas + sign * strength * mark[..., None]
        elif kind == "lint":
            t = np.linspace(0, 1, 4 * n)
            bend = rng.normal(0, 0.15, 2)
            xs = (centre[0] + 0.5 + (t - 0.5) * rng.uniform(0.1, 0.4) * np.cos(bend[0] + 6 * bend[1] * t)) * n
            ys = (centre[1] + 0.5 + (t - 0.5) * rng.uniform(0.1, 0.4) * np.sin(bend[0] * 8 + 6 * bend[1] * t)) * n
            fibre = np.zeros((n, n))
            inside = (xs >= 0) & (xs < n) & (ys >= 0) & (ys < n)
            fibre[ys[inside].astype(int), xs[inside].astype(int)] = 1.0
            canvas = canvas * (1 - strength * np.clip(gaussian_filter(fibre, 0.7) * 3, 0, 1)[..., None])
        elif kind == "oil":
            streak = blob(rng, along, across, centre, (rng.uniform(0.2, 0.6), rng.uniform(0.02, 0.06)), 0.2)
            film = np.array([0.85, 0.8, 0.7])
            canvas = canvas * (1 - strength * 0.8 * streak[..., None] * (1 - film * 0.6))
        else:
            stain = blob(rng, along, across, centre, (rng.uniform(0.1, 0.3), rng.uniform(0.08, 0.2)), 0.6)
            warm = np.array([1.0, 0.9, 0.75])
            canvas = canvas * (1 - 0.6 * strength * gaussian_filter(stain, 2)[..., None] * (1 - warm))
    return np.clip(canvas, 0, 1)


def optics(rng: np.random.Generator, canvas: Canvas, size: int, difficulty: float) -> Image.Image:
    """Focus blur, sensor noise and the final antialiased downsampling to ``size``."""
    n = canvas.shape[0]
    blur = rng.uniform(0.3, 0.8 + 1.6 * difficulty) * n / 192
    canvas = gaussian_filter(canvas, (blur, blur, 0))
    canvas = canvas + rng.uniform(0.006, 0.02 + 0.02 * difficulty) * rng.standard_normal(canvas.shape)
    image = Image.fromarray((np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8))
    return image.resize((size, size), Image.Resampling.LANCZOS)


DEFECTS = {"pitting": pitting, "rust": rust}


def render(label: str, size: int, difficulty: float, rng: np.random.Generator) -> Image.Image:
    """One ``size`` x ``size`` RGB image of class ``label``."""
    n = 2 * size
    canvas, along, across = raceway(rng, n, difficulty)
    if label in DEFECTS:
        canvas = DEFECTS[label](rng, canvas, along, across, difficulty)
    canvas = look_alikes(rng, canvas, along, across, difficulty)
    return optics(rng, canvas, size, difficulty)


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
