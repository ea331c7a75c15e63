"""Playbook files are validated on load; errors name the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from calmdesk.errors import InvalidInput
from calmdesk.playbook import respond
from calmdesk.playbook.content import DATA_DIR, PURPOSES, load_content
from calmdesk.playbook.schemas import parse_request
from calmdesk.settings import Settings
from tests.playbook.conftest import build_analysis


@pytest.fixture
def playbook_dir(tmp_path: Path) -> Path:
    """A business's own copy of the Polish playbook, to edit."""
    shutil.copytree(DATA_DIR / "pl", tmp_path / "pl")
    load_content.cache_clear()
    yield tmp_path
    load_content.cache_clear()


def edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("lang", ["pl", "fi", "en"])
def test_shipped_content_loads_and_has_every_purpose(lang: str) -> None:
    content = load_content(lang)
    assert set(content.replies.templates) == set(PURPOSES)
    for forms in content.replies.templates.values():
        assert forms["formal"] and forms["informal"]
    assert content.signals.warning_ending and content.signals.warning_condition


def test_a_business_can_change_a_template(playbook_dir: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["templates"]["thanks"]["formal"] = ["Dziękujemy, do zobaczenia w salonie Bella!"]

    edit(playbook_dir / "pl" / "replies.yaml", change)
    content = load_content("pl", playbook_dir)
    assert content.replies.templates["thanks"]["formal"] == [
        "Dziękujemy, do zobaczenia w salonie Bella!"
    ]
    # Files the business did not copy still come from the package.
    assert load_content("fi", playbook_dir).replies.templates["thanks"]["formal"]


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "replies.yaml",
            lambda d: d["templates"].pop("safety"),
            "replies.yaml: templates.safety: missing",
        ),
        (
            "replies.yaml",
            lambda d: d["templates"]["options"].update(informal=[]),
            "replies.yaml: templates.options.informal: expected a non-empty list of texts",
        ),
        (
            "replies.yaml",
            lambda d: d["templates"]["apology"]["formal"].append("Przepraszam {client_name}"),
            "replies.yaml: templates.apology.formal[1]: unknown placeholder {client_name}",
        ),
        (
            "replies.yaml",
            lambda d: d["templates"].update(greeting={"formal": ["a"], "informal": ["b"]}),
            "replies.yaml: templates.greeting: unknown purpose",
        ),
        ("replies.yaml", lambda d: d.update(language="fi"), "replies.yaml: language: must be 'pl'"),
        (
            "review.yaml",
            lambda d: d["codes"]["dismissive"]["patterns"].append("(unclosed"),
            "review.yaml: codes.dismissive.patterns[",
        ),
        (
            "review.yaml",
            lambda d: d["codes"]["shouting"].pop("advice"),
            "review.yaml: codes.shouting.advice: expected a non-empty text",
        ),
        (
            "review.yaml",
            lambda d: d["incident"].update(at_staff="w wiadomości {message}: {quote}"),
            "review.yaml: incident.at_staff: unknown placeholder {message}",
        ),
        (
            "review.yaml",
            lambda d: d["incident"].pop("repeated"),
            "review.yaml: incident.repeated: expected a non-empty text",
        ),
        (
            "signals.yaml",
            lambda d: d["boundary_warning"].pop("condition"),
            "signals.yaml: boundary_warning.condition: expected a non-empty list",
        ),
    ],
)
def test_errors_name_the_file_and_the_key(
    playbook_dir: Path, file: str, change: object, message: str
) -> None:
    edit(playbook_dir / "pl" / file, change)
    with pytest.raises(InvalidInput) as caught:
        load_content("pl", playbook_dir)
    assert str(playbook_dir / "pl" / file) in str(caught.value)
    assert message in str(caught.value)


def test_a_missing_playbook_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"CALMDESK_PLAYBOOK_DIR: .* is not a directory"):
        load_content("pl", tmp_path / "nowhere")


def test_broken_yaml_is_reported(playbook_dir: Path) -> None:
    (playbook_dir / "pl" / "signals.yaml").write_text("language: pl\nfacts: [", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"signals\.yaml: not valid YAML"):
        load_content("pl", playbook_dir)


def test_assist_uses_the_business_playbook(playbook_dir: Path) -> None:
    def change(data: dict) -> None:  # type: ignore[type-arg]
        data["templates"]["answer"]["formal"] = [
            "Dziękujemy za pytanie{details}. Salon Bella odpowie w tej rozmowie. Czy coś jeszcze?"
        ]

    edit(playbook_dir / "pl" / "replies.yaml", change)
    request = parse_request(
        {"messages": [{"role": "client", "text": "Czy jesteście otwarci w sobotę?"}]}
    )
    question = build_analysis("pl", intents=["question"])
    result = respond(request, [question], None, settings=Settings(playbook_dir=playbook_dir))
    assert result["stage"] == "calm"
    assert result["suggested_replies"][0]["text"] == (
        "Dziękujemy za pytanie (data: sobota). Salon Bella odpowie w tej rozmowie. Czy coś jeszcze?"
    )


def test_a_review_file_without_incident_sentences_keeps_the_shipped_ones(
    playbook_dir: Path,
) -> None:
    edit(playbook_dir / "pl" / "review.yaml", lambda d: d.pop("incident"))
    assert load_content("pl", playbook_dir).review.incident == load_content("pl").review.incident


@pytest.mark.parametrize(
    ("lang", "text", "reason"),
    [
        (
            "pl",
            "Jest Pan idiotą",
            "obraźliwe słowa skierowane do pracownika w wiadomości klienta nr 1: „idiotą”",
        ),
        (
            "fi",
            "Olet idiootti",
            "työntekijään kohdistuvaa asiatonta kielenkäyttöä asiakkaan viestissä 1: ”idiootti”",
        ),
        ("en", "You are an idiot", "abuse aimed at the employee in client message 1: “idiot”"),
    ],
)
def test_incident_reasons_are_written_in_the_conversation_language(
    lang: str, text: str, reason: str
) -> None:
    from calmdesk.engine.analysis import Evidence

    word = reason.rsplit(": ", 1)[1][1:-1]
    start = text.index(word)
    insult = build_analysis(
        lang,
        abuse={"insult": 0.9},
        at_staff=True,
        evidence=[Evidence(start, start + len(word), word, "insult")],
    )
    request = parse_request({"messages": [{"role": "client", "text": text}]})
    result = respond(request, [insult], None, settings=Settings())
    assert result["incident"] == {"recommended": True, "reasons": [reason]}
