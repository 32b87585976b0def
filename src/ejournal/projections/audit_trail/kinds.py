"""What kind of change a row of the audit trail records, and how the CSV export names it."""

from __future__ import annotations

from enum import StrEnum

# --- the kinds of change -----------------------------------------------------------------------


class AuditKind(StrEnum):
    """What kind of change a row records: one per event the trail keeps."""

    JOURNAL_OPENED = "journal_opened"
    TEACHER_ASSIGNED = "teacher_assigned"
    TEACHER_RELIEVED = "teacher_relieved"
    KTP_SET = "ktp_set"
    LESSON_HELD = "lesson_held"
    LESSON_DETAILS_RECORDED = "lesson_details_recorded"
    LESSON_DETAILS_CORRECTED = "lesson_details_corrected"
    ATTENDANCE_RECORDED = "attendance_recorded"
    ATTENDANCE_CORRECTED = "attendance_corrected"
    ABSENCE_REASON_SET = "absence_reason_set"
    MARK_RECORDED = "mark_recorded"
    MARK_CORRECTED = "mark_corrected"
    MARK_VOIDED = "mark_voided"
    CORRECTION_AUTHORIZED = "correction_authorized"
    PERIOD_MARK_RECORDED = "period_mark_recorded"
    PERIOD_MARK_CORRECTED = "period_mark_corrected"
    SUBSTITUTION_ASSIGNED = "substitution_assigned"
    SUBSTITUTION_CANCELLED = "substitution_cancelled"
    LATE_ENTRY_PERMITTED = "late_entry_permitted"
    PERIOD_CLOSED = "period_closed"
    STUDENT_ADMITTED = "student_admitted"
    PERSONAL_DATA_CORRECTED = "personal_data_corrected"
    GUARDIAN_ADDED = "guardian_added"
    GUARDIAN_REMOVED = "guardian_removed"
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PROGRESS_PRINTOUT_ISSUED = "progress_printout_issued"
    ABSENCE_NOTICE_GIVEN = "absence_notice_given"
    STUDENT_TRANSFERRED = "student_transferred"
    SUBGROUP_CHANGED = "subgroup_changed"
    STUDENT_PROMOTED = "student_promoted"
    STUDENT_WITHDRAWN = "student_withdrawn"
    YEAR_STARTED = "year_started"
    PROFILE_ADOPTED = "profile_adopted"
    PERIOD_MARKS_DUE_SET = "period_marks_due_set"
    CLOSURE_DECLARED = "closure_declared"
    CLOSURE_LIFTED = "closure_lifted"
    BELL_SCHEDULE_SET = "bell_schedule_set"
    CLASS_FORMED = "class_formed"
    CLASS_TEACHER_ASSIGNED = "class_teacher_assigned"
    TIMETABLE_SET = "timetable_set"
    YEAR_CLOSED = "year_closed"
    ACCOUNT_REGISTERED = "account_registered"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    ACCOUNT_BLOCKED = "account_blocked"
    ACCOUNT_UNBLOCKED = "account_unblocked"
    ACCOUNT_ANNULLED = "account_annulled"
    CREDENTIAL_SET = "credential_set"
    CREDENTIAL_REVOKED = "credential_revoked"
    SIGNING_KEY_REGISTERED = "signing_key_registered"
    SIGNING_KEY_ROTATED = "signing_key_rotated"
    NOTARY_REFUSED_TO_SIGN = "notary_refused_to_sign"
    NOTARY_SIGNING_RESUMED = "notary_signing_resumed"
    SCHOOL_REGISTERED = "school_registered"
    STAFF_HIRED = "staff_hired"
    STAFF_TRANSFERRED = "staff_transferred"
    STAFF_DISMISSED = "staff_dismissed"
    STAFF_ATTESTATION_RECORDED = "staff_attestation_recorded"
    STAFF_TRAINING_RECORDED = "staff_training_recorded"
    ADDITIONAL_EDUCATION_RECORDED = "additional_education_recorded"
    ADDITIONAL_EDUCATION_ENDED = "additional_education_ended"
    WORK_PLANNED = "work_planned"
    WORK_AGREED = "work_agreed"
    WORK_CANCELLED = "work_cancelled"

    @property
    def title_ru(self) -> str:
        """The change as the CSV export names it."""
        return _KIND_RU[self]


MARK_KINDS = frozenset(
    {
        AuditKind.MARK_RECORDED,
        AuditKind.MARK_CORRECTED,
        AuditKind.MARK_VOIDED,
        AuditKind.CORRECTION_AUTHORIZED,
        AuditKind.PERIOD_MARK_RECORDED,
        AuditKind.PERIOD_MARK_CORRECTED,
    }
)
"""A mark's history: what a parent may read about their own child."""

_KIND_RU: dict[AuditKind, str] = {
    AuditKind.JOURNAL_OPENED: "Открыт журнал",
    AuditKind.TEACHER_ASSIGNED: "Назначен учитель",
    AuditKind.TEACHER_RELIEVED: "Учитель освобождён от ведения журнала",
    AuditKind.KTP_SET: "Утверждено КТП",
    AuditKind.LESSON_HELD: "Записан урок",
    AuditKind.LESSON_DETAILS_RECORDED: "Записаны тема или домашнее задание",
    AuditKind.LESSON_DETAILS_CORRECTED: "Исправлены тема или домашнее задание",
    AuditKind.ATTENDANCE_RECORDED: "Отмечена посещаемость",
    AuditKind.ATTENDANCE_CORRECTED: "Исправлена посещаемость",
    AuditKind.ABSENCE_REASON_SET: "Указана причина отсутствия",
    AuditKind.MARK_RECORDED: "Выставлена отметка",
    AuditKind.MARK_CORRECTED: "Исправлена отметка",
    AuditKind.MARK_VOIDED: "Аннулирована отметка",
    AuditKind.CORRECTION_AUTHORIZED: "Разрешено исправление (замечание заместителя директора)",
    AuditKind.PERIOD_MARK_RECORDED: "Выставлена отметка за период",
    AuditKind.PERIOD_MARK_CORRECTED: "Исправлена отметка за период",
    AuditKind.SUBSTITUTION_ASSIGNED: "Назначена замена",
    AuditKind.SUBSTITUTION_CANCELLED: "Отменена замена",
    AuditKind.LATE_ENTRY_PERMITTED: "Разрешено позднее заполнение",
    AuditKind.PERIOD_CLOSED: "Закрыт период",
    AuditKind.STUDENT_ADMITTED: "Зачисление",
    AuditKind.PERSONAL_DATA_CORRECTED: "Исправлены персональные данные",
    AuditKind.GUARDIAN_ADDED: "Добавлен законный представитель",
    AuditKind.GUARDIAN_REMOVED: "Исключён законный представитель",
    AuditKind.CONSENT_RECORDED: "Получено согласие на обработку персональных данных",
    AuditKind.CONSENT_WITHDRAWN: "Отозвано согласие на обработку персональных данных",
    AuditKind.PROGRESS_PRINTOUT_ISSUED: "Выдана распечатка результатов обучения",
    AuditKind.ABSENCE_NOTICE_GIVEN: "Родитель сообщил о предстоящем отсутствии",
    AuditKind.STUDENT_TRANSFERRED: "Перевод в другой класс",
    AuditKind.SUBGROUP_CHANGED: "Перевод в другую группу",
    AuditKind.STUDENT_PROMOTED: "Перевод в следующий класс",
    AuditKind.STUDENT_WITHDRAWN: "Выбытие",
    AuditKind.YEAR_STARTED: "Открыт учебный год",
    AuditKind.PROFILE_ADOPTED: "Принято положение о журнале",
    AuditKind.PERIOD_MARKS_DUE_SET: "Установлен срок отметок за период",
    AuditKind.CLOSURE_DECLARED: "Объявлены каникулы или карантин",
    AuditKind.CLOSURE_LIFTED: "Отменены каникулы или карантин",
    AuditKind.BELL_SCHEDULE_SET: "Утверждено расписание звонков",
    AuditKind.CLASS_FORMED: "Сформирован класс",
    AuditKind.CLASS_TEACHER_ASSIGNED: "Назначен классный руководитель",
    AuditKind.TIMETABLE_SET: "Утверждено расписание уроков",
    AuditKind.YEAR_CLOSED: "Закрыт учебный год",
    AuditKind.ACCOUNT_REGISTERED: "Создана учётная запись",
    AuditKind.ROLE_GRANTED: "Выдана роль",
    AuditKind.ROLE_REVOKED: "Отозвана роль",
    AuditKind.ACCOUNT_BLOCKED: "Учётная запись заблокирована",
    AuditKind.ACCOUNT_UNBLOCKED: "Учётная запись разблокирована",
    AuditKind.ACCOUNT_ANNULLED: "Учётная запись аннулирована",
    AuditKind.CREDENTIAL_SET: "Установлен пароль или ключ доступа",
    AuditKind.CREDENTIAL_REVOKED: "Отозван пароль или ключ доступа",
    AuditKind.SIGNING_KEY_REGISTERED: "Зарегистрирован ключ подписи контрольных точек журнала",
    AuditKind.SIGNING_KEY_ROTATED: "Заменён ключ подписи контрольных точек журнала",
    AuditKind.NOTARY_REFUSED_TO_SIGN: "Отказ в подписи контрольной точки журнала",
    AuditKind.NOTARY_SIGNING_RESUMED: "Подписание контрольных точек журнала возобновлено",
    AuditKind.SCHOOL_REGISTERED: "Создана школа",
    AuditKind.STAFF_HIRED: "Сотрудник принят на работу",
    AuditKind.STAFF_TRANSFERRED: "Сотрудник переведён на другую должность",
    AuditKind.STAFF_DISMISSED: "Сотрудник уволен",
    AuditKind.STAFF_ATTESTATION_RECORDED: "Внесены сведения об аттестации сотрудника",
    AuditKind.STAFF_TRAINING_RECORDED: "Внесены сведения о повышении квалификации сотрудника",
    AuditKind.ADDITIONAL_EDUCATION_RECORDED: "Внесены сведения о дополнительном образовании",
    AuditKind.ADDITIONAL_EDUCATION_ENDED: "Прекращены занятия в дополнительном образовании",
    AuditKind.WORK_PLANNED: "Контрольная (лабораторная) работа внесена в график",
    AuditKind.WORK_AGREED: "Работа в графике согласована заместителем директора",
    AuditKind.WORK_CANCELLED: "Работа снята с графика",
}
