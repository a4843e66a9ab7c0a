import os
import subprocess
import sys

import pytest
import torch

from bsgan.errors import ParamsError
from bsgan.runtime import THREADS_ENV, configure_threads, share_threads, thread_budget, usable_cores


def test_the_budget_is_chosen_never_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert thread_budget() == usable_cores()
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert thread_budget() == 3
    monkeypatch.setenv(THREADS_ENV, "2")
    assert thread_budget() == 2
    assert thread_budget(requested=1) == 1  # --threads wins


@pytest.mark.parametrize(("value", "message"), [("two", "BSGAN_THREADS: 'two' is not a whole number"),
                                                ("0", "BSGAN_THREADS: needs at least 1 thread")])
def test_a_bad_thread_count_names_its_origin(monkeypatch: pytest.MonkeyPatch, value: str, message: str) -> None:
    monkeypatch.setenv(THREADS_ENV, value)
    with pytest.raises(ParamsError, match=message):
        thread_budget()


def test_workers_split_the_budget_and_children_inherit_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    before = torch.get_num_threads()
    try:
        assert configure_threads(requested=2) == 2 == torch.get_num_threads()
        assert share_threads(2) == 1 and share_threads(4) == 1
        assert os.environ[THREADS_ENV] == "2"
    finally:
        torch.set_num_threads(before)


def test_openmp_waits_passively_unless_told_otherwise() -> None:
    code = "import os, bsgan, torch; print(os.environ['OMP_WAIT_POLICY'])"
    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "PASSIVE"
