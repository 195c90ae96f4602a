"""How long a whole-country GIAS extract takes to import, beside a baseline in the same run.

Usage: .venv/bin/python bench/gias_import.py [ROWS]   (default 50,000, about the size of
England's full establishment extract, ~60 MB with GIAS's ~130 columns)

Baseline: the least any importer must do with the same file on the same machine: decode it,
read it with csv.DictReader, and insert the same rows with one executemany into an empty
table with the same columns. The platform adds validation, the URN lookup for updates,
change detection and the audit event.
"""
from __future__ import annotations

import csv
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from config import TestingConfig  # noqa: E402
from peerreview import create_app  # noqa: E402
from peerreview.core.directory.gias import parse_gias  # noqa: E402
from peerreview.core.directory.importing import import_schools  # noqa: E402
from peerreview.core.directory.models import Partnership  # noqa: E402
from peerreview.extensions import db  # noqa: E402

COLUMNS = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
           "TypeOfEstablishment (name)", "EstablishmentStatus (name)", "PhaseOfEducation (name)",
           "Trusts (name)", "Postcode", "HeadTitle (name)", "HeadFirstName", "HeadLastName",
           "Easting", "Northing"] + [f"Extra{i}" for i in range(115)]


def extract(rows: int, head_first: str = "Jane") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i in range(rows):
        writer.writerow([100000 + i, 900 + i % 150, f"Authority {i % 150}", 2000 + i % 8000,
                         f"St Mary’s School {i}", "Academy converter", "Open", "Primary",
                         f"Trust {i % 900}", f"WF{i % 90} {i % 10}AB", "Mrs", head_first, "Smith",
                         400000 + i % 50000, 400000 + i % 30000] + ["some value"] * 115)
    return out.getvalue().encode("cp1252")


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s")
    return seconds, result


def baseline(data: bytes, folder: Path) -> float:
    def run():
        rows = [
            {"urn": int(r["URN"]), "name": r["EstablishmentName"], "phase": r["PhaseOfEducation (name)"],
             "postcode": r["Postcode"], "easting": int(r["Easting"]), "northing": int(r["Northing"])}
            for r in csv.DictReader(io.StringIO(data.decode("cp1252")))
        ]
        engine = create_engine(f"sqlite:///{folder / 'baseline.db'}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE s (urn INTEGER UNIQUE, name TEXT, phase TEXT, postcode TEXT, easting INTEGER, northing INTEGER)"))
            conn.execute(text("INSERT INTO s VALUES (:urn, :name, :phase, :postcode, :easting, :northing)"), rows)
        return len(rows)

    seconds, _ = timed("baseline: csv.DictReader + one executemany", run)
    return seconds


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    data = extract(rows)
    print(f"extract: {rows:,} rows, {len(data) / 1e6:.1f} MB, Windows-1252, {len(COLUMNS)} columns")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = baseline(data, folder)
        app = create_app(TestingConfig, INSTANCE_DIR=str(folder),
                         SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}")
        with app.app_context():
            upgrade()
            partnership = Partnership(name="Bench trust")
            db.session.add(partnership)
            db.session.commit()
            timed("parse and validate only", lambda: parse_gias(data))
            timed("preview (parse, compare, nothing saved)", lambda: import_schools(data, partnership, dry_run=True))
            first, report = timed("first import (all added, one commit)", lambda: import_schools(data, partnership))
            print(f"  {report.summary()}")
            timed("again, nothing changed", lambda: import_schools(data, partnership))
            timed("again, every head changed", lambda: import_schools(extract(rows, "Joan"), partnership))
        print(f"first import / baseline: {first / base:.1f}x")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
