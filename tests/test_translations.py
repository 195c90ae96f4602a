"""Keeps the Welsh catalog complete and well formed.

The English text is extracted from the code and templates the same way scripts/translations.sh
does it (babel.cfg, keywords _l and lazy_gettext besides Babel's defaults), so a developer who adds
or changes English text without Welsh gets a failing test naming the strings. To fix it:

    bash scripts/translations.sh    # extract, merge into translations/cy/.../messages.po, compile
    # translate every empty msgstr (and remove any "fuzzy" flag), then run it again
"""
import re
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

try:  # Babel 2.14+
    from babel.messages.frontend import parse_mapping_cfg
except ImportError:  # pragma: no cover - older Babel
    from babel.messages.frontend import parse_mapping as parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
WELSH_PO = ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
SHOW = 20

# Directories that babel.cfg never maps; skipping them only saves time.
_SKIP_DIRS = {"node_modules", "instance", "test-artifacts", "bench", "migrations", "static", "tests"}

# A %-format conversion: %(name)s, %d, %5.2f, and the literal %%.
_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])")


def _directory_filter(dirpath: str) -> bool:
    name = Path(dirpath).name
    return not (name.startswith((".", "_")) or name in _SKIP_DIRS)


def _extracted() -> Catalog:
    """The message template as `pybabel extract -F babel.cfg -k _l -k lazy_gettext .` would write it."""
    with open(BABEL_CFG, encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))
    template = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_directory_filter):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _welsh() -> Catalog:
    with open(WELSH_PO, "rb") as f:
        return read_po(f, locale="cy")


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _forms(message) -> tuple:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _placeholders(text: str):
    """Named placeholders as a set (order may change in a translation); positional ones in order."""
    named, positional = set(), []
    for match in _PLACEHOLDER.finditer(text or ""):
        if match["name"] is not None:
            named.add((match["name"], match["type"]))
        else:
            positional.append(match["type"])
    return named, positional


def _show(items: list[str]) -> str:
    lines = [f"  {item!r}" for item in items[:SHOW]]
    if len(items) > SHOW:
        lines.append(f"  ... and {len(items) - SHOW} more")
    return "\n".join(lines)


def test_every_extracted_message_has_welsh():
    template, welsh = _extracted(), _welsh()
    assert len(template) > 100, "extraction found almost nothing: check babel.cfg and the keywords"
    missing = []
    for message in template:
        if not message.id:
            continue
        translated = welsh.get(message.id, message.context)
        label = _ids(message)[0]
        if translated is None:
            missing.append(f"{label} (not in messages.po)")
        elif translated.fuzzy:
            missing.append(f"{label} (marked fuzzy)")
        elif isinstance(message.id, tuple) != isinstance(translated.id, tuple):
            missing.append(f"{label} (plural in one place, singular in the other)")
        elif not all(form.strip() for form in _forms(translated)):
            missing.append(label)
    assert not missing, (
        f"{len(missing)} English message(s) have no Welsh in translations/cy/LC_MESSAGES/messages.po. "
        "Run `bash scripts/translations.sh`, translate them, and run it again. The first "
        f"{min(SHOW, len(missing))}:\n{_show(missing)}")


def test_placeholders_match_in_every_translation():
    welsh = _welsh()
    wrong = []
    for message in welsh:
        if not message.id:
            continue
        ids = _ids(message)
        wanted = [_placeholders(text) for text in ids]
        expected_named = set().union(*(named for named, _ in wanted))
        expected_positional = wanted[-1][1]
        for index, form in enumerate(_forms(message)):
            if not form:
                continue  # an empty form is reported by the completeness test
            named, positional = _placeholders(form)
            if named != expected_named or positional != expected_positional:
                where = f"msgstr[{index}]" if isinstance(message.id, tuple) else "msgstr"
                got = sorted(f"%({n}){t}" for n, t in named) + [f"%{t}" for t in positional]
                want = sorted(f"%({n}){t}" for n, t in expected_named) + [f"%{t}" for t in expected_positional]
                wrong.append(f"{ids[0]} -> {where} has {got}, the English has {want}")
    assert not wrong, f"{len(wrong)} translation(s) do not keep the English placeholders:\n{_show(wrong)}"


def test_plural_entries_have_every_welsh_form():
    welsh = _welsh()
    short = [message.id[0] for message in welsh
             if isinstance(message.id, tuple) and len(message.string) != welsh.num_plurals]
    assert welsh.num_plurals == 5
    assert not short, f"plural entries without {welsh.num_plurals} forms:\n{_show(short)}"


def test_welsh_catalog_compiles():
    welsh = _welsh()
    problems = [f"{message.id!r}: {'; '.join(str(error) for error in errors)}"
                for message, errors in welsh.check()]
    assert not problems, f"Babel's checks failed:\n{_show(problems)}"
    buffer = BytesIO()
    write_mo(buffer, welsh)
    assert buffer.getvalue()[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # the .mo magic number
