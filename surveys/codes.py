"""Survey codes.

Open links: one public code per school in a run, random, stored as it is.
Single-use codes: derived from the app secret, the run, the school and a serial number,
so a sheet of slips can be printed again without the codes being stored; the database
keeps only a keyed hash (HMAC-SHA256) and a used flag.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# No 0/O, 1/I/L: codes are typed by parents from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
OPEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
OPEN_LENGTH = 12


def new_open_code() -> str:
    return "".join(secrets.choice(OPEN_ALPHABET) for _ in range(OPEN_LENGTH))


def single_use_code(secret: str, run_id: int, school_id: int, serial: int) -> str:
    digest = hmac.new(secret.encode(), f"survey-code:{run_id}:{school_id}:{serial}".encode(), hashlib.sha256).digest()
    chars = "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])
    return f"{chars[:5]}-{chars[5:]}"


def normalise(raw: str) -> str:
    """What a person typed, as the code it means: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def looks_like_single_use(raw: str) -> bool:
    code = normalise(raw)
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def hash_code(secret: str, raw: str) -> str:
    return hmac.new(secret.encode(), f"survey-code-hash:{normalise(raw)}".encode(), hashlib.sha256).hexdigest()
