from pathlib import Path

import pytest
from PIL import Image

from bsgan.config import DataConfig
from bsgan.data.sources import folder
from bsgan.errors import InputDataError


def test_class_folders_become_square_rgb_samples(folder_root: Path) -> None:
    samples = folder.load(DataConfig(source="folder", image_size=24), folder_root)
    assert {s.label for s in samples} == {"pitting", "intact"}
    assert sum(s.label == "pitting" for s in samples) == 6
    assert all(s.image.mode == "RGB" and s.image.size == (24, 24) for s in samples)
    assert all(s.split is None for s in samples)
    pitting = next(s for s in samples if s.label == "pitting")
    assert pitting.source == "Pitting/0.png" and pitting.box == (5, 0, 45, 40)


def test_presplit_folders_keep_their_split(folder_root: Path, tmp_path: Path) -> None:
    presplit = tmp_path / "presplit"
    for split in ("train", "test"):
        (presplit / split).mkdir(parents=True)
        for cls in folder_root.iterdir():
            (presplit / split / cls.name).symlink_to(cls, target_is_directory=True)
    samples = folder.load(DataConfig(source="folder", image_size=16), presplit)
    assert {s.split for s in samples} == {"train", "test"}
    assert sum(s.split == "test" for s in samples) == 14


def test_config_classes_select_folders(folder_root: Path) -> None:
    (folder_root / "rust").mkdir()
    (folder_root / "rust" / "a.png").write_bytes(b"never read")
    samples = folder.load(DataConfig(source="folder", classes=["pitting", "intact"]), folder_root)
    assert {s.label for s in samples} == {"pitting", "intact"}


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda root: root.rename(root.with_name("gone")), "data.root folder not found"),
        (lambda root: [p.unlink() for p in (root / "intact").iterdir()], "intact: class folder holds no images"),
        (lambda root: (root / "intact" / "3.png").write_bytes(b"not a png"), "intact/3.png: not a readable image"),
        (lambda root: (root / "intact" / "2.png").write_bytes((root / "intact" / "2.png").read_bytes()[:200]),
         "intact/2.png: unreadable or truncated image"),
    ],
)
def test_bad_input_names_the_file(folder_root: Path, break_it, message: str) -> None:
    break_it(folder_root)
    with pytest.raises(InputDataError, match=message):
        folder.load(DataConfig(source="folder"), folder_root)


def test_an_image_below_the_minimum_source_side_is_an_error(folder_root: Path) -> None:
    Image.new("RGB", (1, 1)).save(folder_root / "intact" / "speck.png")  # would be blown up to 96 px of one colour
    with pytest.raises(InputDataError, match=r"intact/speck.png: 1x1 px is smaller than data.min_source_side \(16\)"):
        folder.load(DataConfig(source="folder"), folder_root)
    assert len(folder.load(DataConfig(source="folder", min_source_side=1), folder_root)) == 15
