"""The parallel-workers bench, without running it: its commands, speeds from curves and the ratio it reports.

Nothing here is timed (the speeds are made up); ``bench/parallel_workers.py --loops 4`` runs it for real.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import parallel_workers


def test_each_run_has_its_own_folders_and_thread_share() -> None:
    params = Path("params.yaml")
    one = parallel_workers.train_command("shared_a", 1, params)
    other = parallel_workers.train_command("shared_b", 1, params)
    assert one[one.index("--threads") + 1] == "1"
    assert one[one.index("--params") + 1] == "params.yaml"
    for flag in ("--models", "--checkpoints", "--plots"):
        assert one[one.index(flag) + 1] != other[other.index(flag) + 1], flag


def test_the_steady_speed_skips_the_warm_up_row(tmp_path: Path) -> None:
    curve = tmp_path / "curve.csv"
    curve.write_text("loop,d_loss,g_loss,d_real,d_fake,loops_per_s\n10,1,1,.5,.5,0.5\n20,1,1,.5,.5,6\n30,1,1,.5,.5,7\n"
                     "40,1,1,.5,.5,8\n")
    assert parallel_workers.steady_speed(curve) == 7


def test_the_ratio_is_the_pairs_combined_speed_over_one_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    speeds = {"alone": [7.0], "shared_a": [3.4, 3.3], "over_a": [0.5, 0.4]}
    written: dict[str, int] = {}

    def bench_project(params: Path, loops: int, root: Path, name: str = "params.yaml") -> Path:
        written[name] = loops
        return root / name

    monkeypatch.setattr(parallel_workers, "bench_project", bench_project)
    monkeypatch.setattr(parallel_workers, "run_together",
                        lambda names, threads, root, policy, params: speeds[names[0]])
    monkeypatch.setattr(parallel_workers, "usable_cores", lambda: 2)

    result = parallel_workers.measure(Path("params.yaml"), loops=40, oversubscribed_loops=20)
    assert written == {"params.yaml": 40, "oversubscribed.yaml": 20}, "the oversubscribed pair runs fewer loops"
    assert result["threads_alone"] == 2 and result["threads_shared"] == 1
    assert result["shared_over_alone"] == pytest.approx(6.7 / 7)
    assert result["oversubscribed_over_alone"] == pytest.approx(0.9 / 7)
    assert "| two at once, a share of the cores each (passive OpenMP waits) | 1 | 3.4 + 3.3 | 0.96 |" in (
        parallel_workers.markdown(result))
