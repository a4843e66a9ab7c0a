"""Seeded latent batches and interpolation paths."""

from __future__ import annotations

import torch

from bsgan.models.dcgan.latent import latent_batch, latent_path


def test_a_latent_batch_is_seeded_and_its_rows_do_not_depend_on_its_length() -> None:
    assert torch.equal(latent_batch(10, 16, seed=3), latent_batch(10, 16, seed=3))
    assert torch.equal(latent_batch(4, 16, seed=3), latent_batch(10, 16, seed=3)[:4])
    assert not torch.equal(latent_batch(4, 16, seed=3), latent_batch(4, 16, seed=4))


def test_paths_start_and_end_at_the_two_points() -> None:
    start, end = latent_batch(2, 32, seed=0)
    for kind in ("slerp", "linear"):
        path = latent_path(start, end, steps=7, path=kind)
        assert path.shape == (7, 32)
        torch.testing.assert_close(path[0], start)
        torch.testing.assert_close(path[-1], end)


def test_slerp_keeps_the_norm_where_the_straight_line_shrinks_it() -> None:
    start, end = latent_batch(2, 512, seed=1)
    end = end / end.norm() * start.norm()  # two points on one sphere
    arc = latent_path(start, end, steps=5, path="slerp")
    line = latent_path(start, end, steps=5, path="linear")
    torch.testing.assert_close(arc.norm(dim=1), torch.full((5,), start.norm().item()))
    assert line[2].norm() < 0.8 * start.norm()  # nearly orthogonal in 512 dimensions: about 1/sqrt(2)


def test_slerp_between_parallel_points_is_the_line() -> None:
    start = latent_batch(1, 8, seed=2)[0]
    torch.testing.assert_close(latent_path(start, 2 * start, 3, "slerp"), latent_path(start, 2 * start, 3, "linear"))
