"""Latency of ``calmdesk.assist`` on a 20-message conversation (warm process).

    python3 benchmarks/assist_latency.py [--runs 200] [--lang pl|fi|en|all]

Prints the median and 95th percentile in milliseconds per language. The target (issue 4) is a
median under 50 ms: one engine call for all messages and the draft, playbook files read once.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import calmdesk

TARGET_MS = 50.0

_TURNS = {
    "pl": [
        ("client", "Dzień dobry, zamówiłam pralkę nr 45821 i nadal jej nie ma."),
        ("agent", "Dzień dobry, rozumiem. Sprawdzam status zamówienia."),
        ("client", "Czekam już dwa tygodnie, a kurier miał być 12.03 o 15:00."),
        ("agent", "Widzę opóźnienie po naszej stronie, przepraszam."),
        ("client", "To już trzeci raz! Jestem naprawdę wściekła."),
        ("agent", "Rozumiem Pani złość. Mogę zaproponować dwie możliwości."),
        ("client", "Ta cholerna pralka miała być na weekend, kurwa!"),
        ("agent", "Mogę zlecić dostawę ekspresową na jutro albo zwrot 1999 zł."),
        ("client", "Jest Pan idiotą, nic Pan nie umie."),
        ("agent", "Jeśli nie zmieni Pan tonu, będę zmuszona zakończyć rozmowę."),
    ],
    "fi": [
        ("client", "Hei, tilaus 778899 ei ole vieläkään tullut."),
        ("agent", "Hei, ymmärrän. Tarkistan tilanteen."),
        ("client", "Pesukone piti toimittaa klo 14, mutta ketään ei tullut."),
        ("agent", "Pahoittelen, toimitus on myöhässä meidän vuoksemme."),
        ("client", "Tämä on jo kolmas kerta! Olen todella vihainen."),
        ("agent", "Ymmärrän. Voin tarjota kaksi vaihtoehtoa."),
        ("client", "Tämä vitun kone on ollut pelkkää harmia, perkele."),
        ("agent", "Voin järjestää pikatoimituksen huomenna tai hyvittää 300 euroa."),
        ("client", "Oletko sinä ihan idiootti?"),
        ("agent", "Jos kielenkäyttö ei muutu, joudun lopettamaan puhelun."),
    ],
    "en": [
        ("client", "Hi, my order 77120 still hasn't arrived."),
        ("agent", "Hi, I understand. Let me check the status."),
        ("client", "The washing machine was due on 14/03 at 3 pm and nobody came."),
        ("agent", "I'm sorry, the delay is on our side."),
        ("client", "This is the third time! I'm really angry."),
        ("agent", "I understand. I can offer two options."),
        ("client", "This damn machine has been nothing but trouble."),
        ("agent", "I can arrange express delivery tomorrow or refund $450."),
        ("client", "Are you stupid or something?"),
        ("agent", "If the language continues I will have to end this conversation."),
    ],
}


def conversation(lang: str) -> dict[str, Any]:
    """20 messages (the 10 turns twice) plus a draft to review."""
    turns = _TURNS[lang] * 2
    return {
        "messages": [{"role": role, "text": text} for role, text in turns],
        "draft": "Proszę się uspokoić, to wina magazynu. Paczka będzie niedługo!!!",
        "context": {"company_at_fault": True},
    }


def measure(request: dict[str, Any], runs: int) -> list[float]:
    """Milliseconds per call, after warm-up calls."""
    for _ in range(5):
        calmdesk.assist(request)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        calmdesk.assist(request)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--lang", choices=[*_TURNS, "all"], default="all")
    args = parser.parse_args()
    langs = list(_TURNS) if args.lang == "all" else [args.lang]
    worst = 0.0
    for lang in langs:
        timings = sorted(measure(conversation(lang), args.runs))
        median = statistics.median(timings)
        p95 = timings[int(0.95 * (len(timings) - 1))]
        worst = max(worst, median)
        print(
            f"assist {lang}: 20 messages + draft, {args.runs} runs: "
            f"median {median:.1f} ms, p95 {p95:.1f} ms"
        )
    verdict = "OK" if worst < TARGET_MS else "SLOWER THAN TARGET"
    print(f"target: median under {TARGET_MS:.0f} ms -> {verdict}")


if __name__ == "__main__":
    main()
