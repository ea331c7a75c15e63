"""``calmdesk policy`` and ``calmdesk retention``: the boundary policy and keeping data lean."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from calmdesk.cli.records import AS_OPTION, ORG_OPTION, echo_json, scope, table
from calmdesk.errors import InvalidInput

policy_app = typer.Typer(
    help="The boundary policy: rules, recommendations, decisions, appeals.", no_args_is_help=True
)
retention_app = typer.Typer(help="How long records are kept.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``policy`` and ``retention``."""
    app.add_typer(policy_app, name="policy")
    app.add_typer(retention_app, name="retention")


@policy_app.command("check")
def policy_check(file: Path = typer.Argument(..., help="A policy file (YAML or JSON).")) -> None:
    """Validate a policy file; every problem is named."""
    from calmdesk.domain.policy import load_policy

    try:
        source = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read ({exc.strerror})") from None
    policy = load_policy(source, name=str(file))
    typer.echo(f"{file}: ok, {len(policy.rules)} rule(s)")


@policy_app.command("show")
def policy_show(org: str | None = ORG_OPTION, as_user: str | None = AS_OPTION) -> None:
    """Print the policy file in force."""
    from calmdesk.store.policy import current_policy

    with scope(org, as_user) as where, where.db.read() as session:
        typer.echo(current_policy(session, org_id=where.org_id).source, nl=False)


@policy_app.command("set")
def policy_set(
    file: Path = typer.Argument(...),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Put a policy file in force (admins)."""
    from calmdesk.store.policy import set_policy

    try:
        source = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read ({exc.strerror})") from None
    with scope(org, as_user) as where, where.db.write() as session:
        policy = set_policy(session, org_id=where.org_id, source=source, actor=where.actor)
    typer.echo(f"policy in force: {len(policy.rules)} rule(s), digest {policy.digest[:12]}")


@policy_app.command("evaluate")
def policy_evaluate(
    client: str | None = typer.Option(None, "--client", help="Only this client."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what the policy says; create no recommendations."
    ),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Apply the policy to clients' conduct; new recommendations wait for a supervisor."""
    from calmdesk.domain.labels import label
    from calmdesk.domain.policy import describe_reason
    from calmdesk.store import clients, policy

    with scope(org, as_user) as where:
        if client is not None or dry_run:
            with where.db.read() as session:
                ids = None
                if client is not None:
                    ids = [clients.find_client(session, org_id=where.org_id, reference=client).id]
                results = policy.evaluate_clients(session, org_id=where.org_id, client_ids=ids)
            for client_id, result in sorted(results.items()):
                share = f" {result.percent}%" if result.percent else ""
                typer.echo(f"client {client_id}: {label('levels', result.level, where.language)}"
                           f"{share}")  # fmt: skip
                for reason in result.reasons:
                    typer.echo(f"  - {describe_reason(reason.to_dict(), where.language)}")
            if client is not None and not results:
                typer.echo("no conduct events: nothing to recommend")
            return
        with where.db.write() as session:
            created = policy.refresh_recommendations(
                session, org_id=where.org_id, actor=where.actor
            )
            summary = [(r.id, r.client_id, r.level, r.percent) for r in created]
    typer.echo(f"{len(summary)} new recommendation(s)")
    for rec_id, client_id, level, percent in summary:
        typer.echo(f"  {rec_id}: client {client_id} -> {level}{f' {percent}%' if percent else ''}")


@policy_app.command("recommendations")
def policy_recommendations(
    status: str = typer.Option("pending", "--status", help="pending, approved, changed, …, all"),
    as_json: bool = typer.Option(False, "--json"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Recommendations waiting for (or given) a supervisor's review."""
    from calmdesk.domain.policy import describe_reason
    from calmdesk.store import clients, policy

    with scope(org, as_user) as where, where.db.read() as session:
        recs = policy.list_recommendations(
            session, org_id=where.org_id, status=None if status == "all" else status
        )
        names = {
            r.client_id: clients.get_client(
                session, org_id=where.org_id, client_id=r.client_id
            ).display_name
            for r in recs
        }
    if as_json:
        echo_json([
            {"id": r.id, "client_id": r.client_id, "client": names[r.client_id], "level": r.level,
             "percent": r.percent, "status": r.status, "reasons": r.reasons}
            for r in recs
        ])  # fmt: skip
        return
    for rec in recs:
        percent = f" {rec.percent}%" if rec.percent else ""
        typer.echo(f"{rec.id}: {names[rec.client_id]} (#{rec.client_id}) -> {rec.level}{percent}"
                   f" [{rec.status}]")  # fmt: skip
        for reason in rec.reasons:
            typer.echo(f"    {describe_reason(reason, where.language)}")
    if not recs:
        typer.echo(f"no {status} recommendations")


def _review(rec_id: int, action: str, note: str, org: str | None, as_user: str | None,
            level: str | None = None, percent: int | None = None,
            review_at: str | None = None, expires_at: str | None = None) -> None:  # fmt: skip
    from calmdesk.store import policy

    with scope(org, as_user) as where, where.db.write() as session:
        decision = policy.review_recommendation(
            session, org_id=where.org_id, recommendation_id=rec_id, action=action, note=note,
            actor=where.actor, level=level, percent=percent, review_at=_moment(review_at),
            expires_at=_moment(expires_at),
        )  # fmt: skip
        outcome = f"decision {decision.id} in force" if decision else "no decision made"
    done = {"approve": "approved", "change": "changed", "reject": "rejected"}[action]
    typer.echo(f"recommendation {rec_id} {done}; {outcome}")


def _moment(text: str | None) -> datetime | None:
    from calmdesk.domain.clock import parse_moment

    if text is None:
        return None
    try:
        return parse_moment(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO date or time") from None


NOTE = typer.Option(..., "--note", help="Why (kept with the decision).")
REVIEW = typer.Option(None, "--review-at", help="Review date (default from the policy).")
EXPIRES = typer.Option(None, "--expires-at", help="Date the decision ends by itself.")


@policy_app.command("approve")
def policy_approve(
    recommendation: int = typer.Argument(...),
    note: str = NOTE,
    review_at: str | None = REVIEW,
    expires_at: str | None = EXPIRES,
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Approve a recommendation (supervisors): it becomes a decision."""
    _review(recommendation, "approve", note, org, as_user, review_at=review_at,
            expires_at=expires_at)  # fmt: skip


@policy_app.command("change")
def policy_change(
    recommendation: int = typer.Argument(...),
    note: str = NOTE,
    level: str | None = typer.Option(None, "--level", help="The level to apply instead."),
    percent: int | None = typer.Option(None, "--percent", help="Deposit/prepayment percent."),
    review_at: str | None = REVIEW,
    expires_at: str | None = EXPIRES,
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Decide differently from a recommendation (another level or percent)."""
    _review(recommendation, "change", note, org, as_user, level=level, percent=percent,
            review_at=review_at, expires_at=expires_at)  # fmt: skip


@policy_app.command("reject")
def policy_reject(
    recommendation: int = typer.Argument(...),
    note: str = NOTE,
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Reject a recommendation; nothing changes for the client."""
    _review(recommendation, "reject", note, org, as_user)


@policy_app.command("decisions")
def policy_decisions(
    client: str | None = typer.Option(None, "--client"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Decisions about clients, newest first."""
    from calmdesk.store import clients, policy

    with scope(org, as_user) as where, where.db.read() as session:
        client_id = (
            clients.find_client(session, org_id=where.org_id, reference=client).id
            if client else None
        )  # fmt: skip
        rows = [
            [d.id, d.client_id, d.level, d.percent, d.status, d.appeal_status,
             f"{d.review_at:%Y-%m-%d}" if d.review_at else None, d.note]
            for d in policy.list_decisions(session, org_id=where.org_id, client_id=client_id)
        ]  # fmt: skip
    table(["id", "client", "level", "%", "status", "appeal", "review", "note"], rows)


@policy_app.command("appeal")
def policy_appeal(
    decision: int = typer.Argument(...),
    note: str = typer.Option(..., "--note", help="What the client says."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Record a client's appeal against a decision."""
    from calmdesk.store import policy

    with scope(org, as_user) as where, where.db.write() as session:
        policy.appeal_decision(
            session, org_id=where.org_id, decision_id=decision, note=note, actor=where.actor
        )
    typer.echo(f"appeal recorded against decision {decision}; a supervisor decides it")


@policy_app.command("decide-appeal")
def policy_decide_appeal(
    decision: int = typer.Argument(...),
    grant: bool = typer.Option(..., "--grant/--uphold", help="Lift the decision, or keep it."),
    note: str = NOTE,
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Grant an appeal (the decision is lifted) or uphold the decision (supervisors)."""
    from calmdesk.store import policy

    with scope(org, as_user) as where, where.db.write() as session:
        policy.decide_appeal(session, org_id=where.org_id, decision_id=decision, grant=grant,
                             note=note, actor=where.actor)  # fmt: skip
    typer.echo(f"decision {decision}: appeal {'granted, decision lifted' if grant else 'upheld'}")


@policy_app.command("lift")
def policy_lift(
    decision: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """End a decision now (supervisors)."""
    from calmdesk.store import policy

    with scope(org, as_user) as where, where.db.write() as session:
        policy.lift_decision(session, org_id=where.org_id, decision_id=decision, reason=reason,
                             actor=where.actor)  # fmt: skip
    typer.echo(f"decision {decision} lifted")


@retention_app.command("show")
def retention_show(org: str | None = ORG_OPTION, as_user: str | None = AS_OPTION) -> None:
    """How long each kind of record is kept."""
    from calmdesk.domain.retention import retention_days
    from calmdesk.store.organisations import get_organisation

    with scope(org, as_user) as where, where.db.read() as session:
        days = retention_days(get_organisation(session, where.org_id).settings)
    table(["record kind", "kept (days)"], [[k, v or "forever"] for k, v in days.items()])


@retention_app.command("run")
def retention_run(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count only; change nothing."),
    org: str | None = ORG_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Remove records past their retention period (incident details are erased, not the chain)."""
    from calmdesk.store.privacy import run_retention

    with scope(org, as_user) as where, where.db.write() as session:
        counts = run_retention(session, org_id=where.org_id, actor=where.actor, dry_run=dry_run)
        if dry_run:
            session.rollback()
    verb = "would remove" if dry_run else "removed"
    table(["record kind", verb], [[k, v] for k, v in counts.items()])
