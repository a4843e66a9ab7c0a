"""One hash of settings and bytes, and the folder of unfinished work it keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch

from bsgan.io.fingerprint import STAMP_FILE, fingerprint, resume_or_reset


def test_the_fingerprint_is_sha256_of_the_settings_then_each_parts_bytes() -> None:
    images = torch.arange(6, dtype=torch.uint8).view(2, 3)
    expected = hashlib.sha256(json.dumps({"b": 1, "a": [2]}, sort_keys=True).encode())
    expected.update(images.numpy().tobytes())
    expected.update(b"conv.weight")
    assert fingerprint({"a": [2], "b": 1}, images, "conv.weight") == expected.hexdigest()
    assert fingerprint({"a": [2], "b": 1}, images.t().contiguous().t()) == fingerprint({"a": [2], "b": 1}, images)
    assert fingerprint({"a": [2]}, images) != fingerprint({"a": [3]}, images)


def test_work_of_the_same_stamp_is_resumed_and_anything_else_starts_afresh(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    assert not resume_or_reset(folder, "one")  # nothing there yet: stamped
    (folder / "last.ckpt").write_text("state")
    assert resume_or_reset(folder, "one", needs="last.ckpt")
    assert not resume_or_reset(folder, "one", restart=True)
    assert not (folder / "last.ckpt").exists() and (folder / STAMP_FILE).read_text() == "one"
    assert not resume_or_reset(folder, "one", needs="last.ckpt")  # stamped, but its checkpoint is gone
    (folder / "seed0.json").write_text("{}")
    assert not resume_or_reset(folder, "two")
    assert list(folder.iterdir()) == [folder / STAMP_FILE] and (folder / STAMP_FILE).read_text() == "two"
