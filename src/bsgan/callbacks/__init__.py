"""Lightning callbacks that watch a training and write what they see: curves, sample grids, fidelity probes.

Tracking code, kept apart from the networks and recipes they watch (``models/``), as anomalib keeps its
callbacks: a recipe runs without them, and they may read metrics and write files.
"""
