"""docs/integrity.md cannot drift from the product: its worked example is generated here from a
real five-event school log (SQLite, a fixed clock, a published throwaway key), through the real
notary and the real public endpoints, and the test fails when the document's example is not
what the product gives today. Every hash of the example is recomputed with hashlib alone, and
the example's files pass the stand-alone verifier.

To rewrite the example after a deliberate change of format:

    uv run --frozen python tests/docs/test_integrity_doc.py --write
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "integrity.md"
SCRIPT = ROOT / "docs" / "verify_ejournal.py"
BEGIN = "<!-- BEGIN GENERATED EXAMPLE: tests/docs/test_integrity_doc.py --write -->"
END = "<!-- END GENERATED EXAMPLE -->"
SCHOOL = "example"
SEED = hashlib.sha256(b"ejournal docs/integrity.md: a published throwaway key").digest()
"""The example's Ed25519 seed. It is public: it signs nothing but this example."""
START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
PEOPLE = (
    ("admin", "Орлова Нина Петровна"),
    ("deputy", "Смирнова Ольга Ивановна"),
    ("ivanova", "Иванова Мария Петровна"),
    ("petrova", "Петрова Светлана Юрьевна"),
)
"""Four accounts: with the registration of the school's key, which the first checkpoint of a
log records before it signs (leaf 2 here), the log holds five events."""
INSTALLATION = "school.example"
"""The example installation's name (EJOURNAL_INSTALLATION): the first part of the origin."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(data: bytes) -> bytes:
    return sha256(b"\x00" + data)


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def block(text: str, language: str = "") -> str:
    return f"```{language}\n{text.rstrip(chr(10))}\n```\n"


def pretty(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def generate(directory: Path) -> str:
    """The worked example, built from a real log in ``directory``, as Markdown."""
    # The product is imported here, not at the top: the module is also a script.
    from fastapi.testclient import TestClient  # noqa: PLC0415

    from api.app import create_app  # noqa: PLC0415
    from ejournal.access import system_actor  # noqa: PLC0415
    from ejournal.application import School  # noqa: PLC0415
    from ejournal.clock import MovableClock  # noqa: PLC0415
    from ejournal.commands import accounts  # noqa: PLC0415
    from ejournal.integrity.checkpoint import SigningKey  # noqa: PLC0415
    from ejournal.integrity.notary import Notary  # noqa: PLC0415
    from ejournal.schools import open_school  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    settings = Settings(
        database_url=f"sqlite:///{directory}/db",
        school=SCHOOL,
        installation=INSTALLATION,
        password_hashing="cheapest",
        signing_key_dir=directory / "keys",
        checkpoint_dir=directory / "checkpoints",
        checkpoint_every_events=10**9,
        checkpoint_every_seconds=10**9,
        _env_file=None,
    )
    clock = MovableClock(START)
    school = open_school(settings, SCHOOL, clock=clock)
    system = system_actor()

    def register(school: School, people: tuple[tuple[str, str], ...]) -> None:
        for login, name in people:
            accounts.register_account(
                school, system, accounts.RegisterAccount(login=login, full_name=name)
            )

    school.close()  # made (migrated); the notary opens it again with connections of its own
    with Notary.open(settings, SCHOOL, clock=clock) as notary:
        SigningKey(notary.origin, Ed25519PrivateKey.from_private_bytes(SEED)).save(notary.key_path)
        register(notary.school, PEOPLE[:2])
        first = notary.checkpoint()  # names the key in the log first (leaf 2), then signs
        clock.set(START + timedelta(minutes=5))
        register(notary.school, PEOPLE[2:])
        second = notary.checkpoint()
        lines = list(notary.leaves(0, second.checkpoint.size))
    assert (first.checkpoint.size, second.checkpoint.size) == (3, 5), "the log is not as planned"

    app = create_app(settings, clock=clock)
    base = f"/api/v1/schools/{SCHOOL}/log"
    with TestClient(app) as client:

        def get(path: str) -> Any:
            response = client.get(base + path)
            assert response.status_code == 200, response.text
            return response

        key = get("/key").json()
        note_3 = get("/checkpoints/3").text
        note_5 = get("/checkpoint").text
        inclusion = get("/proof/inclusion?index=2&size=5").json()
        consistency = get("/proof/consistency?old=3&new=5").json()
    return _markdown(lines, key, note_3, note_5, inclusion, consistency, base)


def _markdown(
    lines: list[bytes],
    key: dict[str, Any],
    note_3: str,
    note_5: str,
    inclusion: dict[str, Any],
    consistency: dict[str, Any],
    base: str,
) -> str:
    # Every value the text states is recomputed here from the bytes, with hashlib alone.
    name = key["name"]
    public = bytes.fromhex(key["public_key"])
    key_id = sha256(name.encode() + b"\n" + b"\x01" + public)[:4]
    assert key_id.hex() == key["key_id"]
    assert key["verifier_key"] == f"{name}+{key_id.hex()}+" + base64.b64encode(
        b"\x01" + public
    ).decode("ascii")
    digest = sha256(public).hex()
    assert key["fingerprint"] == "SHA256:" + " ".join(digest[i : i + 4] for i in range(0, 64, 4))
    leaves = [leaf(line) for line in lines]
    h01, h23 = node(leaves[0], leaves[1]), node(leaves[2], leaves[3])
    h0123 = node(h01, h23)
    root_3, root_5 = node(h01, leaves[2]), node(h0123, leaves[4])
    body_3, _, signature_3 = note_3.rpartition("\n\n")
    body_5 = note_5.rpartition("\n\n")[0]
    for body, size, root in ((body_3, 3, root_3), (body_5, 5, root_5)):
        assert body.split("\n")[:3] == [name, str(size), base64.b64encode(root).decode()]
    signature_line = signature_3.rstrip("\n")
    assert signature_line.startswith(f"\u2014 {name} ")
    blob = base64.b64decode(signature_line.rpartition(" ")[2])
    assert blob[:4] == key_id
    assert inclusion["leaf_hash"] == leaves[2].hex()
    assert inclusion["audit_path"] == [leaves[3].hex(), h01.hex(), leaves[4].hex()]
    assert consistency["proof"] == [leaves[2].hex(), leaves[3].hex(), h01.hex(), leaves[4].hex()]
    assert inclusion["root"] == consistency["new_root"] == root_5.hex()
    assert consistency["old_root"] == root_3.hex()

    signed_text = body_3 + "\n"
    log_text = b"\n".join(lines).decode("utf-8")
    table = "\n".join(
        f"| {i} | {len(line)} | `{h.hex()}` |"
        for i, (line, h) in enumerate(zip(lines, leaves, strict=True))
    )
    return f"""The log of a school with the id `{SCHOOL}` on the installation `{INSTALLATION}`
(`EJOURNAL_INSTALLATION`): five events (two accounts registered by the system, the registration
of the school's signing key, which the first checkpoint records before it signs, and two more
accounts), a checkpoint signed after the third and one after the fifth, on a clock standing at
{START:%Y-%m-%d %H:%M} UTC and five minutes later. The key is made from the published seed
SHA-256("ejournal docs/integrity.md: a published throwaway key") =
`{SEED.hex()}`; it signs nothing but this example.

**The key** (`GET {base}/key`):

{block(pretty(key), "json")}
Its key id is the first 4 bytes of SHA-256 over the key name, a newline, the byte 0x01 and the
32-byte public key: SHA-256(`{name}` ‖ 0x0a ‖ 0x01 ‖ `{public.hex()}`) starts with
`{key_id.hex()}`. Its fingerprint is SHA-256 of the 32 public key bytes alone, `{digest}`.

**The log** (what an archive's `data/events.jsonl` holds; each line ends with one LF):

{block(log_text, "json")}
**The leaves**, SHA-256(0x00 ‖ line without its LF):

| index | line bytes | leaf hash |
|---|---|---|
{table}

**The tree of 3 leaves**: `h01` = SHA-256(0x01 ‖ leaf 0 ‖ leaf 1) = `{h01.hex()}`; the root is
SHA-256(0x01 ‖ h01 ‖ leaf 2) = `{root_3.hex()}`, base64 `{base64.b64encode(root_3).decode()}`.

**The tree of 5 leaves** splits at 4: `h23` = SHA-256(0x01 ‖ leaf 2 ‖ leaf 3) =
`{h23.hex()}`, `h0123` = SHA-256(0x01 ‖ h01 ‖ h23) = `{h0123.hex()}`, and the root is
SHA-256(0x01 ‖ h0123 ‖ leaf 4) = `{root_5.hex()}`.

**The checkpoint of 3** (`GET {base}/checkpoints/3`, and an archive's `data/checkpoint.txt` had
one been made then):

{block(note_3, "text")}
The signed message is the {len(signed_text.encode())} bytes of the body up to and including the
LF after the `time` line. The signature line's base64 decodes to 68 bytes: the key id
`{blob[:4].hex()}`, then the Ed25519 signature `{blob[4:].hex()}`.

**The checkpoint of 5** (`GET {base}/checkpoint`, the newest):

{block(note_5, "text")}
**An inclusion proof** (`GET {base}/proof/inclusion?index=2&size=5`):

{block(pretty(inclusion), "json")}
Checked as RFC 9162 §2.1.3.2 says, with fn = 2 (the index) and sn = 4 (the size minus one),
starting from r = leaf 2: fn is even and not sn, so r = SHA-256(0x01 ‖ r ‖ leaf 3) = h23 and
both halve (fn = 1, sn = 2); fn is odd, so r = SHA-256(0x01 ‖ h01 ‖ r) = h0123 (fn = 0, sn = 1);
fn is even and not sn, so r = SHA-256(0x01 ‖ r ‖ leaf 4) (fn = 0, sn = 0). sn is 0 and r is the
root the checkpoint of 5 signs.

**A consistency proof** (`GET {base}/proof/consistency?old=3&new=5`):

{block(pretty(consistency), "json")}
The proof is [leaf 2, leaf 3, h01, leaf 4] (RFC 9162 §2.1.4.1: SUBPROOF(3, D[0:5]) =
SUBPROOF(3, D[0:4]) + [leaf 4] = SUBPROOF(1, D[2:4], false) + [h01] + [leaf 4], and so on).
Checked as §2.1.4.2 says: 3 is not a power of two, so nothing is prepended; fn = 2, sn = 4, and
fr = sr = leaf 2. Leaf 3: fn is even and not sn, so sr = SHA-256(0x01 ‖ sr ‖ leaf 3) = h23
(fn = 1, sn = 2). h01: fn is odd, so fr = SHA-256(0x01 ‖ h01 ‖ fr), which is the root of 3, and
sr = SHA-256(0x01 ‖ h01 ‖ sr) = h0123 (fn = 0, sn = 1). Leaf 4: sr = SHA-256(0x01 ‖ sr ‖ leaf 4),
the root of 5 (fn = 0, sn = 0). fr and sr must equal the two signed roots, and sn be 0.
"""


def example_in(doc: str) -> str:
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    return doc[start:end].strip("\n")


def code_blocks(markdown: str) -> Iterator[str]:
    parts = markdown.split("```")
    for part in parts[1::2]:
        yield part.split("\n", 1)[1]


def test_the_worked_example_is_what_the_product_gives(tmp_path: Path) -> None:
    generated = generate(tmp_path).strip("\n")
    written = example_in(DOC.read_text(encoding="utf-8"))
    assert written == generated, (
        "docs/integrity.md's worked example is not what the product gives; if the change is"
        " deliberate, run: uv run --frozen python tests/docs/test_integrity_doc.py --write"
    )


def test_the_worked_example_passes_the_stand_alone_verifier(tmp_path: Path) -> None:
    blocks = list(code_blocks(example_in(DOC.read_text(encoding="utf-8"))))
    key = json.loads(blocks[0])
    events, note_5 = blocks[1], blocks[3]
    data = tmp_path / "data"
    data.mkdir()
    (data / "events.jsonl").write_text(events, encoding="utf-8")
    (data / "checkpoint.txt").write_text(note_5, encoding="utf-8")
    (data / "checkpoint.vkey").write_text(key["verifier_key"] + "\n", encoding="ascii")
    command = [sys.executable, "-I", str(SCRIPT), "archive", str(tmp_path)]
    good = subprocess.run(
        [*command, "--fingerprint", key["fingerprint"]], capture_output=True, text=True, check=False
    )
    assert good.returncode == 0, good.stderr
    (data / "events.jsonl").write_text(events.replace("Иванова", "Ивановa"), encoding="utf-8")
    bad = subprocess.run(
        [*command, "--key", key["verifier_key"]], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1
    assert "root" in bad.stderr


def main() -> None:
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    doc = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as directory:
        generated = generate(Path(directory)).strip("\n")
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    DOC.write_text(doc[:start] + "\n" + generated + "\n" + doc[end:], encoding="utf-8")
    print(f"rewrote the worked example of {DOC}")


if __name__ == "__main__":
    main()
