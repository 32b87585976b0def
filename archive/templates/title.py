"""The title page (титульный лист) of an archive document, and its technical annex.

Lyceum 68 §6.2: the printed sheets of a class are accompanied by a title page stating the
contents and the number of sheets, then bound, signed by the director and sealed. The title page
is for people: what the document is, its contents, the certification of its sheets ("Пронумеровано,
прошнуровано и скреплено печатью N листов", a date line, the director's name and the seal, kept
together on the title page's last sheet), and the fingerprint of the school's key, which anyone
can hold against the one the school published.

The values only a verifier reads (the signed checkpoint the document was built against, its tree
size and root, the files carried inside the PDF with their SHA-256) go to a technical annex, the
document's last section: a paper copy still names the exact electronic record it was printed
from, without jargon on the page the director signs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archive.templates import certification_block, esc


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
    fingerprint: str | None = None
    """The fingerprint of the school's key that signed the checkpoint ("SHA256:xxxx xxxx …"),
    when the document carries the key."""
    director: str | None = None
    """The director's name for the certification ("Ковалёва Г. В."), when the school has one."""


@dataclass(frozen=True)
class ContentsLine:
    """One line of the contents: a section and the sheets it occupies."""

    label: str
    first: int
    last: int

    @property
    def sheets(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


ANNEX_ANCHOR = "technical-annex"
ANNEX_LABEL = "Техническое приложение: сведения для проверки подлинности"


def title_page_html(page: TitlePage, contents: Sequence[ContentsLine], total: int) -> str:
    """The title page's body: heading, facts, contents with sheet ranges, the number of sheets,
    the key's fingerprint, the legend and the certification with the director's signature and
    seal (kept together)."""
    facts = "".join(
        f'<tr><td class="label">{esc(label)}:</td><td>{esc(value)}</td></tr>'
        for label, value in page.facts
    )
    lines = "".join(
        f'<tr><td class="n">{number}</td><td>{esc(line.label)}</td>'
        f'<td class="num">{line.sheets}</td></tr>'
        for number, line in enumerate(contents, start=1)
    )
    legend = ""
    if page.legend:
        signs = "; ".join(f"{esc(sign)} — {esc(meaning)}" for sign, meaning in page.legend)
        legend = f'<p class="legend"><b>Условные обозначения:</b> {signs}.</p>'
    annex = next((line for line in contents if line.label == ANNEX_LABEL), None)
    where = f" (лист {annex.sheets})" if annex is not None else ""
    key = ""
    if page.fingerprint:
        key = (
            '<p class="key">Записи электронного журнала, по которым составлен документ, '
            "заверены электронной подписью школы. Отпечаток ключа: "
            f'<span class="mono">{esc(page.fingerprint)}</span>. Сверьте его с отпечатком, '
            f"который школа опубликовала; сведения для проверки — в техническом приложении{where}."
            "</p>"
        )
    return (
        '<div class="title-page">'
        f"<h1>{esc(page.heading)}</h1>"
        f'<table class="title-facts">{facts}</table>'
        "<h3>Содержание</h3>"
        '<table class="list"><thead><tr><th class="n">№</th><th>Раздел</th>'
        f"<th>Листы</th></tr></thead><tbody>{lines}</tbody></table>"
        f'<p class="total">Всего листов: {total}</p>'
        f"{key}"
        f"{legend}"
        f'<p class="note">Документ сформирован: {esc(page.built)}</p>'
        f"{certification_block(total, page.director)}"
        "</div>"
    )


def annex_html(page: TitlePage) -> str:
    """The technical annex, the document's last section: the checkpoint, the key's
    fingerprint and the attached files with their SHA-256, and how to check them."""
    checkpoint = page.checkpoint
    files = "".join(
        f"<tr><td>{esc(f.filename)}</td><td>{esc(f.description)}</td>"
        f'<td class="mono">{esc(f.sha256_hex)}</td></tr>'
        for f in page.files
    )
    key = (
        f'<p>Отпечаток открытого ключа школы: <span class="mono">{esc(page.fingerprint)}</span></p>'
        if page.fingerprint
        else ""
    )
    return (
        f'<section id="{ANNEX_ANCHOR}" class="annex">'
        f"<h2>{esc(ANNEX_LABEL)}</h2>"
        "<p>Записи электронного журнала образуют журнал событий; его состояние на момент "
        "формирования документа зафиксировано контрольной точкой, подписанной ключом школы. "
        "Проверка не требует доступа к информационной системе школы: журнал событий, "
        "контрольная точка и открытый ключ вложены в архив (PDF/A-3).</p>"
        "<h3>Контрольная точка журнала событий</h3>"
        f'<p>Источник: <span class="mono">{esc(checkpoint.origin)}</span>; '
        f"размер дерева (число событий): {checkpoint.size}</p>"
        f'<p>Корень дерева Меркла (SHA-256): <span class="mono">{esc(checkpoint.root_hex)}'
        "</span></p>"
        f"{key}"
        "<h3>Файлы, вложенные в документ (PDF/A-3)</h3>"
        '<table class="list"><thead><tr><th>Файл</th><th>Содержание</th><th>SHA-256</th></tr>'
        f"</thead><tbody>{files}</tbody></table>"
        f'<p class="note">Документ сформирован: {esc(page.built)}</p>'
        "</section>"
    )
