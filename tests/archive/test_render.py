"""The renderer on small jobs, read back with pypdf: a title page that counts its own sheets
(even when it runs to two) and certifies them with the director's signature and the seal kept
together, a technical annex at the end, PDF/A-3b identification, attachments carried byte for
byte with the build time as their dates, and the same bytes from the same job inline or in
worker processes."""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest

from archive.render import EmbeddedFile, PdfJob, Section, render_pdf, render_pdfs
from archive.templates import ru_time, sheets_count
from archive.templates.title import CheckpointSummary, FileSummary, TitlePage

BUILD_TIME = datetime(2027, 6, 1, 12, 30, tzinfo=UTC)
LOG = b'{"position":1,"topic":"x"}\n{"position":2,"topic":"y"}\n'


def title_page(legend_lines: int = 0) -> TitlePage:
    return TitlePage(
        heading="Классный журнал",
        facts=(("Класс", "5А"), ("Учебный год", "2026/2027")),
        checkpoint=CheckpointSummary(origin="ejournal/test", size=2, root_hex="ab" * 32),
        files=(FileSummary("events.jsonl", "cd" * 32, "Журнал событий"),),
        built="01.06.2027 15:30 (Europe/Moscow, МСК)",
        fingerprint="SHA256:" + " ".join(["ab12"] * 16),
        director="Ковалёва Г. В.",
        legend=tuple((f"знак {n}", "очень длинное пояснение " * 12) for n in range(legend_lines)),
    )


def job(*, sections: int = 2, legend_lines: int = 0, **changes: Any) -> PdfJob:
    body = "".join(
        f'<section id="part-{n}"><h2>Раздел {n}: Математика</h2><p>Алексеев Артём</p></section>'
        for n in range(1, sections + 1)
    )
    made = PdfJob(
        title="Классный журнал 5А",
        author="Школа",
        body=body,
        sections=tuple(Section(f"part-{n}", f"Раздел {n}") for n in range(1, sections + 1)),
        footer="Классный журнал 5А",
        build_time=BUILD_TIME,
        title_page=title_page(legend_lines),
        files=(EmbeddedFile("events.jsonl", LOG, "Журнал событий"),),
    )
    return replace(made, **changes)


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_title_page_counts_every_sheet_and_lists_where_sections_start() -> None:
    rendered = render_pdf(job())
    text = pages_text(rendered.content)
    assert rendered.pages == len(text) == 4
    assert "Всего листов: 4" in text[0]
    assert "Пронумеровано, прошнуровано и скреплено печатью 4 (четыре) листа." in text[0]
    assert re.search(r"1\s+Раздел 1\s+2\b", text[0])
    assert re.search(r"2\s+Раздел 2\s+3\b", text[0])
    # The technical values are the last section's, listed like any other.
    assert re.search(r"3\s+Техническое приложение: [^\n]+\s4\b", text[0])
    assert "ab" * 32 not in "".join(text[0].split())
    assert "Корень дерева Меркла" not in text[0]
    assert f"Корень дерева Меркла (SHA-256): {'ab' * 32}" in text[3]
    assert "cd" * 32 in "".join(text[3].split())
    # The fingerprint of the school's key is for people: on the title page.
    fingerprint = "SHA256:" + " ".join(["ab12"] * 16)
    assert f"Отпечаток ключа: {fingerprint}" in " ".join(text[0].split())
    # Sheets are numbered through the whole document, the title page first.
    assert [re.findall(r"Лист (\d+)", t) for t in text] == [["1"], ["2"], ["3"], ["4"]]
    assert "Раздел 2: Математика" in text[2]


def test_a_title_page_of_two_sheets_moves_the_body_on() -> None:
    rendered = render_pdf(job(legend_lines=40))
    text = pages_text(rendered.content)
    assert rendered.pages == len(text) == 5
    assert "Всего листов: 5" in text[0] + text[1]
    assert "Раздел 1: Математика" in text[2]
    assert re.search(r"1\s+Раздел 1\s+3\b", text[0])
    assert [re.findall(r"Лист (\d+)", t) for t in text] == [[str(n)] for n in range(1, 6)]
    assert "М.П." in text[1]  # the title page's end: its signature block
    assert "скреплено печатью 5 (пять) листов" in text[1]


def test_the_certification_stays_whole_on_the_title_pages_last_sheet() -> None:
    """As the title page grows past one sheet, the certification (the sheet count, the
    director's signature and name, the date line and the seal) moves whole: "М.П." is never
    left alone on a sheet. The lengths checked are found, not guessed: those around the first
    legend length at which anything of the title page reaches a second sheet."""

    def title_sheets(lines: int) -> list[str]:
        text = pages_text(render_pdf(job(legend_lines=lines)).content)
        (body_start,) = [i for i, t in enumerate(text) if "Раздел 1: Математика" in t]
        return text[:body_start]

    fits, spills = 0, 40
    assert len(title_sheets(fits)) == 1
    assert len(title_sheets(spills)) == 2
    while spills - fits > 1:
        middle = (fits + spills) // 2
        if len(title_sheets(middle)) == 1:
            fits = middle
        else:
            spills = middle
    for lines in (fits, spills, spills + 1, spills + 2):
        sheets = title_sheets(lines)
        for part in ("Пронумеровано, прошнуровано", "Директор", "Ковалёва Г. В.", "20____ г."):
            assert part in sheets[-1], (lines, part)
            assert not any(part in t for t in sheets[:-1]), (lines, part)
        assert "М.П." in sheets[-1]


def test_the_pdf_is_pdf_a_3b_carrying_its_files_dated_at_the_build_time() -> None:
    rendered = render_pdf(job())
    reader = pypdf.PdfReader(io.BytesIO(rendered.content))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    assert xmp.xmp_create_date == BUILD_TIME.replace(tzinfo=None)
    assert reader.attachments["events.jsonl"] == [LOG]
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    params = spec["/EF"]["/F"].get_object()["/Params"]
    assert params["/CreationDate"] == params["/ModDate"] == "D:20270601123000Z"
    assert spec["/AFRelationship"] == "/Source"
    assert spec["/Desc"] == "Журнал событий"


def test_the_same_job_gives_the_same_bytes_inline_and_in_worker_processes() -> None:
    jobs = [job(), job(sections=1, title="Сводная ведомость")]
    inline = [render_pdf(j).content for j in jobs]
    told: list[int] = []
    paged: list[tuple[int, int]] = []
    parallel = render_pdfs(
        jobs, workers=2, progress=told.append, pages=lambda *done: paged.append(done)
    )
    assert [r.content for r in parallel] == inline
    assert told == [1, 2]
    # The pages are told as documents finish, in whichever order they do: the sum at the end.
    assert [documents for documents, _ in paged] == [1, 2]
    assert paged[0][1] in {r.pages for r in parallel}
    assert paged[-1][1] == sum(r.pages for r in parallel) > len(parallel)
    inline_paged: list[tuple[int, int]] = []
    render_pdfs(jobs, workers=1, pages=lambda *done: inline_paged.append(done))
    assert inline_paged == [(1, parallel[0].pages), (2, paged[-1][1])]
    later = render_pdf(replace(jobs[0], build_time=BUILD_TIME + timedelta(days=1))).content
    assert later != inline[0]


def test_inline_rendering_leaves_the_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    render_pdf(job(sections=1, title_page=None, files=()))
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "12345")
    rendered = render_pdf(job(sections=1, title_page=None, files=()))
    assert os.environ["SOURCE_DATE_EPOCH"] == "12345"
    # Without a title page the body starts at sheet 1 and nothing is attached.
    assert rendered.pages == 1
    assert re.findall(r"Лист (\d+)", pages_text(rendered.content)[0]) == ["1"]
    assert not pypdf.PdfReader(io.BytesIO(rendered.content)).attachments


def test_any_footer_text_is_printed_as_it_is() -> None:
    footer = 'Журнал "5А" </style><b>жирный</b> \\ конец'
    rendered = render_pdf(job(sections=1, title_page=None, files=(), footer=footer))
    assert footer in pages_text(rendered.content)[0]


@pytest.mark.parametrize(
    ("count", "printed"),
    [
        (1, "1 (один) лист"),
        (2, "2 (два) листа"),
        (5, "5 (пять) листов"),
        (11, "11 (одиннадцать) листов"),
        (21, "21 (двадцать один) лист"),
        (112, "112 (сто двенадцать) листов"),
        (1002, "1002 (одна тысяча два) листа"),
    ],
)
def test_a_sheet_count_is_certified_in_digits_and_words(count: int, printed: str) -> None:
    assert sheets_count(count) == printed


def test_times_are_the_schools_own_with_the_zone_named() -> None:
    moment = datetime(2026, 12, 5, 16, 44, tzinfo=UTC)
    assert ru_time(moment, ZoneInfo("Europe/Moscow")) == "05.12.2026 19:44 (Europe/Moscow, МСК)"
    assert (
        ru_time(moment, ZoneInfo("Asia/Yekaterinburg"))
        == "05.12.2026 21:44 (Asia/Yekaterinburg, МСК+2)"
    )
    assert (
        ru_time(moment, ZoneInfo("Europe/Kaliningrad"))
        == "05.12.2026 18:44 (Europe/Kaliningrad, МСК−1)"
    )
