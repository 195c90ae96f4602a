"""Survey codes: single-use codes derived from the secret (so a sheet can be printed again),
what people type normalised, and the keyed hash that is all the database keeps."""
from __future__ import annotations

import re

from surveys.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    OPEN_ALPHABET,
    OPEN_LENGTH,
    hash_code,
    looks_like_single_use,
    new_open_code,
    normalise,
    single_use_code,
)

SECRET = "a-test-secret"


def test_a_single_use_code_is_the_same_for_the_same_inputs():
    assert single_use_code(SECRET, 7, 3, 1) == single_use_code(SECRET, 7, 3, 1)


def test_codes_differ_across_serials_runs_schools_and_secrets():
    base = single_use_code(SECRET, 7, 3, 1)
    assert single_use_code(SECRET, 7, 3, 2) != base
    assert single_use_code(SECRET, 8, 3, 1) != base
    assert single_use_code(SECRET, 7, 4, 1) != base
    assert single_use_code("another-secret", 7, 3, 1) != base
    many = {single_use_code(SECRET, 7, 3, serial) for serial in range(2000)}
    assert len(many) == 2000


def test_a_code_is_ten_unambiguous_characters_in_two_groups():
    code = single_use_code(SECRET, 1, 1, 1)
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set(code) & set("01OIL")
    assert looks_like_single_use(code)
    assert len(normalise(code)) == CODE_LENGTH


def test_normalise_ignores_case_spaces_and_dashes():
    code = single_use_code(SECRET, 2, 5, 9)
    plain = code.replace("-", "")
    for typed in (code, code.lower(), plain, f"  {plain[:5]} {plain[5:]} ", f"{plain[:3]}-{plain[3:7]}-{plain[7:]}",
                  plain.lower().replace("", " ").strip(), f"{code}\t\n"):
        assert normalise(typed) == plain, typed
        assert hash_code(SECRET, typed) == hash_code(SECRET, code)
    assert normalise("") == "" and normalise(None) == ""


def test_looks_like_single_use_refuses_wrong_lengths_and_letters():
    assert not looks_like_single_use("ABCDE")
    assert not looks_like_single_use("ABCDE-FGHJK-M")
    assert not looks_like_single_use("ABCDE-FGH1K")  # 1 is not in the alphabet
    assert not looks_like_single_use(new_open_code())


def test_the_hash_never_equals_the_code_and_depends_on_the_secret():
    code = single_use_code(SECRET, 3, 4, 5)
    digest = hash_code(SECRET, code)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest != code and digest != normalise(code)
    assert normalise(code).lower() not in digest
    assert hash_code("another-secret", code) != digest
    assert hash_code(SECRET, single_use_code(SECRET, 3, 4, 6)) != digest


def test_open_codes_are_random_lower_case_and_unambiguous():
    codes = {new_open_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(len(c) == OPEN_LENGTH and set(c) <= set(OPEN_ALPHABET) for c in codes)
