"""CL0xx: files that cannot be read, parsed or validated."""
