"""CL2xx: security."""
