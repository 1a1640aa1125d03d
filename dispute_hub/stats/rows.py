"""The columns of a drill-down list as a page, a CSV and a sheet show them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_babel import gettext as _

from ..labels import label


def case_header(court: bool) -> list[str]:
    header = [_("Tracking number"), _("Title"), _("Status"), _("Closure"), _("Channel"), _("Organisation"),
              _("District"), _("IP type"), _("Case cause"), _("Filed"), _("Accepted"), _("Closed"), _("Deadline"),
              _("Days suspended"), _("Claimant's rating"), _("Respondent's rating")]
    if court:
        header += [_("Court case number"), _("Conclusion"), _("Concluded on"), _("Served on"), _("Party abroad"),
                   _("Appeal filed on"), _("Last day to appeal")]
    return header


def case_rows(rows: Iterable, court: bool, locale: str) -> Iterator[list]:
    """Each drill-down row as a list of cells; codes shown by their labels in ``locale``."""
    for row in rows:
        cells = [row.tracking_no, row.title, label("status", row.status, locale),
                 label("closure", row.closure, locale), label("channel", row.channel, locale), row.organization,
                 row.district_code, label("ip_type", row.ip_type, locale), row.cause_name, row.filed_at,
                 row.accepted_at, row.closed_at, row.deadline_at, row.suspended_days, row.satisfaction,
                 row.respondent_satisfaction]
        if court:
            cells += [row.court_case_no, row.conclusion_type, row.first_instance_concluded_at, row.served_at,
                      row.party_abroad, row.appeal_filed_at, row.appeal_period_ends_on]
        yield cells
