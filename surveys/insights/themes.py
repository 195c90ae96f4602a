"""Themes in school text: a codebook of themes matched on stemmed terms and phrases, aware
of negation, plus emergent phrases (nltk collocations) for what the codebook misses.

Public API:

- ``CODEBOOK``: tuple of ``Theme`` (key, name, description, terms, phrases, exclusions), in
  the order themes are listed everywhere. ``name`` and ``description`` are lazy strings
  (``flask_babel.lazy_gettext``) so they show in the reader's language.
- ``THEMES``: key -> Theme.
- ``match_themes(text) -> list[str]``: the keys of the themes a comment is about, in
  codebook order. A comment may carry several themes, or none.
- ``match_details(text) -> list[ThemeMatch]``: the same themes with ``negated``, for
  summaries that need to tell "not enough clubs" from "great clubs".
- ``emergent_phrases(texts, limit=10) -> list[tuple[str, int]]``: recurring two-word phrases
  in comments the codebook does not cover.

How matching works
------------------
A comment is lower-cased and split into words and punctuation; each word is stemmed with
nltk's Snowball stemmer ("english", which needs no downloaded data), and so is every term
and phrase in the codebook, so "bullied", "bullying" and "bully" all match ``bullying``.
A theme matches when one of its terms, or one of its phrases (consecutive stemmed words),
occurs in the comment and that occurrence is not inside one of the theme's *exclusions*:
short phrases that give an ambiguous word its other meaning ("head lice", "hit his head",
"reading this survey", "to be on the safe side", "tripped over"). The all-capitals acronym
"SEND" is read as special educational needs; lower-case "send" is the verb.
A comment that raises a safeguarding flag (``surveys.insights.safeguarding``) is also about
``safety``, whatever words it uses.

The negation rule
-----------------
For *theme detection*, negation does not remove a topic: "there are not enough clubs" and
"no homework has been set this term" are about clubs and homework (and are usually the
complaints a head most needs to see). So:

1. An occurrence inside a negation scope still counts. The scope is the three words after a
   negator (not, no, never, nothing, none, nor, without, hardly, lack, any "n't" word) and
   ends early at punctuation or "but". ``match_details`` reports ``negated=True`` for a theme
   when every occurrence of it is in such a scope, so summaries can read "not enough clubs"
   differently from "great clubs".
2. An occurrence that follows an explicit dismissal in the same clause ("nothing to say
   about homework", "no comment on the clubs", "nothing to add about behaviour") does not
   count: the writer is declining to talk about the topic.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
from nltk.stem.snowball import SnowballStemmer

# Words, numbers (so "year 7" stays two tokens), and the punctuation that ends a clause.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()\[\]\"/]|\s-\s")
_CLAUSE_END = frozenset(".,;:!?()[]\"/") | {" - "}
_WORD = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str
    terms: tuple[str, ...]  # single words, stemmed when matched ("=word": this exact word only)
    phrases: tuple[str, ...] = ()  # multi-word phrases, stemmed word by word
    exclusions: tuple[str, ...] = ()  # phrases in which a term does not count


@dataclass(frozen=True)
class ThemeMatch:
    key: str
    negated: bool  # every mention of the theme sits in a negation scope


# Determiners and pronouns after which "read"/"reading" is about a message, not the subject.
_READ_NOT_SUBJECT = tuple(f"read {w}" for w in (
    "this", "that", "these", "those", "it", "them", "the newsletter", "the letter", "the letters",
    "the email", "the emails", "the message", "the messages", "the survey", "the policy",
    "the report", "the reports", "the minutes", "the notes", "the comments", "the bulletin",
    "through", "emails", "letters", "messages", "your", "our")) + ("read us", "read about")

CODEBOOK: tuple[Theme, ...] = (
    Theme("leadership", _l("Leadership and management"),
          _l("Leaders, the headteacher, governors, decisions and how the school is run."),
          ("leader", "leaders", "leadership", "headteacher", "headteachers", "head", "heads", "deputy",
           "principal", "slt", "governor", "governors", "decision", "decisions"),
          ("head teacher", "learning walks", "senior team", "senior leaders", "senior leadership", "management team",
           "the management"),
          ("head lice", "his head", "her head", "my head", "their head", "your head", "head injury",
           "head bump", "heads up", "leadership role", "head of hair", "head to head")),
    Theme("communication", _l("Communication with parents"),
          _l("How the school keeps families and staff informed and listens: letters, emails, the app, "
             "the office, parents' evenings."),
          ("communication", "communicate", "communicated", "email", "emails", "emailed", "letter",
           "letters", "newsletter", "newsletters", "bulletin", "app", "=informed", "updates", "phone",
           "message", "messages", "messaging", "=office", "contact", "heard",
           "explain", "explained", "explaining", "listen", "listens", "consultation", "consult",
           "forum"),
          ("parents evening", "parents' evening", "phone call", "find out", "found out", "let us know",
           "keep us", "get told", "told us", "told about", "not told", "were told", "was told",
           "nobody told", "tells us", "heard back", "raised a concern", "hear back"),
          ("told off", "told her not", "told him not", "told me not", "listening now", "safeguarding log",
           "explain their", "explain fractions", "explains things", "explain things", "message the teacher",
           "being told", "one phone")),
    Theme("teaching", _l("Teaching and learning"),
          _l("The quality of teaching and lessons: explanations, questioning, challenge, adapting "
             "work, how well pupils learn."),
          ("=teaching", "lesson", "lessons", "=questioning", "=explains", "explanation", "pedagogy",
           "=adaptive", "differentiation", "differentiated", "challenge", "=learning", "observation",
           "observed", "board"),
          ("learning walk", "learning walks", "lesson visits", "makes learning", "the teacher talks",
           "check understanding", "teachers model"),
          ("teaching assistant", "teaching assistants", "teaching the new", "learning about", "learning environment",
           "prior learning", "learning time", "learning visits", "teaching a", "teaching all day",
           "full day teaching", "lessons seen", "the lesson", "next lesson", "every lesson",
           "some lessons", "be learning")),
    Theme("curriculum", _l("Curriculum"),
          _l("What is taught and in what order: subjects, topics, the breadth and sequence of the "
             "curriculum."),
          ("curriculum", "topic", "topics", "subject", "subjects", "history", "geography", "science",
           "art", "music", "languages", "french", "spanish", "computing", "romans", "sequenced",
           "knowledge", "experiments", "volcanoes", "space"),
          ("forest school", "foundation subjects", "what they learn", "be learning", "learning about",
           "reading spine"),
          ("science block", "science labs", "storage space", "library space",
           "space is")),
    Theme("reading", _l("Reading and phonics"),
          _l("Early reading, phonics, reading books, the library and reading for pleasure."),
          ("reading", "read", "reads", "reader", "readers", "phonics", "books", "book", "library",
           "authors", "fluent", "fluency", "sounds"),
          ("book corner", "reading books", "reading spine", "early reading"),
          _READ_NOT_SUBJECT + ("in books", "in my book", "his books", "their books", "books showed",
                               "book looks", "maths books", "book bags", "book bag", "english hub",
                               "nobody reads", "no one reads", "every book")),
    Theme("maths", _l("Maths"),
          _l("Mathematics and numeracy: number, times tables, methods and reasoning."),
          ("maths", "math", "mathematics", "numeracy", "arithmetic", "fractions", "number", "calculation",
           "calculations"),
          ("times tables", "times table"),
          ("a number of", "number of", "phone number", "the number", "small number", "large number")),
    Theme("behaviour", _l("Behaviour"),
          _l("How pupils behave and how behaviour is managed: routines, disruption, sanctions, conduct."),
          ("behaviour", "behaviours", "behave", "behaved", "behaving", "misbehaviour", "=disruption",
           "=disrupt", "=disruptive", "=disrupts", "sanctions", "sanction", "detention", "detentions",
           "exclusion", "exclusions", "excluded", "conduct", "routines", "rules", "chatter", "fights",
           "fight", "fighting", "punched", "shout", "shouting", "rough", "push", "pushed",
           "uniform", "calm"),
          ("low level", "good at listening", "threw a chair", "time out", "push in", "abusive language"),
          ("never included", "shouts at pupils", "calm corner", "calm and sociable", "calm now",
           "pushed over")),
    Theme("bullying", _l("Bullying"),
          _l("Bullying, name-calling, unkindness between pupils, online and in person, and how it "
             "is dealt with."),
          ("bullying", "bullied", "bully", "bullies", "banter", "unkind", "unkindness", "teased",
           "teasing", "harassment", "cyberbullying", "=names", "picked"),
          ("picked on", "called names", "name calling", "mean to", "mean stuff", "are mean", "is mean", "being mean", "so mean", "hit by another",
           "pushed over", "falling out", "fell out"),
          ("picked up", "pick up", "new name", "by name", "first names")),
    Theme("safety", _l("Safety and safeguarding"),
          _l("Keeping children safe and feeling safe: the site, traffic, first aid, supervision, online "
             "safety and safeguarding."),
          ("safe", "safety", "unsafe", "safeguarding", "dangerous", "danger", "strangers", "gate", "fence",
           "dsl", "traffic", "frightened", "injury", "injured", "hurt", "allergic", "drill", "fire",
           "accident", "filmed", "scared", "punched"),
          ("first aid", "first aider", "crossing", "car park", "hit her head", "hit his head",
           "bumped her head", "bumped his head", "single central record", "fire exit", "how to raise a concern",
           "log a concern", "fell over", "fallen over", "threw a chair", "left open"),
          ("safe side", "safe to say", "safe pair", "fire off", "scared of the dark", "on the gate")),
    Theme("wellbeing", _l("Wellbeing and mental health"),
          _l("Wellbeing, stress, anxiety, happiness and mental health, of pupils and staff."),
          ("wellbeing", "stress", "stressed", "stressful", "anxious", "anxiety", "worried", "worry",
           "worries", "sad", "happy", "happier", "unhappy", "exhausted", "burnout", "tense", "nurture",
           "sensory", "counselling", "counsellor", "nervous", "sleep", "kindness"),
          ("mental health", "calm corner", "worry boxes", "trusted adult", "sick leave", "assistance line",
           "how i am", "massage afternoon", "looked after"),
          ("happy to help", "happy here", "happy school", "happy with", "i'm worried about a", "worried about the",
           "worried about going", "worried about a", "more than happy")),
    Theme("workload", _l("Workload"),
          _l("Staff workload and time: marking, planning, meetings, paperwork, data and evenings and "
             "weekends."),
          ("workload", "paperwork", "ppa", "unsustainable", "sustainable", "overworked", "exhausted",
           "spreadsheets", "deadlines", "=evenings", "=weekends", "unpaid", "duplicates", "hours"),
          ("marking in", "marking policy", "work until", "on top of", "data drops", "data drop",
           "planning time", "my evenings", "no time", "too many", "takes hours", "share the load",
           "covering for", "after a full day", "every day in three colours", "too many meetings",
           "meetings after school", "fewer meetings", "pointless meetings", "rewrite plans", "rewriting plans"),
          ("too many reading", "too many children")),
    Theme("development", _l("Professional development"),
          _l("Training, coaching, CPD, courses and career development for staff."),
          ("training", "trained", "cpd", "coaching", "coach", "course", "courses", "npqsl", "npqh", "npq",
           "mentor", "mentoring", "development", "developing", "inset", "refresher"),
          ("professional development", "training day", "training days", "english hub"),
          ("child development", "speech development", "areas for development", "training paid", "the training really")),
    Theme("send", _l("SEND and inclusion"),
          _l("Special educational needs and disabilities, inclusion, SENCO support, EHCPs, "
             "interventions and adapting for individual needs."),
          ("sen", "senco", "ehcp", "ehcps", "inclusion", "inclusive", "autism", "autistic", "adhd",
           "dyslexia", "dyslexic", "interventions", "intervention", "disabilities", "disability",
           "sensory", "=needs", "allergy", "nurture", "provision"),
          ("special needs", "additional needs", "high needs", "support plans", "pencil grip", "the group",
           "go to the group", "provision maps", "pupils' targets", "the pupils targets",
           "special educational needs", "sensory room", "support for their"),
          ("needs to", "what they need", "needs of", "which needs")),
    Theme("homework", _l("Homework"),
          _l("Homework: how much, how often, how clear, and how it is set and marked."),
          ("homework", "homeworks"), ("home learning",),
          ("homework club",)),
    Theme("assessment", _l("Assessment and feedback"),
          _l("Tests, SATs, data drops, marking and feedback to pupils, reports and knowing how a child "
             "is doing."),
          ("assessment", "assessments", "assess", "test", "tests", "tested", "testing", "sats", "exam",
           "exams", "marking", "moderation", "=judgements", "data", "report", "reports", "feedback",
           "comments", "progress", "track"),
          ("whole class feedback", "working towards", "on track", "data drops", "data deadlines",
           "see his books", "see her books", "three colours", "nice comments"),
          ("report my", "pupils report", "reported to", "i reported", "reports into", "reporting system", "report that",
           "the feedback is vague", "no comment", "no comments", "ehcp assessment")),
    Theme("environment", _l("Buildings and environment"),
          _l("Buildings, classrooms, toilets, heating, playgrounds, grounds and equipment."),
          ("building", "buildings", "roof", "leaks", "leak", "heating", "toilets", "toilet", "classroom",
           "classrooms", "playground", "grounds", "field", "fence", "staffroom", "labs", "lab", "library",
           "garden", "refurbished", "refurbishment", "hot", "cold", "floods", "flooding", "furniture",
           "storage", "space", "locks", "smell", "climbing", "equipment", "photocopier", "site"),
          ("outdoor classroom", "learning environment", "climbing frame", "science block"),
          ("in my class", "in class", "in the classroom", "classroom without", "in the playground",
           "at playtime", "the dinners are cold", "dinners are cold", "hungry and cold", "in my classroom",
           "space and", "about space")),
    Theme("clubs", _l("Clubs and trips"),
          _l("Clubs, trips, residentials, breakfast and after-school clubs, sport, music and other "
             "activities beyond lessons."),
          ("club", "clubs", "trip", "trips", "residential", "residentials", "=visits", "museum", "zoo",
           "choir", "orchestra", "concerts", "concert", "football", "netball", "activities", "extracurricular"),
          ("after school club", "breakfast club", "extra curricular", "day out", "outdoor centre"),
          ("trip over", "tripped over", "tripped up", "lesson visits", "transition visits", "home visits",
           "visits to", "extra visits", "learning visits")),
    Theme("lunchtimes", _l("Lunchtimes and food"),
          _l("Lunchtimes and breaks, school dinners, packed lunches, food and the people who supervise."),
          ("lunch", "lunches", "lunchtime", "lunchtimes", "dinner", "dinners", "food", "kitchen", "canteen",
           "menu", "portions", "meals", "meal", "toast", "crisps", "pizza", "breakfast", "dessert", "hungry"),
          ("midday supervisors", "lunch duty", "packed lunch", "lunch staff", "break time", "breakfast club"),
          ("homework menu", "hungry and cold", "any tea", "comes in hungry", "in hungry")),
    Theme("transition", _l("Transition"),
          _l("Moving on and starting out: starting school, changing class or year, and the move to "
             "secondary school."),
          ("transition", "transitions", "handover", "feeder", "induction"),
          ("year 7", "big school", "high school", "going up", "move to secondary", "starting reception",
           "new teacher was", "to secondary", "visit days", "into reception", "from nursery", "who her new teacher",
           "new class"),
          ()),
    Theme("staffing", _l("Staffing"),
          _l("Staffing levels, supply and agency staff, turnover, vacancies, cover and teaching "
             "assistants."),
          ("staffing", "turnover", "supply", "agency", "understaffed", "vacancies", "vacancy", "recruitment",
           "recruit", "tas", "ta", "covering", "stretched"),
          ("short staffed", "different teachers", "staff leave", "lost four teachers", "lost two",
           "teaching assistants are", "one ta", "teachers this year", "staff who stay", "people who stay",
           "not replaced"),
          ("tas are", "teaching assistants were")),
    Theme("attendance", _l("Attendance"),
          _l("Attendance and punctuality: absence, lateness, holidays in term time, fines and "
             "attendance letters."),
          ("=attendance", "absence", "absences", "absent", "punctuality", "=lateness", "fined", "fine",
           "fines"),
          ("being late", "term time", "missed weeks", "refuses school", "get in", "hospital appointments",
           "medical appointments"),
          ("absent colleagues", "is fine", "everything is fine", "fine thanks", "get in trouble", "fine to")),
)
THEMES = {theme.key: theme for theme in CODEBOOK}

_NEGATORS = frozenset({"not", "no", "never", "nothing", "none", "nor", "without", "hardly", "lack",
                       "cannot", "nobody", "neither"})
_NEGATION_WINDOW = 3
_DISMISSALS = (
    "nothing to say about", "nothing to add about", "nothing to add on", "no comment on",
    "no comments on", "no comment about", "no comments about", "nothing about", "no view on",
    "no views on", "no opinion on",
)
_SEND_ACRONYM = re.compile(r"\bSEND\b")
# Markers written by redaction ("[name]") are not words anyone wrote.
_MARKER = re.compile(r"\[(?:name|email|phone|postcode|link)\]")


@cache
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


_STEM_CACHE: dict[str, str] = {}


def _stem(word: str) -> str:
    stemmed = _STEM_CACHE.get(word)
    if stemmed is None:
        if word in _CLAUSE_END:
            stemmed = word
        else:
            stemmed = _stemmer().stem(word.replace("'s", "") if word.endswith("'s") else word)
        if len(_STEM_CACHE) < 200_000:
            _STEM_CACHE[word] = stemmed
    return stemmed


def _tokens(text: str) -> list[str]:
    text = _MARKER.sub(" ", _SEND_ACRONYM.sub("SEN", text or "")).lower().replace("’", "'").replace("‘", "'")
    # Hyphenated words split ("low-level", "after-school"), apart from "well-being".
    text = text.replace("well-being", "wellbeing").replace("-", " ")
    return _TOKEN.findall(text)


def stems(text: str) -> list[str]:
    """The comment as stemmed words and clause-ending punctuation."""
    return [_stem(token) for token in _tokens(text)]


def _stem_phrase(phrase: str) -> tuple[str, ...]:
    return tuple(stems(phrase))


@dataclass(frozen=True)
class _Index:
    """The codebook compiled for one pass over a comment: from a stem (or, for exact terms, a
    word) to the themes, by position in the codebook, that it may start."""
    terms: dict[str, tuple[int, ...]]
    exact: dict[str, tuple[int, ...]]
    phrases: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]
    exclusions: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]
    dismissals: tuple[tuple[str, ...], ...]
    dismissal_starts: frozenset[str]


@cache
def _index() -> _Index:
    terms: dict[str, list] = {}
    exact: dict[str, list] = {}
    phrases: dict[str, list] = {}
    exclusions: dict[str, list] = {}
    for position, theme in enumerate(CODEBOOK):
        for term in theme.terms:
            if term.startswith("="):
                exact.setdefault(term[1:], []).append(position)
            else:
                terms.setdefault(_stem(term), []).append(position)
        for source, target in ((theme.phrases, phrases), (theme.exclusions, exclusions)):
            for phrase in source:
                stemmed = _stem_phrase(phrase)
                if stemmed:
                    target.setdefault(stemmed[0], []).append((position, stemmed))
    dismissals = tuple(_stem_phrase(p) for p in _DISMISSALS)

    def frozen(index: dict) -> dict:
        return {key: tuple(dict.fromkeys(values)) for key, values in index.items()}

    return _Index(frozen(terms), frozen(exact), frozen(phrases), frozen(exclusions), dismissals,
                  frozenset(d[0] for d in dismissals))


def _is_negator(token: str) -> bool:
    return token in _NEGATORS or token.endswith("n't")


def _clause_before(tokens: list[str], start: int, limit: int) -> list[str]:
    """Up to ``limit`` tokens before ``start``, stopping at the end of the previous clause."""
    before = []
    for j in range(start - 1, max(-1, start - 1 - limit), -1):
        if tokens[j] in _CLAUSE_END or tokens[j] == "but":
            break
        before.append(tokens[j])
    return before[::-1]


def _negated(tokens: list[str], start: int) -> bool:
    return any(_is_negator(t) for t in _clause_before(tokens, start, _NEGATION_WINDOW))


def _dismissed(words: list[str], start: int, dismissals: tuple[tuple[str, ...], ...]) -> bool:
    before = _clause_before(words, start, 6)
    return any(tuple(before[i:i + len(d)]) == d for d in dismissals for i in range(len(before) - len(d) + 1))


def match_details(text: str) -> list[ThemeMatch]:
    """The themes of a comment in codebook order, each with whether every mention is negated."""
    tokens = _tokens(text)
    words = [_stem(t) for t in tokens]
    index = _index()
    hits: dict[int, list[tuple[int, int]]] = {}  # theme position -> (start, length) of each mention
    excluded: dict[int, set[int]] = {}  # theme position -> word positions inside an exclusion
    for i, word in enumerate(words):
        for position in index.terms.get(word, ()):
            hits.setdefault(position, []).append((i, 1))
        for position in index.exact.get(tokens[i], ()):
            hits.setdefault(position, []).append((i, 1))
        for position, phrase in index.phrases.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                hits.setdefault(position, []).append((i, len(phrase)))
        for position, phrase in index.exclusions.get(word, ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                excluded.setdefault(position, set()).update(range(i, i + len(phrase)))
    may_dismiss = not index.dismissal_starts.isdisjoint(words)
    matches = []
    for position in sorted(hits):
        mentions = hits[position]
        if position in excluded:
            out = excluded[position]
            mentions = [(i, n) for i, n in mentions if out.isdisjoint(range(i, i + n))]
        if may_dismiss:
            mentions = [(i, n) for i, n in mentions if not _dismissed(words, i, index.dismissals)]
        if mentions:
            matches.append(ThemeMatch(CODEBOOK[position].key, all(_negated(tokens, i) for i, _n in mentions)))
    if not any(m.key == "safety" for m in matches):
        from surveys.insights.safeguarding import flags  # here, so either module loads first

        if flags(text):
            order = {t.key: n for n, t in enumerate(CODEBOOK)}
            matches.append(ThemeMatch("safety", False))
            matches.sort(key=lambda m: order[m.key])
    return matches


def match_themes(text: str) -> list[str]:
    """The keys of the themes a comment is about, in codebook order."""
    return [match.key for match in match_details(text)]


# Emergent phrases --------------------------------------------------------------------------

# A small stopword list of our own (nltk's corpus needs downloaded data): function words, and
# words so common in school comments that pairs of them say nothing.
STOPWORDS = frozenset("""
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further get gets got had hadn't has hasn't
    have haven't having he he's her here hers herself him himself his how i i'm i've i'd i'll if
    in into is isn't it it's its itself just let's me more most much my myself no nor not now of
    off on once only or other ought our ours ourselves out over own really same she she's should
    shouldn't so some such than that that's the their theirs them themselves then there there's
    these they they're they've this those through to too under until up us very was wasn't we
    we're we've were weren't what what's when where which while who whom why will with won't
    would wouldn't you you're your yours yourself yourselves thank thanks please lot lots bit
    quite well good great always never every still even though yes one two three like feel feels
    think know would also etc school child children son daughter year
""".split())
_MIN_FREQUENCY = 2


def emergent_phrases(texts: Iterable[str], limit: int = 10) -> list[tuple[str, int]]:
    """Recurring two-word phrases in the comments no codebook theme matches.

    Comments that match a theme are left out (the codebook already speaks for them). The rest
    are split into words (clause by clause, so no pair spans a full stop); pairs are counted
    with nltk's ``BigramCollocationFinder``, pairs that contain a stopword or a number or occur
    fewer than ``_MIN_FREQUENCY`` (2) times are dropped, and the rest are ranked by Dunning's
    likelihood ratio (``BigramAssocMeasures.likelihood_ratio``), which favours pairs that are
    both frequent and more common together than apart, ties broken by count then alphabet.
    Returns up to ``limit`` (phrase, count) pairs.
    """
    words: list[str] = []
    for text in texts:
        if not text or match_themes(text):
            continue
        for token in _tokens(text):
            # A clause boundary becomes a separator no pair can cross.
            words.append("|" if token in _CLAUSE_END or not _WORD.fullmatch(token) else token)
        words.append("|")
    if not words:
        return []
    finder = BigramCollocationFinder.from_words(words)
    finder.apply_word_filter(lambda w: w == "|" or w in STOPWORDS or len(w) < 2)
    finder.apply_freq_filter(_MIN_FREQUENCY)
    counts = finder.ngram_fd
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)
    scored.sort(key=lambda item: (-item[1], -counts[item[0]], item[0]))
    return [(" ".join(pair), counts[pair]) for pair, _score in scored[:max(0, limit)]]


def theme_counts(texts: Iterable[str]) -> Counter:
    """How many of the comments carry each theme key."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(match_themes(text))
    return counts
