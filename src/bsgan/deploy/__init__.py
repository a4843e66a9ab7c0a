"""Shipping a task's classifiers: an ONNX file with its preprocessing, a model card, an MLflow model."""
