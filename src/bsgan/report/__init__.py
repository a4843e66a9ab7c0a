"""The report stage's parts: sections as Markdown, figures, verdicts, and the self-contained HTML page."""
