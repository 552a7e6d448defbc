"""CL1xx: the Compose configuration, as Docker Compose reads it."""
