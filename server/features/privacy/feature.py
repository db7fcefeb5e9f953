"""What the privacy feature adds to Baraza (installed by server/bootstrap.py)."""

from server.core.commands import calling
from server.core.features import Feature

from . import report, service

FEATURE = Feature(
    "privacy",
    commands={"erase_my_name": calling(service.erase_my_name)},
    event_summaries={
        service.ACCEPTED: report.accepted_summary,
        service.ERASED: report.erased_summary,
    },
    payload_ids={
        service.ACCEPTED: report.person_payload,
        service.ERASED: report.person_payload,
    },
)
