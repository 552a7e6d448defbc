from compose_lint.cli import entry_point

entry_point()
