"""Full photographs with labelme polygon annotations (the BSData layout) -> square crops.

Failure crops follow the paper's hand-cutting rule: one square crop around each polygon with
``data.labelme.margin`` of context; a polygon much longer than high (``max_aspect``) is cut into
several near-square crops along its long axis, each centred on the part of the polygon it covers.
Crops near the border are shifted inside the photo, never padded.

Intact crops are cut automatically on a half-overlapping grid, keeping only crops that touch no
polygon of any label (with a safety band of ``margin``), and then filtered:

* grey-level standard deviation >= ``filter.min_std`` (drops featureless glare and plain background),
* variance of the Laplacian >= ``filter.min_sharpness`` in each quadrant of the crop (drops
  out-of-focus parts of the spindle and crops that reach into the blurred background),
* share of pixels darker than ``filter.dark_level`` <= ``filter.max_dark_fraction`` (drops the
  dark background around the spindle),

all measured on the crop as the classifier sees it (grey, resized to ``data.image_size``, in [0, 1]).
The survivors are sampled per photo (``intact_per_photo``) and overall (``intact_max``) from
``data.seed``. Photos without annotations are unverified (BSData does not promise they are
defect-free), so they give intact crops only with ``intact_from_unlabelled: true``.

Shapes of type ``polygon`` and ``rectangle`` are read; any other type is an error rather than
silently ignored, because a skipped defect would leak into the intact crops.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, UnidentifiedImageError
from scipy.ndimage import laplace

from bsgan.config import DataConfig, LabelmeConfig, normalise_class_name
from bsgan.data.images import crop_resized, is_image_file, open_rgb
from bsgan.data.sample import Box, Sample
from bsgan.errors import InputDataError

BORDER_TOLERANCE_PX = 1.5


@dataclass(frozen=True)
class Shape:
    label: str
    points: np.ndarray
    """(N, 2) float array of x, y in photo pixels."""


@dataclass(frozen=True)
class Photo:
    image: Image.Image
    source: str
    shapes: tuple[Shape, ...] | None
    """``None`` for a photo without annotation file."""


def _read_annotation(path: Path) -> dict:
    try:
        annotation = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputDataError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(annotation, dict) or not isinstance(annotation.get("shapes"), list):
        raise InputDataError(f"{path}: not a labelme file (no 'shapes' list)")
    return annotation


def _image_of(annotation: dict, json_path: Path, images_by_stem: dict[str, Path]) -> tuple[Image.Image, Path]:
    """The photo an annotation describes: its ``imagePath``, a same-stem image, or embedded ``imageData``."""
    named = str(annotation.get("imagePath") or "")
    for candidate in (json_path.parent / named, json_path.parent.parent / "data" / Path(named).name):
        if named and is_image_file(candidate):
            return open_rgb(candidate), candidate
    stem_match = images_by_stem.get(json_path.stem)
    if stem_match is not None:
        return open_rgb(stem_match), stem_match
    if annotation.get("imageData"):
        try:
            with Image.open(io.BytesIO(base64.b64decode(annotation["imageData"], validate=True))) as image:
                image.load()
                return image.convert("RGB"), json_path
        except (binascii.Error, UnidentifiedImageError, OSError) as exc:
            raise InputDataError(f"{json_path}: imageData is not a readable image ({exc})") from None
    raise InputDataError(f"{json_path}: image {named!r} not found and no imageData embedded")


def _shapes(annotation: dict, path: Path, size: tuple[int, int]) -> tuple[Shape, ...]:
    width, height = size
    declared = (annotation.get("imageWidth"), annotation.get("imageHeight"))
    if None not in declared and tuple(declared) != size:
        raise InputDataError(f"{path}: imageWidth x imageHeight {declared[0]}x{declared[1]} disagrees with the image ({width}x{height})")
    shapes = []
    for index, shape in enumerate(annotation["shapes"]):
        label, kind = str(shape.get("label", "")), shape.get("shape_type") or "polygon"
        where = f"{path}: shape {index} ({label!r})"
        try:
            points = np.asarray(shape.get("points"), dtype=float).reshape(-1, 2)
        except (TypeError, ValueError):
            raise InputDataError(f"{where}: points are not a list of [x, y] pairs") from None
        if kind == "rectangle" and len(points) == 2:
            (x0, y0), (x1, y1) = points
            points = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        elif kind != "polygon":
            raise InputDataError(f"{where}: shape_type {kind!r} is not supported (polygon or rectangle)")
        if len(points) < 3:
            raise InputDataError(f"{where}: has {len(points)} points; a polygon needs at least 3")
        low, high = points.min(axis=0), points.max(axis=0)
        if (low < -BORDER_TOLERANCE_PX).any() or high[0] > width + BORDER_TOLERANCE_PX or high[1] > height + BORDER_TOLERANCE_PX:
            raise InputDataError(
                f"{where}: lies outside the {width}x{height} image (x {low[0]:.0f}..{high[0]:.0f}, y {low[1]:.0f}..{high[1]:.0f})"
            )
        if not normalise_class_name(label):
            raise InputDataError(f"{where}: has no usable label")
        shapes.append(Shape(normalise_class_name(label), np.clip(points, 0, [width - 1, height - 1])))
    return tuple(shapes)


def read_photos(root: Path) -> list[Photo]:
    """Every photo under ``root`` with its shapes, annotated ones first, each in path order.

    In the BSData layout (``root/label/`` beside ``root/data/``) annotations are read from
    ``label/`` only, so the data set's own index files next to them are not mistaken for
    annotations; otherwise every ``*.json`` under ``root`` must be a labelme file.
    """
    if not root.is_dir():
        raise InputDataError(f"{root}: data.root folder not found")
    images = sorted(p for p in root.rglob("*") if is_image_file(p))
    labels = root / "label" if (root / "label").is_dir() else root
    jsons = sorted(p for p in labels.rglob("*.json") if p.is_file() and not p.name.startswith("."))
    images_by_stem = {p.stem: p for p in images}
    if not jsons:
        raise InputDataError(f"{root}: no labelme JSON files found" + ("" if images else " (and no images)"))
    photos, annotated = [], set()
    for path in jsons:
        annotation = _read_annotation(path)
        image, image_path = _image_of(annotation, path, images_by_stem)
        annotated.add(image_path)
        photos.append(Photo(image, image_path.relative_to(root).as_posix(), _shapes(annotation, path, image.size)))
    for path in images:
        if path not in annotated:
            photos.append(Photo(open_rgb(path), path.relative_to(root).as_posix(), None))
    return photos


def square_box(centre: tuple[float, float], side: int, size: tuple[int, int], origin: str) -> Box:
    """A ``side`` x ``side`` box around ``centre``, shifted to lie inside an image of ``size``."""
    width, height = size
    if side > min(width, height):
        raise InputDataError(f"{origin}: image {width}x{height} is smaller than the {side}-pixel crop (data.labelme.min_crop)")
    left = int(round(min(max(centre[0] - side / 2, 0), width - side)))
    top = int(round(min(max(centre[1] - side / 2, 0), height - side)))
    return (left, top, left + side, top + side)


def failure_boxes(shape: Shape, config: LabelmeConfig, size: tuple[int, int], origin: str) -> list[Box]:
    """One square box per polygon, or several along the long axis of an elongated one."""
    low, high = shape.points.min(axis=0), shape.points.max(axis=0)
    extent = np.maximum(high - low, 1.0)
    long_axis = int(extent[1] > extent[0])
    aspect = extent[long_axis] / extent[1 - long_axis]
    parts = math.ceil(aspect / config.max_aspect) if aspect > config.max_aspect else 1
    boxes = []
    step = extent[long_axis] / parts
    for part in range(parts):
        start, stop = low[long_axis] + part * step, low[long_axis] + (part + 1) * step
        inside = (shape.points[:, long_axis] >= start - step / 2) & (shape.points[:, long_axis] <= stop + step / 2)
        cross = shape.points[inside, 1 - long_axis] if inside.any() else shape.points[:, 1 - long_axis]
        centre = [0.0, 0.0]
        centre[long_axis] = (start + stop) / 2
        centre[1 - long_axis] = (cross.min() + cross.max()) / 2
        core = max(step, cross.max() - cross.min())
        # A polygon taller than the photo still gets the largest square the photo has.
        side = max(config.min_crop, min(int(round(core * (1 + 2 * config.margin))), *size))
        boxes.append(square_box((centre[0], centre[1]), side, size, origin))
    return boxes


def passes_filter(crop: Image.Image, config: LabelmeConfig) -> bool:
    """The intact-crop filter of the module docstring."""
    grey = np.asarray(crop.convert("L"), dtype=float) / 255.0
    rules = config.filter
    edges = laplace(grey)[1:-1, 1:-1]
    half_h, half_w = edges.shape[0] // 2, edges.shape[1] // 2
    # Sharpness of the blurriest quadrant: a crop that is partly out-of-focus background fails too.
    sharpness = min(edges[r : r + half_h, c : c + half_w].var() for r in (0, half_h) for c in (0, half_w))
    return bool(
        grey.std() >= rules.min_std
        and sharpness >= rules.min_sharpness
        and (grey < rules.dark_level).mean() <= rules.max_dark_fraction
    )


def intact_crops(photo: Photo, side: int, config: LabelmeConfig, size: int, rng: np.random.Generator) -> list[tuple[Box, Image.Image]]:
    """Grid crops that touch no polygon and pass the filter, sampled to ``intact_per_photo``."""
    width, height = photo.image.size
    if side > min(width, height):
        return []
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    for shape in photo.shapes or ():
        draw.polygon([tuple(p) for p in shape.points], fill=1, outline=1)
    covered = np.pad(np.asarray(mask, dtype=np.int64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    guard = int(round(side * config.margin))
    candidates = []
    for top in range(0, height - side + 1, max(1, side // 2)):
        for left in range(0, width - side + 1, max(1, side // 2)):
            x0, y0 = max(left - guard, 0), max(top - guard, 0)
            x1, y1 = min(left + side + guard, width), min(top + side + guard, height)
            if covered[y1, x1] - covered[y0, x1] - covered[y1, x0] + covered[y0, x0] == 0:
                candidates.append((left, top, left + side, top + side))
    rng.shuffle(candidates)
    chosen = []
    for box in candidates:
        if len(chosen) == config.intact_per_photo:
            break
        crop = crop_resized(photo.image, box, size)
        if passes_filter(crop, config):
            chosen.append((box, crop))
    return sorted(chosen, key=lambda pair: (pair[0][1], pair[0][0]))


def load(config: DataConfig, root: Path) -> list[Sample]:
    """Failure crops of every polygon, then filtered intact crops, from the photos under ``root``."""
    settings, size = config.labelme, config.image_size
    photos = read_photos(root)
    failures: list[Sample] = []
    for photo in photos:
        for shape in photo.shapes or ():
            for box in failure_boxes(shape, settings, photo.image.size, photo.source):
                failures.append(Sample(crop_resized(photo.image, box, size), shape.label, photo.source, box))

    side = settings.intact_crop or (int(np.median([s.box[2] - s.box[0] for s in failures if s.box])) if failures else 0)
    intact: list[Sample] = []
    if side:
        for index, photo in enumerate(photos):
            if photo.shapes is None and not settings.intact_from_unlabelled:
                continue
            rng = np.random.default_rng([config.seed, index])
            for box, crop in intact_crops(photo, side, settings, size, rng):
                intact.append(Sample(crop, config.intact_class, photo.source, box))
    if len(intact) > settings.intact_max:
        keep = np.random.default_rng(config.seed).choice(len(intact), settings.intact_max, replace=False)
        intact = [intact[i] for i in sorted(keep)]
    return failures + intact
