"""Optuna studies of the GAN's settings: search space, objective, storage, tracking, plots and export."""
