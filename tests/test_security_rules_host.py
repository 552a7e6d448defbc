"""CL202-CL214: what a service may do to the host it runs on (the Docker socket,
privileged mode, capabilities, host namespaces, confinement, host paths and devices,
published databases, root over a non-root image), and the hardening group CL230-CL234."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import catches, catches_not


def svc(*lines: str, image: str = "alpine:3.20", name: str = "app") -> str:
    """A compose file with one service; `lines` are its keys (4 spaces in), so the first
    of them is on line 4."""
    body = "".join(f"    {line}\n" for line in lines)
    return f"services:\n  {name}:\n    image: {image}\n{body}"


# -- CL202 docker-socket-mount ------------------------------------------------------------


def test_docker_socket() -> None:
    catches(
        "CL202",
        compose=svc("volumes:", "  - /var/run/docker.sock:/var/run/docker.sock"),
        at="compose.yaml:5:9",
    )
    catches("CL202", compose=svc("volumes:", "  - /run/docker.sock:/var/run/docker.sock:ro"))
    catches("CL202", compose=svc("volumes:", "  - //var/run/docker.sock:/var/run/docker.sock"))
    catches("CL202", compose=svc("volumes:", "  - /var/run:/var/run"))
    (message,) = catches(
        "CL202",
        compose=svc(
            "volumes:",
            "  - type: bind",
            "    source: /var/run/docker.sock",
            "    target: /var/run/docker.sock",
            "    read_only: true",
        ),
        at="compose.yaml:5:9",
    )
    assert "read-only does not help" in message and "socket proxy" in message


SOCKET = ("volumes:", "  - /var/run/docker.sock:/var/run/docker.sock:ro")


@pytest.mark.parametrize(
    "image",
    [
        # a socket proxy, whatever its tag is written as (trigger.dev)
        "tecnativa/docker-socket-proxy:${DOCKER_PROXY_IMAGE_TAG:-latest}",
        "tecnativa/docker-socket-proxy:${TAG}",
        "${REGISTRY:-docker.io}/tecnativa/docker-socket-proxy:0.3",
        # a container manager that needs the whole API: Nextcloud's all-in-one master
        # container creates and updates its sibling containers
        "ghcr.io/nextcloud-releases/all-in-one:latest",
        "nextcloud/all-in-one",
        "portainer/portainer-ce:2.21.4",
        "nickfedor/watchtower:latest",  # the maintained fork of containrrr/watchtower
    ],
)
def test_images_that_hold_the_socket_by_design(image: str) -> None:
    catches_not("CL202", compose=svc(*SOCKET, image=f'"{image}"'))


@pytest.mark.parametrize(
    "image",
    [
        "traefik:${TAG:-v3.2}",
        "nginxproxy/acme-companion",  # only signals nginx-proxy: a proxy can pass that on
    ],
)
def test_images_a_socket_proxy_could_serve(image: str) -> None:
    catches("CL202", compose=svc(*SOCKET, image=f'"{image}"'), at="compose.yaml:5:9")


def test_no_docker_socket() -> None:
    catches_not("CL202", compose=svc("volumes:", "  - ./docker.sock:/var/run/docker.sock"))
    catches_not("CL202", compose=svc("volumes:", "  - docker:/var/run"))  # a named volume
    catches_not("CL202", compose=svc("volumes:", "  - /var/run/postgresql:/var/run/postgresql"))
    # a test file: the socket is what the test harness needs
    catches_not(
        "CL202",
        files={
            "tests/compose.yaml": svc("volumes:", "  - /var/run/docker.sock:/var/run/docker.sock")
        },
        target=".",
    )


# -- CL203 privileged-service -------------------------------------------------------------


def test_privileged() -> None:
    catches("CL203", compose=svc("privileged: true"), at="compose.yaml:4:17")
    catches("CL203", compose=svc('privileged: "${PRIVILEGED:-true}"'))


def test_not_privileged() -> None:
    catches_not("CL203", compose=svc("privileged: false"))
    catches_not("CL203", compose=svc('privileged: "${PRIVILEGED}"'))  # unknown
    catches_not("CL203", files={"compose.ci.yaml": svc("privileged: true")}, target=".")


# -- CL204 dangerous-capability -----------------------------------------------------------


def test_dangerous_capabilities() -> None:
    catches(
        "CL204",
        compose=svc("cap_add:", "  - SYS_ADMIN", "  - ALL"),
        at=["compose.yaml:5:9", "compose.yaml:6:9"],
    )
    catches("CL204", compose=svc("cap_add: [cap_sys_ptrace]"))
    catches("CL204", compose=svc("network_mode: host", "cap_add: [NET_ADMIN]"))
    (message,) = catches("CL204", compose=svc("cap_add: [CAP_SYS_MODULE]"))
    assert "SYS_MODULE" in message and "kernel modules" in message


def test_harmless_capabilities() -> None:
    catches_not("CL204", compose=svc("cap_add: [NET_BIND_SERVICE, CHOWN, SETUID, SYS_NICE]"))
    # already in Docker's default set: adding them changes nothing
    catches_not("CL204", compose=svc("cap_add: [DAC_OVERRIDE, SETPCAP, NET_RAW]"))
    # in its own network namespace NET_ADMIN changes only that namespace (VPN clients)
    catches_not("CL204", compose=svc("cap_add: [NET_ADMIN]"))
    catches_not("CL204", compose=svc("cap_drop: [ALL]"))


# -- CL205 host-namespace -----------------------------------------------------------------


def test_host_namespaces() -> None:
    catches("CL205", compose=svc("network_mode: host"), at="compose.yaml:4:19")
    catches(
        "CL205",
        compose=svc("pid: host", "ipc: host", "uts: host", 'userns_mode: "host"'),
        at=["compose.yaml:4:10", "compose.yaml:5:10", "compose.yaml:6:10", "compose.yaml:7:18"],
    )


def test_own_namespaces() -> None:
    catches_not("CL205", compose=svc("network_mode: bridge", "ipc: shareable", "pid: service:db"))
    catches_not("CL205", compose=svc('network_mode: "${NETWORK_MODE}"'))
    # Playwright's documented ipc: host for Chromium, in a development override
    catches_not(
        "CL205",
        compose=svc("ipc: host", name="playwright"),
        files={"compose.override.yaml": "services:\n  playwright:\n    ipc: host\n"},
    )


# -- CL206 confinement-disabled -----------------------------------------------------------


def test_confinement_disabled() -> None:
    catches(
        "CL206",
        compose=svc(
            "security_opt:",
            "  - seccomp:unconfined",
            "  - apparmor=unconfined",
            "  - label:disable",
            "  - systempaths=unconfined",
        ),
        at=["compose.yaml:5:9", "compose.yaml:6:9", "compose.yaml:7:9", "compose.yaml:8:9"],
    )
    catches("CL206", compose=svc('security_opt: ["seccomp=UNCONFINED"]'))


@pytest.mark.parametrize("folder", ["setup/macos", "docker/windows"])
def test_apparmor_options_for_docker_desktop_change_nothing(folder: str) -> None:
    # Docker Desktop's VM runs no AppArmor: only the seccomp entry switches anything off
    compose = svc("security_opt:", "  - seccomp:unconfined", "  - apparmor:unconfined")
    path = f"{folder}/compose.yaml"
    catches("CL206", files={path: compose}, at=f"{path}:5:9")
    catches(
        "CL206",
        files={"setup/linux/compose.yaml": compose},
        at=["setup/linux/compose.yaml:5:9", "setup/linux/compose.yaml:6:9"],
    )


def test_confinement_kept() -> None:
    catches_not(
        "CL206",
        compose=svc(
            "security_opt:",
            "  - no-new-privileges:true",
            "  - seccomp=./seccomp.json",
            "  - label=type:svirt_t",
        ),
    )


# -- CL207 sensitive-host-mount -----------------------------------------------------------


def test_sensitive_host_paths() -> None:
    catches(
        "CL207",
        compose=svc(
            "volumes:",
            "  - /:/host",
            "  - /etc:/host/etc",
            "  - /proc/sys:/host/proc/sys",
            "  - /var/lib/docker:/docker",
            "  - ~/.ssh:/root/.ssh",
            "  - /home/deploy/.aws:/root/.aws",
        ),
        at=[f"compose.yaml:{n}:9" for n in range(5, 11)],
    )
    (message,) = catches(
        "CL207",
        compose=svc("volumes:", "  - type: bind", "    source: /etc", "    target: /host/etc"),
    )
    assert 'writable (no ":ro")' in message


def test_read_only_sensitive_paths_with_the_option() -> None:
    compose = svc("volumes:", "  - /:/rootfs:ro", "  - /etc/shadow:/shadow:ro", "  - /sys:/sys:ro")
    catches_not("CL207", compose=compose)
    messages = catches(
        "CL207",
        compose=compose,
        options={"read-only": True},
        at=["compose.yaml:5:9", "compose.yaml:6:9"],
    )
    assert all("read-only, which still lets it read" in m for m in messages)


def test_ordinary_host_paths() -> None:
    catches_not(
        "CL207",
        compose=svc(
            "volumes:",
            "  - /etc/localtime:/etc/localtime:ro",
            "  - /etc/timezone:/etc/timezone:ro",
            "  - /etc/letsencrypt:/etc/letsencrypt",
            "  - /dev/dri:/dev/dri",
            "  - /home/app/data:/data",
            "  - ./etc:/etc",
            "  - etc:/etc",
            "  - /srv/app:/app",
        ),
    )
    # read-only /proc and /sys: what a monitoring agent mounts
    catches_not(
        "CL207",
        compose=svc("volumes:", "  - /proc:/host/proc:ro", "  - /sys:/host/sys:ro"),
        options={"read-only": True},
    )


def test_kernel_interfaces_a_privileged_service_has_anyway() -> None:
    # a privileged container gets /sys and the host's devices writable: an eBPF profiler
    # mounting /sys/kernel/debug adds nothing that CL203 does not already say
    mounts = ("volumes:", "  - /sys/kernel/debug:/sys/kernel/debug", "  - /etc:/host/etc")
    catches("CL207", compose=svc("privileged: true", *mounts), at="compose.yaml:7:9")
    catches("CL207", compose=svc(*mounts), at=["compose.yaml:5:9", "compose.yaml:6:9"])


# -- CL208 host-device --------------------------------------------------------------------


def test_host_devices() -> None:
    catches(
        "CL208",
        compose=svc(
            "devices:",
            "  - /dev/mem:/dev/mem",
            "  - /dev/sda:/dev/xvda:r",
            "  - /dev/nvme0n1",
            "  - /dev/disk/by-id/ata-X:/dev/disk",
        ),
        at=[f"compose.yaml:{n}:9" for n in range(5, 9)],
    )


def test_ordinary_devices() -> None:
    catches_not(
        "CL208",
        compose=svc(
            "devices:",
            "  - /dev/dri:/dev/dri",
            "  - /dev/snd",
            "  - /dev/net/tun",
            "  - /dev/ttyUSB0:/dev/ttyUSB0",
            "  - /dev/fuse",
            "  - nvidia.com/gpu=all",
        ),
    )


# -- CL209 datastore-published ------------------------------------------------------------


def test_published_datastores() -> None:
    (message,) = catches(
        "CL209",
        compose=svc("ports:", '  - "5432:5432"', image="postgres:17", name="db"),
        at="compose.yaml:5:9",
    )
    assert '"127.0.0.1:5432:5432"' in message and '"db:5432"' in message
    catches("CL209", compose=svc("ports: [6379:6379]", image="redis:7-alpine"))
    catches("CL209", compose=svc('ports: ["0.0.0.0:27017:27017"]', image="mongo"))
    catches("CL209", compose=svc('ports: ["[::]:3306:3306"]', image="bitnami/mysql:8.4"))
    catches("CL209", compose=svc('ports: ["${PG_PORT:-5432}:5432"]', image="postgres"))
    catches(
        "CL209",
        compose=svc(
            "ports:",
            "  - target: 9200",
            "    published: 9200",
            image="docker.elastic.co/elasticsearch/elasticsearch:8.15.0",
        ),
        at="compose.yaml:5:9",
    )
    catches(
        "CL209",
        compose="services:\n  db:\n    build: ./db\n    ports: ['5432:5432']\n",
        files={"db/Dockerfile": "FROM postgres:17\n"},
    )


def test_unpublished_or_local_datastores() -> None:
    catches_not("CL209", compose=svc('ports: ["127.0.0.1:5432:5432"]', image="postgres"))
    catches_not("CL209", compose=svc('ports: ["[::1]:5432:5432"]', image="postgres"))
    catches_not("CL209", compose=svc('ports: ["${BIND:-127.0.0.1}:5432:5432"]', image="postgres"))
    catches_not("CL209", compose=svc("expose: ['5432']", image="postgres"))
    catches_not("CL209", compose=svc("ports: ['8080:80']", image="dpage/pgadmin4"))
    catches_not(
        "CL209", compose=svc("network_mode: host", "ports: ['5432:5432']", image="postgres")
    )
    # the development override publishes the database for local tools
    catches_not(
        "CL209",
        compose=svc(image="postgres", name="db"),
        files={"compose.override.yaml": "services:\n  db:\n    ports: ['5432:5432']\n"},
    )
    catches_not(
        "CL209",
        files={"docker-compose.dev.yml": svc("ports: ['5432:5432']", image="postgres")},
        target=".",
    )


def test_a_passwordless_datastore_is_reported_in_a_development_file_too() -> None:
    # the override publishes a database that takes no password: open to the network
    trust = svc("environment:", "  POSTGRES_HOST_AUTH_METHOD: trust", image="postgres", name="db")
    override = {"compose.override.yaml": "services:\n  db:\n    ports: ['5432:5432']\n"}
    (message,) = catches("CL209", compose=trust, files=override, at="compose.override.yaml:3:13")
    assert "without a password (POSTGRES_HOST_AUTH_METHOD=trust)" in message
    catches_not(
        "CL209",
        compose=trust.replace("trust", "scram-sha-256"),
        files=override,
    )
    # Neo4j with authentication turned off (laradock's neo4j service)
    neo4j = svc("environment:", "  NEO4J_AUTH: none", image="neo4j:5", name="db")
    (message,) = catches("CL209", compose=neo4j, files=override, at="compose.override.yaml:3:13")
    assert "without a password (NEO4J_AUTH=none)" in message


@pytest.mark.parametrize(
    ("ports", "env", "fires"),
    [
        # the variable's default carries the host address: loopback unless .env says otherwise
        ('ports: ["${SQL_PORT:-127.0.0.1:13306}:3306"]', None, False),
        ('ports: ["${SQL_PORT:-127.0.0.1:13306}:3306"]', "SQL_PORT=13306\n", True),
        ('ports: ["${SQL_PORT:-13306}:3306"]', None, True),
        # a variable with no value known here: whoever sets it decides the address
        ('ports: ["${SQL_PORT}:3306"]', None, False),
    ],
)
def test_cl209_reads_the_host_address_a_variable_gives(
    ports: str, env: str | None, fires: bool
) -> None:
    compose = svc(ports, image="mariadb:11.4")
    files = {".env": env} if env is not None else {}
    if fires:
        catches("CL209", compose=compose, files=files)
    else:
        catches_not("CL209", compose=compose, files=files)


def test_allow_empty_password_with_a_root_password_set_is_not_passwordless() -> None:
    # MYSQL_ALLOW_EMPTY_PASSWORD only lets the root password be empty: with one set, root
    # gets it, so the store takes a password like any other (a development file: silent)
    db = (
        "services:\n  db:\n    image: mariadb:11.4\n    ports: ['3306:3306']\n"
        "    environment:\n      MYSQL_ROOT_PASSWORD: '${{DB_PASSWORD}}'\n"
        "      MYSQL_ALLOW_EMPTY_PASSWORD: 'yes'\n"
    )
    dev = {"docker-compose.dev.yml": db.format()}
    catches_not("CL209", files=dev, target=".")
    # without a root password, the flag leaves the store open: reported there too
    open_db = {"docker-compose.dev.yml": db.format().replace("MYSQL_ROOT_PASSWORD", "MYSQL_USER")}
    (message,) = catches("CL209", files=open_db, target=".")
    assert "without a password (MYSQL_ALLOW_EMPTY_PASSWORD=yes)" in message


# -- CL214 root-user-override -------------------------------------------------------------

BUILT = "services:\n  app:\n    build: .\n    user: {user}\n"
NON_ROOT = "FROM debian:bookworm\nRUN useradd app\nUSER app\n"


def test_root_over_a_non_root_image() -> None:
    (message,) = catches(
        "CL214", compose=BUILT.format(user="root"), dockerfile=NON_ROOT, at="compose.yaml:4:11"
    )
    assert '"USER app" (line 3' in message
    catches("CL214", compose=BUILT.format(user='"0:0"'), dockerfile=NON_ROOT)
    catches("CL214", compose=BUILT.format(user="0"), dockerfile=NON_ROOT)
    catches("CL214", compose=svc("user: root", image="gcr.io/distroless/static:nonroot"))


def test_root_user_that_changes_nothing() -> None:
    catches_not("CL214", compose=BUILT.format(user="root"), dockerfile="RUN true\n")
    catches_not("CL214", compose=BUILT.format(user='"1000:1000"'), dockerfile=NON_ROOT)
    catches_not(
        "CL214", compose=BUILT.format(user="root"), dockerfile="FROM debian:bookworm\nUSER root\n"
    )
    catches_not("CL214", compose=svc("user: root", image="python:3.13"))  # root already
    catches_not("CL214", compose=svc("user: root", image="example.com/unknown:1"))


# -- the hardening group CL230-CL234 --------------------------------------------------------


def test_hardening_rules() -> None:
    catches("CL230", compose=svc(), at="compose.yaml:2:3")
    catches("CL230", compose=svc("security_opt: [no-new-privileges:false]"))
    catches("CL231", compose=svc("cap_drop: [NET_RAW]"), at="compose.yaml:4:5")
    catches("CL232", compose=svc(), at="compose.yaml:2:3")
    catches("CL233", compose=svc("deploy:", "  replicas: 2"), at="compose.yaml:2:3")
    catches("CL234", compose=svc(), at="compose.yaml:3:12")


def test_hardened_service() -> None:
    hardened = svc(
        "read_only: true",
        "cap_drop: [cap_all]",
        'security_opt: ["no-new-privileges=true"]',
        "deploy: {resources: {limits: {cpus: '0.5'}}}",
        image="nginx:1.27@sha256:" + "0" * 64,
    )
    for code in ("CL230", "CL231", "CL232", "CL233", "CL234"):
        catches_not(code, compose=hardened)
    catches_not("CL233", compose=svc("mem_limit: 256m"))
    catches_not("CL234", compose=svc(image="${WEB_IMAGE}"))  # unknown
    # an image this project builds is not pulled
    catches_not(
        "CL234",
        compose="services:\n  a:\n    build: .\n    image: shop:1\n  b:\n    image: shop:1\n",
        dockerfile="RUN true\n",
    )
    # a development file is not hardened
    catches_not("CL232", files={"docker-compose.dev.yml": svc()}, target=".")


HARDENING = ("CL230", "CL231", "CL232", "CL233", "CL234")


def _codes(args: list[str], cwd: Path) -> set[str]:
    from test_cli import invoke

    code, out, err = invoke(["--isolated", "--format", "json", *args, "."], cwd)
    assert code in (0, 1), err
    return {f["code"] for f in json.loads(out)}


def test_the_hardening_group_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(svc("privileged: true", image="example.org/app:1.0"))
    assert _codes([], tmp_path) == {"CL203"}  # off by default
    assert _codes(["--select", "hardening"], tmp_path) == set(HARDENING)
    assert _codes(["--extend-select", "hardening"], tmp_path) == {"CL203", *HARDENING}
    assert _codes(["--extend-select", "hardening", "--ignore", "CL234"], tmp_path) == {
        "CL203",
        "CL230",
        "CL231",
        "CL232",
        "CL233",
    }
    (tmp_path / ".compose-project-lint.yaml").write_text(
        "extend-select: [hardening]\nignore: [HARDENING]\n"
    )
    from test_cli import invoke

    code, out, _ = invoke(["--format", "json", "."], tmp_path)
    assert {f["code"] for f in json.loads(out)} == {"CL203"}


def test_the_rule_list_names_the_group() -> None:
    from conftest import ROOT
    from test_cli import invoke

    code, out, _ = invoke(["--list-rules"], ROOT)
    lines = [line for line in out.splitlines() if line.startswith(HARDENING)]
    assert len(lines) == 5 and all("[group: hardening]" in line for line in lines)
    _, out, _ = invoke(["--list-rules", "--format", "json"], ROOT)
    groups = {r["code"]: r["group"] for r in json.loads(out)}
    assert {groups[c] for c in HARDENING} == {"hardening"} and groups["CL203"] is None


def test_the_hardening_group_in_per_file_ignores_and_suppressions(tmp_path: Path) -> None:
    from test_cli import invoke

    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  # compose-lint: disable-file=hardening -- a one-off tool\n"
        "  tool:\n    image: example.org/tool:1.0\n"
    )
    (tmp_path / "other.yaml").write_text("services:\n  x:\n    image: example.org/x:1.0\n")
    (tmp_path / ".compose-project-lint.yaml").write_text(
        "extend-select: [hardening]\nper-file-ignores:\n  other.yaml: [hardening]\n"
    )
    code, out, _ = invoke(["--format", "json", "compose.yaml", "other.yaml"], tmp_path)
    assert [f["code"] for f in json.loads(out)] == []


def test_cl202_silent_for_a_container_manager() -> None:
    # a function executor and cAdvisor exist to drive or read the engine: no proxy fits
    for image in ("openruntimes/executor:0.25.4", "gcr.io/cadvisor/cadvisor:v0.49.1"):
        compose = (
            f"services:\n  exec:\n    image: {image}\n    volumes:\n"
            "      - /var/run/docker.sock:/var/run/docker.sock\n"
        )
        catches_not("CL202", compose=compose)
    app = (
        "services:\n  app:\n    image: example.org/shop/app:1.4\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock\n"
    )
    catches("CL202", compose=app)
