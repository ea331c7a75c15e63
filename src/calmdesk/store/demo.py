"""A realistic demo organisation in Polish: a beauty studio that also runs marketing work for
local businesses, with its clients, conversations, incidents, conduct and decisions.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from calmdesk.domain.clock import utcnow
from calmdesk.domain.incidents import IncidentFields, Quote
from calmdesk.domain.people import Actor
from calmdesk.errors import Conflict
from calmdesk.store import clients, conduct, conversations, incidents, organisations, policy
from calmdesk.store.models import Message, Organisation

SLUG = "magnolia"


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo created and how to sign in (the password is shown once)."""

    org_id: int
    slug: str
    admin_username: str
    admin_password: str
    pending_recommendations: int


def create_demo(
    session: Session, *, reset: bool = False, now: datetime | None = None
) -> DemoResult:
    """Create the demo organisation; with ``reset`` an existing one is deleted first."""
    from calmdesk.domain.auth import hash_password

    now = now or utcnow()
    existing = session.scalar(select(Organisation.id).where(Organisation.slug == SLUG))
    if existing is not None:
        if not reset:
            raise Conflict(f"the demo organisation {SLUG!r} exists; use --reset to recreate it")
        session.execute(delete(Organisation).where(Organisation.id == existing))
        session.flush()
    system = Actor.system("calmdesk demo")
    org = organisations.create_organisation(
        session, slug=SLUG, name="Studio Urody Magnolia", language="pl", actor=system,
        settings={"timezone": "Europe/Warsaw"},
    )  # fmt: skip
    password = secrets.token_urlsafe(12)
    admin = organisations.create_user(
        session, org_id=org.id, username="admin", role="admin", display_name="Administrator",
        password_hash=hash_password(password), must_change_password=True, actor=system,
    )  # fmt: skip
    people = {
        name: organisations.create_user(
            session, org_id=org.id, username=name, role=role, display_name=display, actor=system
        )
        for name, role, display in (
            ("ewa", "supervisor", "Ewa Kowalczyk"),
            ("kasia", "agent", "Katarzyna Wójcik"),
            ("tomek", "agent", "Tomasz Lis"),
        )
    }
    ewa = Actor("Ewa Kowalczyk", people["ewa"].id, "supervisor")
    kasia = Actor("Katarzyna Wójcik", people["kasia"].id, "agent")
    _Builder(session, org.id, now, kasia, ewa, people["kasia"].id, people["tomek"].id).run()
    pending = policy.refresh_recommendations(session, org_id=org.id, actor=system, now=now)
    return DemoResult(org.id, SLUG, admin.username, password, len(pending))


class _Builder:
    def __init__(
        self, session: Session, org_id: int, now: datetime, agent: Actor, supervisor: Actor,
        kasia_id: int, tomek_id: int,
    ) -> None:  # fmt: skip
        self.s, self.org, self.now = session, org_id, now
        self.agent, self.supervisor = agent, supervisor
        self.kasia_id, self.tomek_id = kasia_id, tomek_id

    def ago(self, days: float, hour: int = 11) -> datetime:
        moment = self.now - timedelta(days=days)
        return moment.replace(hour=hour, minute=15, second=0, microsecond=0)

    def client(self, name: str, **refs: str) -> int:
        return clients.create_client(
            self.s, org_id=self.org, display_name=name, actor=self.agent, **refs
        ).id

    def events(self, client_id: int, kind: str, days: list[float], **extra: float) -> None:
        for day in days:
            conduct.add_conduct_event(
                self.s, org_id=self.org, client_id=client_id, kind=kind,
                occurred_at=self.ago(day), actor=self.agent, source="booking", **extra,  # type: ignore[arg-type]
            )  # fmt: skip

    def conversation(
        self, client_id: int, channel: str, lines: list[tuple[str, str, str | None]], days: float,
        assigned: int,
    ) -> tuple[int, list[Message]]:  # fmt: skip
        from calmdesk import analyze_many

        conv = conversations.create_conversation(
            self.s, org_id=self.org, channel=channel, client_id=client_id, actor=self.agent,
            assigned_user_id=assigned,
        )  # fmt: skip
        texts = [text for role, text, _ in lines if role == "client"]
        analyses = iter(analyze_many(texts, "pl"))
        stored = []
        for minute, (role, text, kind) in enumerate(lines):
            analysis = next(analyses).to_dict() if role == "client" else None
            message = conversations.add_message(
                self.s, org_id=self.org, conversation_id=conv.id, role=role, text=text,
                kind=kind, analysis=analysis, actor=self.agent,
            )  # fmt: skip
            message.created_at = self.ago(days) + timedelta(minutes=2 * minute)
            stored.append(message)
        return conv.id, stored

    def run(self) -> None:
        joanna = self.client(
            "Joanna Mazur", email="joanna.mazur@example.com", phone="+48 601 234 567"
        )
        self.events(joanna, "attended", [200, 160, 120, 90, 60, 30])
        self.events(joanna, "paid_on_time", [200, 160, 120, 90, 60, 30])

        pawel = self.client("Paweł Zieliński", email="pawel.zielinski@example.com",
                            booking_ref="BK-4471")  # fmt: skip
        self.events(pawel, "attended", [150])
        self.events(pawel, "no_show", [45, 12])

        agnieszka = self.client("Agnieszka Dąbrowska", email="a.dabrowska@example.com",
                                booking_ref="BK-3902")  # fmt: skip
        self.events(agnieszka, "late_cancellation", [100, 70, 25], hours_notice=3)
        self.events(agnieszka, "attended", [50])
        policy.decide(
            self.s, org_id=self.org, client_id=agnieszka, level="deposit_required", percent=30,
            note="Trzy odwołania na mniej niż 24 godziny przed wizytą; "
            "zadatek 30% przy rezerwacji.",
            actor=self.supervisor,
        )  # fmt: skip

        budmax = self.client("Budmax sp. z o.o. (Robert Kaczmarek)",
                             email="biuro@budmax.example.com", helpdesk_ref="ZD-1187")  # fmt: skip
        self.events(budmax, "scope_creep", [80, 40, 15])
        self.events(budmax, "payment_overdue", [60, 20], amount=4200.0)

        koszyk = self.client(
            "Sklep Zielony Koszyk (Monika Sikora)", email="monika@koszyk.example.com"
        )
        self.events(koszyk, "paid_on_time", [90, 60, 30])

        natalia = self.client("Natalia Pietrzak", email="natalia.pietrzak@example.com")
        self.conversation(natalia, "email", [
            ("client", "Dzień dobry, po zabiegu mam zaczerwienioną skórę. Jestem bardzo "
             "rozczarowana i jeśli nie dostanę zwrotu, skieruję sprawę do rzecznika "
             "praw konsumenta.", None),
            ("agent", "Pani Natalio, bardzo mi przykro. Proszę przesłać zdjęcie, a kierowniczka "
             "oddzwoni dziś do 16:00 z propozycją rozwiązania.", None),
        ], days=5, assigned=self.kasia_id)  # fmt: skip

        marek = self.client(
            "Marek Wróblewski", email="marek.w@example.com", phone="+48 602 998 112"
        )
        conv, messages = self.conversation(marek, "chat", [
            ("client", "Gdzie jest mój termin na sobotę?! Płacę i nic nie działa.", None),
            ("agent", "Rozumiem, że to frustrujące. Sprawdzę to od razu — czy chodzi o "
             "strzyżenie o 10:00?", None),
            ("client", "Jesteś kompletną idiotką, nawet kalendarza nie umiesz obsłużyć.", None),
            ("agent", "Chcę Panu pomóc, ale jeśli obraźliwy ton się nie zmieni, zakończę "
             "tę rozmowę.", "boundary_warning"),
            ("client", "Zamknij się, debilko.", None),
            ("agent", "Kończę rozmowę. Odpowiemy mailowo w sprawie terminu.", "end_conversation"),
        ], days=9, assigned=self.kasia_id)  # fmt: skip
        self.incident(
            marek, conv, messages, {2: ["kompletną idiotką"], 4: ["Zamknij się", "debilko"]},
            type="verbal_abuse", severity="high", channel="chat",
            description="Klient na czacie dwukrotnie obraził recepcjonistkę, także po "
            "ostrzeżeniu o zakończeniu rozmowy. Rozmowa została zakończona.",
            steps_taken=["Ostrzeżenie o zakończeniu rozmowy", "Zakończenie rozmowy",
                         "Poinformowanie kierowniczki"],
            employees=["Katarzyna Wójcik"], supervisor_name="Ewa Kowalczyk",
            support_offered="Rozmowa z kierowniczką po zmianie; przerwa 15 minut.",
        )  # fmt: skip

        krzysztof = self.client("Krzysztof Nowicki", phone="+48 605 441 009",
                                booking_ref="BK-2210")  # fmt: skip
        incident = self.incident(
            krzysztof, None, [], {}, type="threat", severity="critical", channel="phone",
            description="Klient zadzwonił po odmowie zwrotu za karnet i zagroził, że "
            "„poczeka na recepcjonistkę po zamknięciu”. Recepcjonistka przerwała rozmowę.",
            quotes=[Quote(text="poczekam na ciebie po zamknięciu, zobaczysz")],
            steps_taken=["Przerwanie rozmowy", "Natychmiastowe poinformowanie kierowniczki",
                         "Odprowadzenie pracownicy do samochodu po zamknięciu"],
            employees=["Katarzyna Wójcik"], witnesses=["Tomasz Lis"],
            supervisor_name="Ewa Kowalczyk", support_offered="Dzień wolny; konsultacja "
            "z psychologiem w ramach pakietu medycznego.",
        )  # fmt: skip
        incidents.amend_incident(
            self.s, org_id=self.org, incident_id=incident, actor=self.supervisor,
            changes={"status": "under_review", "police_involved": True,
                     "police_reference": "KP Kraków-Śródmieście, zgłoszenie 1187/25"},
            reason="Zgłoszenie na policję złożone następnego dnia.",
        )  # fmt: skip
        policy.decide(
            self.s, org_id=self.org, client_id=krzysztof, level="online_booking_blocked",
            percent=100, note="Groźba wobec pracownicy; rezerwacje tylko telefonicznie "
            "u kierowniczki, z pełną przedpłatą.", actor=self.supervisor,
        )  # fmt: skip

    def incident(
        self, client_id: int, conversation_id: int | None, messages: list[Message],
        words: dict[int, list[str]], **fields: object,
    ) -> int:  # fmt: skip
        quotes: list[Quote] = list(fields.pop("quotes", []))  # type: ignore[call-overload]
        for index, phrases in words.items():
            message = messages[index]
            for phrase in phrases:
                start = message.text.index(phrase)
                quotes.append(Quote(phrase, message.id, "insult", start, start + len(phrase)))
        occurred = messages[min(words)].created_at if words else self.ago(3, hour=19)
        record = IncidentFields(
            occurred_at=occurred, client_id=client_id, conversation_id=conversation_id,
            quotes=quotes, supervisor_informed_at=occurred + timedelta(minutes=20),
            **fields,  # type: ignore[arg-type]
        )  # fmt: skip
        return incidents.create_incident(
            self.s, org_id=self.org, fields=record, actor=self.agent
        ).id
