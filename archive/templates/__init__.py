"""The archive's documents as HTML: plain Python with ``html.escape``, one stylesheet.

The documents are printed, signed and kept for decades (Lyceum 68 §6.2–6.3), so the layout is
deliberately plain: tables with thin rules, one font family with Cyrillic (DejaVu), no images and
no CSS that makes WeasyPrint slow (DESIGN.md §12). Everything here is pure text building: the
modules import no renderer and touch no database, so the calling process can prepare the HTML
and worker processes only lay it out.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

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


MOSCOW = ZoneInfo("Europe/Moscow")
"""Russian time zones are named by their offset from Moscow time (МСК, МСК+2, МСК−1)."""


def zone_name(zone: ZoneInfo, moment: datetime) -> str:
    """A school's time zone as people read it: its name and its offset from Moscow time at
    that moment ("Europe/Moscow, МСК", "Asia/Yekaterinburg, МСК+2")."""
    offset = (moment.astimezone(zone).utcoffset() or timedelta()) - (
        moment.astimezone(MOSCOW).utcoffset() or timedelta()
    )
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        relative = "МСК"
    else:
        hours, rest = divmod(abs(minutes), 60)
        sign = "+" if minutes > 0 else "−"
        relative = f"МСК{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{zone.key}, {relative}"


def ru_time(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in the school's own time zone, the zone named, unambiguous on paper:
    "01.06.2027 13:00 (Europe/Moscow, МСК)". A document printed for people never shows UTC:
    the school's clock is the one its staff and its regulation go by."""
    local = moment.astimezone(zone)
    return f"{local.strftime('%d.%m.%Y %H:%M')} ({zone_name(zone, moment)})"


_ONES = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять")
_TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)


def number_in_words(number: int) -> str:
    """A count of sheets in words, as a certification writes it beside the digits (0–9999):
    "двенадцать", "сто один", "две тысячи"."""
    if not 0 <= number <= 9999:
        return str(number)
    if number == 0:
        return "ноль"
    words: list[str] = []
    thousands, rest = divmod(number, 1000)
    if thousands:
        form = plural(thousands, ("тысяча", "тысячи", "тысяч"))
        unit = {1: "одна", 2: "две"}.get(thousands, _ONES[thousands])
        words += [unit, form]
    hundreds, rest = divmod(rest, 100)
    words.append(_HUNDREDS[hundreds])
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    else:
        words += [_TENS[rest // 10], _ONES[rest % 10]]
    return " ".join(w for w in words if w)


def plural(count: int, forms: tuple[str, str, str]) -> str:
    """The Russian noun form for a count: (1 лист, 2 листа, 5 листов)."""
    if count % 10 == 1 and count % 100 != 11:
        return forms[0]
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return forms[1]
    return forms[2]


def sheets_count(count: int) -> str:
    """ "12 (двенадцать) листов", "1 (один) лист", "2 (два) листа"."""
    return f"{count} ({number_in_words(count)}) {plural(count, ('лист', 'листа', 'листов'))}"


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


def signature_block(role: str = "Директор", *, seal: bool = True, name: str | None = None) -> str:
    """The place for a signature and, for the director, the seal (Lyceum 68 §3.9.6, §6.2);
    ``name`` is printed on the name line when known, else the line is left to fill in.

    The block is one unbreakable box: a signature line never parts from its seal."""
    stamp = '<tr><td colspan="5" class="seal">М.П.</td></tr>' if seal else ""
    written = esc(name) if name else "&#160;"
    return (
        '<table class="signature"><tr>'
        f"<td>{esc(role)}</td>"
        f'<td class="line">&#160;</td><td>/</td><td class="line name">{written}</td><td>/</td></tr>'
        '<tr><td></td><td class="caption">подпись</td><td></td>'
        f'<td class="caption">Ф.И.О.</td><td></td></tr>{stamp}</table>'
    )


def certification_block(sheets: int, director: str | None) -> str:
    """The binding certificate of a paper journal (Lyceum 68 §6.2): the real number of sheets
    in digits and words, the director's signature and name, a date line and the seal, kept
    together on one sheet."""
    return (
        '<div class="certification">'
        f"<p>Пронумеровано, прошнуровано и скреплено печатью {sheets_count(sheets)}.</p>"
        f"{signature_block(name=director, seal=False)}"
        '<p class="date-line">«____» ______________ 20____ г.</p>'
        '<p class="seal">М.П.</p>'
        "</div>"
    )
