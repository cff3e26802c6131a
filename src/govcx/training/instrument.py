"""The attitude questionnaire shipped with the programme (plain Python): nine statements on three scales, answered
on a 1–5 agreement scale before training, after it and months later.

No client-orientation or service-attitude instrument with an open licence was found: the published customer-
orientation scales (SOCO, Saxe & Weitz 1982; CUSTOR, Brown et al. 2002; SERV*OR, Lytle et al. 1998) are
copyrighted journal material written for sales and private service staff. These items were written for govcx
after the behaviours those scales measure, for civil servants, and each programme may edit them (docs/training.md).
One item on each scale is reverse-keyed (agreement is the less client-centred answer) to catch acquiescence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    code: str
    scale: str
    text_en: str
    text_ru: str
    reverse: bool = False


SCALES = ("client_focus", "ownership", "clarity")

ITEMS: tuple[Item, ...] = (
    Item("cf_needs", "client_focus", "I find out what a citizen actually needs before I answer.",
         "Прежде чем ответить, я выясняю, что на самом деле нужно гражданину."),
    Item("cf_view", "client_focus", "I look at our procedures through the eyes of the people who use them.",
         "Я смотрю на наши процедуры глазами тех, кто ими пользуется."),
    Item("cf_rules", "client_focus", "If the rules are followed, the citizen's experience is not my concern.",
         "Если правила соблюдены, впечатления гражданина — не моя забота.", reverse=True),
    Item("own_end", "ownership",
         "I follow a citizen's request through until it is resolved, even when another unit is involved.",
         "Я довожу обращение гражданина до результата, даже если в нём участвует другое подразделение."),
    Item("own_fix", "ownership", "When I see a step that makes things hard for people, I propose a change.",
         "Когда я вижу шаг, который усложняет жизнь людям, я предлагаю изменение."),
    Item("own_not_mine", "ownership", "Problems outside my own duties are for others to solve.",
         "Проблемы за пределами моих обязанностей должны решать другие.", reverse=True),
    Item("cl_plain", "clarity", "I write to citizens in plain words, without officialese.",
         "Я пишу гражданам простыми словами, без канцелярита."),
    Item("cl_next", "clarity", "I always tell people what will happen next and when.",
         "Я всегда сообщаю людям, что будет дальше и когда."),
    Item("cl_jargon", "clarity", "Legal wording protects us better than simple explanations.",
         "Юридические формулировки защищают нас лучше, чем простые объяснения.", reverse=True),
)
