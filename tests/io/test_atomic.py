from pathlib import Path

import pytest
import torch

from bsgan.errors import OutputError
from bsgan.io.atomic import atomic_directory, atomic_torch_save
from bsgan.io.output_rule import MARKER


def test_replaces_the_folder_only_when_complete(tmp_path: Path) -> None:
    final = tmp_path / "out"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("first")
        assert not final.exists()
    assert (final / "a.txt").read_text() == "first"

    with atomic_directory(final) as staging:
        (staging / "b.txt").write_text("second")
    assert sorted(p.name for p in final.iterdir()) == [MARKER, "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_keeps_the_previous_output(tmp_path: Path) -> None:
    final = tmp_path / "out"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("good")

    with pytest.raises(RuntimeError), atomic_directory(final) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("killed half way")

    assert sorted(p.name for p in final.iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftover_staging_from_a_killed_run_is_discarded(tmp_path: Path) -> None:
    (tmp_path / ".out.tmp").mkdir()
    (tmp_path / ".out.tmp" / "stale.txt").write_text("stale")
    (tmp_path / ".out.tmp" / MARKER).write_text("bsgan staging: a killed run left it")
    with atomic_directory(tmp_path / "out") as staging:
        assert [p.name for p in staging.iterdir()] == [MARKER]


def test_a_staging_folder_holding_the_users_files_is_not_removed(tmp_path: Path) -> None:
    (tmp_path / ".out.tmp").mkdir()
    (tmp_path / ".out.tmp" / "mine.txt").write_text("mine")
    with pytest.raises(OutputError, match="not written by bsgan"), atomic_directory(tmp_path / "out"):
        pass
    assert (tmp_path / ".out.tmp" / "mine.txt").read_text() == "mine"


def test_a_failure_after_the_move_brings_the_previous_folder_back(tmp_path: Path) -> None:
    final = tmp_path / "out"
    with atomic_directory(final) as staging:
        (staging / "a.txt").write_text("first")

    def register(folder: Path) -> None:
        assert (folder / "b.txt").read_text() == "second", "runs once the new folder is in place"
        raise RuntimeError("the registry refused")

    with pytest.raises(RuntimeError), atomic_directory(final, after_move=register) as staging:
        (staging / "b.txt").write_text("second")
    assert sorted(p.name for p in final.iterdir()) == [MARKER, "a.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_saved_tensor_file_appears_whole_and_leaves_no_staging(tmp_path: Path) -> None:
    final = tmp_path / "cache" / "entry.pt"
    atomic_torch_save({"weight": torch.arange(3)}, final)
    assert torch.equal(torch.load(final, weights_only=True)["weight"], torch.arange(3))
    assert sorted(p.name for p in final.parent.iterdir()) == ["entry.pt"]
