"""The host head's summary of a visit's feedback: how many children, the faces for each prompt,
"Would you like this at your school?", the stars and wishes grouped by theme, quotes in the
children's words and the interview notes.

Every text is redacted (the visit's first names, its adults, and the names the partnership
holds) before it leaves this module; a text flagged for safeguarding is counted, never quoted.
Nothing here puts a child's name next to what they wrote: the feedback rows are read without
their pupils, and the quotes are listed in alphabetical order, not in the order children sent
them, so a child's star and wish do not sit side by side.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from peerreview.extensions import db
from peerreview.visits.models import ChildFeedback, InterviewNote, PupilVisit, VisitAdult, VisitPrompt, VisitPupil
from surveys.insights.analysis import Analysis, analyse_many
from surveys.insights.redaction import known_names_for, school_vocabulary_for
from surveys.insights.summaries import Comment, InsightSummary, summarise

FACES = ("happy", "ok", "sad")
QUOTES_PER_THEME = 3
LIKES = ("yes", "maybe", "no")


@dataclass
class PromptFaces:
    prompt: VisitPrompt
    counts: dict[str, int]

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    def share(self, face: str) -> float:
        return self.counts[face] / self.answered if self.answered else 0.0


@dataclass
class Theme:
    key: str
    name: str
    count: int  # comments it rests on
    quotes: list[str]  # up to QUOTES_PER_THEME of them, redacted, none flagged


@dataclass
class Themes:
    comments: int
    themes: list[Theme]
    unthemed: int


@dataclass
class Note:
    host_year_group: int | None
    question: str
    answer: str


@dataclass
class Concern:
    text: str
    school_id: int | None  # the visiting child's school; None when they gave no name or for a host pupil
    host_year_group: int | None = None  # set for an interview note (what a host pupil said)
    interview: bool = False


@dataclass
class VisitSummary:
    children: int
    schools: int  # visiting schools the named children came from
    anonymous: int  # children who chose "I'd rather not say"
    prompts: list[PromptFaces]
    like: dict[str, int]
    stars: Themes
    wishes: Themes
    star_quotes: list[str] = field(default_factory=list)
    wish_quotes: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    flagged: int = 0  # texts (stars, wishes, notes) held back from the summary for safeguarding
    # The flagged texts as written, with where they came from, for the head to pass to a designated
    # safeguarding lead: a concern must reach someone who can act, never be silently dropped.
    concerns: list[Concern] = field(default_factory=list)

    @property
    def like_answered(self) -> int:
        return sum(self.like.values())

    def like_share(self, answer: str) -> float:
        return self.like[answer] / self.like_answered if self.like_answered else 0.0


def names_to_redact(visit: PupilVisit) -> frozenset[str]:
    """The visit's children's first names (while kept), its adults' names and every name the
    partnership holds."""
    names = set(known_names_for(visit.partnership_id))
    names |= {n for n in db.session.scalars(select(VisitPupil.first_name).where(
        VisitPupil.visit_id == visit.id, VisitPupil.first_name.is_not(None))) if n}
    for full in db.session.scalars(select(VisitAdult.name).where(VisitAdult.visit_id == visit.id)):
        names |= {part for part in full.replace(".", " ").split() if len(part) > 1 and part[0].isupper()}
    return frozenset(names)


def _face_key(faces: dict, prompt_id: int) -> str | None:
    value = (faces or {}).get(str(prompt_id), (faces or {}).get(prompt_id))
    return value if value in FACES else None


def _comments(analyses: list[Analysis]) -> list[Comment]:
    return [Comment(id=i, redacted=a.redacted, compound=a.compound, label=a.label, themes=tuple(a.themes),
                    flags=tuple(a.flags)) for i, a in enumerate(analyses)]


def _themes(analyses: list[Analysis]) -> Themes:
    """The themes the texts share, most common first, each with how many texts it rests on and a
    few of them in the children's words (children write short, mostly neutral sentences, so
    quotes are not picked by sentiment here)."""
    found: InsightSummary = summarise(_comments(analyses))
    themes = []
    for theme in found.themes:
        members = [a for a in analyses if theme.key in a.themes]
        themes.append(Theme(theme.key, theme.name, theme.count, _quotes(members)[:QUOTES_PER_THEME]))
    return Themes(found.comments, themes, found.unthemed)


def _quotes(analyses: list[Analysis]) -> list[str]:
    return sorted({a.redacted.strip() for a in analyses if not a.flags and a.redacted.strip()},
                  key=lambda text: (text.casefold(), text))


def summarise_visit(visit: PupilVisit) -> VisitSummary:
    rows = db.session.execute(
        select(ChildFeedback.faces, ChildFeedback.star_1, ChildFeedback.star_2, ChildFeedback.wish,
               ChildFeedback.like_at_school, VisitPupil.school_id)
        .outerjoin(VisitPupil, VisitPupil.id == ChildFeedback.pupil_id)
        .where(ChildFeedback.visit_id == visit.id).order_by(ChildFeedback.id)).all()
    prompts = [PromptFaces(p, {face: 0 for face in FACES}) for p in visit.prompts]
    like = {answer: 0 for answer in LIKES}
    star_texts, wish_texts, star_schools, wish_schools = [], [], [], []
    for faces, star_1, star_2, wish, liked, school in rows:
        for item in prompts:
            face = _face_key(faces, item.prompt.id)
            if face:
                item.counts[face] += 1
        if liked in like:
            like[liked] += 1
        for text in (star_1, star_2):
            if text and text.strip():
                star_texts.append(text.strip())
                star_schools.append(school)
        if wish and wish.strip():
            wish_texts.append(wish.strip())
            wish_schools.append(school)

    notes = db.session.scalars(select(InterviewNote).where(InterviewNote.visit_id == visit.id)
                               .order_by(InterviewNote.id)).all()
    names = names_to_redact(visit)
    vocabulary = school_vocabulary_for(visit.partnership_id)
    stars = analyse_many(star_texts, names, vocabulary)
    wishes = analyse_many(wish_texts, names, vocabulary)
    note_questions = analyse_many([n.question or "" for n in notes], names, vocabulary)
    note_answers = analyse_many([n.answer or "" for n in notes], names, vocabulary)

    concerns = [Concern(text, school) for text, school, a in
                zip(star_texts + wish_texts, star_schools + wish_schools, stars + wishes) if a.flags]
    shown_notes, flagged_notes = [], 0
    for note, question, answer in zip(notes, note_questions, note_answers):
        if question.flags or answer.flags:
            flagged_notes += 1
            concerns.append(Concern(" / ".join(t for t in (note.question, note.answer) if t), None,
                                    note.host_year_group, interview=True))
        elif question.redacted.strip() or answer.redacted.strip():
            shown_notes.append(Note(note.host_year_group, question.redacted.strip(), answer.redacted.strip()))

    return VisitSummary(
        children=len(rows),
        schools=len({school for *_rest, school in rows if school is not None}),
        anonymous=sum(1 for *_rest, school in rows if school is None),
        prompts=prompts,
        like=like,
        stars=_themes(stars),
        wishes=_themes(wishes),
        star_quotes=_quotes(stars),
        wish_quotes=_quotes(wishes),
        notes=shown_notes,
        flagged=sum(1 for a in stars + wishes if a.flags) + flagged_notes,
        concerns=concerns,
    )
