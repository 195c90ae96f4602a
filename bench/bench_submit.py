"""Submitting a survey answer under load, beside a bare Flask insert measured in the same run.

Serves the platform with gunicorn (2 sync workers, loopback) on a fresh SQLite database with
an open staff survey, and sends 20 concurrent clients (wrk) for 10 s at POST /s/<open link>:
a real submission of a filled-in staff questionnaire, CSRF token included. Then does the same
against bench/bare_insert_app.py, a bare Flask route inserting one row into SQLite. Prints
both rates, the ratio, the errors, and the rows counted afterwards against the successes
wrk saw (a lost response would show as fewer rows than successes).

Usage: .venv/bin/python bench/bench_submit.py [--seconds 10] [--connections 20]
Needs wrk (apt-get install wrk; installed here when run as root).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                       stdout=subprocess.DEVNULL)
        return shutil.which("wrk")
    sys.exit("wrk is needed: sudo apt-get install wrk")


def prepare_platform(instance: Path) -> tuple[str, dict]:
    """A migrated database with one school and a staff survey open today. Returns the open
    link code and the answers a respondent sends."""
    os.environ["INSTANCE_PATH"] = str(instance)
    from flask_migrate import upgrade

    from config import ProductionConfig
    from peerreview import create_app
    from peerreview.core.clock import today
    from peerreview.core.directory.models import Partnership, School
    from peerreview.extensions import db
    from surveys import codes
    from surveys.models import QuestionnaireTemplate, RunSchool, SurveyRun
    from surveys.questionnaires import install_builtin_templates

    app = create_app(ProductionConfig, INSTANCE_DIR=str(instance), SECRET_KEY="bench-secret",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'bench.db'}")
    with app.app_context():
        upgrade()
        partnership = Partnership(name="Bench trust")
        school = School(partnership=partnership, urn=999001, name="Bench Primary School")
        db.session.add_all([partnership, school])
        db.session.flush()
        install_builtin_templates(partnership)
        db.session.flush()
        template = db.session.query(QuestionnaireTemplate).filter_by(key="staff_wellbeing").one()
        code = codes.new_open_code()
        run = SurveyRun(partnership=partnership, version=template.current, title="Bench staff survey",
                        audience="staff", opens_on=today() - timedelta(days=1), closes_on=today() + timedelta(days=1))
        run.schools.append(RunSchool(school=school, open_code=code))
        db.session.add(run)
        db.session.commit()
        answers = {}
        for item in template.current.items:
            name = f"q_{item.key}"
            answers[name] = {"agree": "agree", "rating": "7", "long_text": "Leaders listen and the new marking policy helps a lot."}.get(item.kind)
        return code, {k: v for k, v in answers.items() if v}


def serve(app_spec: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{app_spec} did not start: {proc.stderr.read().decode()[-2000:]}")


def run_wrk(wrk: str, url: str, body: str, cookie: str, seconds: int, connections: int, folder: Path,
            method: str = "POST") -> dict:
    script = folder / "post.lua"
    escaped = body.replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        f'wrk.method = "{method}"\n'
        f'wrk.body = "{escaped}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        + (f'wrk.headers["Cookie"] = "{cookie}"\n' if cookie else "")
    )
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)
    return {"requests": total, "rate": rate, "errors": errors, "successes": total - (int(bad.group(1)) if bad else 0), "raw": out}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    wrk = ensure_wrk()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        instance.mkdir()
        code, answers = prepare_platform(instance)

        # --- the platform -------------------------------------------------------------
        port = free_port()
        env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": "bench-secret", "INSTANCE_PATH": str(instance),
               "DATABASE_URL": f"sqlite:///{instance / 'bench.db'}", "SESSION_COOKIE_SECURE": "0",
               # The open-link rate limit protects a school's link from floods; this bench is one.
               "OPEN_LINK_RATE_LIMIT": "1000000 per minute"}
        server = serve("wsgi:app", port, env, ROOT)
        try:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(f"http://127.0.0.1:{port}/s/{code}").read().decode()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
            body = urllib.parse.urlencode({"csrf_token": token, **answers})
            platform = run_wrk(wrk, f"http://127.0.0.1:{port}/s/{code}", body, cookie, args.seconds, args.connections, folder)
            # The app's own floor: GET /health (one SELECT) through the same stack.
            health = run_wrk(wrk, f"http://127.0.0.1:{port}/health", "", "", args.seconds, args.connections, folder,
                             method="GET")
        finally:
            server.terminate()
            server.wait()
        with sqlite3.connect(instance / "bench.db") as conn:
            platform["rows"] = conn.execute("SELECT count(*) FROM survey_response").fetchone()[0]
            answer_rows = conn.execute("SELECT count(*) FROM answer").fetchone()[0]

        # --- the baseline: a bare Flask insert -----------------------------------------
        port = free_port()
        bare_db = folder / "bare.db"
        server = serve("bare_insert_app:app", port, {**os.environ, "BARE_DB": str(bare_db)}, ROOT / "bench")
        try:
            bare = run_wrk(wrk, f"http://127.0.0.1:{port}/submit", body, "", args.seconds, args.connections, folder)
        finally:
            server.terminate()
            server.wait()
        with sqlite3.connect(bare_db) as conn:
            bare["rows"] = conn.execute("SELECT count(*) FROM response").fetchone()[0]

    print(f"{args.connections} concurrent clients for {args.seconds} s, gunicorn 2 sync workers, SQLite (WAL), loopback")
    print(f"{'':28}{'requests/s':>12}{'errors':>8}{'successes':>11}{'rows':>8}{'lost':>6}")
    for label, r in (("platform POST /s/<code>", platform), ("bare Flask insert", bare)):
        # wrk stops counting at the deadline while a few requests are still being answered, so
        # rows may exceed successes by up to the number of connections; fewer rows means loss.
        print(f"{label:<28}{r['rate']:>12.0f}{r['errors']:>8}{r['successes']:>11}{r['rows']:>8}{max(0, r['successes'] - r['rows']):>6}")
    print(f"platform / bare: {platform['rate'] / bare['rate']:.2f} (target at least 0.50)")
    print(f"for scale: GET /health through the same app {health['rate']:.0f} requests/s "
          f"({health['rate'] / bare['rate']:.2f} of the bare insert), {health['errors']} errors")
    print(f"answers stored: {answer_rows} ({answer_rows / max(1, platform['rows']):.0f} per response)")


if __name__ == "__main__":
    main()
