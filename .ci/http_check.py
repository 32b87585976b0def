"""CI: start the service the way README.md says, wait for its health, log in with a printed demo
login, and record one mark over HTTP.

The demo's last lessons were held on the school day before today, past their same-day entry
deadline; so, as a school would, the deputy permits a late entry for the last lesson of 5А's
mathematics journal, and the teacher then records the mark, which the journal shows flagged late.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 600


def readme_first_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    if block is None:
        raise SystemExit("README.md has no bash block")
    return block.group(1).strip().splitlines()[0]


def outside_the_venv() -> dict[str, str]:
    """The environment a person's shell has: this script runs inside the project's venv, the
    README's command must not."""
    env = dict(os.environ)
    venv = env.pop("VIRTUAL_ENV", None)
    if venv:
        env["PATH"] = os.pathsep.join(
            p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(venv)
        )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the service exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise SystemExit(f"no health after {STARTUP_SECONDS} s:\n{log.read_text()}")


def printed_logins(output: str) -> tuple[dict[str, list[str]], str]:
    password = re.search(r"each with the password '([^']+)'", output)
    if password is None:
        raise SystemExit(f"the service printed no demo password:\n{output}")
    section = output.split("Logins by role", 1)[1]
    logins: dict[str, list[str]] = {}
    for line in section.splitlines()[1:]:
        match = re.match(r"^\s{2}(\w+)\s+(.+)$", line)
        if match is None:
            break
        logins[match.group(1)] = [name.strip() for name in match.group(2).split(",")]
    return logins, password.group(1)


def check(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise SystemExit(
            f"{response.request.method} {response.request.url}: expected {status},"
            f" got {response.status_code}: {response.text}"
        )
    return response.json() if response.content else None


def login(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    token = check(
        client.post("/api/v1/auth/token", data={"username": username, "password": password}), 200
    )
    return {"Authorization": f"Bearer {token['access_token']}"}


def record_one_mark(base: str, logins: dict[str, list[str]], password: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        deputy = login(client, logins["deputy"][0], password)
        year = check(client.get("/api/v1/years/2026-2027", headers=deputy), 200)
        journal_id = next(
            j["journal_id"]
            for j in year["journals"]
            if j["class_code"] == "5А" and j["subject"] == "mathematics" and not j["subgroup"]
        )
        page = check(client.get(f"/api/v1/journals/{journal_id}", headers=deputy), 200)
        lesson = page["lessons"][-1]
        student = next(s["id"] for s in page["students"] if s["on_roster"])
        teacher = page["teachers"][0]["id"]
        account = check(client.get(f"/api/v1/accounts/{teacher}", headers=deputy), 200)
        check(
            client.post(
                f"/api/v1/journals/{journal_id}/late-entry-permissions",
                headers=deputy,
                json={
                    "from_date": lesson["on"],
                    "to_date": lesson["on"],
                    "teacher_id": teacher,
                    "reason": "CI: проверка записи отметки через API",
                },
            ),
            201,
        )
        as_teacher = login(client, account["login"], password)
        recorded = check(
            client.post(
                f"/api/v1/journals/{journal_id}/marks",
                headers=as_teacher,
                json={
                    "lesson_id": lesson["id"],
                    "student_id": student,
                    "value": "5",
                    "work_kind": "oral",
                },
            ),
            201,
        )
        mark_id = recorded["ids"]["mark_id"]
        page = check(client.get(f"/api/v1/journals/{journal_id}", headers=as_teacher), 200)
        mark = next(m for m in page["marks"] if m["id"] == mark_id)
        if mark["late"] is None:
            raise SystemExit("the mark entered under a late-entry permission is not flagged late")
        print(
            f"http check: {account['login']} recorded mark {mark_id} (flagged late) at log"
            f" position {recorded['position']} over HTTP"
        )


def open_the_web_journal(base: str, logins: dict[str, list[str]], password: str) -> None:
    """The README's promise: the web journal at /, a teacher signs in through its form."""
    with httpx.Client(base_url=base, timeout=30) as client:
        start = client.get("/", headers={"Accept": "text/html"})
        if start.status_code != 303 or not start.headers["location"].startswith("/login"):
            raise SystemExit(f"GET / should lead to the login page, got {start.status_code}")
        form = client.get("/login")
        if form.status_code != 200 or '<html lang="ru">' not in form.text:
            raise SystemExit(f"GET /login: no Russian login page ({form.status_code})")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        if token is None:
            raise SystemExit("the login page has no CSRF token")
        teacher = logins["teacher"][0]
        signed = client.post(
            "/login",
            data={"username": teacher, "password": password, "csrf_token": token.group(1)},
        )
        if signed.status_code != 303:
            raise SystemExit(f"POST /login as {teacher}: {signed.status_code} {signed.text}")
        journals = client.get("/teacher/journals")
        if journals.status_code != 200 or "Мои журналы" not in journals.text:
            raise SystemExit(f"GET /teacher/journals as {teacher}: {journals.status_code}")
        print(f"http check: {teacher} signed in to the web journal at {base}/")


def main() -> int:
    command = readme_first_command()
    with tempfile.TemporaryDirectory(prefix="ejournal-ci-") as directory:
        port = free_port()
        log = Path(directory) / "serve.log"
        env = {
            **outside_the_venv(),
            "EJOURNAL_DATABASE_URL": f"sqlite:///{directory}/db",
            "EJOURNAL_PORT": str(port),
        }
        print(f"http check: starting `{command}` on port {port}")
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (the README's own command)
                ["/bin/bash", "-c", command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_health(base, process, log)
            logins, password = printed_logins(log.read_text(encoding="utf-8"))
            record_one_mark(base, logins, password)
            open_the_web_journal(base, logins, password)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
