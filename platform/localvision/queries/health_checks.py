"""Health check rounds as pages, downloads and the API read them, and the figures of a
closed round, computed by the results job.

Every view of a round's results (page, CSV, API) reads the one stored set of figures,
built from the cells of ``domain.health_checks.partition``: no view regroups answers, so
none can be set against another to expose anyone. Comments are stored apart from the
figures and reach only the people of the project."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from localvision.domain import health_checks as rules
from localvision.domain.vocabulary import HealthStatement, Sector
from localvision.extensions import db
from localvision.models import (
    HealthCheckAnswer,
    HealthCheckRespondent,
    HealthCheckResult,
    HealthCheckRound,
    Organisation,
    Project,
    User,
)
from localvision.permissions.policy import ProjectContext, may_see_health_check_results

STATEMENTS = [statement.value for statement in HealthStatement]

METHOD = (
    "Change since the last round is tested with a permutation test. If nothing had really changed, it would not "
    "matter which round each answer came from, so we shuffle all the answers of both rounds between them many "
    "times and count how often the shuffled rounds differ by as much as the real ones did. If that happens less "
    "than 1 time in 20, after allowing for asking about nine statements at once (Holm's method), we say the "
    "change is more than noise. The two rounds are different sets of answers: the test compares the partnership "
    "then and now, not the same people."
)

ANONYMITY_RULE = (
    f"Answers are anonymous: nothing links an answer to the person who gave it. Figures are shown only for groups "
    f"of at least {rules.MINIMUM_ANSWERS} answers. An organisation with fewer is counted in “other partners”, and "
    f"a sector with fewer in “other sectors”; where showing the rest would let someone work out a group of one or "
    f"two by subtraction, more is merged. Comments are shown to the partnership without organisation or sector. "
    f"Results appear only once a round has closed. Comparing two rounds could give away a newcomer's answers "
    f"only if everyone else in their group answered exactly as before."
)


def rounds_of(project: Project) -> list[HealthCheckRound]:
    return list(db.session.scalars(select(HealthCheckRound).where(HealthCheckRound.project_id == project.id)
                                   .order_by(HealthCheckRound.opens_on.desc(), HealthCheckRound.id.desc())))


def visible_rounds(context: ProjectContext) -> list[HealthCheckRound]:
    """The rounds this person may know of: all for the people of the project, and rounds
    with published results for everyone else."""
    return [item for item in rounds_of(context.project)
            if context.is_member or may_see_health_check_results(context, item)]


def round_of(project: Project, round_id: int) -> HealthCheckRound | None:
    return db.session.scalar(select(HealthCheckRound).where(HealthCheckRound.id == round_id,
                                                            HealthCheckRound.project_id == project.id))


def open_round_of(project_id: int) -> HealthCheckRound | None:
    return db.session.scalar(select(HealthCheckRound).where(HealthCheckRound.project_id == project_id,
                                                            HealthCheckRound.closed_at.is_(None)))


def has_answered(user: User | None, health_check: HealthCheckRound) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.get(HealthCheckRespondent, (health_check.id, user.id)) is not None


def answered_count(health_check: HealthCheckRound) -> int:
    return db.session.scalar(select(func.count()).select_from(HealthCheckRespondent)
                             .where(HealthCheckRespondent.round_id == health_check.id)) or 0


def published_rounds(project: Project) -> list[HealthCheckRound]:
    """Closed rounds whose results a lead has published, newest first (the project itself
    must be published for anyone outside to reach them)."""
    return [item for item in rounds_of(project) if item.is_closed and item.is_published and item.result is not None]


def latest_published_round(project: Project) -> HealthCheckRound | None:
    """The newest of ``published_rounds``, in one query: what the project's page links to."""
    return db.session.scalar(
        select(HealthCheckRound)
        .where(HealthCheckRound.project_id == project.id, HealthCheckRound.closed_at.is_not(None),
               HealthCheckRound.is_published.is_(True),
               select(HealthCheckResult.round_id).where(HealthCheckResult.round_id == HealthCheckRound.id).exists())
        .order_by(HealthCheckRound.opens_on.desc(), HealthCheckRound.id.desc())
        .limit(1)
    )


def previous_round(health_check: HealthCheckRound) -> HealthCheckRound | None:
    """The last closed round of the project before this one."""
    return db.session.scalar(
        select(HealthCheckRound)
        .where(HealthCheckRound.project_id == health_check.project_id, HealthCheckRound.id != health_check.id,
               HealthCheckRound.closed_at.is_not(None),
               (HealthCheckRound.opens_on < health_check.opens_on)
               | ((HealthCheckRound.opens_on == health_check.opens_on) & (HealthCheckRound.id < health_check.id)))
        .order_by(HealthCheckRound.opens_on.desc(), HealthCheckRound.id.desc()).limit(1))


def _answers(round_id: int) -> list[HealthCheckAnswer]:
    # Sorted by the random key: no order of answering survives into anything computed.
    return list(db.session.scalars(select(HealthCheckAnswer).where(HealthCheckAnswer.round_id == round_id)
                                   .order_by(HealthCheckAnswer.id)))


def _figures_of(answers: list[HealthCheckAnswer]) -> dict[str, dict[str, Any]]:
    result = {}
    for statement in STATEMENTS:
        figures = rules.statement_figures([answer.ratings[statement] for answer in answers])
        result[statement] = {"answers": figures.answers, "mean": figures.mean, "counts": list(figures.counts),
                             "agreeing_share": figures.agreeing_share}
    return result


def _ratings(answers: list[HealthCheckAnswer]) -> dict[str, list[int]]:
    return {statement: [answer.ratings[statement] for answer in answers] for statement in STATEMENTS}


def round_figures(round_id: int) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A closed round's figures, every group at least the minimum, and its comments apart."""
    health_check = db.session.get(HealthCheckRound, round_id)
    answers = _answers(round_id)
    counts: dict[int, tuple[str, int]] = {}
    for answer in answers:
        sector, n = counts.get(answer.organisation_id, (answer.sector.value, 0))
        counts[answer.organisation_id] = (sector, n + 1)
    cells = rules.partition(counts)
    figures: dict[str, Any] = {"minimum": rules.MINIMUM_ANSWERS, "answers": len(answers),
                               "suppressed": cells.suppressed, "statements": STATEMENTS,
                               "overall": None, "by_organisation": [], "by_sector": [], "spread": {},
                               "previous": None, "changes": {}}
    if cells.suppressed:
        return figures, {}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(list(counts)))).tuples().all())
    figures["overall"] = _figures_of(answers)

    shown_orgs = set(cells.organisations_shown)
    for org in sorted(shown_orgs, key=lambda org: names[org]):
        group = [answer for answer in answers if answer.organisation_id == org]
        figures["by_organisation"].append({"group": "organisation", "name": names[org], "sector": counts[org][0],
                                           "answers": len(group), "statements": _figures_of(group)})
    rest = [answer for answer in answers if answer.organisation_id not in shown_orgs]
    if rest:
        figures["by_organisation"].append({"group": "other_partners", "name": "Other partners", "sector": None,
                                           "answers": len(rest), "statements": _figures_of(rest)})

    for sector in Sector:
        if sector.value in cells.sectors_shown:
            group = [answer for answer in answers if answer.sector == sector]
            figures["by_sector"].append({"group": "sector", "sector": sector.value, "name": sector.label,
                                         "answers": len(group), "statements": _figures_of(group)})
    pooled = [answer for answer in answers if answer.sector.value not in cells.sectors_shown]
    if pooled:
        figures["by_sector"].append({"group": "other_sectors", "sector": None, "name": "Other sectors",
                                     "answers": len(pooled), "statements": _figures_of(pooled)})

    for statement in STATEMENTS:
        gap = rules.spread({entry["sector"]: entry["statements"][statement]["mean"]
                            for entry in figures["by_sector"] if entry["group"] == "sector"})
        figures["spread"][statement] = None if gap is None else {
            "highest_sector": gap.highest_sector, "highest_mean": gap.highest_mean,
            "lowest_sector": gap.lowest_sector, "lowest_mean": gap.lowest_mean, "gap": gap.gap}

    previous = previous_round(health_check)
    if previous is not None:
        earlier = _answers(previous.id)
        figures["previous"] = {"id": previous.id, "title": previous.title, "answers": len(earlier)}
        earlier_counts: dict[int, tuple[str, int]] = {}
        for answer in earlier:
            sector, n = earlier_counts.get(answer.organisation_id, (answer.sector.value, 0))
            earlier_counts[answer.organisation_id] = (sector, n + 1)
        if not rules.partition(earlier_counts).suppressed:
            tested = rules.changes(_ratings(earlier), _ratings(answers), STATEMENTS)
            figures["changes"] = {
                statement: {"previous_mean": rules.statement_figures(_ratings(earlier)[statement]).mean,
                            "difference": change.difference, "p_value": change.p_value,
                            "adjusted_p_value": change.adjusted_p_value, "more_than_noise": change.more_than_noise}
                for statement, change in tested.items()}

    comments = {statement: sorted(answer.comments[statement] for answer in answers if answer.comments.get(statement))
                for statement in STATEMENTS}
    return figures, {statement: texts for statement, texts in comments.items() if texts}


def csv_rows(figures: dict[str, Any]) -> list[list[Any]]:
    """One row per group and statement, the same groups as the page."""
    if figures["suppressed"]:
        return []
    groups = [("All partners", "", figures["answers"], figures["overall"])]
    groups += [("Organisation" if entry["group"] == "organisation" else "Other partners", entry["name"],
                entry["answers"], entry["statements"]) for entry in figures["by_organisation"]]
    groups += [("Sector" if entry["group"] == "sector" else "Other sectors", entry["name"],
                entry["answers"], entry["statements"]) for entry in figures["by_sector"]]
    rows = []
    for kind, name, answers, statements in groups:
        for statement in HealthStatement:
            cell = statements[statement.value]
            rows.append([kind, name, answers, statement.short_label, f"{cell['mean']:.2f}", *cell["counts"],
                         f"{cell['agreeing_share']:.3f}"])
    return rows


CSV_HEADER = ["Group", "Name", "Answers", "Statement", "Mean (1-5)", "Strongly disagree", "Disagree",
              "Neither agree nor disagree", "Agree", "Strongly agree", "Share agreeing"]
