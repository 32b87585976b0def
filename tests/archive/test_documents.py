"""The archive's documents of the scenario school, read back with pypdf as a director and an
archivist would: every sheet counted on the title page and certified there with the director's
name, signature and seal kept together, the school key's fingerprint, Russian text that can be
extracted, times in the school's zone, PDF/A-3b, the event log inside with the hash it was given
and the checkpoint's root (in the technical annex) recomputing from it, the record shown as kept
(corrections with who, when and the deputy's remark, late entries with the deputy who allowed
them, substitutions, students who left), grade 1 without marks, and the same bytes on every
render."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pypdf
import pytest
from eventsourcing.persistence import StoredEvent

from archive.documents import (
    Attachment,
    CheckpointNoteError,
    Document,
    archive_jobs,
    parse_checkpoint,
    render_archive_documents,
    render_documents,
    render_progress_printout,
)
from archive.templates.journal import slashed
from ejournal.commands.printouts import PrintoutSpanError
from ejournal.errors import NotFoundError
from ejournal.integrity import merkle
from ejournal.integrity.checkpoint import SigningKey
from ejournal.projections.projector import ReadModelStalledError

YEAR = "2026/2027"
BUILD_TIME = datetime(2027, 6, 1, 9, 30, tzinfo=UTC)
BUILT_LOCALLY = "01.06.2027 12:30 (Europe/Moscow, МСК)"
"""BUILD_TIME as the documents print it: the scenario school (School 77, Sochi) keeps Moscow
time."""
EXPECTED = [
    ("journal-1A.pdf", "Классный журнал 1А, 2026/2027 учебный год"),
    ("progress-sheet-1A.pdf", "Сводная ведомость учёта успеваемости 1А, 2026/2027 учебный год"),
    ("attendance-sheet-1A.pdf", "Сводная ведомость учёта посещаемости 1А, 2026/2027 учебный год"),
    ("journal-5A.pdf", "Классный журнал 5А, 2026/2027 учебный год"),
    ("progress-sheet-5A.pdf", "Сводная ведомость учёта успеваемости 5А, 2026/2027 учебный год"),
    ("attendance-sheet-5A.pdf", "Сводная ведомость учёта посещаемости 5А, 2026/2027 учебный год"),
    (
        "movement-sheet.pdf",
        "Сводная ведомость учёта движения учащихся, 2026/2027 учебный год",
    ),
]


@dataclass
class Archive:
    """The scenario school's documents, rendered once for the module, and what they carry."""

    school: Any
    """The conftest's ArchiveSchool (a conftest is not importable by name)."""
    log: bytes
    note: str
    attachments: list[Attachment]
    documents: list[Document]
    told: list[int]

    def document(self, filename: str) -> Document:
        (found,) = [d for d in self.documents if d.filename == filename]
        return found

    def text(self, filename: str) -> list[str]:
        return pages_text(self.document(filename).content)


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    """Text with every run of whitespace (line breaks of wrapped cells) one space."""
    return " ".join(text.split())


VERIFIER = SigningKey.generate("ejournal/test").verifier()


def attachments_of(school: Any) -> tuple[bytes, str, list[Attachment]]:
    log = school.event_log()
    note = school.checkpoint_note()
    return (
        log,
        note,
        [
            Attachment("events.jsonl", log, "Журнал событий (JSON Lines)", in_every_document=False),
            Attachment("checkpoint.txt", note.encode(), "Контрольная точка журнала"),
            Attachment("checkpoint.vkey", (VERIFIER.text + "\n").encode(), "Открытый ключ школы"),
        ],
    )


@pytest.fixture(scope="module")
def archive(sqlite_archive_school: Any) -> Archive:
    school = sqlite_archive_school
    log, note, attachments = attachments_of(school)
    told: list[int] = []
    documents = render_archive_documents(
        school.world.school,
        school.database,
        year=YEAR,
        period=None,
        build_time=BUILD_TIME,
        checkpoint_note=note,
        attachments=attachments,
        workers=1,
        progress=told.append,
    )
    return Archive(school, log, note, attachments, documents, told)


def test_every_document_counts_its_sheets_and_names_the_log(archive: Archive) -> None:
    assert [(d.filename, d.title) for d in archive.documents] == EXPECTED
    assert archive.told == list(range(1, len(EXPECTED) + 1))
    checkpoint = parse_checkpoint(archive.note)
    for document in archive.documents:
        reader = pypdf.PdfReader(io.BytesIO(document.content))
        texts = [page.extract_text() for page in reader.pages]
        title_page, annex = texts[0], texts[-1]
        printed = re.search(r"Всего листов: (\d+)", title_page)
        assert printed is not None, document.filename
        assert int(printed.group(1)) == len(reader.pages) == document.pages, document.filename
        # The certification of a paper journal, with the real number of sheets, the
        # director's name and the seal together on the title page.
        certified = re.search(
            r"Пронумеровано, прошнуровано и скреплено печатью (\d+) \((\w+(?: \w+)*)\) лист",
            flat(title_page),
        )
        assert certified is not None, document.filename
        assert int(certified.group(1)) == document.pages, document.filename
        for part in ("Директор / Ковалёва Г. В. /", "20____ г.", "М.П."):
            assert part in title_page, (document.filename, part)
        assert f"Отпечаток ключа: {VERIFIER.fingerprint}" in flat(title_page)
        # No jargon for people on the title page: the technical values are the annex's.
        assert "Корень дерева Меркла" not in title_page
        assert f"Документ сформирован: {BUILT_LOCALLY}" in title_page
        assert "Техническое приложение" in annex
        assert not any("UTC" in text for text in texts), document.filename
        xmp = reader.xmp_metadata
        assert xmp is not None
        assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B"), document.filename
        log_hash = hashlib.sha256(archive.log).hexdigest()
        if document.filename == "movement-sheet.pdf":
            # The year's log is too big to repeat in every PDF: the school-wide document
            # carries it, and every title page names it with its SHA-256.
            (log,) = reader.attachments["events.jsonl"]
            assert hashlib.sha256(log).hexdigest() == log_hash
        else:
            assert "events.jsonl" not in reader.attachments, document.filename
        assert log_hash in "".join(annex.split()), document.filename
        assert reader.attachments["checkpoint.txt"] == [archive.note.encode()]
        assert f"размер дерева (число событий): {checkpoint.size}" in annex
        assert checkpoint.root_hex in annex.replace("\n", "")
        assert VERIFIER.fingerprint in flat(annex)


def test_the_journal_shows_the_record_as_kept(archive: Archive) -> None:
    pages = archive.text("journal-5A.pdf")
    whole = flat("\n".join(pages))
    texts = archive.school.kept.texts
    assert "Класс: 5А" in pages[0]
    assert "Классный руководитель: Васильева Елена Павловна" in pages[0]
    for name in ("Алексеев Артём Игоревич", "Белова Варвара Дмитриевна", "Егоров Егор Павлович"):
        assert name in whole
    for text in (
        texts["topic"],
        texts["late_topic"],
        texts["russian_topic"],
        texts["november_topic"],
        texts["correction"],
        texts["voiding"],
        texts["period_correction"],
    ):
        assert text in whole
    assert f"замена: Фёдоров И. А. вместо Иванова М. П.; {texts['substitution']}" in whole
    assert "5*" in whole  # the late lesson's mark, flagged in its cell
    assert "аннулирована" in whole

    # The contents name the sheet each subject starts on; that sheet opens with the subject.
    contents = re.findall(r"^\d+ (.+?) \(учитель: [^)]*\) (\d+)(?:–(\d+))?$", pages[0], re.M)
    assert [c[0] for c in contents] == [
        "Иностранный язык (английский), подгруппа 1",
        "Иностранный язык (английский), подгруппа 2",
        "Литература",
        "Математика",
        "Русский язык",
    ]
    for subject, first, _last in contents:
        assert pages[int(first) - 1].startswith(subject), subject
    assert re.search(r"^6 Техническое приложение: .+ (\d+)$", pages[0], re.M)
    assert [re.findall(r"Лист (\d+)", p) for p in pages] == [
        [str(n)] for n in range(1, len(pages) + 1)
    ]


def test_corrections_name_old_and_new_value_who_when_and_the_deputys_remark(
    archive: Archive,
) -> None:
    """A corrected mark reads "3̸→4¹" (the old value crossed out by a diagonal stroke, never
    "34"), a voided one "5̸→×²", each with the number of its line in the corrections table,
    which names who corrected, when in the school's time, why, and the deputy's authorising
    remark (Lyceum 68 §3.6.7)."""
    pages = archive.text("journal-5A.pdf")
    math = flat("\n".join(p for p in pages if "Исправления отметок" in p or "Математика" in p))
    texts = archive.school.kept.texts
    # In the grid: Алексеев's Monday mark 3 corrected to 4 (line 1), Гусев's 5 voided (line 2),
    # Алексеев's first-quarter mark 4 corrected to 5 (line 3).
    assert f"1 Алексеев Артём Игоревич {slashed('4')}→5³" in math  # the period marks table
    for cell in (f"{slashed('3')}→4¹", f"{slashed('5')}→×²", f"{slashed('4')}→5³"):
        assert cell in math, cell
    assert (
        "Исправления отметок № Урок / период Ученик Было Стало Причина Кто исправил Когда"
        " Разрешение заместителя директора"
    ) in math
    assert (
        f"1 07.09.2026 Алексеев Артём Игоревич 3 4 {texts['correction']} Иванова М. П."
        " 07.09.2026 15:00 (Europe/Moscow, МСК) —"
    ) in math
    assert (
        f"2 07.09.2026 Гусев Глеб Андреевич 5 аннулирована {texts['voiding']} Иванова М. П."
        " 07.09.2026 15:00 (Europe/Moscow, МСК) —"
    ) in math
    assert (
        f"3 1 четверть Алексеев Артём Игоревич 4 5 {texts['period_correction']} Иванова М. П."
        " 20.10.2026 15:00 (Europe/Moscow, МСК) Смирнова О. И., 20.10.2026 14:00"
        f" (Europe/Moscow, МСК): {texts['remark']}"
    ) in math
    # A late entry names the deputy who allowed it, when and why.
    assert (
        "* внесено после срока по разрешению заместителя директора (Смирнова О. И.,"
        f" 09.09.2026 10:00 (Europe/Moscow, МСК): {texts['late_reason']})"
    ) in math
    assert (
        "1 07.09.2026 Иванова Мария Петровна Смирнова О. И. 09.09.2026 10:00"
        f" (Europe/Moscow, МСК) {texts['late_reason']}"
    ) in math
    # The corrected homework names who corrected it and when.
    assert "исправлено (Иванова М. П., 07.09.2026 15:00 (Europe/Moscow, МСК)): опечатка" in math
    # People's names, never ids.
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", math)


def test_a_student_who_left_is_marked_with_the_date(archive: Archive) -> None:
    whole = flat("\n".join(archive.text("journal-5A.pdf")))
    assert "Егоров Егор Павлович (выбыл(а) в 5Б 14.09.2026)" in whole
    assert "Егоров Егор Павлович выбыл(а) в 5Б 14.09.2026" in whole  # in the grid, below


def test_a_grade_1_journal_has_no_marks_tables(archive: Archive) -> None:
    pages = archive.text("journal-1A.pdf")
    (subject,) = [p for p in pages if p.startswith("Математика")]
    assert "Счёт предметов" in subject
    assert "Жаров Захар" in subject
    assert "Отметки за учебные периоды" not in subject
    assert "четверть" not in subject
    # The 5А journal of the same year does have its quarter marks.
    assert "Отметки за учебные периоды" in "\n".join(archive.text("journal-5A.pdf"))
    progress = flat("\n".join(archive.text("progress-sheet-1A.pdf")))
    assert "Обучение в первом классе ведётся без отметок" in progress
    assert "Итоги успеваемости" not in progress


def test_an_archive_made_mid_year_is_titled_with_the_days_it_covers(archive: Archive) -> None:
    school = archive.school
    built = datetime(2026, 12, 5, 16, 44, tzinfo=UTC)
    jobs = archive_jobs(
        school.world.school,
        school.database,
        year=YEAR,
        period=None,
        build_time=built,
        checkpoint_note=archive.note,
        attachments=archive.attachments,
    )
    (journal,) = [j for j in jobs if j.filename == "journal-5A.pdf"]
    assert journal.job.title == "Классный журнал 5А, 2026/2027 учебный год, 01.09.2026 – 05.12.2026"
    title_page = journal.job.title_page
    assert title_page is not None
    assert dict(title_page.facts)["Период"] == (
        "учебный год, 01.09.2026 – 05.12.2026 (по состоянию на дату формирования)"
    )
    assert title_page.built == "05.12.2026 19:44 (Europe/Moscow, МСК)"
    assert title_page.fingerprint == VERIFIER.fingerprint
    assert title_page.director == "Ковалёва Г. В."
    # Within a period too: the second quarter, built before it ends.
    jobs = archive_jobs(
        school.world.school,
        school.database,
        year=YEAR,
        period="Q2",
        build_time=built,
        checkpoint_note=archive.note,
        attachments=archive.attachments,
    )
    (journal,) = [j for j in jobs if j.filename == "journal-5A.pdf"]
    assert journal.job.title == (
        "Классный журнал 5А, 2026/2027 учебный год, 2 четверть, 05.11.2026 – 05.12.2026"
    )


def test_the_summary_sheets_show_the_class(archive: Archive) -> None:
    progress = "\n".join(archive.text("progress-sheet-5A.pdf"))
    assert "Сводная ведомость учёта успеваемости: 5А класс, 2026/2027 учебный год" in progress
    assert "Итоги успеваемости: 5А класс, 1 четверть" in progress
    assert "Денисова Дарья Сергеевна" in progress
    attendance = "\n".join(archive.text("attendance-sheet-5A.pdf"))
    assert "Итого по классу" in attendance
    assert "Белова Варвара Дмитриевна 2 2" in attendance  # two lessons missed, both for illness
    movement = "\n".join(archive.text("movement-sheet.pdf"))
    assert "Егоров Егор Павлович переведён в другой класс 5А 5Б № 120-у" in movement


def test_rendering_in_two_processes_gives_the_same_bytes(archive: Archive) -> None:
    school = archive.school
    again = render_archive_documents(
        school.world.school,
        school.database,
        year=YEAR,
        period=None,
        build_time=BUILD_TIME,
        checkpoint_note=archive.note,
        attachments=archive.attachments,
        workers=2,
    )
    assert [d.content for d in again] == [d.content for d in archive.documents]


def test_the_printed_root_recomputes_from_the_attached_log(archive: Archive) -> None:
    carrier = pypdf.PdfReader(io.BytesIO(archive.document("movement-sheet.pdf").content))
    (log,) = carrier.attachments["events.jsonl"]
    lines = log.splitlines()
    root = merkle.root_of([merkle.leaf_hash(line) for line in lines])
    for filename in ("movement-sheet.pdf", "journal-5A.pdf"):
        reader = pypdf.PdfReader(io.BytesIO(archive.document(filename).content))
        annex = reader.pages[-1].extract_text().replace("\n", "")
        assert f"Корень дерева Меркла (SHA-256): {root.hex()}" in annex
        assert f"размер дерева (число событий): {len(lines)}" in annex


def test_a_period_archive_prints_the_period_only(archive: Archive) -> None:
    school = archive.school
    kept = school.kept.texts

    def journal_body(period: str | None) -> tuple[str, str]:
        jobs = archive_jobs(
            school.world.school,
            school.database,
            year=YEAR,
            period=period,
            build_time=BUILD_TIME,
            checkpoint_note=archive.note,
            attachments=archive.attachments,
        )
        (journal,) = [j for j in jobs if j.filename == "journal-5A.pdf"]
        return journal.job.title, journal.job.body

    title, body = journal_body("Q1")
    assert title == "Классный журнал 5А, 2026/2027 учебный год, 1 четверть"
    assert kept["topic"] in body
    assert kept["november_topic"] not in body
    assert "2 четверть" not in body
    assert "09.11.2026" not in body  # the November lesson's date
    _, year_body = journal_body(None)
    assert kept["november_topic"] in year_body
    with pytest.raises(NotFoundError):
        journal_body("Q9")
    with pytest.raises(NotFoundError):
        archive_jobs(
            school.world.school,
            school.database,
            year="2030/2031",
            period=None,
            build_time=BUILD_TIME,
            checkpoint_note=archive.note,
            attachments=[],
        )


@pytest.mark.parametrize(
    "note",
    [
        "",
        "ejournal/test\n12\n",
        "ejournal/test\ntwelve\nq83vEjsQ6HXkpvRhjjOUQH2NRgkKEDnjDlK3rqqRCwg=\n",
        "ejournal/test\n-1\nq83vEjsQ6HXkpvRhjjOUQH2NRgkKEDnjDlK3rqqRCwg=\n",
        "ejournal/test\n12\nnot base64!\n",
        "ejournal/test\n12\nq83vEjsQ6HXkpvRh\n",
    ],
)
def test_a_malformed_checkpoint_is_refused(note: str) -> None:
    with pytest.raises(CheckpointNoteError):
        parse_checkpoint(note)


def test_a_signed_note_prints_its_checkpoint() -> None:
    note = (
        "ejournal/test\n12\nq83vEjsQ6HXkpvRhjjOUQH2NRgkKEDnjDlK3rqqRCwg=\n"
        "time 2027-06-01T09:30:00Z\n\n— ejournal/test AAAA\n"
    )
    checkpoint = parse_checkpoint(note)
    assert (checkpoint.origin, checkpoint.size) == ("ejournal/test", 12)
    assert checkpoint.root_hex == "abcdef123b10e875e4a6f4618e3394407d8d46090a1039e30e52b7aeaa910b08"


def test_a_progress_printout_for_a_family(archive: Archive) -> None:
    school = archive.school
    student = school.world.students[1]
    start, end = date(2026, 9, 7), date(2026, 9, 20)

    def printout() -> Document:
        return render_progress_printout(
            school.world.school,
            school.database,
            student_id=student,
            start=start,
            end=end,
            build_time=BUILD_TIME,
        )

    first = printout()
    assert first.filename == f"progress-report-5A-{student}.pdf"
    assert first.title == (
        "Сведения о результатах обучения: Белова Варвара Дмитриевна, 07.09.2026 – 20.09.2026"
    )
    reader = pypdf.PdfReader(io.BytesIO(first.content))
    assert len(reader.pages) == first.pages
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Белова Варвара Дмитриевна" in text
    assert "Класс: 5А" in text
    assert school.kept.texts["late_topic"] in text
    assert "отсутствовал(а) по болезни" in text
    assert "Средневзвешенный балл и прогноз отметки: 1 четверть" in text
    assert "Классный руководитель" in text
    assert f"Сформировано: {BUILT_LOCALLY}" in text
    assert "UTC" not in text
    assert printout().content == first.content
    with pytest.raises(PrintoutSpanError):
        render_progress_printout(
            school.world.school,
            school.database,
            student_id=student,
            start=end,
            end=start,
            build_time=BUILD_TIME,
        )
    with pytest.raises(NotFoundError):
        render_progress_printout(
            school.world.school,
            school.database,
            student_id=uuid4(),
            start=start,
            end=end,
            build_time=BUILD_TIME + timedelta(days=1),
        )


def test_the_archive_gathers_on_both_backends(archive_school: Any) -> None:
    """The read models are brought up to date by the archive itself (nothing projected them
    before), on SQLite and on PostgreSQL; the movement sheet renders from what was gathered."""
    _, note, attachments = attachments_of(archive_school)
    jobs = archive_jobs(
        archive_school.world.school,
        archive_school.database,
        year=YEAR,
        period="Q1",
        build_time=BUILD_TIME,
        checkpoint_note=note,
        attachments=attachments,
    )
    assert [j.filename for j in jobs] == [filename for filename, _ in EXPECTED]
    (journal,) = [j for j in jobs if j.filename == "journal-5A.pdf"]
    assert archive_school.kept.texts["correction"] in journal.job.body
    assert "Гусев Глеб Андреевич" in journal.job.body
    (movement,) = render_documents([jobs[-1]], workers=1)
    text = "\n".join(pages_text(movement.content))
    assert "Егоров Егор Павлович переведён в другой класс 5А 5Б № 120-у" in text
    assert f"Всего листов: {movement.pages}" in text


def test_no_document_is_built_from_a_stalled_read_model(archive_school: Any) -> None:
    """An old event whose class the code no longer has stops the read models before it: the
    archive says so rather than print part of the record (or wait for it)."""
    school = archive_school.world.school
    _, note, _ = attachments_of(archive_school)
    position = school.position() + 1
    school.recorder.insert_events(
        [
            StoredEvent(
                originator_id=uuid4(),
                originator_version=1,
                topic="ejournal.aggregates.gone:Gone.Happened",
                state=b"{}",
            )
        ]
    )
    with pytest.raises(ReadModelStalledError, match=f"stalled at position {position} of the log"):
        archive_jobs(
            school,
            archive_school.database,
            year=YEAR,
            period="Q1",
            build_time=BUILD_TIME,
            checkpoint_note=note,
            attachments=[],
        )
