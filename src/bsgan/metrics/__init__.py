"""Judging generated images: features, FID/KID, embeddings, memorisation."""
