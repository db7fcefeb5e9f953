"""A whole consultation rehearsed in separate browsers: the script itself.

A moderator at a desk in English and a rapporteur at hers in Portuguese, three
attendees — Amina on a phone in English, Camille at a desk in French, Youssef on a phone
in Arabic — and the present view the chair shares. They join with the code, follow the
agenda, ask, approve, upvote, answer, vote in a poll of each kind, take the floor and
write the notes; the chair ends, the rapporteur publishes the report, and every
attendee's end screen leads to it. Every step asserts what each person sees, in their
own language.

The rehearsal test runs it for what people see and screenshots; the accessibility test
runs the same script and checks every state with axe. `checkpoint(state, people)` is
called at each state worth a look, with the people whose screens it changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import DESKTOP, PHONE

TRANSLATIONS = Path(__file__).resolve().parents[2] / "server" / "translations"
ANDROID = {"width": 412, "height": 915}
Say = Callable[..., str]


def catalogue(lang: str) -> Say:
    """The sentences a page in `lang` shows: the server's own catalogue, %(name)s filled in."""
    translations = Translations.load(str(TRANSLATIONS), [lang])

    def say(text: str, **values: object) -> str:
        found = translations.gettext(text)
        if lang == "ar":  # right-to-left pages isolate each value (static/js/core/messages.js)
            values = {k: f"\u2068{v}\u2069" for k, v in values.items()}
        return found % values if values else found

    return say


def braces(template: str, **values: object) -> str:
    """Fill a `{name}` sentence as the page scripts do: isolated on an Arabic page."""
    arabic = re.search(r"[\u0600-\u06ff]", template) is not None
    fill = "\u2068{}\u2069" if arabic else "{}"
    return re.sub(r"\{(\w+)\}", lambda m: fill.format(values[m.group(1)]), template)


@dataclass(eq=False)
class Person:
    """One person's screen: the page, their language, every script error it raised."""

    shot: str  # screenshot name: page and device, e.g. "attendee-phone"
    page: Page
    say: Say
    lang: str = "en"
    errors: list[str] = field(default_factory=list)

    def watch(self) -> Person:
        self.page.on("pageerror", lambda error: self.errors.append(f"{self.shot}: {error}"))
        return self

    def sees(self, selector: str) -> Locator:
        return self.page.locator(selector)

    def live(self) -> None:
        """Wait until the page holds the consultation's state (snapshot applied)."""
        expect(self.page.locator("body")).to_have_attribute("data-live", "live", timeout=20_000)


Checkpoint = Callable[[str, list[Person]], None]

# Words of a chart (labels, figures, a cloud's words) that are not inside its picture.
OFF_THE_PICTURE = """() => [...document.querySelectorAll("svg.poll-svg text")].filter((text) => {
  const picture = text.closest("svg").getBoundingClientRect();
  const word = text.getBoundingClientRect();
  return word.width > 0 && (word.left < picture.left - 1 || word.right > picture.right + 1);
}).map((text) => text.textContent)"""

Q_AMINA = "How will the Convention protect journalists' sources?"
Q_CAMILLE = "Quelles garanties pour les données personnelles ?"
ANSWER = "Article 24 asks for judicial review before any access to sources."
# The live poll's results on an attendee's page, or the poll on the present view.
LIVE_RESULTS = ".poll-live .poll-results, [data-poll-stage] .poll-results"
RATIFY = "Should your country ratify the Convention?"
TITLE = "Regional Cybercrime Consultations for Africa"
NOTE = "Participants asked for capacity building; two of three favour ratification."


class Rehearsal:
    def __init__(
        self, server, new_page, checkpoint: Checkpoint, user_agents: Mapping[str, str]
    ) -> None:
        self.server = server
        self.new_page = new_page
        self.look = checkpoint
        self.user_agents = user_agents  # by screenshot name: which worker nginx picks
        self.everyone: list[Person] = []

    def checkpoint(self, state: str, people: list[Person]) -> None:
        """A state worth a look: no page scrolls sideways (a phone shows all of it), no chart
        draws words off its picture (right to left too), then the caller's look."""
        for person in people:
            wider = person.page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
            assert wider <= 0, f"{person.shot} at {state} is {wider} px wider than the screen"
            outside = person.page.evaluate(OFF_THE_PICTURE)
            assert outside == [], f"{person.shot} at {state}: chart words cut off: {outside}"
        self.look(state, people)

    # People -------------------------------------------------------------------------

    def person(self, shot: str, lang: str = "en", viewport=DESKTOP, **options) -> Person:
        if shot in self.user_agents:
            options["user_agent"] = self.user_agents[shot]
        page = self.new_page(viewport=viewport, locale=lang if lang != "fr" else "fr-FR", **options)
        person = Person(shot, page, catalogue(lang), lang).watch()
        self.everyone.append(person)
        return person

    @property
    def attendees(self) -> list[Person]:
        return [self.amina, self.camille, self.youssef]

    @property
    def public(self) -> list[Person]:
        return [*self.attendees, self.present]

    @property
    def errors(self) -> list[str]:
        return [error for person in self.everyone for error in person.errors]

    def claim(self, person: Person, prefix: str, link: str, name: str, lands_on: str) -> None:
        person.page.goto(f"{self.server.url}/{prefix}/{link}")
        person.page.fill("#display_name", name)
        person.page.click("main button[type=submit]")
        person.page.wait_for_url(re.compile(lands_on))
        person.live()

    def join(self, person: Person, name: str, group: str, country: str) -> None:
        """From the home page, with the join code read out by the chair."""
        page, say = person.page, person.say
        page.goto(f"{self.server.url}/")
        expect(page.locator("html")).to_have_attribute("lang", person.lang)
        page.get_by_label(say("Join code")).fill(self.server.links["join_code"].lower())
        page.get_by_role("button", name=say("Continue")).click()
        expect(page.locator("h1")).to_have_text("Regional Cybercrime Consultations for Africa")
        self.checkpoint("join", [Person(person.shot.replace("attendee", "join"), page, say)])
        page.get_by_label(say("Your name (optional)")).fill(name)
        page.get_by_label(say("Stakeholder group")).select_option(group)
        page.get_by_label(say("Country (optional)")).fill(country)
        page.locator("#consent").check()  # the privacy notice, accepted
        page.get_by_role("button", name=say("Join")).click()
        page.wait_for_url(re.compile(r"/c/\w+$"))
        person.live()

    def everyone_joins(self) -> None:
        self.moderator = self.person("moderator-desktop")
        self.claim(self.moderator, "m", self.server.links["moderator"], "Chair", r"/moderate$")
        self.present = Person(
            "present-desktop", self.moderator.page.context.new_page(), self.moderator.say
        )
        self.everyone.append(self.present.watch())
        self.present.page.goto(self.moderator.page.url.replace("/moderate", "/present"))
        self.present.live()
        self.rapporteur = self.person("rapporteur-desktop", "pt")
        self.claim(self.rapporteur, "r", self.server.links["rapporteur"], "Ngozi", r"/report$")

        self.amina = self.person("attendee-phone", viewport=PHONE)
        self.join(self.amina, "Amina", "civil_society", "NG")
        self.camille = self.person("attendee-desktop-fr", "fr")
        self.join(self.camille, "Camille", "academia", "SN")
        self.youssef = self.person("attendee-phone-ar", "ar", viewport=ANDROID)
        self.join(self.youssef, "Youssef", "government", "EG")
        expect(self.youssef.sees("html")).to_have_attribute("dir", "rtl")
        expect(self.camille.sees("html")).to_have_attribute("dir", "ltr")

        for person in self.public:
            expect(person.sees("[data-field=title]")).to_have_text(
                "Regional Cybercrime Consultations for Africa"
            )
            expect(person.sees("[data-now-title]")).to_have_text(person.say("Not started yet"))
        expect(self.rapporteur.sees("[data-attendance-joined]")).to_have_text("3")
        self.checkpoint("before-start", [*self.public, self.moderator, self.rapporteur])

    # The agenda ---------------------------------------------------------------------

    def the_agenda_runs(self) -> None:
        self.moderator.page.get_by_role("button", name="Start next item").click()
        for person in self.everyone:
            expect(person.sees("[data-now-title]")).to_have_text("Opening and welcome")
        second = "Regional issues in the expansion of cybercrime"
        agenda = self.moderator.sees("[data-agenda-items]")
        agenda.get_by_role("button", name=second, exact=True).click()
        self.moderator.page.get_by_role("dialog").get_by_role("button", name="Start it").click()
        for person in self.everyone:
            expect(person.sees("[data-now-title]")).to_have_text(second)
            expect(person.sees("[data-now-remaining]")).to_have_text(re.compile(r"^1[45]:\d\d$"))
        self.the_language_is_switched_and_remembered(second)
        self.checkpoint("agenda", self.everyone)

    def the_language_is_switched_and_remembered(self, item: str) -> None:
        """Camille reads the page in English a moment, then goes back to French."""
        page = self.camille.page
        live_page = page.url
        languages = page.get_by_role("navigation", name=self.camille.say("Language"))
        expect(languages.get_by_role("link", name="Français")).to_have_attribute(
            "aria-current", "true"
        )
        languages.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        english = page.get_by_role("navigation", name="Language")
        expect(english.get_by_role("link", name="English")).to_have_attribute(
            "aria-current", "true"
        )
        expect(page.locator("[data-now-title]")).to_have_text(item)
        english.get_by_role("link", name="Français").click()
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        self.camille.live()
        page.goto(f"{self.server.url}/")  # another page: the choice is remembered
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.goto(live_page)
        self.camille.live()
        expect(page.locator("[data-now-title]")).to_have_text(item)

    # Questions ----------------------------------------------------------------------

    # One card per question: one's own under "Your questions", the room's in the list.
    QUESTION_CARDS = "[data-q-list] li.q, [data-q-mine] li.q"

    def question(self, person: Person, text: str) -> Locator:
        return person.sees(self.QUESTION_CARDS).filter(has_text=text)

    def ask(self, person: Person, text: str) -> None:
        say, page = person.say, person.page
        page.get_by_label(say("Your question"), exact=True).fill(text)
        page.get_by_role("button", name=say("Ask"), exact=True).click()
        expect(person.sees("[data-q-sent]")).to_have_text(
            say("Sent. It will appear once a moderator approves it.")
        )
        mine = person.sees("[data-q-mine] li.q").filter(has_text=text)
        expect(mine).to_contain_text(say("Waiting for a moderator"))

    def upvote(self, person: Person, text: str) -> None:
        button = self.question(person, text).locator("[data-slot=vote]")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")

    def votes(self, person: Person, n: int) -> str:
        say = person.say
        return say("1 vote") if n == 1 else braces(say("{n} votes"), n=n)

    def questions_are_asked_approved_voted_and_answered(self) -> None:
        self.ask(self.amina, Q_AMINA)
        self.ask(self.camille, Q_CAMILLE)
        console = self.moderator
        pending = console.sees("[data-q-list] li.q")
        expect(pending).to_have_count(2)
        expect(pending.filter(has_text=Q_AMINA)).to_contain_text("Amina")
        expect(pending.filter(has_text=Q_CAMILLE)).to_contain_text("Camille")
        expect(console.sees("[data-q-announce]")).to_have_text(
            re.compile("^New question waiting: ")
        )
        for attendee in self.attendees:
            expect(attendee.sees("[data-q-list] li.q")).to_have_count(0)
        self.checkpoint("questions-pending", [console, self.amina])

        for text in (Q_AMINA, Q_CAMILLE):
            self.question(console, text).get_by_role("button", name="Approve").click()
        expect(pending).to_have_count(0)
        for attendee in self.attendees:
            expect(attendee.sees(self.QUESTION_CARDS)).to_have_count(2)
        expect(self.amina.sees("[data-q-list] li.q")).to_have_count(1)  # hers is under hers
        expect(self.youssef.sees("[data-q-announce]")).to_have_text(
            re.compile(
                "^"
                + re.escape(
                    braces(self.youssef.say("New question: {text}"), text="").removesuffix(
                        "\u2068\u2069"
                    )
                )
            )
        )
        # Your own question cannot be upvoted by you: the button is not there.
        expect(self.question(self.amina, Q_AMINA).locator("[data-slot=vote]")).to_be_hidden()
        self.upvote(self.camille, Q_AMINA)
        self.upvote(self.youssef, Q_AMINA)
        self.upvote(self.amina, Q_CAMILLE)
        for attendee in self.attendees:
            expect(self.question(attendee, Q_AMINA).locator("[data-slot=votes]")).to_have_text(
                self.votes(attendee, 2)
            )
            expect(self.question(attendee, Q_CAMILLE).locator("[data-slot=votes]")).to_have_text(
                self.votes(attendee, 1)
            )
        for attendee in (self.camille, self.youssef):  # popular first
            expect(attendee.sees("[data-q-list] li.q").first).to_contain_text(Q_AMINA)
        expect(self.present.sees("[data-q-list] li.q").first).to_contain_text(Q_AMINA)
        expect(self.present.sees("[data-q-list] li.q").first).to_contain_text("2 votes")
        console.page.get_by_role("tab", name=re.compile("^Live")).click()
        expect(self.question(console, Q_AMINA)).to_contain_text("2 votes")
        self.checkpoint("questions-voted", [*self.attendees, console])

        self.question(console, Q_AMINA).get_by_role("button", name="Answer now").click()
        for person in self.public:
            expect(person.sees("[data-q-now]")).to_be_visible()
            expect(person.sees("[data-q-now-text]")).to_have_text(Q_AMINA)
        expect(self.present.sees("[data-q-now-author]")).to_have_text("Amina")
        self.checkpoint("question-pinned", [*self.public, console])

        self.question(console, Q_AMINA).get_by_role("button", name="Mark answered").click()
        console.page.get_by_label("Written answer (optional)").fill(ANSWER)
        console.page.get_by_role("button", name="Confirm").click()
        for attendee in self.attendees:
            expect(self.question(attendee, Q_AMINA).locator("[data-slot=answer]")).to_have_text(
                ANSWER
            )
        mine = self.amina.sees("[data-q-mine] li.q").filter(has_text=Q_AMINA)
        expect(mine).to_contain_text("Answered")
        expect(self.rapporteur.sees("[data-q-list] li.q").filter(has_text=Q_AMINA)).to_contain_text(
            braces(self.rapporteur.say("Answer: {answer}"), answer=ANSWER)
        )

    # Polls --------------------------------------------------------------------------

    def open_poll(self, kind: str, question: str, options=(), visibility="live", **fields) -> None:
        page = self.moderator.page
        new = page.locator("[data-poll-new]")
        if new.get_attribute("open") is None:
            new.locator("summary").click()
        page.get_by_label("Kind of poll").select_option(kind)
        page.get_by_label("Question", exact=True).fill(question)
        if options:
            page.get_by_label("Options, one per line").fill("\n".join(options))
        for label, value in fields.items():
            page.get_by_label(label).fill(value)
        page.get_by_label("Who sees the results").select_option(visibility)
        page.get_by_role("button", name="Open now").click()
        live_poll = page.locator("[data-poll-list] article[data-state=open]")
        expect(live_poll.locator("h3")).to_have_text(question)
        for attendee in self.attendees:
            expect(attendee.sees(".poll-live legend")).to_have_text(question)
        expect(self.present.sees("[data-poll-stage] h3")).to_have_text(question)

    def cast(self, person: Person, choose: Callable[[Locator, Say], None]) -> None:
        poll = person.sees(".poll-live")
        choose(poll, person.say)
        poll.get_by_role("button", name=person.say("Vote"), exact=True).click()
        expect(poll.locator(".poll-status")).to_have_text(person.say("Your vote is recorded."))

    @staticmethod
    def pick(*options: str) -> Callable[[Locator, Say], None]:
        def choose(poll: Locator, say: Say) -> None:
            for option in options:
                poll.get_by_label(option, exact=True).check()

        return choose

    def close_poll(self, question: str) -> None:
        article = self.moderator.sees("[data-poll-list] article").filter(has_text=question)
        article.get_by_role("button", name="Close").click()
        expect(article).to_have_attribute("data-state", "closed")

    def figure(self, person: Person, where: Locator, label: str) -> Locator:
        """A result's row in the table that goes with every chart."""
        return where.locator(".poll-table tbody tr").filter(
            has=person.page.get_by_role("rowheader", name=label, exact=True)
        )

    def polls_of_every_kind(self) -> None:
        self.single_choice()
        self.multiple_choice()
        self.rating_shown_after_close()
        self.word_cloud()
        self.open_text()
        self.ranking_for_staff_only()

    def single_choice(self) -> None:
        self.open_poll("single", RATIFY, ["Yes", "No", "Not yet"])
        for attendee in self.attendees:
            expect(attendee.sees("[data-poll-announce]")).to_have_text(
                attendee.say("A poll is open: %(question)s", question=RATIFY)
            )
        self.checkpoint("poll-open", [*self.public, self.moderator])
        self.cast(self.amina, self.pick("Yes"))
        self.cast(self.camille, self.pick("Yes"))
        self.cast(self.youssef, self.pick("Not yet"))
        for person in self.public:
            results = person.sees(".poll-results").first
            expect(self.figure(person, results, "Yes")).to_contain_text(
                re.compile(r"2\s*66[.,]7[\s\u200e\u200f]*%")
            )
            expect(self.figure(person, results, "Not yet")).to_contain_text(
                re.compile(r"1\s*33[.,]3[\s\u200e\u200f]*%")
            )
            # the figure beside the bar: the count, then the share as Intl writes it
            expect(results.locator(".poll-bar-figure").first).to_have_text(
                re.compile(r"^\D*2\D+66[.,]7[\s\u200e\u200f]*%\D*$")
            )
        for attendee in self.attendees:  # said once to screen readers, not at every count
            expect(attendee.sees("[data-poll-announce]")).to_have_text(
                attendee.say("Results are in: %(question)s", question=RATIFY)
            )
        expect(self.present.sees(".poll-svg rect.poll-bar")).to_have_count(2)
        moderator_view = self.moderator.sees("[data-poll-list] article[data-state=open]")
        expect(moderator_view.locator(".poll-summary")).to_contain_text("Turnout: 3 of")
        table = self.amina.sees(".poll-live .poll-table")
        expect(self.amina.sees(".poll-live .poll-table-box")).to_have_class(re.compile("sr-only"))
        self.amina.page.get_by_role("button", name="Show as a table").click()
        expect(table).to_be_visible()
        self.checkpoint("poll-results", [*self.public, self.moderator])

    def multiple_choice(self) -> None:
        question = "Which areas need the most support?"
        options = ["Training", "Laws", "Equipment", "Cooperation"]
        self.open_poll(
            "multiple", question, options, **{"Most choices per person (empty: no limit)": "2"}
        )
        expect(self.amina.sees(".poll-earlier")).to_be_visible()  # the first poll closed
        poll = self.amina.sees(".poll-live")
        expect(poll.locator(".poll-hint")).to_have_text("Choose up to 2.")
        poll.get_by_label("Training", exact=True).check()
        poll.get_by_label("Cooperation", exact=True).check()
        expect(poll.get_by_label("Equipment", exact=True)).to_be_disabled()  # two is the most
        self.cast(self.amina, lambda poll, say: None)
        self.cast(self.camille, self.pick("Training", "Laws"))
        self.cast(self.youssef, self.pick("Training"))
        for person in self.public:
            results = person.sees(".poll-results").first
            expect(self.figure(person, results, "Training")).to_contain_text(
                re.compile(r"3\s*100[\s\u200e\u200f]*%")
            )
            expect(self.figure(person, results, "Equipment")).to_contain_text(
                re.compile(r"0\s*0[\s\u200e\u200f]*%")
            )

    def rating_shown_after_close(self) -> None:
        question = "How ready is your country's law for the Convention?"
        self.open_poll(
            "rating",
            question,
            visibility="after_close",
            **{
                "Label of the low end (optional)": "Not at all",
                "Label of the high end (optional)": "Fully",
            },
        )
        for person, value in ((self.amina, "2"), (self.camille, "4"), (self.youssef, "3")):
            self.cast(person, self.pick(value))
        moderator_view = self.moderator.sees("[data-poll-list] article[data-state=open]")
        expect(moderator_view.locator(".poll-mean")).to_have_text("Mean: 3")
        for person in self.public:
            withheld = person.say("Results will be shown when the poll closes.")
            expect(person.sees(LIVE_RESULTS)).to_have_text(withheld)
            expect(person.sees(".poll-mean")).to_have_count(0)
        self.checkpoint("poll-results-withheld", [self.amina, self.present])

        self.close_poll(question)
        for attendee in self.attendees:  # the closed poll stays in view, with its result
            expect(attendee.sees(".poll-live")).to_have_attribute("data-state", "closed")
            said = attendee.say
            expect(attendee.sees("[data-poll-announce]")).to_have_text(
                f"{said('The poll is closed: %(question)s', question=question)} "
                f"{said('Mean: %(mean)s', mean=3)}"
            )
        expect(self.present.sees(".poll-mean")).to_have_text("Mean: 3")
        past = self.amina.sees(".poll-live").filter(has_text=question)
        expect(past.locator(".poll-mean")).to_have_text("Mean: 3")
        expect(self.figure(self.amina, past, "4")).to_contain_text(
            re.compile(r"1\s*33[.,]3[\s\u200e\u200f]*%")
        )
        self.checkpoint("poll-closed", [self.amina, self.present])

    def word_cloud(self) -> None:
        question = "One word for what your region needs"
        self.open_poll("word_cloud", question)
        for person, words in (
            (self.amina, ["Capacity building", "Trust"]),
            (self.camille, ["Capacity building"]),
            (self.youssef, ["Laws"]),
        ):

            def write(poll: Locator, say: Say, words=words) -> None:
                for n, word in enumerate(words, start=1):
                    poll.get_by_label(say("Word %(n)s", n=n), exact=True).fill(word)

            self.cast(person, write)
        for person in self.public:
            results = person.sees(".poll-results").first
            expect(results.locator(".poll-word")).to_have_count(3)
            expect(results.locator(".poll-word").first).to_have_text("Capacity building")
            expect(self.figure(person, results, "Capacity building")).to_contain_text(
                re.compile(r"2\s*66[.,]7[\s\u200e\u200f]*%")
            )
        self.checkpoint("poll-word-cloud", [self.present, self.youssef])

    def open_text(self) -> None:
        question = "What should the Convention protect first?"
        self.open_poll("open_text", question)
        answers = {
            self.amina: "Journalists and their sources",
            self.camille: "La vie privée",
            self.youssef: "حرية التعبير",
        }
        for person, text in answers.items():
            self.cast(
                person,
                lambda poll, say, text=text: poll.get_by_label(say("Your answer")).fill(text),
            )
        moderator_view = self.moderator.sees("[data-poll-list] article[data-state=open]")
        expect(moderator_view.locator(".poll-answers li")).to_have_count(3)
        for person in self.public:
            expect(person.sees(".poll-results").first).to_contain_text(
                person.say("No answers shown yet.")
            )
        shown = moderator_view.locator(".poll-answers li").filter(has_text=answers[self.youssef])
        shown.get_by_role("button", name="Show").click()
        for person in self.public:
            expect(person.sees(".poll-results .poll-answers").first).to_have_text(
                answers[self.youssef]
            )
        self.checkpoint("poll-open-text", [self.present, self.camille, self.moderator])

    def ranking_for_staff_only(self) -> None:
        question = "Which matters most?"
        self.open_poll(
            "ranking", question, ["Prevention", "Prosecution", "Cooperation"], "moderators"
        )

        def cooperation_first(poll: Locator, say: Say) -> None:
            for _ in range(2):
                poll.get_by_role(
                    "button", name=say("Move %(option)s up", option="Cooperation")
                ).click()
            expect(poll.locator(".poll-ranking li").first).to_contain_text("Cooperation")

        self.cast(self.amina, cooperation_first)
        self.cast(self.camille, cooperation_first)
        self.cast(
            self.youssef,
            lambda poll, say: poll.get_by_role(
                "button", name=say("Move %(option)s up", option="Prosecution")
            ).click(),
        )
        staff = self.say_staff_only
        for person in self.public:
            expect(person.sees(LIVE_RESULTS).first).to_have_text(staff(person))
            expect(person.sees(LIVE_RESULTS).locator(".poll-table")).to_have_count(0)
        moderator_view = self.moderator.sees("[data-poll-list] article[data-state=open]")
        expect(moderator_view.locator(".poll-method")).to_contain_text("Borda count")
        # Three options: a first place earns 2 points, a second 1.
        for label, points in (("Cooperation", 4), ("Prevention", 3), ("Prosecution", 2)):
            expect(self.figure(self.moderator, moderator_view, label)).to_contain_text(str(points))
        expect(moderator_view.locator(".poll-table tbody tr").first).to_contain_text("Cooperation")
        record = self.rapporteur.sees("[data-poll-list] article").filter(has_text=question)
        expect(record.locator(".poll-table tbody tr").first).to_contain_text("Cooperation")
        self.close_poll(question)
        earlier = self.youssef.sees("[data-poll-earlier]")  # those before, on request
        earlier.locator("summary").click()
        expect(earlier.locator("article")).to_have_count(5)
        past = self.youssef.sees(".poll-live").filter(has_text=question)
        expect(past.locator(".poll-results")).to_have_text(staff(self.youssef))
        expect(self.present.sees("[data-poll-stage] .poll-results")).to_have_text(
            staff(self.present)
        )

    @staticmethod
    def say_staff_only(person: Person) -> str:
        return person.say("Results are shown to the moderators and rapporteurs only.")

    # Speakers -----------------------------------------------------------------------

    def a_hand_is_raised_and_given_the_floor(self) -> None:
        page = self.amina.page
        page.get_by_role("tab", name="Speak").click()
        page.get_by_label("Your topic, in one line (optional)").fill("Training for prosecutors")
        page.get_by_role("button", name="Raise my hand").click()
        expect(self.amina.sees("[data-mine] .mine-place")).to_have_text("You are next")
        queue = self.moderator.sees("[data-queue] li")
        expect(queue).to_have_count(1)
        expect(queue.first).to_contain_text("Amina")
        expect(queue.first).to_contain_text("Training for prosecutors")
        self.checkpoint("hand-raised", [self.amina, self.moderator])

        self.moderator.page.get_by_role("button", name="Give the floor to the next").click()
        expect(self.amina.sees("[data-my-floor]")).to_be_visible()
        expect(self.amina.sees("[data-my-alert]")).to_have_text(
            re.compile(r"^You have the floor: \d:\d\d to speak\.$")
        )
        for person in [*self.public, self.moderator]:
            expect(person.sees("[data-floor-name]")).to_have_text("Amina")
        self.checkpoint("floor-given", [*self.public, self.moderator])
        self.moderator.page.get_by_role("button", name="End turn").click()
        expect(self.amina.sees("[data-my-floor]")).to_be_hidden()
        for person in self.public:
            expect(person.sees("[data-floor-name]")).to_have_text(
                person.say("Nobody has the floor.")
            )

    # The record ---------------------------------------------------------------------

    def the_rapporteur_writes_a_note(self) -> None:
        say = self.rapporteur.say
        note = self.rapporteur.sees("[data-note]").filter(has=self.rapporteur.sees("#note-general"))
        note.get_by_label(say("General notes")).fill(NOTE)
        expect(note.locator("[data-note-status]")).to_have_text(say("Saved"), timeout=10_000)
        self.checkpoint("notes-typed", [self.rapporteur])

    def the_report_is_published(self) -> None:
        """The chair ends; the rapporteur publishes the report; each attendee's end screen
        leads to it, live; the public page opens on every device, nobody named on it."""
        console = self.moderator.page
        console.locator("[data-action=end_consultation]").click()
        console.get_by_role("dialog").get_by_role("button", name="End consultation").click()
        for attendee in self.attendees:
            expect(attendee.sees("[data-end]")).to_be_visible()
            expect(attendee.sees("[data-end-report]")).to_be_hidden()
        say = self.rapporteur.say
        part = self.rapporteur.sees("[data-publish-part=report]")
        part.get_by_role("button", name=say("Publish")).click()
        expect(part.locator("[data-publish-state]")).to_have_text(say("Published"))
        link = part.locator("[data-publish-link]")
        expect(link).to_have_text(re.compile(r"/p/[\w-]{40,}$"))
        address = link.get_attribute("href")
        assert address and self.server.links["join_code"] not in address
        expect(self.moderator.sees("[data-publish-part=report] [data-publish-link]")).to_have_text(
            address
        )
        for attendee in self.attendees:
            read = attendee.sees("[data-end-report-link]")
            expect(read).to_be_visible()
            expect(read).to_have_text(attendee.say("Read the report"))
            expect(read).to_have_attribute("href", address.removeprefix(self.server.url))
        self.checkpoint("report-published", [*self.attendees, self.rapporteur, self.moderator])

        for attendee in self.attendees:
            reader = attendee.page.context.new_page()
            reader.goto(address)
            expect(reader.locator("html")).to_have_attribute("lang", attendee.lang)
            expect(reader.locator("h1")).to_have_text(TITLE)
            text = reader.locator("main").inner_text()
            for secret in ("Amina", "Camille", "Youssef", "Chair", "Ngozi"):
                assert secret not in text, f"{secret} named on the public report"
            assert Q_AMINA in text and RATIFY in text
            shot = attendee.shot.replace("attendee", "published-report")
            self.checkpoint("shown", [Person(shot, reader, attendee.say, attendee.lang)])
            reader.close()


def rehearse(
    server, new_page, checkpoint: Checkpoint, user_agents: Mapping[str, str] | None = None
) -> Rehearsal:
    """Run the whole consultation; returns the cast for what the caller checks after.

    `server` has the `url` and the demo's `links`: one process, or `make cluster`'s nginx,
    where `user_agents` (by screenshot name, e.g. "attendee-phone") choose each person's
    worker, as nginx hashes the address and the User-Agent."""
    rehearsal = Rehearsal(server, new_page, checkpoint, user_agents or {})
    rehearsal.everyone_joins()
    rehearsal.the_agenda_runs()
    rehearsal.questions_are_asked_approved_voted_and_answered()
    rehearsal.polls_of_every_kind()
    rehearsal.a_hand_is_raised_and_given_the_floor()
    rehearsal.the_rapporteur_writes_a_note()
    rehearsal.the_report_is_published()
    return rehearsal
