"""bsgan: GAN-based enlargement of small ball screw drive failure image sets."""

import os as _os

# OpenMP threads that finish a parallel region spin for a while by default, holding their core; with
# two bsgan processes on two cores the spinning threads starve the other process (8-50x slower).
# Passive waiting must be set before torch loads its OpenMP runtime, so here, before anything imports torch.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
