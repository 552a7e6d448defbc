"""Masking: a secret is hidden wherever a report prints it, and only there."""

from __future__ import annotations

import pytest

from compose_lint.findings import Finding, Location, Severity
from compose_lint.mask import MASK, Masker

LINES = {
    "compose.yaml": [
        "services:",
        "  shlink_rabbitmq:",
        "    environment:",
        "      RABBITMQ_DEFAULT_PASS: rabbit",
    ]
}


def _masker() -> Masker:
    secret = Finding(
        "CL215",
        "literal-secret",
        Severity.WARNING,
        Location("compose.yaml", 4, 7),
        "a literal",
        sensitive=True,
    )
    return Masker([secret], LINES)


@pytest.mark.parametrize(
    "shown",
    ["amqp://guest:rabbit@queue:5672", 'password "rabbit"', "RABBIT=rabbit", "rabbit"],
)
def test_the_secret_is_masked_wherever_it_stands_alone(shown: str) -> None:
    masked = _masker().text(shown)
    assert "rabbit" not in masked.replace("RABBIT=", "") and MASK in masked


@pytest.mark.parametrize("word", ["shlink_rabbitmq", "rabbitmq", "jackrabbit", "rabbit2"])
def test_a_longer_name_that_contains_it_is_not_cut(word: str) -> None:
    # masking inside a name would print "shlink_********mq": it hides nothing, garbles
    # the name and tells the reader what the secret is
    assert _masker().text(f'service "{word}" publishes port 5672') == (
        f'service "{word}" publishes port 5672'
    )
    assert _masker().line("compose.yaml", 2) == "  shlink_rabbitmq:"
    assert _masker().line("compose.yaml", 4) == f"      RABBITMQ_DEFAULT_PASS: {MASK}"


def test_a_well_known_default_is_cut_from_its_line_but_not_from_other_text() -> None:
    # POSTGRES_PASSWORD: postgres (trigger.dev): masking the word everywhere printed
    # "********:14 reached end of life" and hid nothing anyone could not guess
    from compose_lint.model.secrets import well_known

    lines = {
        "compose.yaml": [
            "services:",
            "  db:",
            "    image: postgres:14",
            "    environment:",
            "      POSTGRES_PASSWORD: postgres",
        ]
    }
    secret = Finding(
        "CL215",
        "literal-secret",
        Severity.WARNING,
        Location("compose.yaml", 5, 7),
        "a well-known default",
        sensitive=True,
    )
    masker = Masker([secret], lines, well_known)
    assert masker.line("compose.yaml", 5) == f"      POSTGRES_PASSWORD: {MASK}"
    assert masker.text("postgres:14 reached end of life") == "postgres:14 reached end of life"
    # a value the tool cannot tell from a real secret is still masked everywhere
    assert MASK in _masker().text("amqp://guest:rabbit@queue:5672")
    assert well_known("postgres") and well_known("changeme")
    assert not well_known("Zx9qLm2pT7vB") and not well_known("clickhouse-prod-7")
