"""The notice that the service ends for an applicant (School 117 §10).

§10.1: the applicant's login is annulled, access blocked, and a notice sent. §10.2: the notice is
made on the school's letterhead, signed by its head, registered as the school registers its
letters, and names the applicant (surname, name, patronymic), the address it is sent to, the
service, and why the service ends. It is sent to the applicant's e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.templates import esc, signature_block


@dataclass(frozen=True)
class Notice:
    """What the notice prints: the school, the applicant, the service, why, when, on what basis."""

    anchor: str
    school_name: str
    applicant: str
    address: str
    service: str
    reason: str
    ended_on: str
    """The day the service ended (the day of the annulment, in the school's time zone)."""
    basis: str
    """The clause the notice follows, with the regulation's title."""
    officer: str | None
    """Who recorded the annulment (the school's specialist), when known."""
    director: str | None
    built: str


def notice_html(notice: Notice) -> str:
    """The notice's body, one portrait sheet."""
    facts = [
        ("Заявитель", notice.applicant),
        ("Адрес для направления уведомления", notice.address),
        ("Наименование услуги", notice.service),
        ("Причина прекращения предоставления услуги", notice.reason),
        ("Дата прекращения", notice.ended_on),
    ]
    facts_html = "".join(
        f'<tr><td class="label">{esc(label)}:</td><td>{esc(value)}</td></tr>'
        for label, value in facts
    )
    officer = f"<p>Уведомление оформил(а): {esc(notice.officer)}.</p>" if notice.officer else ""
    return (
        f'<section id="{esc(notice.anchor)}" class="printout">'
        f"<h2>{esc(notice.school_name)}</h2>"
        '<p class="date-line">Исх. № ________ от «____» ______________ 20____ г.</p>'
        "<h1>Уведомление о прекращении предоставления услуги</h1>"
        f'<table class="title-facts">{facts_html}</table>'
        f"<p>Уважаемый(ая) {esc(notice.applicant)}! Сообщаем, что предоставление услуги "
        f"«{esc(notice.service)}» прекращено {esc(notice.ended_on)}: учётная запись (логин и "
        "пароль) аннулирована, доступ к автоматизированной системе учреждения заблокирован.</p>"
        f"<p>Основание: {esc(notice.basis)}.</p>"
        f"{officer}"
        f"{signature_block('Руководитель учреждения', name=notice.director)}"
        f'<p class="note">Сформировано: {esc(notice.built)}.</p>'
        "</section>"
    )
