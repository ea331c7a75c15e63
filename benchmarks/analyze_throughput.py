"""Throughput of ``calmdesk analyze --file`` next to alt-profanity-check, on one core.

How to run (from the repository root, after ``pip install -e .[bench]``)::

    python3 benchmarks/analyze_throughput.py                 # 60,000 messages, ../shared/data
    python3 benchmarks/analyze_throughput.py --count 10000 --data-dir /path/to/data

It builds ~60,000 mixed Polish, Finnish and English messages (texts from the data directory's
JSONL files plus calmdesk's own client-message templates), writes them to a .jsonl file, then,
each in a child process pinned to CPU 0 (``taskset -c 0`` where available):

1. times ``calmdesk analyze --file messages.jsonl --output results.jsonl`` end to end
   (start-up, reading, analysis with the shipped models, writing JSON lines);
2. times ``profanity_check.predict_prob`` on the same texts (one binary score each);
3. times the engine's rules alone in-process (``analyze_many(..., use_models=False)``).

It prints messages per second for each and the ratio calmdesk / alt-profanity-check, by
wall-clock time and by CPU time (user + system of the child process). On a machine shared with
other work the CPU-time figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SOURCES = (
    "abuse/pl_poleval2019_train.jsonl",
    "abuse/pl_komentarze_train.jsonl",
    "emotion/pl_xed_train.jsonl",
    "emotion/fi_xed_train.jsonl",
    "emotion/fi_xed_neutral_train.jsonl",
    "abuse/en_olid_train.jsonl",
    "emotion/en_xed_train.jsonl",
    "emotion/en_goemotions_dev.jsonl",
)

# Short client messages of the kinds calmdesk reads, combined at random with the slots below.
TEMPLATES = {
    "pl": [
        "Dzień dobry, czy mają Państwo wolny termin w {day}?",
        "Zamówienie {num} nadal nie dotarło, co się dzieje?",
        "Kurwa, znowu nie działa {thing}!",
        "Jest Pan zwykłym {insult}, proszę oddać pieniądze.",
        "Wystawię wam negatywną opinię na Google, jeśli do {day} nie będzie zwrotu.",
        "Dziękuję bardzo, wszystko działa, super obsługa!",
        "Jestem bardzo rozczarowana, {thing} zepsuł się po tygodniu.",
        "Sprawa trafi do UOKiK i do sądu, nie zapłacę za to.",
    ],
    "fi": [
        "Hei, onko teillä vapaita aikoja {day}?",
        "Tilaus {num} ei ole vieläkään tullut.",
        "Vittu, taas {thing} ei toimi!",
        "Olet ihan {insult}, haluan rahani takaisin.",
        "Kirjoitan teistä huonon arvostelun, jos asia ei ratkea {day}.",
        "Kiitos, loistavaa palvelua!",
        "Olen todella pettynyt, {thing} hajosi heti.",
        "Vien asian kuluttajariitalautakuntaan, en maksa tätä laskua.",
    ],
    "en": [
        "Hi, do you have any openings on {day}?",
        "Order {num} still hasn't arrived, what's going on?",
        "This damn {thing} broke again!",
        "You are a useless {insult}, give me my money back.",
        "I'll leave a one star review unless this is fixed by {day}.",
        "Thanks, great job, everything works now!",
        "I'm really disappointed, the {thing} stopped working after a week.",
        "My lawyer will contact you, I won't pay this invoice.",
    ],
}
SLOTS = {
    "pl": {
        "day": ["sobotę", "piątek", "poniedziałek"],
        "thing": ["pralka", "drukarka", "aplikacja"],
        "insult": ["idiotą", "debilem", "oszustem"],
    },
    "fi": {
        "day": ["lauantaina", "perjantaina", "huomenna"],
        "thing": ["pesukone", "tulostin", "sovellus"],
        "insult": ["idiootti", "ääliö", "huijari"],
    },
    "en": {
        "day": ["Saturday", "Friday", "Monday"],
        "thing": ["washer", "printer", "app"],
        "insult": ["idiot", "moron", "scammer"],
    },
}


def build_messages(data_dir: Path, count: int, seed: int = 7) -> list[dict[str, str]]:
    """``count`` messages: half from the data files (where present), half from templates."""
    rng = random.Random(seed)
    pool: list[dict[str, str]] = []
    for name in SOURCES:
        path = data_dir / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text = json.loads(line).get("text", "")
                if text:
                    pool.append({"text": text})
    rng.shuffle(pool)
    messages = pool[: count // 2]
    while len(messages) < count:
        lang = rng.choice(list(TEMPLATES))
        template = rng.choice(TEMPLATES[lang])
        slots = {key: rng.choice(values) for key, values in SLOTS[lang].items()}
        messages.append({"text": template.format(num=rng.randint(10000, 99999), **slots)})
    rng.shuffle(messages)
    return messages


def _pinned(command: list[str]) -> list[str]:
    if shutil.which("taskset"):
        return ["taskset", "-c", "0", *command]
    return command


_PROFANITY_CHECK = """
import json, sys, time
from profanity_check import predict_prob
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
predict_prob(texts[:100])
started, cpu = time.perf_counter(), time.process_time()
predict_prob(texts)
print(len(texts) / (time.perf_counter() - started), len(texts) / (time.process_time() - cpu))
"""

_RULES_ONLY = """
import json, sys, time
from calmdesk.engine.pipeline import analyze_many
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
analyze_many(texts[:100], use_models=False)
started, cpu = time.perf_counter(), time.process_time()
for start in range(0, len(texts), 512):
    for analysis in analyze_many(texts[start : start + 512], use_models=False):
        analysis.to_dict()
print(len(texts) / (time.perf_counter() - started), len(texts) / (time.process_time() - cpu))
"""


def _child_rate(script: str, messages: Path) -> tuple[float, float]:
    """Messages per second of ``script`` by wall-clock and by CPU time."""
    done = subprocess.run(
        _pinned([sys.executable, "-c", script, str(messages)]),
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    """Build the messages, run the three timings and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--count", type=int, default=60_000)
    parser.add_argument("--keep", type=Path, help="Write the messages and results here.")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="calmdesk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    messages = build_messages(args.data_dir, args.count)
    source = workdir / "messages.jsonl"
    source.write_text(
        "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in messages), encoding="utf-8"
    )
    print(
        f"{len(messages)} messages in {source} (pinned to CPU 0: {bool(shutil.which('taskset'))})"
    )

    cli = [sys.executable, "-c", "from calmdesk.cli import main; main()"]
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        _pinned([*cli, "analyze", "--file", str(source), "--output", str(workdir / "out.jsonl")]),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    calmdesk = (
        len(messages) / (time.perf_counter() - started),
        len(messages) / (_children_cpu() - cpu),
    )
    baseline = _child_rate(_PROFANITY_CHECK, source)
    rules = _child_rate(_RULES_ONLY, source)

    print("msgs/s                                     wall-clock    CPU time")
    print(f"calmdesk analyze --file (end to end): {calmdesk[0]:10.0f}  {calmdesk[1]:10.0f}")
    print(f"alt-profanity-check predict_prob:     {baseline[0]:10.0f}  {baseline[1]:10.0f}")
    print(f"calmdesk rules only (in-process):     {rules[0]:10.0f}  {rules[1]:10.0f}")
    print(
        f"ratio calmdesk / alt-profanity-check: {calmdesk[0] / baseline[0]:10.2f}"
        f"  {calmdesk[1] / baseline[1]:10.2f}"
    )
    print(
        f"ratio rules only / alt-profanity-check: {rules[0] / baseline[0]:8.2f}"
        f"  {rules[1] / baseline[1]:10.2f}"
    )


if __name__ == "__main__":
    main()
