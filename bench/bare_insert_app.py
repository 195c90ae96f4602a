"""The baseline for bench_submit.py: a bare Flask route that inserts one row into SQLite
(WAL, synchronous=NORMAL, the platform's settings) and redirects, served the same way."""
import os
import sqlite3

from flask import Flask, redirect, request

DB = os.environ["BARE_DB"]
app = Flask(__name__)


def connect():
    conn = sqlite3.connect(DB, timeout=5)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


with connect() as conn:
    conn.execute("CREATE TABLE IF NOT EXISTS response (id INTEGER PRIMARY KEY, body TEXT, day TEXT)")


@app.post("/submit")
def submit():
    conn = connect()
    with conn:
        conn.execute("INSERT INTO response (body, day) VALUES (?, date('now'))", (request.get_data(as_text=True),))
    conn.close()
    return redirect("/thanks", 303)
