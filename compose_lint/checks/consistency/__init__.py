"""CL5xx: consistency between the compose file, the Dockerfile and the build context."""
