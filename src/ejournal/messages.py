"""Russian text of every problem the journal answers with (issue 14: Russian for people).

One catalogue, kept next to the errors it speaks for: a title and a detail per problem type
(the slug of its ``type`` URI), a sentence per regulation rule, and a phrase per kind of invalid
input. A detail is a template whose ``{placeholders}`` are filled from the error's structured
fields (``EjournalError.fields``), never made by translating the English detail; when a field is
missing, the type's ``general`` sentence (no placeholders) is said instead.

The API renders problems in Russian when the client asks for it (``Accept-Language: ru``);
English stays the default for clients that do not ask. A test walks every problem type the API
can answer and every error class of the core, and fails when one has no Russian text here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ProblemText:
    """The Russian title and detail of one problem type."""

    title: str
    detail: str
    """A sentence; may name the error's structured fields as ``{placeholders}``."""
    general: str | None = None
    """Said instead of ``detail`` when the error lacks a field it names (no placeholders)."""


PROBLEMS: dict[str, ProblemText] = {
    # Imports, everyday reads and homework due dates (issue 14).
    "import-file-refused": ProblemText(
        "Файл нельзя импортировать",
        "Файл нельзя импортировать: {reason}. Ничего не записано.",
        "Файл нельзя импортировать; ничего не записано.",
    ),
    "account-ambiguous": ProblemText(
        "Под это имя подходит несколько учётных записей",
        "Под это имя подходит несколько учётных записей ({logins}); укажите логин.",
        "Под это имя подходит несколько учётных записей; укажите логин или идентификатор.",
    ),
    "homework-due-not-a-school-day": ProblemText(
        "Срок домашнего задания — учебный день после урока",
        "Срок домашнего задания должен быть учебным днём класса после урока, и задаётся он"
        " только вместе с заданием.",
    ),
    # Creating a school and its first login (Gymnasium 2 §3.2, §5.4).
    "school-exists": ProblemText(
        "Школа уже создана",
        "Школа «{school_id}» уже существует (событий в её журнале: {events}); школу создают"
        " один раз.",
        "Школа уже существует; школу создают один раз.",
    ),
    "password-change-required": ProblemText(
        "Нужно сменить временный пароль",
        "Пароль временный: прежде чем войти, смените его на свой (POST"
        " /api/v1/auth/password-change: логин, временный пароль и новый пароль).",
    ),
    "weak-password": ProblemText(
        "Пароль слишком простой",
        "Пароль не подходит: {hint}",
        "Пароль не подходит: не короче 10 символов, из 5 разных, без логина, не прежний.",
    ),
    # The base classes of the core (ejournal.errors).
    "error": ProblemText("Запрос не может быть выполнен", "Запрос не может быть выполнен."),
    "not-found": ProblemText(
        "Не найдено",
        "Запрошенная запись не найдена или недоступна для вашей учётной записи.",
    ),
    "forbidden": ProblemText(
        "Действие не разрешено для этой роли",
        "Ваша роль не позволяет выполнить это действие с этой записью.",
    ),
    "invariant-violated": ProblemText(
        "Команда противоречит записям журнала",
        "Команда противоречит тому, что уже записано в журнале; ничего не записано.",
    ),
    "rule-violated": ProblemText(
        "Отказано по правилу регламента",
        "{rule_text} ({clause})",
        general="Команду отклонило правило регламента школы.",
    ),
    "deadline-passed": ProblemText(
        "Срок для этой записи истёк",
        "{rule_text}: срок истёк {closes_at} ({clause})",
        general="Срок для этой записи, установленный положением школы, истёк.",
    ),
    "concurrent-modification": ProblemText(
        "Запись изменилась во время выполнения команды",
        "Запись одновременно изменяли другие пользователи, повторные попытки исчерпаны;"
        " повторите запрос.",
    ),
    "storage-unavailable": ProblemText(
        "Хранилище журнала недоступно",
        "База данных журнала сейчас недоступна; повторите запрос через несколько секунд.",
    ),
    # Errors of the core's modules.
    "printing-unavailable": ProblemText(
        "Печать недоступна",
        "Формирование печатных документов на этом сервере сейчас недоступно.",
    ),
    "consent-required": ProblemText(
        "Нет действующего письменного согласия на этого обучающегося",
        "Нет действующего письменного согласия законного представителя на обработку данных"
        " обучающегося ({clause}).",
        general="Нет действующего письменного согласия законного представителя на обработку"
        " данных обучающегося.",
    ),
    "substitution-not-granted": ProblemText(
        "Замена на этот урок не назначена",
        "Вам не назначена замена на этот урок; записи в журнал чужого урока вносятся только"
        " по замене ({clause}).",
        general="Вам не назначена замена на этот урок; записи в журнал чужого урока вносятся"
        " только по замене.",
    ),
    "unknown-profile": ProblemText(
        "Нет такого профиля регламента",
        "Профиль регламента с таким названием не найден.",
    ),
    "proof-request-invalid": ProblemText(
        "Нет такого доказательства",
        "Запрошенное доказательство не может быть построено для этих номеров записей журнала.",
    ),
    "notary-refused": ProblemText(
        "Нотариус отказывается подписать журнал событий",
        "Нотариус отказывается подписать журнал событий.",
    ),
    "history-rewritten": ProblemText(
        "Журнал событий не продолжает последнюю подписанную контрольную точку",
        "Журнал событий больше не продолжает свою последнюю подписанную контрольную точку:"
        " история изменена, подпись не ставится.",
    ),
    "signing-key-not-named": ProblemText(
        "Ключ подписи не тот, что указан в журнале событий",
        "Ключ подписи не совпадает с ключом, который назван в журнале событий.",
    ),
    "checkpoint-invalid": ProblemText(
        "Контрольную точку невозможно проверить",
        "Контрольная точка не проходит проверку: подпись, размер или корень дерева не сходятся.",
    ),
    "event-unreadable": ProblemText(
        "Сохранённое событие невозможно прочитать",
        "Сохранённое событие не удаётся прочитать в каноническом виде.",
    ),
    "school-not-generated": ProblemText(
        "Школу невозможно сгенерировать здесь",
        "Учебную школу невозможно сгенерировать в этом хранилище.",
    ),
    "read-model-stalled": ProblemText(
        "Модель чтения остановилась",
        "Модель чтения не успевает за журналом событий; повторите запрос позже.",
    ),
    "invalid-cursor": ProblemText(
        "Курсор недействителен",
        "Курсор постраничного чтения недействителен: начните чтение с первой страницы.",
    ),
    "idempotency-key-reused": ProblemText(
        "Ключ идемпотентности уже использован для другого запроса",
        "Этот ключ идемпотентности (Idempotency-Key) уже использован для другого запроса;"
        " для нового запроса нужен новый ключ.",
    ),
    "demo-not-seeded": ProblemText(
        "Демонстрационную школу невозможно заполнить здесь",
        "Демонстрационную школу невозможно заполнить в этом хранилище.",
    ),
    "integrity-register-invariant": ProblemText(
        "Команда противоречит реестру целостности",
        "Команда противоречит записям реестра целостности; ничего не записано.",
    ),
    "account-invariant": ProblemText(
        "Команда противоречит данным учётной записи",
        "Команда противоречит данным учётной записи; ничего не записано.",
    ),
    "account-inactive": ProblemText(
        "Учётная запись заблокирована или аннулирована",
        "Учётная запись заблокирована или аннулирована: войти с ней нельзя.",
    ),
    "school-record-invariant": ProblemText(
        "Команда противоречит записи о школе",
        "Команда противоречит тому, что уже записано о школе (название, профиль регламента,"
        " часовой пояс); ничего не записано.",
    ),
    "journal-invariant": ProblemText(
        "Команда противоречит записям классного журнала",
        "Команда противоречит тому, что уже записано в классном журнале; ничего не записано.",
    ),
    "student-not-on-roster": ProblemText(
        "Обучающегося нет в списке этой страницы журнала",
        "Обучающийся не числится в списке этой страницы журнала на дату записи.",
    ),
    "period-closed": ProblemText(
        "Период закрыт",
        "Учебный период закрыт: записи за него больше не вносятся и не исправляются.",
    ),
    "control-work-invariant": ProblemText(
        "Команда противоречит графику контрольных работ",
        "Команда противоречит графику контрольных работ; ничего не записано.",
    ),
    "staff-invariant": ProblemText(
        "Команда противоречит данным о сотрудниках",
        "Команда противоречит записям о сотрудниках; ничего не записано.",
    ),
    "archive-register-invariant": ProblemText(
        "Команда противоречит реестру архива",
        "Команда противоречит записям реестра архива; ничего не записано.",
    ),
    "school-year-invariant": ProblemText(
        "Команда противоречит данным учебного года",
        "Команда противоречит данным учебного года; ничего не записано.",
    ),
    "outside-school-year": ProblemText(
        "Дата вне учебного года",
        "Дата лежит вне учебного года.",
    ),
    "student-invariant": ProblemText(
        "Команда противоречит данным обучающегося",
        "Команда противоречит данным обучающегося; ничего не записано.",
    ),
    "teacher-double-booked": ProblemText(
        "Учитель вёл бы два класса одновременно",
        "Учитель уже ведёт другой класс в {weekday_name} на {slot}-м уроке: два класса"
        " одновременно вести нельзя.",
        general="У учителя уже есть урок в это время: два класса одновременно вести нельзя.",
    ),
    "mark-not-on-scale": ProblemText(
        "Отметки нет в шкале школы",
        "Такой отметки нет в шкале оценивания, принятой в школе.",
    ),
    "absent-student-marked": ProblemText(
        "Обучающийся отсутствовал на этом уроке",
        "Обучающийся отмечен отсутствующим на этом уроке: отметку за работу на уроке"
        " поставить нельзя.",
    ),
    "invalid-span": ProblemText(
        "Недопустимый промежуток дней",
        "Промежуток дней задан неверно: начало позже конца или промежуток слишком длинный.",
    ),
    "lesson-in-future": ProblemText(
        "Урок ещё не проведён",
        "Урок ещё не проведён: записи о нём вносятся после его начала.",
    ),
    "no-lessons-that-day": ProblemText(
        "В этот день уроков нет",
        "В этот день у класса нет уроков по расписанию.",
    ),
    # Errors of the archive (archive/: bags, stores, printed documents).
    "bag-malformed": ProblemText(
        "Пакет архива повреждён",
        "Файл описания или манифест пакета архива не читается так, как требует RFC 8493.",
    ),
    "archive-not-created": ProblemText(
        "Архив не создан",
        "Архив не удалось создать, или его копии после записи не прошли проверку.",
    ),
    "malformed-checkpoint": ProblemText(
        "Контрольная точка составлена неверно",
        "Контрольная точка для печати не в формате C2SP (источник, размер дерева, корень"
        " в base64).",
    ),
    "invalid-printout-request": ProblemText(
        "Неверный запрос на распечатку",
        "Параметры распечатки должны называть одного обучающегося или один класс и один"
        " промежуток дней.",
    ),
    "archive-store-failed": ProblemText(
        "Хранилищем архива не удалось воспользоваться",
        "Хранилище архива не удалось открыть, прочитать или записать.",
    ),
    "archive-store-unreachable": ProblemText(
        "Хранилище архива недоступно",
        "Хранилище архива не отвечает или недоступно целиком: проверка и восстановление"
        " остановлены, копии не считаются повреждёнными.",
    ),
    "archive-not-found": ProblemText(
        "Такого архива в этих хранилищах нет",
        "Ни одно из хранилищ не содержит ни одного файла этого архива.",
    ),
    # Errors of the HTTP layer (api/problems.py and the pre-routing checks).
    "csrf-refused": ProblemText(
        "Форма отклонена: нет ключа защиты",
        "Форма пришла без ключа защиты страницы, на которой её показали (или с чужим ключом):"
        " обновите страницу и отправьте форму ещё раз.",
    ),
    "not-authenticated": ProblemText(
        "Требуется вход",
        "Нужен действующий токен доступа (заголовок Authorization: Bearer …): войдите заново.",
    ),
    "too-many-attempts": ProblemText(
        "Слишком много попыток",
        "Слишком много попыток входа; повторите через {retry_after} с.",
        general="Слишком много попыток входа; повторите позже.",
    ),
    "request-too-large": ProblemText(
        "Запрос слишком велик",
        "Тело запроса больше {max_bytes} байт — наибольшего размера, который принимает сервис.",
        general="Тело запроса больше, чем принимает сервис.",
    ),
    "invalid-request": ProblemText(
        "Запрос составлен неверно",
        "Запрос не соответствует тому, что принимает этот адрес: {errors_text}.",
        general="Запрос не соответствует тому, что принимает этот адрес.",
    ),
    "internal-error": ProblemText(
        "Внутренняя ошибка",
        "Сервис не смог ответить на запрос; причина записана в журнал сервера под номером"
        " запроса {request_id}.",
        general="Сервис не смог ответить на запрос; причина записана в журнал сервера.",
    ),
    "method-not-allowed": ProblemText(
        "Метод не поддерживается",
        "Этот адрес не принимает запросы методом {method}.",
        general="Этот адрес не принимает запросы этим методом.",
    ),
    "bad-request": ProblemText("Неверный запрос", "Запрос не может быть разобран."),
    "unsupported-media-type": ProblemText(
        "Неподдерживаемый тип содержимого", "Тип содержимого тела запроса не поддерживается."
    ),
}
"""Russian title and detail per problem slug."""

INVARIANTS: dict[str, str] = {
    # Said by several aggregates.
    "change.reason_missing": "Для этого изменения нужно указать причину",
    "correction.changes_nothing": "Исправление ничего не меняет: новое значение совпадает"
    " с записанным",
    # Accounts (Account; commands/accounts.py).
    "account.login_taken": "Этот логин уже занят",
    "account.login_has_spaces": "Логин — одно слово без пробелов",
    "account.full_name_missing": "У учётной записи должно быть полное имя человека",
    "account.class_teacher_needs_class": "Роль классного руководителя называет класс",
    "account.psychologist_needs_class": "Роль педагога-психолога называет класс, с которым он"
    " работает",
    "account.class_and_year_together": "Класс и учебный год роли указываются вместе",
    "account.role_needs_student": "Роль родителя или обучающегося называет обучающегося",
    "account.role_has_no_class_scope": "У этой роли не бывает области действия «класс»",
    "account.student_account_one_student": "Учётная запись обучающегося принадлежит одному"
    " обучающемуся",
    "account.role_already_held": "У учётной записи уже есть эта роль в этой области",
    "account.already_blocked": "Учётная запись уже заблокирована",
    "account.not_blocked": "Учётная запись не заблокирована",
    "account.credential_kind_unknown": "Неизвестный вид учётных данных",
    "account.only_password_temporary": "Временным может быть только пароль",
    "account.sign_in_of_other_account": "Вход записывается только той учётной записи, с которой"
    " вошли",
    "account.annulled": "Учётная запись аннулирована: в ней больше ничего не меняется",
    # The class journal (ClassJournal; commands/lessons.py, substitutions.py, results.py).
    "journal.teacher_already_assigned": "Этот учитель уже ведёт этот журнал",
    "ktp.numbering": "Пункты КТП нумеруются по порядку: 1, 2, 3, …",
    "ktp.hours": "На каждый пункт КТП отводится не меньше одного часа",
    "ktp.reason_missing": "Замена КТП указывается с причиной",
    "ktp.item_unknown": "В КТП нет пункта с таким номером",
    "lesson.already_recorded": "Этот урок уже записан",
    "lesson.slot_taken": "На этот день и этот номер урока урок уже записан",
    "lesson.nothing_given": "Укажите тему или домашнее задание: записывать нечего",
    "lesson.details_already_recorded": "Это у урока уже записано; изменить запись можно только"
    " исправлением с указанием причины",
    "lesson.nothing_new": "В запросе нет ничего нового: всё это уже записано",
    "lesson.taught_by_outsider": "Урок ведёт учитель этого журнала или назначенный заменяющий"
    " учитель",
    "homework.due_without_homework": "Срок выполнения задаётся только вместе с домашним заданием",
    "homework.due_not_later": "Срок домашнего задания — день позже урока, на котором оно задано",
    "attendance.already_recorded": "Посещаемость этого обучающегося на уроке уже записана;"
    " изменить её можно только исправлением",
    "absence.not_absent": "Обучающийся не отмечен на этом уроке отсутствующим или опоздавшим",
    "absence.reason_already_recorded": "Эта причина отсутствия уже записана",
    "absence.change_reason_missing": "Изменение записанной причины отсутствия указывается"
    " с причиной изменения",
    "mark.already_recorded": "Эта отметка уже записана",
    "mark.weight_not_positive": "Вес отметки должен быть больше нуля",
    "mark.voided": "Отметка аннулирована; аннулированная отметка больше не меняется",
    "period_mark.already_recorded": "Отметка за период уже выставлена; изменить её можно только"
    " исправлением с указанием причины",
    "period_mark.not_voided": "Отметку за период исправляют, а не аннулируют",
    "authorisation.none_open": "Не найдено действующее разрешение на это исправление"
    " по замечанию заместителя директора",
    "authorisation.already_recorded": "Это разрешение уже записано",
    "authorisation.mark_missing": "Разрешение должно называть отметку, к которой относится",
    "authorisation.remark_missing": "В замечании заместителя директора должно быть сказано,"
    " что записано неверно",
    "substitution.already_recorded": "Эта замена уже записана",
    "substitution.after_lesson": "Урок уже записан: замену назначают до того, как урок записан",
    "substitution.already_has_substitute": "У этого урока уже есть заменяющий учитель",
    "substitution.lesson_recorded_by_substitute": "Заменяющий учитель уже записал этот урок",
    "substitution.not_this_lesson": "Эта замена не распространяется на этот урок",
    "substitution.teacher_not_of_journal": "Заменяемый учитель не ведёт этот журнал",
    "late_entry.already_recorded": "Это разрешение на запись задним числом уже выдано",
    "late_entry.dates_reversed": "Срок разрешения заканчивается раньше, чем начинается",
    "late_entry.not_a_teacher": "Разрешение на запись задним числом выдаётся учителю этого журнала",
    "exam.results_date_missing": "Экзаменационная отметка называет день объявления результатов",
    "exam.results_date_outside": "День объявления результатов экзамена — не раньше начала"
    " учебного года и не в будущем",
    # The schedule of control works (ControlWorks; Gymnasium 2 §6.3).
    "control_work.kind_not_scheduled": "В график вносятся контрольные, лабораторные и другие"
    " фронтальные работы, а не работы этого вида (Gymnasium 2, §6.3)",
    "control_work.already_scheduled": "Эта работа уже есть в графике",
    "control_work.topic_missing": "У запланированной работы должна быть тема",
    "control_work.in_past": "Работу планируют заранее, а не на прошедший день",
    "control_work.cancelled_not_agreed": "Отменённую работу нельзя согласовать",
    "control_work.already_agreed": "Эта работа уже согласована",
    "control_work.already_cancelled": "Эта работа уже отменена",
    "control_work.cancel_reason_missing": "Снятие работы с графика указывается с причиной",
    # The school and its staff (SchoolRecord, StaffRegister; Lyceum 68 §3.8).
    "school.name_missing": "У школы должно быть название",
    "staff.already_listed": "Этот сотрудник уже есть в списке",
    "staff.order_missing": "Кадровое изменение оформляется приказом (Lyceum 68, §3.8.1–3.8.2):"
    " укажите его номер",
    "staff.same_position": "Сотрудник уже занимает эту должность",
    "staff.transfer_before_posting": "Перевод не может быть раньше начала текущего назначения"
    " сотрудника",
    "staff.transfer_reason_missing": "Перевод указывается с причиной",
    "staff.dismissal_before_posting": "Увольнение не может быть раньше начала текущего"
    " назначения сотрудника",
    "staff.dismissal_reason_missing": "Увольнение указывается с причиной",
    "staff.attestation_not_employed": "Аттестация записывается сотруднику, который работает"
    " в школе в день аттестации",
    "staff.attestation_validity": "Аттестация действует до дня, который позже дня аттестации",
    "staff.course_dates_reversed": "Курсы заканчиваются не раньше своего первого дня",
    "staff.course_hours": "Число часов курсов должно быть больше нуля",
    "staff.course_not_employed": "Курсы записываются сотруднику, который работает в школе"
    " в их последний день",
    "staff.dismissed": "Сотрудник уволен",
    # Archives and the integrity register (Gymnasium 2 §10).
    "archive.already_registered": "Этот архив уже зарегистрирован",
    "archive.documents_already_recorded": "Документы этого архива уже записаны",
    "archive.two_stores": "Архив хранится не меньше чем в двух разных хранилищах"
    " (Gymnasium 2, §10.3)",
    "archive.files_and_checkpoint": "Архив содержит файлы и контрольную точку журнала событий",
    "archive.healthy_with_problems": "У исправного архива нет неполадок, которые нужно записать",
    "archive.damaged_without_problems": "У повреждённого архива должны быть названы неполадки",
    "archive.repair_empty": "Восстановление возвращает или откладывает хотя бы один файл",
    "archive.no_documents": "В архиве должен быть хотя бы один документ",
    "archive.document_twice": "Документ архива указывается в списке один раз",
    "integrity.key_invalid": "Это не открытый ключ проверки подписи",
    "integrity.key_origin_differs": "Новый ключ журнала событий носит прежнее имя журнала (origin)",
    "integrity.key_named_before": "Этот ключ уже был назван в реестре",
    "integrity.rotation_reason_missing": "Смена ключа подписи указывается с причиной",
    # The school year (SchoolYear; commands/year.py, students.py).
    "year.already_set_up": "Учебный год с таким названием уже заведён",
    "year.profile_missing": "Укажите профиль регламента года: школа создана без него",
    "year.label_invalid": "Название учебного года — два идущих подряд года с 2000/2001"
    " по 2100/2101, например 2026/2027",
    "year.ends_before_start": "Учебный год должен заканчиваться позже, чем начинается",
    "year.dates_not_in_label": "Даты не совпадают с названием учебного года: год начинается"
    " в первом году названия и заканчивается во втором",
    "year.no_periods": "В учебном году должен быть хотя бы один отчётный период",
    "year.period_ids_repeated": "Обозначения отчётных периодов не должны повторяться",
    "year.periods_and_schemes": "Периоды для всех классов и схемы периодов для части классов"
    " не задаются вместе: укажите классы каждой схемы",
    "year.period_ends_before_start": "Отчётный период заканчивается раньше, чем начинается",
    "year.period_outside_year": "Отчётный период выходит за пределы учебного года",
    "year.periods_overlap": "Отчётный период пересекается с предыдущим",
    "year.scheme_grades_range": "Схема периодов называет параллели с 1-й по 11-ю",
    "year.grade_in_two_schemes": "Параллель входит в две схемы периодов, а у параллели одна схема",
    "year.replacement_reason_missing": "Замена указывается с причиной",
    "year.closed": "Учебный год закрыт",
    "year.profile_reason_missing": "Переход на другой профиль регламента указывается с причиной",
    "year.period_marks_due": "Срок отметок за период не может приходиться на этот день",
    "year.class_exists": "Такой класс в этом учебном году уже есть",
    "year.grade_range": "Параллели — с 1-й по 11-ю",
    "year.class_teacher_already": "Этот учитель уже классный руководитель этого класса",
    "year.journal_already_open": "Этот журнал уже открыт",
    "year.student_already_in_class": "Обучающийся уже числится в классе",
    "year.leave_before_join": "Обучающийся не может выбыть из класса раньше, чем зачислен в него",
    "year.student_already_in_subgroup": "Обучающийся уже в этой подгруппе",
    "year.next_not_after": "Следующий учебный год должен начинаться после этого",
    "closure.dates_reversed": "Перерыв в занятиях заканчивается раньше, чем начинается",
    "closure.already_declared": "Этот перерыв в занятиях уже объявлен",
    "closure.classes": "Перерыв в занятиях называет хотя бы один класс, или ни одного — для"
    " всей школы",
    "closure.reason_missing": "Перерыв в занятиях объявляется с причиной",
    "closure.lift_reason_missing": "Отмена перерыва в занятиях указывается с причиной",
    "bells.slot_repeated": "Каждый урок в расписании звонков указывается один раз",
    "bells.slot_ends_before_start": "Урок в расписании звонков заканчивается позже, чем начинается",
    "timetable.not_a_school_day": "Этот день недели в школе не учебный",
    "timetable.other_class_journal": "Строка расписания называет журнал другого класса",
    "subgroup.move_backdated": "Перевод в другую подгруппу вступает в силу сегодня или позже,"
    " но не задним числом",
    # Students (Student: personal data, guardians, consent, movement, activities, notices).
    "student.born_after_admission": "Дата рождения должна быть раньше даты зачисления",
    "student.admission_order_missing": "Зачисление оформляется приказом: укажите его номер",
    "student.correction_changes_nothing": "Исправленные данные совпадают с записанными",
    "student.guardian_already_recorded": "Этот законный представитель уже записан",
    "student.consent_by_unknown": "Согласие даёт записанный законный представитель (или сам"
    " обучающийся)",
    "student.consent_already_recorded": "Это согласие уже записано",
    "student.consent_withdrawn_before_given": "Согласие нельзя отозвать раньше, чем оно дано",
    "student.printout_days_reversed": "Промежуток дней распечатки заканчивается раньше, чем"
    " начинается",
    "student.in_no_class": "Обучающийся не числится ни в одном классе",
    "student.already_in_class": "Обучающийся уже числится в этом классе",
    "student.promotion_from_no_class": "Обучающийся не числится ни в одном классе, из которого"
    " его можно перевести",
    "student.promotion_same_year": "Перевод в следующий класс переводит обучающегося в другой"
    " учебный год",
    "student.left_school": "Обучающийся выбыл из школы",
    "activity.already_recorded": "Это занятие уже записано",
    "activity.dates_reversed": "Занятие заканчивается не раньше своего первого дня",
    "activity.already_ended": "Это занятие уже закончилось",
    "notice.already_recorded": "Это уведомление уже записано",
    "notice.dates_reversed": "Последний день уведомления — не раньше первого",
    "notice.lessons_reversed": "Последний урок уведомления — не раньше первого",
    "notice.reason_missing": "В уведомлении должно быть сказано, почему ребёнок будет"
    " отсутствовать",
}
"""A Russian sentence per invariant an aggregate or a command names (``InvariantError``'s
``invariant``): the Russian detail of an invariant problem says it, so a person reads what is
wrong. A test walks the source and fails when a raise names none, or one missing here."""

INVARIANT_DETAIL = "{invariant_text}; ничего не записано."
"""The Russian detail of an invariant problem whose invariant the catalogue names."""

HTTP_SLUGS = ("not-found", "method-not-allowed", "bad-request", "unsupported-media-type")
"""The problem types an HTTP error of the framework itself can answer with (no route raised
it): a path nothing serves, a method a path does not take, a body it cannot parse."""

RULES: dict[str, str] = {
    "parent-is-guardian": "Роль родителя выдаётся только учётной записи, записанной законным"
    " представителем обучающегося",
    "consent": "Нет действующего письменного согласия на обработку данных обучающегося",
    "substitution.requires_grant": "Записи в журнал чужого урока вносятся только по назначенной"
    " замене",
    "substitution.lesson_in_timetable": "По расписанию у класса нет такого урока в этот день:"
    " заменять нечего",
    "period_marks.forbidden_values": "Такая запись вместо отметки за период в этой школе не"
    " допускается: отметку получает каждый обучающийся",
    "period_mark_basis.min_current_marks": "Для отметки за период нужно не меньше текущих"
    " отметок, чем требует положение школы",
    "corrections.value_change": "Изменить значение записанной отметки сейчас нельзя: положение"
    " школы это запрещает, ограничивает сроком или требует разрешающего замечания",
    "corrections.voiding": "Аннулировать записанную отметку сейчас нельзя: положение школы это"
    " запрещает, ограничивает сроком или требует разрешающего замечания",
    "corrections.topic_window": "Тема урока исправляется только в срок, который даёт положение"
    " школы",
    "corrections.homework_window": "Домашнее задание исправляется только в срок, который даёт"
    " положение школы",
    "corrections.attendance_window": "Посещаемость исправляется только в срок, который даёт"
    " положение школы",
    "late_entries.permitted": "Внесение этой записи задним числом в этой школе не допускается,"
    " даже с разрешением",
    "presence.work_kinds": "Отсутствовавшему на уроке нельзя поставить отметку за этот вид работы",
    "results_date.missing": "Для этого вида работы укажите дату получения результатов"
    " (results_date): срок считается от неё",
    "results_date.not_for_this_kind": "Дата получения результатов указывается только для"
    " внешних работ; срок этой отметки считается от урока",
    "results_date.in_future": "Дата получения результатов ещё не наступила",
    "results_date.before_lesson": "Дата получения результатов раньше дня, когда работа выполнялась",
    "results.year_after_last_period": "Годовая отметка ставится после отметки за последний"
    " период года, а её у обучающегося нет",
    "results.exam_grades": "Экзаменационные отметки в этом классе не выставляются",
    "results.final_grades": "Итоговые отметки в этом классе не выставляются",
    "results.final_after_year_mark": "Итоговая отметка ставится после годовой, а её у"
    " обучающегося ещё нет",
    "results.final_after_exam": "Итоговая отметка ставится после экзаменационной, а её у"
    " обучающегося ещё нет",
    "first_grade.no_marks": "В первом классе отметки не ставятся",
    "first_grade.no_homework": "В первом классе домашние задания не задаются",
    "subgroups.by_roles": "Переводить обучающегося между подгруппами может только роль,"
    " которую называет положение школы",
    "subgroups.only_at_period_end": "Обучающийся переходит в другую подгруппу только в срок,"
    " который даёт положение школы",
    "deadline.topic": "Тема урока вносится в срок, установленный положением школы",
    "deadline.homework": "Домашнее задание вносится в срок, установленный положением школы",
    "deadline.attendance": "Посещаемость вносится в срок, установленный положением школы",
    "deadline.mark.": "Отметка за этот вид работы вносится в срок, установленный положением школы",
    "deadline.period_mark": "Отметка за период вносится в срок, установленный положением школы",
}
"""A Russian sentence per regulation rule id. An id ending in "." names a family of rules
("deadline.mark." for each kind of work); a rule id ending in ".not_yet_open" or ".on_remark"
is said as its base rule with what the suffix adds (``rule_sentence``)."""

GENERAL_RULE = "Команду отклонило правило регламента «{rule}»"
"""The sentence for a rule this catalogue does not name (a school's own profile may add one)."""

RULE_SUFFIXES: dict[str, str] = {
    "not_yet_open": "{base}; вносить запись ещё рано, приём открывается {opens_at}",
    "on_remark": "{base}; после этого срока — только по замечанию, разрешающему исправление,"
    " и в срок, который даёт положение",
}

CORRECTION_RULE_PREFIX = "corrections."
"""Correction rules of a profile may be named after the kind of change (corrections.<what>)."""

LOCATIONS: dict[str, str] = {
    "body": "тело запроса",
    "query": "параметр запроса",
    "path": "путь",
    "header": "заголовок",
    "cookie": "cookie",
}

VALIDATION: dict[str, str] = {
    "missing": "обязательное поле не передано",
    "extra_forbidden": "такого поля нет",
    "string_type": "нужна строка",
    "int_type": "нужно целое число",
    "int_parsing": "нужно целое число",
    "int_from_float": "нужно целое число",
    "float_parsing": "нужно число",
    "float_type": "нужно число",
    "bool_parsing": "нужно значение true или false",
    "bool_type": "нужно значение true или false",
    "uuid_parsing": "нужен идентификатор UUID",
    "uuid_type": "нужен идентификатор UUID",
    "uuid_version": "нужен идентификатор UUID",
    "date_parsing": "нужна дата в виде ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "нужна дата в виде ГГГГ-ММ-ДД",
    "date_from_datetime_inexact": "нужна дата без времени",
    "date_type": "нужна дата в виде ГГГГ-ММ-ДД",
    "datetime_parsing": "нужны дата и время в формате ISO 8601",
    "datetime_from_date_parsing": "нужны дата и время в формате ISO 8601",
    "datetime_type": "нужны дата и время в формате ISO 8601",
    "timezone_aware": "нужно время с часовым поясом",
    "time_parsing": "нужно время в виде ЧЧ:ММ",
    "enum": "допустимые значения: {expected}",
    "literal_error": "допустимые значения: {expected}",
    "string_too_short": "слишком короткая строка: нужно не меньше {min_length} символов",
    "string_too_long": "слишком длинная строка: допускается не больше {max_length} символов",
    "string_pattern_mismatch": "значение не подходит под нужный вид",
    "too_short": "слишком мало элементов: нужно не меньше {min_length}",
    "too_long": "слишком много элементов: допускается не больше {max_length}",
    "greater_than": "значение должно быть больше {gt}",
    "greater_than_equal": "значение должно быть не меньше {ge}",
    "less_than": "значение должно быть меньше {lt}",
    "less_than_equal": "значение должно быть не больше {le}",
    "list_type": "нужен список",
    "dict_type": "нужен объект",
    "model_type": "нужен объект",
    "model_attributes_type": "нужен объект",
    "json_invalid": "тело запроса — не правильный JSON",
    "json_type": "нужен JSON",
    "json": "поле названо в одном объекте дважды: укажите каждое поле один раз",
    "value_error": "недопустимое значение",
    "assertion_error": "недопустимое значение",
    "union_tag_invalid": "неизвестный вид объекта",
    "union_tag_not_found": "не указан вид объекта",
    "journal_text_character": "недопустимый символ: управляющие символы не допускаются,"
    " а в однострочном тексте — и табуляция, и перевод строки",
    "journal_text_empty": "текст пуст или состоит только из пробелов",
    "journal_text_too_long": "текст длиной {length} символов: допускается не больше {max_length}",
}
"""Russian phrase per kind of invalid input (pydantic's error ``type``, and the service's own
``journal_text_*`` and duplicate-key ``json``); ``{placeholders}`` come from the error's
``ctx``."""

GENERAL_VALIDATION = "недопустимое значение"

WEEKDAYS = ("понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье")
"""Weekdays as "в {weekday}" says them (ISO order, Monday first)."""


def placeholders(template: str) -> set[str]:
    """The field names a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _fill(template: str, fields: Mapping[str, Any]) -> str | None:
    """The template with its fields, or None when one is missing."""
    if not placeholders(template) <= set(fields):
        return None
    return template.format_map({k: _shown(v) for k, v in fields.items()})


def _shown(value: Any) -> Any:
    """A field as a person reads it: a moment as "12.03.2026 18:00" in its own offset."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return f"{datetime.fromisoformat(value):%d.%m.%Y %H:%M}"
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def rule_sentence(rule: str, fields: Mapping[str, Any]) -> str:
    """The Russian sentence for a regulation rule id."""
    base_rule, _, suffix = rule.rpartition(".")
    if suffix in RULE_SUFFIXES and base_rule:
        base = rule_sentence(base_rule, fields)
        said = _fill(RULE_SUFFIXES[suffix], {**fields, "base": base})
        return said if said is not None else base
    template = RULES.get(rule)
    if template is None:
        families = [prefix for prefix in RULES if prefix.endswith(".") and rule.startswith(prefix)]
        template = RULES[max(families, key=len)] if families else GENERAL_RULE
    said = _fill(template, {**fields, "rule": rule})
    return said if said is not None else template


def problem_text(slug: str, fields: Mapping[str, Any]) -> tuple[str, str] | None:
    """The Russian title and detail of a problem, its placeholders filled from ``fields``;
    None for a slug the catalogue does not hold."""
    text = PROBLEMS.get(slug)
    if text is None:
        return None
    known = dict(fields)
    if "rule" in known and "rule_text" not in known:
        known["rule_text"] = rule_sentence(str(known["rule"]), known)
    if isinstance(known.get("weekday"), int) and 1 <= known["weekday"] <= 7:
        known["weekday_name"] = WEEKDAYS[known["weekday"] - 1]
    invariant = INVARIANTS.get(str(known.get("invariant")))
    if invariant is not None:
        return text.title, INVARIANT_DETAIL.format(invariant_text=invariant)
    detail = _fill(text.detail, known)
    if detail is None:
        detail = _fill(text.general, known) if text.general is not None else None
    return text.title, detail if detail is not None else text.title + "."


def validation_message(error_type: str, ctx: Mapping[str, Any] | None) -> str:
    """The Russian phrase for one invalid input."""
    template = VALIDATION.get(error_type)
    if template is None:
        return GENERAL_VALIDATION
    said = _fill(template, dict(ctx or {}))
    return said if said is not None else GENERAL_VALIDATION


def field_name(location: Sequence[str]) -> str:
    """Where an invalid input is, as a person reads it: «тело запроса: marks.0.value»."""
    if not location:
        return "запрос"
    where, *path = location
    place = LOCATIONS.get(where)
    if place is None:
        return ".".join(location)
    return f"{place} «{'.'.join(path)}»" if path else place


def validation_sentence(errors: Sequence[Mapping[str, Any]]) -> str:
    """One Russian sentence naming each invalid field (the first five) and what is wrong."""
    parts = [
        f"{field_name(e['location'])} — {e['message']}"
        for e in errors[:5]
        if isinstance(e.get("location"), Sequence)
    ]
    return "; ".join(parts)
