"""CL4xx: build contexts and their .dockerignore."""
