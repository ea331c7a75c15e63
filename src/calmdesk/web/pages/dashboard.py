"""The dashboard: incidents per week by type, severity mix, abuse absorbed per employee,
no-shows and late cancellations per month, recommendations and decisions (date range)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calmdesk.domain.clock import utcnow
from calmdesk.domain.vocabulary import INCIDENT_SEVERITIES, INCIDENT_TYPES
from calmdesk.store import conduct, policy
from calmdesk.store import incidents as incident_store
from calmdesk.web.forms import DatabaseDep, ViewerDep
from calmdesk.web.i18n import translations
from calmdesk.web.labels import label
from calmdesk.web.templating import render

router = APIRouter()
_DEFAULT_DAYS = 90
_MAX_INCIDENTS = 100_000


def _day(text: str, fallback: date) -> date:
    try:
        return date.fromisoformat(text) if text else fallback
    except ValueError:
        return fallback


def _week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request, viewer: ViewerDep, database: DatabaseDep, start: str = "", end: str = ""
) -> HTMLResponse:
    """Charts over the chosen period (the last 90 days by default)."""
    from calmdesk.web import charts  # matplotlib loads on the first dashboard, not at start-up

    viewer.require("incidents:all")
    gettext = translations(viewer.language).gettext
    today = utcnow().date()
    last = _day(end, today)
    first = _day(start, last - timedelta(days=_DEFAULT_DAYS))
    if first > last:
        first, last = last, first
    since = datetime.combine(first, time.min, tzinfo=UTC)
    until = datetime.combine(last, time.max, tzinfo=UTC)
    org = viewer.caller.org_id
    with database.read() as session:
        incidents = [
            i
            for i in incident_store.list_incidents(session, org_id=org, limit=_MAX_INCIDENTS)
            if since <= i.occurred_at <= until
        ]
        events = [
            e
            for history in conduct.conduct_by_client(session, org_id=org, since=since).values()
            for e in history
            if e.occurred_at <= until
        ]
        recommendations = [
            r for r in policy.list_recommendations(session, org_id=org, status=None)
            if since <= r.created_at <= until
        ]  # fmt: skip
        decisions = [
            d for d in policy.list_decisions(session, org_id=org) if since <= d.decided_at <= until
        ]
    empty = gettext("Nothing recorded in this period.")
    figures = []

    weeks = sorted({_week(i.occurred_at) for i in incidents})
    per_type: dict[str, list[float]] = {}
    for kind in INCIDENT_TYPES:
        by_week = Counter(_week(i.occurred_at) for i in incidents if i.type == kind)
        if by_week:
            per_type[label("incident_type", kind, gettext)] = [by_week[w] for w in weeks]
    figures.append(
        _figure(
            gettext("Incidents per week by type"),
            charts.stacked_bars(weeks, per_type, empty=empty),
            weeks,
            per_type,
        )
    )

    severity = Counter(i.severity for i in incidents)
    names = [label("severity", s, gettext) for s in INCIDENT_SEVERITIES]
    values = [float(severity[s]) for s in INCIDENT_SEVERITIES]
    figures.append(
        _figure(
            gettext("Severity mix"),
            charts.horizontal_bars(names if incidents else [], values, empty=empty, ranked=False),
            names,
            {gettext("Incidents"): values},
        )
    )

    exposure: Counter[str] = Counter()
    for incident in incidents:
        for person in incident.employees or [incident.recorded_by]:
            exposure[person] += 1
    people = sorted(exposure, key=lambda p: -exposure[p])[:20]
    absorbed = [float(exposure[p]) for p in people]
    figures.append(
        _figure(
            gettext("Abuse absorbed per employee (incidents)"),
            charts.horizontal_bars(people, absorbed, empty=empty),
            people,
            {gettext("Incidents"): absorbed},
            help=gettext("Use it to plan debriefs, support and the rota."),
        )
    )

    months = sorted({e.occurred_at.strftime("%Y-%m") for e in events})
    per_kind: dict[str, list[float]] = {}
    for kind in ("no_show", "late_cancellation"):
        by_month = Counter(e.occurred_at.strftime("%Y-%m") for e in events if e.kind == kind)
        per_kind[label("conduct", kind, gettext)] = [by_month[m] for m in months]
    figures.append(
        _figure(
            gettext("No-shows and late cancellations per month"),
            charts.stacked_bars(months, per_kind, empty=empty),
            months,
            per_kind,
        )
    )

    outcomes: dict[str, float] = defaultdict(float)
    for rec in recommendations:
        outcomes[label("recommendation_status", rec.status, gettext)] += 1
    for decision in decisions:
        outcomes[gettext("Decisions") + ": " + label("level", decision.level, gettext)] += 1
    keys = list(outcomes)
    figures.append(
        _figure(
            gettext("Recommendations and decisions"),
            charts.horizontal_bars(keys, [outcomes[k] for k in keys], empty=empty),
            keys,
            {gettext("Count"): [outcomes[k] for k in keys]},
        )
    )

    return render(
        request, "dashboard.html", viewer=viewer, figures=figures, start=first.isoformat(),
        end=last.isoformat(), total=len(incidents),
    )  # fmt: skip


def _figure(
    title: str, svg: str, categories: list[str], series: dict[str, list[float]],
    help: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A chart and the same numbers as a table (for screen readers and exact values)."""
    return {"title": title, "svg": svg, "categories": categories, "series": series, "help": help}
