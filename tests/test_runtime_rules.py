"""Rules for mistakes that Compose accepts and that then misbehave at run time
(CL14x): each with the case that fires and the near miss that must stay silent."""

from __future__ import annotations

from conftest import catches, catches_not

# --- CL144 quoted-list-environment ------------------------------------------------------


def test_cl144_quotes_inside_a_list_item() -> None:
    compose = 'services:\n  app:\n    image: x/app:1\n    environment:\n      - TITLE="My board"\n'
    found = catches("CL144", compose=compose, at="compose.yaml:5:9")
    assert "TITLE" in found[0] and "quote the whole item" in found[0]


def test_cl144_single_quotes_and_build_args() -> None:
    compose = "services:\n  app:\n    build:\n      context: .\n      args:\n        - V='1.2'\n"
    catches("CL144", compose=compose, dockerfile="ARG V\n", at="compose.yaml:6:11")


def test_cl144_near_misses() -> None:
    # the whole item quoted, the mapping form, quotes inside the value, an empty value
    compose = (
        "services:\n  app:\n    image: x/app:1\n    environment:\n"
        '      - "TITLE=My board"\n      - \'MOTD=say "hi"\'\n      - EMPTY=\n      - ONE="\n'
        '  db:\n    image: postgres:17\n    environment:\n      POSTGRES_DB: "app"\n'
    )
    catches_not("CL144", compose=compose)


# --- CL146 shell-healthcheck-split ------------------------------------------------------


def test_cl146_several_items_after_cmd_shell() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:17\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready", "-U", "$$POSTGRES_USER"]\n'
    )
    found = catches("CL146", compose=compose, at="compose.yaml:5:41")
    # one string keeps the shell that expands the variable; no exec form is offered
    assert '["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]' in found[0]
    assert '"CMD", ' not in found[0]


def test_cl146_near_misses() -> None:
    compose = (
        "services:\n  a:\n    image: x/a:1\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]\n'
        '  b:\n    image: x/b:1\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost/"]\n'
        "  c:\n    image: x/c:1\n    healthcheck:\n      test: curl -f http://localhost/\n"
    )
    catches_not("CL146", compose=compose)


# --- CL147 host-network-ports -----------------------------------------------------------


def test_cl147_ports_on_the_host_network() -> None:
    compose = (
        "services:\n  web:\n    image: nginx:1.27\n    network_mode: host\n"
        '    ports:\n      - "8080:80"\n'
    )
    found = catches("CL147", compose=compose, at="compose.yaml:5:5")
    assert "8080:80 does not happen" in found[0]


def test_cl147_near_misses() -> None:
    compose = (
        "services:\n  a:\n    image: x/a:1\n    network_mode: host\n"
        '  b:\n    image: x/b:1\n    network_mode: bridge\n    ports:\n      - "80:80"\n'
    )
    catches_not("CL147", compose=compose)
