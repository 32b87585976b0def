"""Single-mark commands over HTTP driven by ``wrk``, against the same commands through the core.

Sixteen teachers (4 classes × 4 subjects, 25 students a class) each hold today's lesson in their
own journal. The core baseline runs first, in this process: 16 threads call ``record_mark`` on
the School application, no HTTP. Then ``ejournal serve`` starts in its own process on the same
database and ``wrk`` (a load generator written in C: it takes a few per cent of a core where 16
Python client threads took most of one) drives it with ``bench/marks.lua``: one wrk thread and
one keep-alive connection per teacher, each request a mark with its own body and the teacher's
own token. Two modes, each through both paths:

- *own journals*: connection i writes into teacher i's journal (no two writers share one);
- *random journals*: every request goes to one of the 16 journals drawn at random (two or more
  writers in one journal at once: a class teacher and a subject teacher, a substitute). No
  request may fail, and throughput should stay within 2× of the first mode (issue 17).

Reported per path and mode: commands/s, p50/p99 latency, requests that did not answer 201; and
the CPU the service and wrk used over the run, so the load generator's share is on the record.
With ``--profile DIR`` the service is also sampled by py-spy during one more run of each mode
(after the measured ones: sampling slows it) and the profile's top entries are printed.

    uv run --frozen python bench/http_wrk.py --backend both --seconds 20 --profile var/bench
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from bench.http_commands import (
    CLIENTS,
    DEFAULT_POSTGRES_URL,
    PASSWORD,
    Desk,
    free_port,
    set_up,
    summary,
)
from ejournal import storage
from ejournal.application import School
from ejournal.commands import marks
from ejournal.schools import open_school
from ejournal.settings import Settings

LUA_SCRIPT = Path(__file__).with_name("marks.lua")
MODES = ("own", "random")
MODE_NAMES = {"own": "own journals", "random": "random journals"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    """One path (core or HTTP) in one mode: what it did and what it cost."""

    backend: str
    path: str
    mode: str
    commands: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failed: int
    service_cpu: float | None = None
    """CPU seconds of the service's processes (and the read models' worker, if there is one)
    over the run, per second of the run (1.0 = a core)."""
    wrk_cpu: float | None = None
    """The same for wrk itself."""
    example: str = ""
    """The first answer that was not 201, if any."""
    cpu_ms: float | None = None
    """CPU milliseconds a command cost the process(es) that served it: the core's process, or the
    service (with its read models); unlike commands/s, barely moved by other work on the machine."""

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds if self.seconds else 0.0


# --- the core baseline ----------------------------------------------------------------------


def through_core(
    school: School, desks: list[Desk], mode: str, per_client: int
) -> tuple[list[float], float, int]:
    """16 threads, one per teacher, calling the handler: latencies (s), wall (s), failures."""
    latencies: list[float] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(desks) + 1)

    def work(n: int) -> None:
        draw = random.Random(n)
        mine = []
        start.wait()
        for i in range(per_client):
            desk = desks[n] if mode == "own" else draw.choice(desks)
            began = time.perf_counter()
            try:
                marks.record_mark(
                    school,
                    desk.teacher,
                    marks.RecordMark(
                        journal_id=desk.journal_id,
                        lesson_id=desk.lesson_id,
                        student_id=desk.students[i % len(desk.students)],
                        value=draw.choice("2345"),
                    ),
                )
            except Exception as error:  # counted: under contention none may fail
                with lock:
                    failures.append(error)
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(desks))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - began, len(failures)


def own_cpu() -> float:
    """CPU seconds this process has used so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the service and wrk --------------------------------------------------------------------


@dataclass
class Service:
    """``ejournal serve`` running in its own process."""

    base: str
    pid: int
    log: Path
    worker: int | None = None
    """The read models' worker process, when they are not kept in the service."""


@contextmanager
def projection_worker(env: dict[str, str]) -> Iterator[int]:
    """``ejournal projections run`` in its own process (EJOURNAL_PROJECTIONS=worker); its pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ejournal.cli", "projections", "run", "--poll", "0.05"],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[Service]:
    """``ejournal serve`` as an operator starts it, on a free port; with
    ``EJOURNAL_PROJECTIONS=worker``, the read models' worker beside it."""
    port = free_port()
    with ExitStack() as stack:
        if env.get("EJOURNAL_PROJECTIONS") == "worker":
            worker: int | None = stack.enter_context(projection_worker(env))
        else:
            worker = None
        service = stack.enter_context(_serve(env, workers, port))
        service.worker = worker
        yield service


@contextmanager
def _serve(env: dict[str, str], workers: int, port: int) -> Iterator[Service]:
    with tempfile.NamedTemporaryFile(prefix="ejournal-serve-", suffix=".log") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ejournal.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the service did not start: {Path(log.name).read_text()}")
                time.sleep(0.2)
            yield Service(base, process.pid, Path(log.name))
        finally:
            process.terminate()
            process.wait(timeout=30)
            kept = os.environ.get("EJOURNAL_BENCH_SERVICE_LOG")
            if kept:  # for a run to look into: the service's own log
                shutil.copyfile(log.name, kept)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living descendants."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (OSError, IndexError, ValueError):
            continue
    return total


def tokens(base: str, desks: list[Desk]) -> list[str]:
    with httpx.Client(base_url=base, timeout=30) as client:
        answers = [
            client.post("/api/v1/auth/token", data={"username": d.login, "password": PASSWORD})
            for d in desks
        ]
    for answer in answers:
        answer.raise_for_status()
    return [a.json()["access_token"] for a in answers]


def desks_file(desks: list[Desk], bearer: list[str], directory: Path) -> Path:
    """The desks as a Lua table for ``marks.lua``."""
    rows = []
    for desk, token in zip(desks, bearer, strict=True):
        students = ", ".join(f'"{s}"' for s in desk.students)
        rows.append(
            f'  {{ path = "/api/v1/journals/{desk.journal_id}/marks", lesson ='
            f' "{desk.lesson_id}", token = "{token}", students = {{ {students} }} }},'
        )
    path = directory / "desks.lua"
    path.write_text("return {\n" + "\n".join(rows) + "\n}\n", encoding="utf-8")
    return path


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failed: int
    example: str
    wrk_cpu_seconds: float


def run_wrk(base: str, desks_path: Path, mode: str, seconds: float) -> WrkResult:
    """wrk with one thread and one connection per teacher for ``seconds``; its own CPU too."""
    command = [
        "wrk",
        f"-t{CLIENTS}",
        f"-c{CLIENTS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        base,
    ]
    env = {**os.environ, "EJOURNAL_WRK_DESKS": str(desks_path), "EJOURNAL_WRK_MODE": mode}
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    line = next((x for x in text.splitlines() if x.startswith("EJOURNAL_WRK ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {text[-2000:]}")
    data = orjson.loads(line.removeprefix("EJOURNAL_WRK "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        failed=data["not_created"] + data["socket_errors"],
        example=data["example"].strip(),
        wrk_cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


def through_wrk(
    backend: str, service: Service, desks_path: Path, mode: str, seconds: float, workers: int
) -> Run:
    pids = [service.pid] if service.worker is None else [service.pid, service.worker]
    cpu_before = sum(process_tree_cpu(pid) for pid in pids)
    result = run_wrk(service.base, desks_path, mode, seconds)
    service_cpu = sum(process_tree_cpu(pid) for pid in pids) - cpu_before
    return Run(
        backend,
        f"HTTP ({workers} process{'es' if workers > 1 else ''}"
        f"{' + read models worker' if service.worker else ''})",
        mode,
        result.requests,
        result.seconds,
        result.p50_ms,
        result.p99_ms,
        result.failed,
        service_cpu=service_cpu / result.seconds,
        cpu_ms=1000 * service_cpu / result.requests if result.requests else None,
        wrk_cpu=result.wrk_cpu_seconds / result.seconds,
        example=result.example,
    )


# --- the profile ----------------------------------------------------------------------------


def profile_service(
    service: Service, desks_path: Path, mode: str, seconds: float, output: Path
) -> Path:
    """Sample the service with py-spy (``--format raw``: collapsed stacks) while wrk drives it."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    output.parent.mkdir(parents=True, exist_ok=True)
    sampler = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(service.pid),
            "--subprocesses",
            # Only the thread holding the interpreter: where the service's Python time goes,
            # which is what limits one process (waits for the database or a lock leave it free).
            "--gil",
            "--rate",
            "200",
            "--duration",
            str(max(1, round(seconds))),
            "--format",
            "raw",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(0.5)  # the sampler attaches before the load starts
    run_wrk(service.base, desks_path, mode, seconds)
    _, errors = sampler.communicate(timeout=seconds + 60)
    if sampler.returncode != 0:
        raise RuntimeError(f"py-spy failed: {errors.decode('utf-8', 'replace')[-1000:]}")
    return output


Ranked = list[tuple[str, int]]


def top_entries(raw: Path, limit: int = 15) -> tuple[int, Ranked, Ranked]:
    """From py-spy's collapsed stacks: samples, the top frames by own samples, and by samples
    spent in them or below (each frame counted once a stack)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")]
        if any(f.startswith(IDLE) for f in frames):
            continue  # a thread-pool worker waiting for work, the event loop waiting for I/O
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return total, own.most_common(limit), inclusive.most_common(limit)


IDLE = ("Queue.get (", "EpollSelector.select (", "Event.wait (")
"""Frames of a thread that is idle, not serving a request: dropped from the profile."""


def _short(frame: str) -> str:
    """``handle (uvicorn/protocols/http/h11_impl.py:404)`` without the line and site path."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/work/wt/perf/", "python3.11/"):
        if marker in where:
            where = where.rsplit(marker, 1)[1]
    return f"{name} ({where})" if where else name


PARTS = (
    ("read models and notary (projector thread)", ("Projector.", "Notary.")),
    ("session: token lookup, account", ("current_session (",)),
    ("command: catch-up", ("School.catch_up (",)),
    ("command: save (events, snapshot, hook)", ("School.record (",)),
    ("command: load, check, decide", ("School.run (",)),
    ("thread pool: other (hand-off, validation)", ("WorkerThread.run (",)),
)
"""Where a command request's interpreter time goes, by the first part a stack falls in; what
falls in none runs on the event loop (HTTP parsing, middleware, routing, body validation,
the answer's JSON, the access log)."""


def breakdown(raw: Path) -> tuple[int, list[tuple[str, int]]]:
    """Samples, and samples per part of the request path (``PARTS``), largest first."""
    parts: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        frames = [_short(f) for f in stack.split(";")]
        if any(f.startswith(IDLE) for f in frames):
            continue
        joined = ";".join(frames)
        part = next(
            (name for name, marks in PARTS if any(m in joined for m in marks)),
            "event loop: HTTP, middleware, routing, validation, JSON",
        )
        parts[part] += int(count_text)
        total += int(count_text)
    return total, parts.most_common()


def describe_profile(raw: Path, limit: int = 15) -> str:
    total, own, _ = top_entries(raw, limit)
    if not total:
        return f"{raw}: no samples"
    lines = [f"{raw}: {total} samples of the thread holding the GIL (py-spy --gil)", "", "parts:"]
    lines += [f"  {100 * n / total:5.1f}%  {part}" for part, n in breakdown(raw)[1]]
    lines += ["", "own samples:"]
    lines += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own]
    return "\n".join(lines)


# --- one backend ----------------------------------------------------------------------------


def measure(
    backend: str,
    url: str,
    seconds: float = 20.0,
    per_client: int = 150,
    workers: int = 1,
    profile: Path | None = None,
    env: dict[str, str] | None = None,
) -> list[Run]:
    """Core and HTTP, own and random journals, on one throwaway school of ``url``."""
    school_id = f"benchwrk_{uuid.uuid4().hex[:8]}"
    settings = Settings(database_url=url, school=school_id)
    school = open_school(settings, school_id)
    runs: list[Run] = []
    try:
        desks = set_up(school, settings)
        for mode in MODES:
            cpu = own_cpu()
            latencies, wall, failed = through_core(school, desks, mode, per_client)
            cpu = own_cpu() - cpu
            r = summary(backend, "core (no HTTP)", latencies, wall)
            runs.append(
                Run(
                    backend,
                    r.path,
                    mode,
                    r.commands,
                    r.wall,
                    r.p50_ms,
                    r.p99_ms,
                    failed,
                    cpu_ms=1000 * cpu / r.commands if r.commands else None,
                )
            )
        with tempfile.TemporaryDirectory(prefix="ejournal-bench-wrk-") as directory:
            service_env = {
                "EJOURNAL_DATABASE_URL": url,
                "EJOURNAL_SCHOOL": school_id,
                # The service signs checkpoints of the throwaway school: not into ./var.
                "EJOURNAL_SIGNING_KEY_DIR": f"{directory}/keys",
                "EJOURNAL_CHECKPOINT_DIR": f"{directory}/checkpoints",
                **(env or {}),
            }
            with serving(service_env, workers) as service:
                lua = desks_file(desks, tokens(service.base, desks), Path(directory))
                run_wrk(service.base, lua, "own", 3)  # warm the caches and the connections
                runs += [through_wrk(backend, service, lua, m, seconds, workers) for m in MODES]
                if profile is not None:
                    for mode in MODES:
                        raw = profile / f"profile-{backend}-{mode}.txt"
                        profile_service(service, lua, mode, seconds, raw)
    finally:
        school.close()
        storage.drop_school(settings, school_id)
    return runs


def report(runs: list[Run]) -> str:
    lines = [
        f"{'backend':<9}{'path':<36}{'mode':<17}{'commands/s':>11}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'failed':>8}{'n':>8}{'CPU ms/cmd':>11}{'service CPU':>13}{'wrk CPU':>9}"
    ]
    for r in runs:
        service = f"{r.service_cpu:.2f}" if r.service_cpu is not None else "—"
        wrk = f"{r.wrk_cpu:.2f}" if r.wrk_cpu is not None else "—"
        cpu_ms = f"{r.cpu_ms:.2f}" if r.cpu_ms is not None else "—"
        lines.append(
            f"{r.backend:<9}{r.path:<36}{MODE_NAMES[r.mode]:<17}{r.per_second:>11.0f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.failed:>8}{r.commands:>8}{cpu_ms:>11}{service:>13}{wrk:>9}"
        )
        if r.example:
            lines.append(f"    first failure: {r.example}")
    by = {(r.backend, r.path.split(" ")[0], r.mode): r for r in runs}
    for backend in dict.fromkeys(r.backend for r in runs):
        core, http = by.get((backend, "core", "own")), by.get((backend, "HTTP", "own"))
        contended = by.get((backend, "HTTP", "random"))
        if core and http:
            lines.append(
                f"{backend}: HTTP/core {http.per_second / core.per_second:.2f} (target ≥ 0.8),"
                f" HTTP p99 {http.p99_ms:.1f} ms (target < 50)"
            )
            if core.cpu_ms and http.cpu_ms:
                lines.append(
                    f"{backend}: CPU per command, core/HTTP {core.cpu_ms / http.cpu_ms:.2f}"
                    f" ({core.cpu_ms:.2f} / {http.cpu_ms:.2f} ms)"
                )
        if http and contended:
            lines.append(
                f"{backend}: random/own journals over HTTP"
                f" {contended.per_second / http.per_second:.2f} (target ≥ 0.5),"
                f" failed {contended.failed} (target 0)"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=20.0, help="each wrk run")
    parser.add_argument("--commands", type=int, default=150, help="core: marks per teacher")
    parser.add_argument("--workers", type=int, default=1, help="service processes")
    parser.add_argument("--profile", type=Path, help="sample the service with py-spy into DIR")
    parser.add_argument(
        "--projections",
        choices=("embedded", "worker"),
        default="embedded",
        help="read models in the service (embedded) or in an `ejournal projections run` process",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    print("command: uv run --frozen python bench/http_wrk.py", shlex.join(sys.argv[1:]))
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    runs: list[Run] = []
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as directory:
            url = (
                f"sqlite:///{directory}"
                if backend == "sqlite"
                else os.environ.get("EJOURNAL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
            )
            runs += measure(
                backend,
                url,
                args.seconds,
                args.commands,
                args.workers,
                args.profile,
                env={"EJOURNAL_PROJECTIONS": args.projections},
            )
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
    print(report(runs))
    if args.profile is not None:
        for raw in sorted(args.profile.glob("profile-*.txt")):
            print()
            print(describe_profile(raw))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
