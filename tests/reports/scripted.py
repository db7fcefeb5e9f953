"""A scripted consultation the report tests read: overruns, notes, comings and goings,
questions, polls of five kinds and speakers from several groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server import bootstrap
from server.core import event_log
from server.core.access import Viewer
from server.core.events import ATTENDEE, RAPPORTEUR, EventDraft, projecting
from server.core.features import Feature
from server.core.models import Consultation as ConsultationRow
from server.core.models import Participant
from server.features.agenda import service as agenda
from server.features.notes import service as notes
from server.features.polls import ballots
from server.features.polls import service as polls
from server.features.presence import service as presence
from server.features.questions import asks, votes
from server.features.questions import service as questions
from server.features.speakers import service as speakers
from tests.conftest import Clock, Consultation, new_consultation

SECRET_NAME = "Secret Sam"  # asks anonymously to attendees (and makes an anonymous remark)
QUIET_NAME = "Quiet Quentin"  # asks fully anonymously
EVENTS = 114  # the script logs this many events
REMARK = "test_anonymous_remark"


def _hide_author(payload: dict[str, Any]) -> dict[str, Any]:
    """As a feature strips an anonymous author for everyone but moderators."""
    return {key: value for key, value in payload.items() if key != "author_name"}


# A feature of the tests' own: an event whose projection strips its author.
REMARKS = Feature(
    "test_remarks",
    projections=projecting(_hide_author, REMARK, ATTENDEE, RAPPORTEUR),
    event_summaries={REMARK: lambda ctx, payload: payload.get("text", "")},
)
# Every feature and the tests' remarks, as the scripted consultation's core is wired.
REMARKED = bootstrap.wire((*bootstrap.FEATURES, REMARKS))


def anonymous_remark(core: Any, c: Consultation, author: Viewer, text: str) -> None:
    """An attendee says something anonymously; moderators' log still knows who."""
    with core.store.transaction() as tx:
        consultation = tx.get_one(ConsultationRow, c.id, with_for_update=True)
        person = tx.get_one(Participant, author.participant_id)
        draft = EventDraft(REMARK, {"text": text, "author_name": person.display_name})
        event_log.append(tx, consultation, person, [draft], core.now())


@dataclass
class Scripted:
    consultation: Consultation
    rapporteur: Viewer
    attendees: dict[str, Viewer]
    questions: dict[str, int]


def run_script(core: Any, clock: Clock) -> Scripted:
    """09:30 WAT planned; opens at 09:31; item 1 overruns, item 2 is extended, item 3 overruns.

    Questions and two polls in item 2, a poll in item 1, two polls and three
    speakers in item 3, a speaker in item 2, a question before the agenda starts.
    `core` (the test's own) is wired with the tests' remarks too (`REMARKED`).
    """
    core.wiring = REMARKED
    c = new_consultation(core)
    rapporteur = _claim(c, "Ngozi Okafor")
    people = {
        "amina": c.join(display_name="Amina", stakeholder_group="civil_society", country="NG"),
        "kofi": c.join(display_name="Kofi", stakeholder_group="academia", country="GH"),
        "zainab": c.join(display_name="Zainab", stakeholder_group="government", country="NG"),
        "sam": c.join(display_name=SECRET_NAME, stakeholder_group="private_sector", country="KE"),
        "anon": c.join(),
        "quentin": c.join(
            display_name=QUIET_NAME, stakeholder_group="technical_community", country="ZA"
        ),
    }
    amina, kofi, zainab, sam, quentin = (
        people[key] for key in ("amina", "kofi", "zainab", "sam", "quentin")
    )
    chair = c.moderator
    for key in ("amina", "kofi", "zainab"):
        presence.arrive(core, people[key], f"{c.id}-{key}", "worker")
    asked: dict[str, int] = {}

    def ask(key: str, who: Viewer, text: str, anonymous: bool = False) -> int:
        done = asks.ask(core, who, text, None, anonymous)
        asked[key] = done.reply["question"]["id"]
        return asked[key]

    # Before the agenda starts: a question no item holds.
    questions.approve(core, chair, ask("interpretation", amina, "Is there interpretation?"))
    questions.answer(core, chair, asked["interpretation"], "Yes, into French.")
    clock.advance(60)
    ids = c.item_ids()
    agenda.start_item(core, chair, ids[0])
    presence.arrive(core, people["sam"], f"{c.id}-sam", "worker")
    presence.arrive(core, people["anon"], f"{c.id}-anon", "worker")
    presence.arrive(core, quentin, f"{c.id}-quentin", "worker")
    notes.save_note(
        core, rapporteur, ids[0], "Welcome by the *chair*.\n- 40 countries | 3 regions", 1
    )
    ratified = _poll(
        core,
        chair,
        ids[0],
        {
            "type": "single",
            "question": "Has your country ratified the Budapest Convention?",
            "options": ["Yes", "No", "In progress"],
        },
        {kofi: 0, amina: 1, sam: 1, quentin: 1, zainab: 2},
    )
    clock.advance(2 * 60)
    polls.close_poll(core, chair, ratified)
    clock.advance(4 * 60)  # one minute over its five
    agenda.next_item(core, chair)
    presence.leave(core, f"{c.id}-kofi")
    agenda.extend_item(core, chair, ids[1], 2)
    notes.save_note(core, rapporteur, ids[1], "Capacity gaps raised by =SUM(A1) delegates.", 2)
    clock.advance(30)
    notes.save_note(
        core,
        rapporteur,
        ids[1],
        "Capacity gaps raised by several delegates.\n\nFollow-up: training.",
        3,
    )
    anonymous_remark(core, c, sam, "Who pays for the training?")
    _questions_of_item_two(core, clock, chair, people, ask)
    _poll(
        core,
        chair,
        ids[1],
        {
            "type": "ranking",
            "question": "Rank the priorities",
            "options": ["Capacity building", "Data protection", "Cross-border evidence"],
            "visibility": "moderators",
        },
        {amina: [0, 2, 1], kofi: [1, 0, 2], zainab: [0, 1, 2], quentin: [2, 0, 1]},
    )
    clock.advance(60)
    obstacle = _poll(
        core,
        chair,
        ids[1],
        {"type": "word_cloud", "question": "One word for the biggest obstacle"},
        {
            amina: ["Funding", "skills"],
            kofi: ["funding"],
            zainab: ["Capacity-building", "funding"],
            sam: ["capacity building"],
        },
    )
    clock.advance(60)
    polls.close_poll(core, chair, obstacle)  # the ranking closed when the word cloud opened
    speakers.raise_hand(core, kofi, ids[1], "Capacity gaps")
    speakers.give_floor(core, chair)
    clock.advance(2 * 60)
    speakers.end_turn(core, chair)
    clock.advance(16 * 60 - 30 - 7 * 60)  # to 09:53
    agenda.next_item(core, chair)
    notes.save_note(core, rapporteur, ids[2], '=HYPERLINK("http://evil.example","ratified")', 5)
    _speakers_of_item_three(core, clock, chair, people)  # 9 minutes
    readiness = _poll(
        core,
        chair,
        ids[2],
        {
            "type": "rating",
            "question": "How ready is your country?",
            "scale": "1-5",
            "low_label": "Not at all",
            "high_label": "Fully",
            "visibility": "after_close",
        },
        {amina: 2, kofi: 4, zainab: 3, quentin: 5},
    )
    clock.advance(60)
    polls.close_poll(core, chair, readiness)
    additions = _poll(
        core,
        chair,
        ids[2],
        {"type": "open_text", "question": "What should the convention add?"},
        {
            amina: "Protection for journalists",
            kofi: "=1+1 safeguards",
            zainab: "Mutual legal assistance timelines",
        },
    )
    for answer_id in _answer_ids(core, chair, additions, ("Protection", "=1+1")):
        polls.show_answer(core, chair, additions, answer_id, True)
    clock.advance(60)
    polls.close_poll(core, chair, additions)
    clock.advance(18 * 60 - 9 * 60 - 2 * 60)  # to 10:11
    agenda.record_overruns(core)
    agenda.add_item(core, c.moderator, "Open floor", 10)
    agenda.next_item(core, c.moderator)
    notes.save_note(core, rapporteur, None, "Quorum reached; French interpretation available.", 6)
    clock.advance(4 * 60)
    presence.leave(core, f"{c.id}-sam")
    agenda.end_consultation(core, c.moderator)
    return Scripted(c, rapporteur, people, asked)


def _questions_of_item_two(
    core: Any, clock: Clock, chair: Viewer, people: dict[str, Viewer], ask: Any
) -> None:
    """Named, merged, answered, anonymous (both kinds), dismissed, and one never moderated.

    Takes three minutes (09:37:30–09:40:30).
    """
    amina, kofi, zainab, sam, quentin = (
        people[key] for key in ("amina", "kofi", "zainab", "sam", "quentin")
    )
    funding = ask("funding", amina, "How will capacity building be funded?")
    duplicate = ask("duplicate", kofi, "Who funds capacity building?")
    journalists = ask("journalists", sam, "Will the convention protect journalists?", True)
    spam = ask("spam", zainab, '=HYPERLINK("http://spam.example","click")')
    questions.approve_many(core, chair, [funding, duplicate, journalists])
    for voter in (kofi, zainab, quentin, sam):
        votes.vote(core, voter, funding)
    for voter in (zainab, amina):  # Zainab's counts once; Amina's is for her own question
        votes.vote(core, voter, duplicate)
    for voter in (amina, zainab):
        votes.vote(core, voter, journalists)
    clock.advance(60)
    questions.merge(core, chair, duplicate, funding)
    questions.answer(core, chair, funding, "A regional fund, from 2025.")
    questions.answer(core, chair, journalists, "Article 15 safeguards apply.")
    questions.dismiss(core, chair, spam, "Spam")
    questions.change_settings(core, chair, {"anonymity": "full"})
    small_states = ask("small_states", quentin, "Is there funding for small states?", True)
    questions.approve(core, chair, small_states)
    votes.vote(core, kofi, small_states)
    clock.advance(60)
    ask("short", sam, "Why is this session so short?", True)  # left pending
    clock.advance(60)


def _speakers_of_item_three(
    core: Any, clock: Clock, chair: Viewer, people: dict[str, Viewer]
) -> None:
    """Balanced by group: Amina (civil society) before Zainab (government) before Kofi,
    whose group (academia) spoke last in item 2, though he asked first. Zainab overruns.

    Takes nine minutes (09:53–10:02).
    """
    amina, kofi, zainab = people["amina"], people["kofi"], people["zainab"]
    speakers.set_ordering(core, chair, "balanced")
    speakers.raise_hand(core, kofi, None, "Research access")
    speakers.raise_hand(core, amina, None, "Ratification timeline")
    speakers.raise_hand(core, zainab, None, "")
    clock.advance(60)  # 09:54
    speakers.give_floor(core, chair)  # Amina
    clock.advance(150)  # 09:56:30
    speakers.end_turn(core, chair)
    speakers.give_floor(core, chair)  # Zainab
    clock.advance(150)  # 09:59
    speakers.extend_turn(core, chair, 30)
    clock.advance(60)  # 10:00: 210 s, her time with the extension
    speakers.record_overruns(core)
    clock.advance(30)  # 10:00:30, 30 s over
    speakers.end_turn(core, chair)
    speakers.give_floor(core, chair)  # Kofi
    clock.advance(90)  # 10:02
    speakers.end_turn(core, chair)


def _poll(
    core: Any, chair: Viewer, item_id: int, definition: dict[str, Any], answers: dict[Viewer, Any]
) -> int:
    """Open a poll on the item and cast the ballots, in order."""
    poll_id = polls.create_poll(
        core, chair, {**definition, "item_id": item_id, "open": True}
    ).reply["poll_id"]
    for voter, answer in answers.items():
        ballots.cast_ballot(core, voter, poll_id, answer)
    return poll_id


def _answer_ids(core: Any, chair: Viewer, poll_id: int, starts: tuple[str, ...]) -> list[int]:
    (results,) = polls.current_results(core, chair.consultation_id, [poll_id])
    return [a["id"] for a in results.staff["answers"] if a["text"].startswith(starts)]


def _claim(c: Consultation, name: str) -> Viewer:
    from server.features.consultations import service as consultations

    return consultations.claim_link(c.core, c.rapporteur_link, {"display_name": name}).viewer
