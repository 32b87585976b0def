"""The audit trail as a CSV file: Russian headers, times in the school's zone."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import tzinfo
from typing import Any

from ejournal.projections.audit_trail.queries import AuditEntry
from ejournal.spreadsheets.cells import csv_cell

# --- the CSV export -----------------------------------------------------------------------------

CSV_HEADER = (
    "Позиция в журнале событий",
    "Время записи",
    "Изменение",
    "Кто",
    "Роль",
    "Замена: за кого",
    "Учебный год",
    "Класс",
    "Предмет",
    "Группа",
    "Журнал",
    "Ученик",
    "Учётная запись",
    "Дата урока",
    "Период",
    "Вид работы",
    "Было",
    "Стало",
    "Причина",
    "Документ",
    "Разрешил(а) исправление",
    "Замечание заместителя директора",
    "Позднее заполнение",
    "Запрос",
)


def csv_lines(entries: Iterable[AuditEntry], zone: tzinfo) -> Iterator[str]:
    """The trail as CSV text, a line at a time (UTF-8 with Russian headers; times in the
    school's zone)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: Sequence[Any]) -> str:
        writer.writerow([csv_cell(c) for c in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(CSV_HEADER)
    for e in entries:
        yield line(
            (
                e.position,
                e.recorded_at.astimezone(zone).isoformat(timespec="seconds"),
                e.kind.title_ru,
                e.actor_name or str(e.actor_id),
                e.actor_role.title_ru,
                e.on_behalf_of_name or "",
                e.year or "",
                e.class_code or "",
                e.subject_name or e.subject or "",
                e.subgroup or "",
                str(e.journal_id) if e.journal_id else "",
                e.student_name or (str(e.student_id) if e.student_id else ""),
                e.account_name or (str(e.account_id) if e.account_id else ""),
                e.lesson_date.strftime("%d.%m.%Y") if e.lesson_date else "",
                e.period_id or "",
                e.work_kind.title_ru if e.work_kind else "",
                e.value_before or "",
                e.value_after or "",
                e.reason or "",
                e.note or "",
                e.approved_by_name or "",
                e.approval_remark or "",
                "да" if e.late else "",
                e.request_id or "",
            )
        )
