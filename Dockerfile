# The image of compose-lint itself. Build it from this checkout, then lint the
# current directory with it:
#   docker build -t compose-project-lint .
#   docker run --rm -v "$PWD:/src" compose-project-lint
FROM python:3.13-slim-trixie AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY compose_lint ./compose_lint
COPY rules ./rules
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.13-slim-trixie
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 lint
USER 10001
WORKDIR /src
# a one-shot command, not a service: nothing to probe
HEALTHCHECK NONE
ENTRYPOINT ["compose-lint"]
