"""Errors that the CLI reports as one line and a non-zero exit code."""


class BsganError(Exception):
    """A user-facing problem with input or configuration.

    The message must name the file or params key at fault and say what is wrong, because the CLI
    prints it as the only line the user sees.
    """


class ParamsError(BsganError):
    """A value in ``params.yaml`` is missing, of the wrong type or out of range."""


class InputDataError(BsganError):
    """An input file or folder is missing, unreadable or not in the expected format."""


class GeneratorCollapsed(BsganError):
    """A generator collapsed and the policy (``gan.on_collapse``) does not keep it."""


class OutputError(BsganError):
    """bsgan refuses to write an output there (it would lose the user's files), or the OS refused the write."""
