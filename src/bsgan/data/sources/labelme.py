"""Full photographs with labelme polygon annotations (the BSData layout) -> square crops.

Layouts: ``root/data/*.jpg`` with ``root/label/*.json`` of the same stem (BSData), a JSON beside its
image (``root/*.jpg`` + ``root/*.json``), or either one in nested folders. JSON files that sit next
to a ``label/`` folder (BSData's own ``image_data.json`` index) are not annotations and are skipped.
An annotation whose image file is missing is read from its embedded ``imageData``.

Failure crops follow the paper's hand-cutting rule: one square crop around each polygon with
``data.labelme.margin`` of context; a polygon much longer than high (``max_aspect``) is cut into
several near-square crops along its long axis, each centred on the part of the polygon it covers.
Crops near the border are shifted inside the photo, never padded.

Intact crops are cut on a half-overlapping grid, at the median failure-crop side of the same photo
(so the two classes share a scale; ``intact_crop`` fixes it instead), keeping only crops whose
surroundings, widened by half a crop on every side, touch no polygon of any label. The survivors
are filtered, measured on the grey crop resized to 96 x 96 in [0, 1]:

* grey-level standard deviation >= ``filter.min_std`` (drops featureless glare and plain background),
* mean gradient magnitude at a 2-pixel Gaussian scale >= ``filter.min_sharpness`` in each quadrant of
  the crop (drops out-of-focus spindle ends and crops reaching into the blurred background; the
  smoothing keeps sensor noise from passing for detail),
* share of pixels darker than ``filter.dark_level`` <= ``filter.max_dark_fraction`` (drops the dark
  background around the spindle but not its shadowed grooves),

and sampled per photo (``intact_per_photo``) and overall (``intact_max``) from ``data.seed``. Photos
without annotations are unverified (BSData does not promise they are defect-free), so they give
intact crops, at the data set's median failure-crop side, only with ``intact_from_unlabelled``.

Shapes of type ``polygon`` and ``rectangle`` are read; any other type is an error rather than
silently ignored, because a skipped defect would leak into the intact crops.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, UnidentifiedImageError
from scipy.ndimage import gaussian_gradient_magnitude

from bsgan.config import DataConfig, LabelmeConfig, normalise_class_name
from bsgan.data.images import crop_resized, is_image_file, open_rgb
from bsgan.data.sample import Box, Sample
from bsgan.errors import InputDataError

BORDER_TOLERANCE_PX = 1.5
"""labelme snaps points to the border and rounds; a point this far outside is still accepted."""
FILTER_SIZE = 96
"""The intact filter measures crops at this size, so its thresholds do not depend on ``image_size``."""

Shapes = list[tuple[str, np.ndarray]]
"""(class name, (N, 2) float array of x, y in photo pixels) per polygon."""

log = logging.getLogger(__name__)


def _read_annotation(path: Path) -> dict:
    try:
        annotation = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputDataError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(annotation, dict) or not isinstance(annotation.get("shapes"), list):
        raise InputDataError(f"{path}: not a labelme file (no 'shapes' list)")
    return annotation


def _image_path(annotation: dict, json_path: Path) -> Path | None:
    """The photo file: ``imagePath``, else a same-stem image beside the JSON or in BSData's ``data/``."""
    named = Path(str(annotation.get("imagePath") or ""))
    folders = (json_path.parent, json_path.parent.parent / "data")
    candidates = [json_path.parent / named] if named.name else []
    candidates += [folder / named.name for folder in folders if named.name]
    candidates += sorted(p for folder in folders if folder.is_dir()
                         for p in folder.iterdir() if p.stem == json_path.stem)
    return next((path for path in candidates if is_image_file(path)), None)


def _embedded_image(annotation: dict, json_path: Path) -> Image.Image:
    if not annotation.get("imageData"):
        raise InputDataError(f"{json_path}: image {annotation.get('imagePath')!r} not found and no imageData embedded")
    try:
        with Image.open(io.BytesIO(base64.b64decode(annotation["imageData"], validate=True))) as image:
            image.load()
            return image.convert("RGB")
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputDataError(f"{json_path}: imageData is not a readable image ({exc})") from None


def _shapes(annotation: dict, path: Path, size: tuple[int, int]) -> Shapes:
    width, height = size
    declared = (annotation.get("imageWidth"), annotation.get("imageHeight"))
    if None not in declared and tuple(declared) != size:
        raise InputDataError(f"{path}: imageWidth x imageHeight {declared[0]}x{declared[1]} disagrees with the image "
                             f"({width}x{height})")
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
        if ((low < -BORDER_TOLERANCE_PX).any() or high[0] > width + BORDER_TOLERANCE_PX
                or high[1] > height + BORDER_TOLERANCE_PX):
            raise InputDataError(
                f"{where}: lies outside the {width}x{height} image "
                f"(x {low[0]:.0f}..{high[0]:.0f}, y {low[1]:.0f}..{high[1]:.0f})"
            )
        if not normalise_class_name(label):
            raise InputDataError(f"{where}: has no usable label")
        shapes.append((normalise_class_name(label), np.clip(points, 0, [width - 1, height - 1])))
    return shapes


def annotated_photos(root: Path) -> Iterator[tuple[Image.Image, str, Shapes]]:
    """(photo, its path relative to ``root``, its polygons) for every annotation under ``root``, in path order."""
    if not root.is_dir():
        raise InputDataError(f"{root}: data.root folder not found")
    jsons = sorted(
        p for p in root.rglob("*.json")
        if p.is_file() and not p.name.startswith(".") and not (p.parent / "label").is_dir()
    )
    if not jsons:
        raise InputDataError(f"{root}: no labelme JSON files found")
    for path in jsons:
        annotation = _read_annotation(path)
        image_path = _image_path(annotation, path)
        image = open_rgb(image_path) if image_path else _embedded_image(annotation, path)
        yield image, (image_path or path).relative_to(root).as_posix(), _shapes(annotation, path, image.size)


def square_box(centre: tuple[float, float], side: int, size: tuple[int, int], origin: str) -> Box:
    """A ``side`` x ``side`` box around ``centre``, shifted to lie inside an image of ``size``."""
    width, height = size
    if side > min(width, height):
        raise InputDataError(f"{origin}: image {width}x{height} is smaller than the {side}-pixel crop "
                             "(data.labelme.min_crop)")
    left = int(round(min(max(centre[0] - side / 2, 0), width - side)))
    top = int(round(min(max(centre[1] - side / 2, 0), height - side)))
    return (left, top, left + side, top + side)


def failure_boxes(points: np.ndarray, config: LabelmeConfig, size: tuple[int, int], origin: str) -> list[Box]:
    """One square box per polygon, or several along the long axis of an elongated one."""
    low, high = points.min(axis=0), points.max(axis=0)
    extent = np.maximum(high - low, 1.0)
    along = int(extent[1] > extent[0])  # 0: the polygon is wider than high
    aspect = extent[along] / extent[1 - along]
    parts = math.ceil(aspect / config.max_aspect) if aspect > config.max_aspect else 1
    step = extent[along] / parts
    boxes = []
    for part in range(parts):
        start, stop = low[along] + part * step, low[along] + (part + 1) * step
        inside = (points[:, along] >= start - step / 2) & (points[:, along] <= stop + step / 2)
        cross = points[inside, 1 - along] if inside.any() else points[:, 1 - along]
        centre = [0.0, 0.0]
        centre[along], centre[1 - along] = (start + stop) / 2, (cross.min() + cross.max()) / 2
        core = max(step, cross.max() - cross.min())
        # A polygon taller than the photo still gets the largest square the photo has.
        side = max(config.min_crop, min(int(round(core * (1 + 2 * config.margin))), *size))
        boxes.append(square_box((centre[0], centre[1]), side, size, origin))
    return boxes


def passes_filter(crop: Image.Image, config: LabelmeConfig) -> bool:
    """The intact-crop filter of the module docstring."""
    grey = np.asarray(crop.convert("L").resize((FILTER_SIZE, FILTER_SIZE)), dtype=float) / 255.0
    rules, half = config.filter, FILTER_SIZE // 2
    edges = gaussian_gradient_magnitude(grey, 2.0)
    # Sharpness of the blurriest quadrant: a crop that is partly out-of-focus background fails too.
    sharpness = min(edges[r : r + half, c : c + half].mean() for r in (0, half) for c in (0, half))
    return bool(
        grey.std() >= rules.min_std
        and sharpness >= rules.min_sharpness
        and (grey < rules.dark_level).mean() <= rules.max_dark_fraction
    )


def intact_crops(image: Image.Image, shapes: Shapes, side: int, config: LabelmeConfig, size: int,
                 rng: np.random.Generator) -> list[tuple[Box, Image.Image]]:
    """Grid crops whose surroundings touch no polygon and that pass the filter, sampled to ``intact_per_photo``."""
    width, height = image.size
    if not side or side > min(width, height):
        return []
    mask = Image.new("L", image.size, 0)
    for _, points in shapes:
        ImageDraw.Draw(mask).polygon([tuple(p) for p in points], fill=1, outline=1)
    covered = np.pad(np.asarray(mask, dtype=np.int64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))  # summed-area table
    guard, stride = side // 2, max(1, side // 2)
    candidates = []
    for top in range(0, height - side + 1, stride):
        for left in range(0, width - side + 1, stride):
            x0, y0 = max(left - guard, 0), max(top - guard, 0)
            x1, y1 = min(left + side + guard, width), min(top + side + guard, height)
            if covered[y1, x1] - covered[y0, x1] - covered[y1, x0] + covered[y0, x0] == 0:
                candidates.append((left, top, left + side, top + side))
    chosen = []
    for index in rng.permutation(len(candidates)):
        if len(chosen) == config.intact_per_photo:
            break
        crop = crop_resized(image, candidates[index], size)
        if passes_filter(crop, config):
            chosen.append((candidates[index], crop))
    return sorted(chosen, key=lambda pair: (pair[0][1], pair[0][0]))


def load(config: DataConfig, root: Path) -> list[Sample]:
    """Failure crops of every polygon, then filtered intact crops, from the photos under ``root``."""
    settings, size = config.labelme, config.image_size
    failures: list[Sample] = []
    intact: list[Sample] = []
    annotated: set[str] = set()
    for index, (image, source, shapes) in enumerate(annotated_photos(root)):
        annotated.add(source)
        sides = []
        for label, points in shapes:
            for box in failure_boxes(points, settings, image.size, source):
                failures.append(Sample(crop_resized(image, box, size), label, source, box))
                sides.append(box[2] - box[0])
        side = settings.intact_crop or (int(np.median(sides)) if sides else 0)
        for box, crop in intact_crops(image, shapes, side, settings, size, np.random.default_rng([config.seed, index])):
            intact.append(Sample(crop, config.intact_class, source, box))

    unlabelled = sorted(p for p in root.rglob("*")
                        if is_image_file(p) and p.relative_to(root).as_posix() not in annotated)
    if unlabelled and not settings.intact_from_unlabelled:
        log.info("%s: %d photo(s) without a label file skipped (data.labelme.intact_from_unlabelled: true cuts "
                 "intact crops from them)", root, len(unlabelled))
    if settings.intact_from_unlabelled:
        all_sides = [s.box[2] - s.box[0] for s in failures if s.box]
        side = settings.intact_crop or (int(np.median(all_sides)) if all_sides else 0)
        log.info("%s: cutting intact crops from %d photo(s) without a label file", root, len(unlabelled))
        for index, path in enumerate(unlabelled, start=len(annotated)):
            rng = np.random.default_rng([config.seed, index])
            for box, crop in intact_crops(open_rgb(path), [], side, settings, size, rng):
                intact.append(Sample(crop, config.intact_class, path.relative_to(root).as_posix(), box))

    if len(intact) > settings.intact_max:
        keep = np.random.default_rng(config.seed).choice(len(intact), settings.intact_max, replace=False)
        intact = [intact[i] for i in sorted(keep)]
    return failures + intact
