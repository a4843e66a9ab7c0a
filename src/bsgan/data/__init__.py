"""Data sources, splitting, manifests and classical augmentation."""
