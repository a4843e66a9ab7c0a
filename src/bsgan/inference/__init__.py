"""Using trained classifiers: preprocessing, seed ensembles, sliding-window scans of whole photographs."""
