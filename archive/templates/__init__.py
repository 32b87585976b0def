"""The archive's documents as HTML: plain Python with ``html.escape``, one stylesheet.

The documents are printed, signed and kept for decades (Lyceum 68 §6.2–6.3), so the layout is
deliberately plain: tables with thin rules, one font family with Cyrillic (DejaVu), no images and
no CSS that makes WeasyPrint slow (DESIGN.md §12). Everything here is pure text building: the
modules import no renderer and touch no database, so the calling process can prepare the HTML
and worker processes only lay it out.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from importlib import resources

MONTHS = {
    1: "Январь",
    2: "Февраль",
    3: "Март",
    4: "Апрель",
    5: "Май",
    6: "Июнь",
    7: "Июль",
    8: "Август",
    9: "Сентябрь",
    10: "Октябрь",
    11: "Ноябрь",
    12: "Декабрь",
}
"""Month names as a journal page's heading prints them."""

SHORT_MONTHS = {
    1: "янв",
    2: "фев",
    3: "мар",
    4: "апр",
    5: "май",
    6: "июн",
    7: "июл",
    8: "авг",
    9: "сен",
    10: "окт",
    11: "ноя",
    12: "дек",
}


def esc(text: object) -> str:
    """Text made safe to place in HTML content or an attribute."""
    return html.escape(str(text), quote=True)


def css_string(text: str) -> str:
    """Text as a quoted CSS string (for generated content in page margins)."""
    # "<" too, so that no text can close the <style> element the rules are placed in.
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    )
    return f'"{escaped}"'


def ru_date(day: date) -> str:
    """A date as Russian documents write it: 07.09.2026."""
    return day.strftime("%d.%m.%Y")


def ru_time(moment: datetime) -> str:
    """A moment in UTC, unambiguous on paper: 01.06.2027 10:00 UTC."""
    return moment.astimezone(UTC).strftime("%d.%m.%Y %H:%M UTC")


def stylesheet() -> str:
    """The one stylesheet every archive document uses."""
    return resources.files(__name__).joinpath("style.css").read_text(encoding="utf-8")


def document(
    *, title: str, author: str, created: datetime, page_rules: str, body: str, lang: str = "ru"
) -> str:
    """A whole HTML document: its metadata (title, author, fixed dates: the PDF's metadata is
    read from these) and the page rules of this one document besides the stylesheet."""
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>"
        f'<meta name="author" content="{esc(author)}">'
        f'<meta name="dcterms.created" content="{stamp}">'
        f'<meta name="dcterms.modified" content="{stamp}">'
        f"<style>{page_rules}</style></head><body>{body}</body></html>"
    )


def page_rules(*, footer: str, first_sheet: int) -> str:
    """Rules for one document's pages: the running footer, and the number its first page
    carries (a document's body is laid out after its title page, so it starts further on)."""
    return (
        f"@page {{ @bottom-left {{ content: {css_string(footer)}; }} }}"
        f"@page :first {{ counter-reset: page {first_sheet}; }}"
    )


def signature_block(role: str = "Директор", *, seal: bool = True) -> str:
    """The place for a signature and, for the director, the seal (Lyceum 68 §3.9.6, §6.2)."""
    stamp = '<tr><td colspan="5" class="seal">М.П.</td></tr>' if seal else ""
    return (
        '<table class="signature"><tr>'
        f"<td>{esc(role)}</td>"
        '<td class="line">&#160;</td><td>/</td><td class="line">&#160;</td><td>/</td></tr>'
        '<tr><td></td><td class="caption">подпись</td><td></td>'
        f'<td class="caption">Ф.И.О.</td><td></td></tr>{stamp}</table>'
    )
