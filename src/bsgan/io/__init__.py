"""File-system helpers shared by the stages."""
