"""Recognising a collapsed GAN run from its loss curve, where no loss is NaN but training has failed.

Two ways it shows. The discriminator wins outright: it scores every generated image near 0 and the
generator's non-saturating loss ``-log D(G(z))`` climbs past ``-log 0.01`` ≈ 4.6, its gradients carry
almost no signal and the run never recovers. Or the networks blow up: with lr 1.0 (measured on the
default recipe, rust, 50 loops) the interval means of the losses sit at 60-390 while the mean fake score
still looks ordinary (0.13-0.30), because a few huge logits dominate the loss. A healthy run keeps
both losses near 0.7-2 and the fake score near 0.3-0.5. One bad interval can recover, so a collapse is
a run of several consecutive log intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FAKE_SCORE_BELOW = 0.01
"""The discriminator's mean score of generated images (``d_fake``) below this ..."""
GENERATOR_LOSS_ABOVE = 5.0
"""... with the generator loss (``g_loss``) above this, or ..."""
LOSS_ABOVE = 10.0
"""... either loss above this (binary cross-entropy of ~1 is normal; 10 means logits wrong by 10) ..."""
INTERVALS = 3
"""... over this many consecutive log intervals is a collapse."""


@dataclass(frozen=True)
class Collapse:
    since_loop: int
    """The log row (loop) where the collapsed stretch began."""
    d_fake: float
    g_loss: float
    d_loss: float
    """The last interval's values."""

    def line(self) -> str:
        return (f"training collapsed from loop {self.since_loop}: generator loss {self.g_loss:.3g}, discriminator "
                f"loss {self.d_loss:.3g}, fake score {self.d_fake:.2g} over {INTERVALS}+ log intervals; "
                "its images are unlikely to be useful (try lower gan.lr_g / gan.lr_d or gan.diffaug)")


def find_collapse(curve: Mapping[str, Sequence[float]]) -> Collapse | None:
    """The first collapse in a loss curve (columns ``loop``, ``d_fake``, ``g_loss``, ``d_loss``), or ``None``."""
    loops, fake, loss = curve.get("loop", []), curve.get("d_fake", []), curve.get("g_loss", [])
    d_losses = curve.get("d_loss") or [0.0] * len(loss)
    run = 0
    for index, (d_fake, g_loss, d_loss) in enumerate(zip(fake, loss, d_losses, strict=True)):
        lost = d_fake < FAKE_SCORE_BELOW and g_loss > GENERATOR_LOSS_ABOVE
        run = run + 1 if lost or g_loss > LOSS_ABOVE or d_loss > LOSS_ABOVE else 0
        if run == INTERVALS:
            return Collapse(int(loops[index - INTERVALS + 1]), float(d_fake), float(g_loss), float(d_loss))
    return None
