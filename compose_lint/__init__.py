"""compose-lint: lint a Docker Compose project as one whole."""

__version__ = "0.2.0"
