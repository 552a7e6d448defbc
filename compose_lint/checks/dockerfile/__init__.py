"""CL3xx: Dockerfiles, and the image each service builds."""
