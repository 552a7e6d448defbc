import gc

gc.disable()  # before the imports too: see cli.entry_point

from compose_lint.cli import entry_point  # noqa: E402

entry_point()
