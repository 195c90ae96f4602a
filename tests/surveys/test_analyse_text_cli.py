"""The ``analyse-text`` command: the DESIGN.md contract (one JSON object per input line with
exactly the keys text, redacted, compound, label, themes, flags), stdin and --in, names the
platform holds, and bad input."""
from __future__ import annotations

import json

import pytest

from surveys.insights.cli import analyse_text_command

KEYS = {"text", "redacted", "compound", "label", "themes", "flags"}


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(args=(), input=None):
        return runner.invoke(args=["analyse-text", *args], input=input)
    return invoke


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_registered_as_a_flask_command(app):
    assert app.cli.commands.get("analyse-text") is analyse_text_command


def test_stdin_one_object_per_line_with_exactly_the_keys(run):
    result = run(input="The teachers are brilliant and kind.\n\n   \nHomework is far too much and stressful.\nCroeso i'r ysgol — diolch!\n")
    assert result.exit_code == 0, result.output
    rows = records(result.output)
    assert len(rows) == 3  # blank lines skipped
    for row in rows:
        assert set(row) == KEYS
        assert isinstance(row["compound"], float) and -1 <= row["compound"] <= 1
        assert row["compound"] == round(row["compound"], 4)
        assert row["label"] in {"positive", "neutral", "negative"}
        assert isinstance(row["themes"], list) and isinstance(row["flags"], list)
    assert rows[0]["label"] == "positive" and rows[1]["label"] == "negative"
    assert "—" in result.output  # ensure_ascii=False: written as it is
    assert rows[2]["text"] == "Croeso i'r ysgol — diolch!"


def test_in_file_with_bom_and_crlf(run, tmp_path):
    path = tmp_path / "comments.txt"
    path.write_bytes("\ufeffEmail me on jo.bloggs@example.org please.\r\nMy friend hits me at break and I am scared.\r\n".encode())
    result = run(["--in", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    email, harm = records(result.output)
    assert email["text"] == "Email me on jo.bloggs@example.org please."
    assert email["redacted"] == "Email me on [email] please."
    assert email["flags"] == []
    assert harm["flags"] == ["safeguarding"]


def test_names_the_platform_holds_are_redacted(run, world):
    p = world.partnership("North Star Trust")
    school = world.school(p, name="Quillby Primary")
    world.person("head@quillby.sch.uk", ("head", school), name="Harriet Quigley")
    result = run(input="harriet quigley was helpful and Quillby is lovely\n")
    assert result.exit_code == 0, result.output
    (row,) = records(result.output)
    assert row["redacted"] == "[name] was helpful and Quillby is lovely"


def test_unknown_format_is_a_usage_error(run):
    result = run(["--format", "csv"], input="Fine.\n")
    assert result.exit_code == 2
    assert "csv" in result.output and not records_or_none(result.output)


def records_or_none(output: str):
    try:
        return records(output)
    except ValueError:
        return None


def test_a_file_that_is_not_text_is_refused(run, tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    result = run(["--in", str(path)])
    assert result.exit_code == 2
    assert "not" in result.output and "text" in result.output
    assert "Traceback" not in result.output


def test_invalid_utf8_is_refused(run, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 was great\n".encode("cp1252"))
    result = run(["--in", str(path)])
    assert result.exit_code == 2 and "UTF-8" in result.output


def test_missing_file_is_a_usage_error(run, tmp_path):
    result = run(["--in", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2


def test_empty_input_writes_nothing(run):
    result = run(input="")
    assert result.exit_code == 0 and result.output == ""
