"""The title page (титульный лист) of an archive document.

Lyceum 68 §6.2: the printed sheets of a class are accompanied by a title page stating the
contents and the number of sheets, then bound, signed by the director and sealed. Ours also
prints the signed checkpoint the document was built against (the event log's tree size and
root), so a paper copy names the exact electronic record it was printed from, and lists the
files carried inside the PDF with their SHA-256.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.templates import esc, signature_block


@dataclass(frozen=True)
class CheckpointSummary:
    """What the title page prints of a checkpoint: its origin, tree size and root."""

    origin: str
    size: int
    root_hex: str


@dataclass(frozen=True)
class FileSummary:
    """A file attached inside the PDF, as the title page lists it."""

    filename: str
    sha256_hex: str
    description: str


@dataclass(frozen=True)
class TitlePage:
    """Everything on a title page except what only layout knows (sheet ranges, their total)."""

    heading: str
    """"Классный журнал", "Сводная ведомость учёта успеваемости"."""
    facts: tuple[tuple[str, str], ...]
    """(label, value) lines: school, class, year, period, class teacher."""
    checkpoint: CheckpointSummary
    files: tuple[FileSummary, ...]
    built: str
    """When the document was built, as printed."""
    legend: tuple[tuple[str, str], ...] = ()
    """(sign, meaning) of the signs used on the sheets."""


@dataclass(frozen=True)
class ContentsLine:
    """One line of the contents: a section and the sheets it occupies."""

    label: str
    first: int
    last: int

    @property
    def sheets(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


def title_page_html(page: TitlePage, contents: Sequence[ContentsLine], total: int) -> str:
    """The title page's body: heading, facts, contents with sheet ranges, the number of sheets,
    the checkpoint, the attached files, the legend and the director's signature and seal."""
    facts = "".join(
        f'<tr><td class="label">{esc(label)}:</td><td>{esc(value)}</td></tr>'
        for label, value in page.facts
    )
    lines = "".join(
        f'<tr><td class="n">{number}</td><td>{esc(line.label)}</td>'
        f'<td class="num">{line.sheets}</td></tr>'
        for number, line in enumerate(contents, start=1)
    )
    files = "".join(
        f"<tr><td>{esc(f.filename)}</td><td>{esc(f.description)}</td>"
        f'<td class="mono">{esc(f.sha256_hex)}</td></tr>'
        for f in page.files
    )
    legend = ""
    if page.legend:
        signs = "; ".join(f"{esc(sign)} — {esc(meaning)}" for sign, meaning in page.legend)
        legend = f'<p class="legend"><b>Условные обозначения:</b> {signs}.</p>'
    checkpoint = page.checkpoint
    return (
        '<div class="title-page">'
        f"<h1>{esc(page.heading)}</h1>"
        f'<table class="title-facts">{facts}</table>'
        "<h3>Содержание</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Раздел</th>'
        f"<th>Листы</th></tr></thead><tbody>{lines}</tbody></table>"
        f'<p class="total">Всего листов: {total}</p>'
        "<h3>Контрольная точка журнала событий</h3>"
        f'<p>Источник: <span class="mono">{esc(checkpoint.origin)}</span>; '
        f"размер дерева (число событий): {checkpoint.size}</p>"
        f'<p>Корень дерева Меркла (SHA-256): <span class="mono">{esc(checkpoint.root_hex)}'
        "</span></p>"
        "<h3>Файлы, вложенные в документ (PDF/A-3)</h3>"
        '<table class="list"><thead><tr><th>Файл</th><th>Содержание</th><th>SHA-256</th></tr>'
        f"</thead><tbody>{files}</tbody></table>"
        f'<p class="note">Документ сформирован: {esc(page.built)}</p>'
        f"{legend}"
        f"{signature_block()}"
        "</div>"
    )
