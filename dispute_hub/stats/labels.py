"""Names of the figures and case sets in the interface language (msgids in English, zh in the catalogue)."""

from __future__ import annotations

from flask_babel import gettext as _


def field_labels() -> dict[str, str]:
    return {
        "received": _("Received"), "open_at_start": _("Open at start"), "closed": _("Closed"),
        "closure_rate": _("Closure rate"), "first_instance_concluded": _("First-instance conclusions"),
        "accepted": _("Judgments accepted"), "appealed": _("Appealed"), "pending_appeal": _("Appeal period running"),
        "acceptance_rate": _("Acceptance of judgments rate"), "mediation_settled": _("Mediation settled"),
        "mediation_failed": _("Mediation failed"), "mediation_declined": _("Mediation declined"),
        "mediation_success_rate": _("Mediation success rate"), "on_time": _("Closed on time"),
        "on_time_rate": _("Closed within the time limit rate"), "avg_days": _("Average handling days"),
        "ratings": _("Ratings"), "satisfied": _("Satisfied ratings (4-5)"),
        "satisfaction_rate": _("Satisfaction rate"), "rejected_filings": _("Rejected filings"),
    }


def set_labels() -> dict[str, str]:
    fields = field_labels()
    return {
        **{name: fields[name] for name in (
            "received", "open_at_start", "closed", "on_time", "mediation_settled", "mediation_failed",
            "mediation_declined", "ratings", "satisfied", "rejected_filings", "first_instance_concluded",
            "accepted", "appealed", "pending_appeal")},
        "closure_base": _("Open at start or received"),
        "mediation_base": _("Mediation closures (settled, failed or declined)"),
        "acceptance_base": _("Conclusions accepted or appealed"),
    }


def dimension_labels() -> dict[str, str]:
    return {"channel": _("Channel"), "organization": _("Organisation"), "district": _("District"),
            "ip_type": _("IP type"), "cause": _("Case cause"), "month": _("Month")}
