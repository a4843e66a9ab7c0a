"""Networks (pure torch) and their Lightning training recipes."""
