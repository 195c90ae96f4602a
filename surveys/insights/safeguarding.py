"""Safeguarding flags: comments that suggest a child (or anyone) may be at risk of harm.

Public API: ``flags(text) -> list[str]``: ``["safeguarding"]`` or ``[]``; ``SAFEGUARDING``;
``reasons(text) -> list[str]``: which kinds of concern matched (for the admins' queue and for
tests; never shown to heads).

What happens to a flagged comment
---------------------------------
A flagged comment is never shown as a quote, in a summary, a page, an export or a pack. It goes
to a queue that the partnership's admins see, with guidance to follow the school's
safeguarding procedure (tell the designated safeguarding lead the same day; do not try to
identify or contact the writer outside that procedure). The queue is built on ``flags``;
this module only decides.

What is flagged
---------------
Patterns for each kind of concern, read on the lower-cased comment:

- ``self_harm``: self-harm, cutting or hurting oneself, suicidal thoughts, wanting to die or
  to end a life;
- ``physical``: someone hitting, hurting, beating, slapping, kicking, grabbing or threatening
  a person ("hits me", "hurts me", "hits her mum", "being hit by", "with a belt");
- ``sexual``: touching, being asked for photos, nudes, grooming, secrets with an adult;
- ``neglect``: neglect, a child hungry or in the same dirty clothes day after day, no food at
  home, left home alone;
- ``fear_of_home``: scared or afraid to go home, unsafe at home, domestic violence or abuse;
- ``disclosure``: the words abuse, abused, disclosed, disclosure, and threats about telling
  ("if I tell", "told her not to tell").

The patterns are tuned for recall: a missed disclosure is far worse than a false alarm, and an
admin can dismiss a false alarm in seconds. Some everyday phrases that look alarming are not
flagged: "killing it in the maths quiz", "to die for", "hurt his knee in PE" (an injury to a
body part, not a person hurt by someone), "hit her head", "safeguarding training",
"abusive language" (behaviour policy). The labelled set in tests/data holds both kinds, and
tests/surveys/test_safeguarding.py checks every one of them.
"""
from __future__ import annotations

import re

SAFEGUARDING = "safeguarding"

_PERSON = r"(?:me|him|her|them|us|you|my\s+(?:mum|mam|mom|mother|dad|father|sister|brother|nan|child|son|daughter|baby)|his\s+(?:mum|mam|mom|sister|brother)|her\s+(?:mum|mam|mom|sister|brother))"
_BODY_PART = (r"(?:knee|knees|head|arm|arms|leg|legs|ankle|ankles|wrist|wrists|finger|fingers|hand|hands|foot|"
              r"feet|back|elbow|elbows|toe|toes|shoulder|shoulders|thumb|nose|chin|lip|tooth|teeth|neck|hip)")
_HARM_VERB = (r"(?:hit|hits|hitting|hurt|hurts|hurting|beat|beats|beating|beaten|slap|slaps|slapped|slapping|"
              r"punch|punches|punched|punching|kick|kicks|kicked|kicking|smack|smacks|smacked|smacking|"
              r"chok\w+|strangl\w+|burn|burns|burned|burnt|throttl\w+|whip|whips|whipped|batter\w*)")

_CONCERNS: dict[str, re.Pattern] = {
    "self_harm": re.compile(
        r"\bself[\s-]?harm\w*|\bcut(?:s|ting)?\s+(?:myself|himself|herself|themselves)\b"
        r"|\b(?:hurt|hurting|harm|harming)\s+(?:myself|himself|herself|themselves)\b"
        r"|\bkill(?:ing)?\s+(?:myself|himself|herself|themselves)\b|\bsuicid\w*"
        r"|\bwant(?:s|ed)?\s+to\s+die\b|\b(?:end|ending|ended|take|taking)\s+(?:my|his|her|their)\s+(?:own\s+)?life\b"
        r"|\bbetter\s+off\s+dead\b|\boverdos\w*|\bdon'?t\s+want\s+to\s+(?:live|be\s+alive|be\s+here\s+any\s*more)\b"),
    "physical": re.compile(
        r"\b" + _HARM_VERB + r"\s+" + _PERSON + r"\b(?!\s+" + _BODY_PART + r"\b)"
        r"|\b(?:being|been|getting|gets|get)\s+(?:hit|hurt|beaten|slapped|punched|kicked|smacked|strangled|burned|burnt)\b"
        r"|\bwith\s+a\s+(?:belt|stick|cane|wire|cable)\b"
        r"|\bgrab(?:s|bed|bing)?\s+(?:their|his|her|my|the\s+children's|pupils')\s+(?:arm|arms|wrist|wrists|neck|hair|throat)\b"
        r"|\b(?:kill|stab|hurt)\s+(?:me|him|her|you)\s+if\b|\b(?:he|she|they)(?:'ll|\s+will)\s+(?:hurt|kill)\b"
        r"|\bflinch\w*|\bbruis\w+\b(?=.*\b(?:home|dad|mum|stepdad|stepmum|boyfriend|adult|man|woman)\b)"),
    "sexual": re.compile(
        r"\btouch(?:ed|es|ing)?\s+(?:me|him|her|them|my|his|her)\b|\bsexual\w*|\bnudes?\b"
        r"|\b(?:asking|asked|asks|ask)\s+(?:her|him|me|them)?\s*for\s+(?:photos|pictures|pics|images|videos)\b"
        r"|\bgroom(?:ed|ing)\b|\b(?:our|a|the)\s+secret\b|\bkeep\s+(?:it|this)\s+(?:a\s+)?secret\b"
        r"|\bmakes?\s+(?:me|him|her)\s+do\s+things\b|\bexpos(?:ed|es|ing)\s+(?:himself|herself)\b|\bfgm\b"
        r"|\bforced\s+(?:marriage|to\s+marry)\b|\binappropriate(?:ly)?\s+(?:touch\w*|photos|messages|pictures|contact)\b"),
    "neglect": re.compile(
        r"\bneglect\w*|\b(?:always|often|constantly|every\s+day)\s+(?:hungry|starving)\b"
        r"|\bcomes?\s+in\s+(?:hungry|starving|dirty|unwashed)\b|\bno\s+food\s+(?:at\s+home|in\s+the\s+house)\b"
        r"|\bdon'?t\s+get\s+(?:any\s+)?(?:tea|food|dinner|breakfast|meals?)\b|\bsame\s+(?:dirty\s+)?clothes\b"
        r"|\bdirty\s+clothes\b|\bhome\s+alone\b|\bleft\s+alone\s+(?:at\s+home|overnight|all\s+night)\b"
        r"|\bnobody\s+(?:at\s+home|looks\s+after)\b|\bsleeping\s+rough\b|\bmissing\s+from\s+home\b"),
    "fear_of_home": re.compile(
        r"\b(?:scared|afraid|frightened|terrified|too\s+scared)\s+(?:to|of)\s+go(?:ing)?\s+home\b"
        r"|\b(?:don'?t|doesn'?t|do\s+not|does\s+not)\s+want\s+to\s+go\s+home\b|\bunsafe\s+at\s+home\b"
        r"|\bnot\s+safe\s+at\s+home\b|\bdomestic\s+(?:violence|abuse)\b"
        r"|\bwhen\s+(?:he|she|dad|mum|my\s+dad|my\s+mum|they)\s+(?:drinks|is\s+drunk|gets\s+drunk|takes\s+drugs)\b"
        r"|\b(?:radicalis|radicaliz)\w*"),
    "disclosure": re.compile(
        r"\babus(?:e|ed|es|ing|er|ers)\b|\bdisclos(?:ed|ure|ures|ing)\b"
        r"|\bif\s+(?:i|he|she|you|they)\s+tell\b|\b(?:told|tells|telling)\s+(?:me|him|her|them)\s+not\s+to\s+tell\b"
        r"|\bnot\s+to\s+tell\s+(?:anyone|anybody|mum|dad|her\s+mum|his\s+mum)\b"),
}

# Phrases that look alarming but are not: removed before the patterns run.
_HARMLESS = re.compile(
    r"\bkill(?:ing|ed|s)?\s+it\b|\bto\s+die\s+for\b|\bdying\s+to\b|\bsafeguarding\s+(?:training|policy|log|lead|team|culture)\b"
    r"|\bsexual\s+health\b|\brelationships\s+and\s+sex\w*\s+education\b|\bsecret\s+(?:santa|garden|agent)\b"
    r"|\bbeat\s+(?:them|us|me|him|her)\s+(?:at|in)\b|\bhits?\s+(?:me|us)\s+(?:that|how)\b",
    re.IGNORECASE,
)


def _normalise(text: str) -> str:
    text = (text or "").lower().replace("’", "'").replace("‘", "'")
    return _HARMLESS.sub(" ", text)


def reasons(text: str) -> list[str]:
    """The kinds of concern a comment matches (empty when none)."""
    text = _normalise(text)
    return [kind for kind, pattern in _CONCERNS.items() if pattern.search(text)]


def flags(text: str) -> list[str]:
    return [SAFEGUARDING] if reasons(text) else []
