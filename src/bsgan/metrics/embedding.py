"""t-SNE maps of Inception features (the paper's Figure 10): do generated images fall where real ones do?

Features are reduced to 50 dimensions by PCA first (the usual t-SNE practice: it removes noise and
makes the neighbour search cheap), then embedded jointly, so every group shares one map.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE

PCA_DIMENSIONS = 50


def tsne_map(groups: dict[str, torch.Tensor], seed: int = 0, perplexity: float = 30.0) -> dict[str, np.ndarray]:
    """2-D t-SNE coordinates of every group's feature rows ``(N_g, D)``, embedded together."""
    names = list(groups)
    stacked = np.concatenate([groups[name].double().numpy() for name in names])
    dimensions = min(PCA_DIMENSIONS, *stacked.shape)
    reduced = PCA(n_components=dimensions, random_state=seed).fit_transform(stacked)
    perplexity = min(perplexity, (len(stacked) - 1) / 3)  # t-SNE needs perplexity < n_samples
    points = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(reduced)
    bounds = np.cumsum([0, *(len(groups[name]) for name in names)])
    return {name: points[start:end] for name, start, end in zip(names, bounds[:-1], bounds[1:], strict=True)}
