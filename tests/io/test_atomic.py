from pathlib import Path

import pytest
import torch

from bsgan.io.atomic import atomic_directory, atomic_torch_save


def test_replaces_the_folder_only_when_complete(tmp_path: Path) -> None:
    final = tmp_path / "out"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("first")
        assert not final.exists()
    assert (final / "a.txt").read_text() == "first"

    with atomic_directory(final) as staging:
        (staging / "b.txt").write_text("second")
    assert sorted(p.name for p in final.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_keeps_the_previous_output(tmp_path: Path) -> None:
    final = tmp_path / "out"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("good")

    with pytest.raises(RuntimeError), atomic_directory(final) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("killed half way")

    assert sorted(p.name for p in final.iterdir()) == ["a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftover_staging_from_a_killed_run_is_discarded(tmp_path: Path) -> None:
    (tmp_path / ".out.tmp").mkdir()
    (tmp_path / ".out.tmp" / "stale.txt").write_text("stale")
    with atomic_directory(tmp_path / "out") as staging:
        assert list(staging.iterdir()) == []


def test_a_saved_tensor_file_appears_whole_and_leaves_no_staging(tmp_path: Path) -> None:
    final = tmp_path / "cache" / "entry.pt"
    atomic_torch_save({"weight": torch.arange(3)}, final)
    assert torch.equal(torch.load(final, weights_only=True)["weight"], torch.arange(3))
    assert sorted(p.name for p in final.parent.iterdir()) == ["entry.pt"]
