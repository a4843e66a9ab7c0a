"""Recognising a collapsed GAN run from its loss curve, where no loss is NaN but training has failed.

When the discriminator wins outright it scores every generated image near 0, and the generator's
non-saturating loss ``-log D(G(z))`` climbs past ``-log 0.01`` ≈ 4.6; its gradients then carry almost no
signal and the run never recovers (with lr 1.0 the losses sit at 25-92). A healthy run of the default
recipe keeps the fake score near 0.3-0.5 and the generator loss near 1-2. One bad interval early in
training can recover, so a collapse is a run of several consecutive log intervals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FAKE_SCORE_BELOW = 0.01
"""The discriminator's mean score of generated images (``d_fake``) below this ..."""
GENERATOR_LOSS_ABOVE = 5.0
"""... with the generator loss (``g_loss``) above this ..."""
INTERVALS = 3
"""... over this many consecutive log intervals is a collapse."""


@dataclass(frozen=True)
class Collapse:
    since_loop: int
    """The log row (loop) where the collapsed stretch began."""
    d_fake: float
    g_loss: float
    """The last interval's values."""

    def line(self) -> str:
        return (f"training collapsed from loop {self.since_loop}: the discriminator scores generated images "
                f"{self.d_fake:.2g} and the generator loss is {self.g_loss:.3g} over {INTERVALS}+ log intervals; "
                "its images are unlikely to be useful (try lower gan.lr_g / gan.lr_d or gan.diffaug)")


def find_collapse(curve: Mapping[str, Sequence[float]]) -> Collapse | None:
    """The first collapse in a loss curve (columns ``loop``, ``d_fake``, ``g_loss``), or ``None``."""
    loops, fake, loss = curve.get("loop", []), curve.get("d_fake", []), curve.get("g_loss", [])
    run = 0
    for index, (d_fake, g_loss) in enumerate(zip(fake, loss, strict=True)):
        run = run + 1 if d_fake < FAKE_SCORE_BELOW and g_loss > GENERATOR_LOSS_ABOVE else 0
        if run == INTERVALS:
            return Collapse(int(loops[index - INTERVALS + 1]), float(d_fake), float(g_loss))
    return None
