"""Reference content of the demo: authorities, life situations, service passports, users and assessment texts.

Plain data, no Django. Every name is given in English and Russian. Web addresses use `*.example.gov.ru`
hosts, never real government domains. Laws are real federal acts where one plausibly applies; regional
acts are named without invented numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

# A shared password for every demo account (demo mode only: the app refuses to start outside it while
# demo accounts are active).
DEMO_PASSWORD = "Klient-Demo-2026!"

CENTRAL_OFFICE = "cx-office"

# --- organisations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name_en: str
    name_ru: str
    level: str  # federal | regional | municipal
    host: str  # <host>.example.gov.ru
    parent: str | None = None
    region_code: str = ""
    is_central_office: bool = False


ORGANISATIONS: list[OrgSpec] = [
    # Parents come before their children.
    OrgSpec(CENTRAL_OFFICE, "Client-Centricity Project Office of the Government of the Russian Federation",
            "Проектный офис по клиентоцентричности Правительства Российской Федерации", "federal", "cx",
            is_central_office=True),
    OrgSpec("analytical-centre", "Analytical Centre for the Government of the Russian Federation",
            "Аналитический центр при Правительстве Российской Федерации", "federal", "ac"),
    OrgSpec("mintsifry", "Ministry of Digital Development, Communications and Mass Media",
            "Министерство цифрового развития, связи и массовых коммуникаций Российской Федерации", "federal",
            "digital"),
    OrgSpec("mintrud", "Ministry of Labour and Social Protection of the Russian Federation",
            "Министерство труда и социальной защиты Российской Федерации", "federal", "mintrud"),
    OrgSpec("rostrud", "Federal Service for Labour and Employment (Rostrud)",
            "Федеральная служба по труду и занятости (Роструд)", "federal", "rostrud", parent="mintrud"),
    OrgSpec("sfr", "Social Fund of Russia (SFR)",
            "Фонд пенсионного и социального страхования Российской Федерации (СФР)", "federal", "sfr"),
    OrgSpec("minfin", "Ministry of Finance of the Russian Federation",
            "Министерство финансов Российской Федерации", "federal", "minfin"),
    OrgSpec("fns", "Federal Tax Service (FTS of Russia)", "Федеральная налоговая служба (ФНС России)", "federal",
            "fns", parent="minfin"),
    OrgSpec("minek", "Ministry of Economic Development of the Russian Federation",
            "Министерство экономического развития Российской Федерации", "federal", "economy"),
    OrgSpec("rosreestr", "Federal Service for State Registration, Cadastre and Cartography (Rosreestr)",
            "Федеральная служба государственной регистрации, кадастра и картографии (Росреестр)", "federal",
            "rosreestr", parent="minek"),
    OrgSpec("mvd", "Ministry of Internal Affairs of the Russian Federation",
            "Министерство внутренних дел Российской Федерации (МВД России)", "federal", "mvd"),
    # Moscow
    OrgSpec("moscow-gov", "Government of Moscow", "Правительство Москвы", "regional", "mos",
            region_code="RU-MOW"),
    OrgSpec("moscow-dtszn", "Moscow Department of Labour and Social Protection of the Population",
            "Департамент труда и социальной защиты населения города Москвы", "regional", "dszn",
            parent="moscow-gov", region_code="RU-MOW"),
    OrgSpec("moscow-education", "Moscow Department of Education and Science",
            "Департамент образования и науки города Москвы", "regional", "dogm", parent="moscow-gov",
            region_code="RU-MOW"),
    OrgSpec("moscow-zags", "Moscow Civil Registry Office", "Управление ЗАГС Москвы", "regional", "zags-mos",
            parent="moscow-gov", region_code="RU-MOW"),
    OrgSpec("moscow-dpir", "Moscow Department for Entrepreneurship and Innovative Development",
            "Департамент предпринимательства и инновационного развития города Москвы", "regional", "dpir",
            parent="moscow-gov", region_code="RU-MOW"),
    # Lipetsk region
    OrgSpec("lipetsk-gov", "Government of the Lipetsk Region", "Правительство Липецкой области", "regional",
            "lipetsk", region_code="RU-LIP"),
    OrgSpec("lipetsk-social", "Lipetsk Region Social Protection Directorate",
            "Управление социальной защиты населения Липецкой области", "regional", "szn-lipetsk",
            parent="lipetsk-gov", region_code="RU-LIP"),
    OrgSpec("lipetsk-employment", "Lipetsk Region Labour and Employment Directorate",
            "Управление труда и занятости Липецкой области", "regional", "trud-lipetsk", parent="lipetsk-gov",
            region_code="RU-LIP"),
    OrgSpec("lipetsk-city", "Lipetsk City Administration", "Администрация города Липецка", "municipal",
            "city-lipetsk", parent="lipetsk-gov", region_code="RU-LIP"),
    OrgSpec("yelets", "Administration of the Yelets Urban District",
            "Администрация городского округа город Елец", "municipal", "yelets", parent="lipetsk-gov",
            region_code="RU-LIP"),
    # Tula region
    OrgSpec("tula-gov", "Government of the Tula Region", "Правительство Тульской области", "regional", "tula",
            region_code="RU-TUL"),
    OrgSpec("tula-education", "Tula Region Ministry of Education", "Министерство образования Тульской области",
            "regional", "edu-tula", parent="tula-gov", region_code="RU-TUL"),
    OrgSpec("tula-social", "Tula Region Ministry of Labour and Social Protection",
            "Министерство труда и социальной защиты Тульской области", "regional", "szn-tula",
            parent="tula-gov", region_code="RU-TUL"),
    OrgSpec("tula-zags", "Tula Region Civil Registry Committee",
            "Комитет записи актов гражданского состояния Тульской области", "regional", "zags-tula",
            parent="tula-gov", region_code="RU-TUL"),
    OrgSpec("tula-city", "Tula City Administration", "Администрация города Тулы", "municipal", "city-tula",
            parent="tula-gov", region_code="RU-TUL"),
    OrgSpec("novomoskovsk", "Administration of the Novomoskovsk Municipality",
            "Администрация муниципального образования город Новомосковск", "municipal", "novomoskovsk",
            parent="tula-gov", region_code="RU-TUL"),
    # pilots: a pilot participant and the regions the pilot regions are compared with
    OrgSpec("rosimushchestvo", "Federal Agency for State Property Management (Rosimushchestvo)",
            "Федеральное агентство по управлению государственным имуществом (Росимущество)", "federal", "rosim"),
    OrgSpec("kaluga-gov", "Government of the Kaluga Region", "Правительство Калужской области", "regional",
            "kaluga", region_code="RU-KLU"),
    OrgSpec("ryazan-gov", "Government of the Ryazan Region", "Правительство Рязанской области", "regional",
            "ryazan", region_code="RU-RYA"),
    OrgSpec("voronezh-gov", "Government of the Voronezh Region", "Правительство Воронежской области", "regional",
            "voronezh", region_code="RU-VOR"),
]

CLIENT_CATEGORIES: list[tuple[str, str, str]] = [
    ("citizens", "Citizens", "Граждане"),
    ("businesses", "Businesses", "Бизнес (организации и индивидуальные предприниматели)"),
    ("civil_servants", "Civil servants", "Государственные служащие"),
]

LIFE_SITUATIONS: list[tuple[str, str, str]] = [
    ("birth", "Birth of a child", "Рождение ребёнка"),
    ("school", "Starting school", "Поступление в школу"),
    ("moving", "Moving house", "Переезд"),
    ("business-start", "Starting a business", "Открытие бизнеса"),
    ("retirement", "Retirement", "Выход на пенсию"),
    ("car", "Buying a car", "Покупка автомобиля"),
    ("disability", "Disability", "Инвалидность"),
    ("job-loss", "Losing a job", "Потеря работы"),
    ("house-building", "Building a house", "Строительство дома"),
    ("passport", "Applying for a passport", "Получение паспорта"),
    ("large-family", "Large family", "Многодетная семья"),
    ("property-purchase", "Buying a home", "Покупка жилья"),
    ("marriage", "Getting married", "Вступление в брак"),
    ("bereavement", "Loss of a loved one", "Смерть близкого человека"),
    ("civil-service", "Joining the civil service", "Поступление на государственную службу"),
]

# --- building blocks of passports ------------------------------------------------------------------------

# key: (title_en, title_ru, requires_visit)
STEPS: dict[str, tuple[str, str, bool]] = {
    "apply-portal": ("Submit an application on the public services portal",
                     "Подать заявление на портале государственных услуг", False),
    "apply-app": ("Submit an application in the mobile app", "Подать заявление в мобильном приложении", False),
    "apply-any": ("Submit an application online, by phone or at a service centre (MFC)",
                  "Подать заявление онлайн, по телефону или в МФЦ", False),
    "apply-office": ("Submit an application at the authority's office or an MFC",
                     "Подать заявление в ведомстве или в МФЦ", True),
    "consent": ("Confirm the pre-filled offer in the personal account",
                "Подтвердить предзаполненное предложение в личном кабинете", False),
    "notify": ("Receive a notification in the personal account", "Получить уведомление в личном кабинете", False),
    "check-data": ("The authority checks the data through interagency requests",
                   "Ведомство проверяет сведения по межведомственным запросам", False),
    "decision": ("Receive the decision in the personal account", "Получить решение в личном кабинете", False),
    "pay-online": ("Pay the state duty online with a discount", "Оплатить госпошлину онлайн со скидкой", False),
    "e-result": ("Receive the result as an electronic document", "Получить результат в виде электронного документа",
                 False),
    "payment": ("Receive the payment to a bank account", "Получить выплату на банковский счёт", False),
    "collect": ("Collect the result in person", "Получить результат лично", True),
    "collect-certificate": ("Collect the paper certificate at the registry office",
                            "Получить свидетельство на бумаге в органе ЗАГС", True),
    "originals": ("Bring the original documents for verification", "Представить оригиналы документов для сверки",
                  True),
    "photo": ("Have a photograph taken and fingerprints scanned at the office",
              "Сфотографироваться и сдать отпечатки пальцев в подразделении", True),
    "inspection": ("Present the vehicle for inspection", "Представить транспортное средство для осмотра", True),
    "exam": ("Pass the theory and driving examinations", "Сдать теоретический и практический экзамены", True),
    "ceremony": ("Attend the registration of marriage", "Прийти на государственную регистрацию брака", True),
    "interview": ("Attend an interview at the employment centre", "Прийти на собеседование в центр занятости",
                  True),
    "sign-contract": ("Sign the social contract in person", "Подписать социальный контракт лично", True),
    "bank-biometrics": ("Record biometric data at a bank branch", "Сдать биометрию в отделении банка", True),
    "warehouse": ("Collect the device at the issue point or arrange delivery",
                  "Получить изделие в пункте выдачи или заказать доставку", True),
    "commission": ("The commission considers the application", "Комиссия рассматривает заявление", False),
    "choose-school": ("Choose schools and a convenient time slot", "Выбрать школы и удобное время", False),
    "book-slot": ("Book a date and time in the online queue", "Записаться на дату и время через электронную очередь",
                  False),
    "lk-training": ("Enrol in a course in the personal account", "Записаться на курс в личном кабинете", False),
    "lk-complete": ("Complete the course and the final test online", "Пройти курс и итоговое тестирование онлайн",
                    False),
    "card-issue": ("Collect the card at the service centre", "Получить карту в центре госуслуг", True),
    "tax-return": ("Check the pre-filled data in the taxpayer's account",
                   "Проверить предзаполненные сведения в личном кабинете налогоплательщика", False),
    "esia-confirm": ("Confirm the identity online through a bank or with a biometric passport",
                     "Подтвердить личность онлайн через банк или с помощью биометрического загранпаспорта", False),
    "call-dispatcher": ("Book a trip with the dispatcher by phone", "Заказать поездку у диспетчера по телефону",
                        False),
    "portfolio": ("Upload the portfolio of professional achievements",
                  "Загрузить портфолио профессиональных достижений", False),
    "expert-visit": ("Experts observe a lesson", "Эксперты посещают урок", True),
    "ws-signin": ("Sign in to the workstation with the single staff account",
                  "Войти в рабочее место под единой учётной записью сотрудника", False),
    "ws-request": ("Open the applicant's request and handle it in one window",
                   "Открыть обращение заявителя и обработать его в одном окне", False),
    "hr-apply": ("Apply for a vacancy or a training programme", "Подать заявку на вакансию или программу обучения",
                 False),
}

# key: (name_en, name_ru, registry that already holds it, or "" if the applicant must provide it)
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "passport": ("Identity document (passport of a citizen of the Russian Federation)",
                 "Документ, удостоверяющий личность (паспорт гражданина Российской Федерации)", ""),
    "application": ("Application form", "Заявление установленной формы", ""),
    "photos": ("Two personal photographs", "Две личные фотографии", ""),
    "medical-birth": ("Medical certificate of birth", "Медицинское свидетельство о рождении", "ЕГИСЗ"),
    "medical-death": ("Medical certificate of death", "Медицинское свидетельство о смерти", "ЕГИСЗ"),
    "birth-certificate": ("Birth certificate of the child", "Свидетельство о рождении ребёнка", "ЕГР ЗАГС"),
    "birth-certificates": ("Birth certificates of all children", "Свидетельства о рождении всех детей", "ЕГР ЗАГС"),
    "marriage-certificate": ("Marriage certificate", "Свидетельство о заключении брака", "ЕГР ЗАГС"),
    "residence-proof": ("Proof of registration at the place of residence",
                        "Документ о регистрации по месту жительства", "МВД (регистрационный учёт)"),
    "title-deed": ("Extract from the Unified State Register of Real Estate on the title",
                   "Выписка из ЕГРН о правах на объект", "ЕГРН"),
    "land-title": ("Title document for the land plot", "Правоустанавливающий документ на земельный участок", "ЕГРН"),
    "egrul-extract": ("Extract from the Unified State Register of Legal Entities",
                      "Выписка из ЕГРЮЛ", "ФНС (ЕГРЮЛ)"),
    "income-tax": ("Certificate of income and tax withheld", "Справка о доходах и суммах налога", "ФНС"),
    "duty-receipt": ("Receipt for payment of the state duty", "Квитанция об уплате государственной пошлины",
                     "ГИС ГМП"),
    "ipra": ("Individual rehabilitation or habilitation programme",
             "Индивидуальная программа реабилитации или абилитации инвалида", "ФГИС ФРИ"),
    "disability-certificate": ("Certificate of disability", "Справка об установлении инвалидности", "ФГИС ФРИ"),
    "medical-driver": ("Medical report on fitness to drive",
                       "Медицинское заключение о наличии (об отсутствии) противопоказаний к управлению ТС", "ЕГИСЗ"),
    "epts": ("Electronic vehicle passport", "Электронный паспорт транспортного средства",
             "Система электронных паспортов"),
    "osago": ("Compulsory motor third-party liability insurance policy", "Полис ОСАГО", "АИС ОСАГО"),
    "vehicle-contract": ("Vehicle purchase contract", "Договор купли-продажи транспортного средства", ""),
    "loan-agreement": ("Mortgage loan agreement", "Кредитный (ипотечный) договор", ""),
    "sale-contract": ("Contract of sale of the property", "Договор купли-продажи объекта недвижимости", ""),
    "technical-plan": ("Technical plan prepared by a cadastral engineer",
                       "Технический план, подготовленный кадастровым инженером", ""),
    "charter": ("Articles of association", "Устав общества", ""),
    "founders-decision": ("Decision to establish the company", "Решение о создании общества", ""),
    "business-plan": ("Business plan", "Бизнес-план", ""),
    "cost-estimate": ("Estimate of costs to be subsidised", "Смета затрат, подлежащих субсидированию", ""),
    "utility-receipts": ("Receipts for housing and utility payments", "Квитанции об оплате жилищно-коммунальных услуг",
                         ""),
    "income-family": ("Information on family income not held by the state (alimony, income abroad)",
                      "Сведения о доходах семьи, которых нет у государства (алименты, доходы за рубежом)", ""),
    "war-childhood": ("Document confirming birth between 1927 and 1945",
                      "Документ, подтверждающий рождение в период с 1927 по 1945 год", ""),
    "housing-info": ("Information on the living conditions of the family", "Сведения о жилищных условиях семьи", ""),
    "land-scheme": ("Scheme of the planned location of the house on the plot",
                    "Схема планируемого размещения дома на земельном участке", ""),
    "investment-passport": ("Passport of the investment project", "Паспорт инвестиционного проекта", ""),
    "declaration-form": ("Declaration of conformity of working conditions",
                         "Декларация соответствия условий труда государственным нормативным требованиям", ""),
}

# --- laws -----------------------------------------------------------------------------------------------

FZ210 = "Федеральный закон от 27.07.2010 № 210-ФЗ «Об организации предоставления государственных и муниципальных услуг»"
FZ59 = "Федеральный закон от 02.05.2006 № 59-ФЗ «О порядке рассмотрения обращений граждан Российской Федерации»"
FZ143 = "Федеральный закон от 15.11.1997 № 143-ФЗ «Об актах гражданского состояния»"
FZ81 = "Федеральный закон от 19.05.1995 № 81-ФЗ «О государственных пособиях гражданам, имеющим детей»"
FZ256 = ("Федеральный закон от 29.12.2006 № 256-ФЗ «О дополнительных мерах государственной поддержки семей, "
         "имеющих детей»")
FZ400 = "Федеральный закон от 28.12.2013 № 400-ФЗ «О страховых пенсиях»"
FZ181 = "Федеральный закон от 24.11.1995 № 181-ФЗ «О социальной защите инвалидов в Российской Федерации»"
FZ255 = ("Федеральный закон от 29.12.2006 № 255-ФЗ «Об обязательном социальном страховании на случай временной "
         "нетрудоспособности и в связи с материнством»")
FZ167 = "Федеральный закон от 15.12.2001 № 167-ФЗ «Об обязательном пенсионном страховании в Российской Федерации»"
FZ129 = ("Федеральный закон от 08.08.2001 № 129-ФЗ «О государственной регистрации юридических лиц и индивидуальных "
         "предпринимателей»")
FZ422 = ("Федеральный закон от 27.11.2018 № 422-ФЗ «О проведении эксперимента по установлению специального "
         "налогового режима „Налог на профессиональный доход“»")
FZ218 = "Федеральный закон от 13.07.2015 № 218-ФЗ «О государственной регистрации недвижимости»"
FZ114 = ("Федеральный закон от 15.08.1996 № 114-ФЗ «О порядке выезда из Российской Федерации и въезда в Российскую "
         "Федерацию»")
FZ196 = "Федеральный закон от 10.12.1995 № 196-ФЗ «О безопасности дорожного движения»"
FZ283 = ("Федеральный закон от 03.08.2018 № 283-ФЗ «О государственной регистрации транспортных средств в Российской "
         "Федерации»")
LAW5242 = ("Закон РФ от 25.06.1993 № 5242-1 «О праве граждан Российской Федерации на свободу передвижения, выбор места "
           "пребывания и жительства в пределах Российской Федерации»")
FZ565 = "Федеральный закон от 12.12.2023 № 565-ФЗ «О занятости населения в Российской Федерации»"
FZ273 = "Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"
FZ572 = ("Федеральный закон от 29.12.2022 № 572-ФЗ «Об осуществлении идентификации и (или) аутентификации "
         "физических лиц с использованием биометрических персональных данных»")
FZ79 = "Федеральный закон от 27.07.2004 № 79-ФЗ «О государственной гражданской службе Российской Федерации»"
FZ209 = ("Федеральный закон от 24.07.2007 № 209-ФЗ «О развитии малого и среднего предпринимательства в Российской "
         "Федерации»")
FZ178 = "Федеральный закон от 17.07.1999 № 178-ФЗ «О государственной социальной помощи»"
FZ426 = "Федеральный закон от 28.12.2013 № 426-ФЗ «О специальной оценке условий труда»"
FZ149 = "Федеральный закон от 27.07.2006 № 149-ФЗ «Об информации, информационных технологиях и о защите информации»"
TAX_CODE = "Налоговый кодекс Российской Федерации"
ESIA = "Постановление Правительства РФ от 28.11.2011 № 977 «О федеральной государственной информационной системе ЕСИА»"
ALLOWANCE = "Постановление Правительства РФ от 16.12.2022 № 2330 (единое пособие)"
ADDRESS_RULES = ("Постановление Правительства РФ от 19.11.2014 № 1221 «Об утверждении Правил присвоения, изменения и "
                 "аннулирования адресов»")
MOSCOW_FAMILIES = "Закон г. Москвы от 23.11.2005 № 60 «О социальной поддержке семей с детьми в городе Москве»"


def laws(*parts: str) -> str:
    return "; ".join(parts)


# --- service passports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    owner: str
    name_en: str
    name_ru: str
    description_en: str
    description_ru: str
    categories: tuple[str, ...]
    situations: tuple[str, ...]
    channels: tuple[str, ...]
    stage: str
    deadline_days: int
    deadline_kind: str
    fee: str
    legal_basis: str
    steps: tuple[str, ...]
    documents: tuple[str, ...] = ()
    feedback: bool = True  # has a feedback URL
    page: bool = True  # has a public page
    assess: bool = True  # assessed against the model standard in the demo


def svc(code: str, owner: str, en: str, ru: str, desc_en: str, desc_ru: str, *, cats: str, ls: str = "",
        channels: str, stage: str = "live", days: int, kind: str = "working", fee: str = "0", law: str,
        steps: str, docs: str = "", feedback: bool = True, page: bool = True, assess: bool = True) -> ServiceSpec:
    """Compact constructor: categories, life situations, channels, steps and documents as space-separated keys."""
    return ServiceSpec(code, owner, en, ru, desc_en, desc_ru, tuple(cats.split()), tuple(ls.split()),
                       tuple(channels.split()), stage, days, kind, fee, law, tuple(steps.split()),
                       tuple(docs.split()), feedback, page, assess)


SERVICES: list[ServiceSpec] = [
    # ----- civil registry --------------------------------------------------------------------------------
    svc("birth-registration", "moscow-zags",
        "State registration of birth and issuing a birth certificate",
        "Государственная регистрация рождения и выдача свидетельства о рождении",
        "Registers the birth of a child and issues the birth certificate.",
        "Регистрация рождения ребёнка и выдача свидетельства о рождении.",
        cats="citizens", ls="birth", channels="portal office", days=1,
        law=laws(FZ143, FZ210), steps="apply-portal collect-certificate", docs="passport medical-birth"),
    svc("marriage-registration", "moscow-zags",
        "State registration of marriage", "Государственная регистрация заключения брака",
        "Registers a marriage on the date chosen by the couple.",
        "Регистрация брака в выбранную парой дату.",
        cats="citizens", ls="marriage", channels="portal office", days=30, kind="calendar", fee="350",
        law=laws(FZ143, "Семейный кодекс Российской Федерации"), steps="apply-portal pay-online ceremony",
        docs="passport"),
    svc("death-registration", "tula-zags",
        "State registration of death", "Государственная регистрация смерти",
        "Registers a death and issues the death certificate to the family.",
        "Регистрация смерти и выдача свидетельства о смерти родственникам.",
        cats="citizens", ls="bereavement", channels="office portal", days=1,
        law=laws(FZ143, FZ210), steps="apply-office collect", docs="passport medical-death"),
    # ----- Social Fund -----------------------------------------------------------------------------------
    svc("unified-allowance", "sfr",
        "Unified allowance for families with children",
        "Единое пособие в связи с рождением и воспитанием ребёнка",
        "A monthly means-tested allowance for pregnant women and families with children under 17.",
        "Ежемесячное пособие для беременных женщин и семей с детьми до 17 лет с учётом доходов.",
        cats="citizens", ls="birth large-family", channels="portal office mobile_app", days=10,
        law=laws(FZ81, ALLOWANCE), steps="apply-portal check-data decision payment", docs="income-family"),
    svc("maternity-capital", "sfr",
        "Issuing a maternity (family) capital certificate",
        "Выдача государственного сертификата на материнский (семейный) капитал",
        "The certificate is issued without an application once the birth is registered.",
        "Сертификат оформляется без заявления после регистрации рождения ребёнка.",
        cats="citizens", ls="birth large-family", channels="proactive portal mobile_app", days=5,
        law=laws(FZ256), steps="check-data notify e-result"),
    svc("maternity-capital-use", "sfr",
        "Disposal of maternity capital funds", "Распоряжение средствами материнского (семейного) капитала",
        "Transfers maternity capital to pay for housing, education or a funded pension.",
        "Направление средств материнского капитала на жильё, образование или накопительную пенсию.",
        cats="citizens", ls="property-purchase large-family", channels="portal office", days=10,
        law=laws(FZ256, FZ210), steps="apply-portal check-data decision", docs="loan-agreement title-deed"),
    svc("old-age-pension", "sfr",
        "Assigning an old-age insurance pension", "Назначение страховой пенсии по старости",
        "Assigns the insurance pension when the person reaches retirement age.",
        "Назначение страховой пенсии при достижении пенсионного возраста.",
        cats="citizens", ls="retirement", channels="portal office phone", days=10,
        law=laws(FZ400), steps="apply-portal check-data decision payment", docs="passport"),
    svc("disability-pension", "sfr",
        "Assigning a disability pension without an application",
        "Беззаявительное назначение пенсии по инвалидности",
        "The pension is assigned from the data of the federal register of disabled persons.",
        "Пенсия назначается по сведениям федерального реестра инвалидов без заявления.",
        cats="citizens", ls="disability", channels="proactive portal", days=5,
        law=laws(FZ400, FZ181), steps="check-data notify payment"),
    svc("childcare-allowance", "sfr",
        "Monthly childcare allowance up to 18 months", "Ежемесячное пособие по уходу за ребёнком до 1,5 лет",
        "Paid to working parents on leave, from the employer's data, without an application.",
        "Выплачивается работающим родителям в отпуске по уходу по сведениям работодателя, без заявления.",
        cats="citizens", ls="birth", channels="proactive portal", days=10,
        law=laws(FZ81, FZ255), steps="check-data notify payment"),
    svc("sick-leave-benefit", "sfr",
        "Electronic sick note and temporary disability benefit",
        "Электронный больничный и пособие по временной нетрудоспособности",
        "The benefit is paid directly by the Fund from the electronic sick note.",
        "Пособие выплачивается Фондом напрямую на основании электронного листка нетрудоспособности.",
        cats="citizens businesses", channels="proactive portal mobile_app", days=10, kind="calendar",
        law=laws(FZ255), steps="check-data notify payment"),
    svc("assistive-devices", "sfr",
        "Providing assistive devices to people with disabilities",
        "Обеспечение инвалидов техническими средствами реабилитации",
        "Provides wheelchairs, hearing aids and other devices under the rehabilitation programme.",
        "Обеспечение креслами-колясками, слуховыми аппаратами и другими изделиями по программе реабилитации.",
        cats="citizens", ls="disability", channels="portal office", days=15,
        law=laws(FZ181, FZ210), steps="apply-portal decision warehouse", docs="passport ipra"),
    svc("pension-account-statement", "sfr",
        "Statement of the individual pension account", "Информирование о состоянии индивидуального лицевого счёта",
        "Shows the length of service, pension points and contributions.",
        "Сведения о стаже, пенсионных баллах и страховых взносах.",
        cats="citizens", ls="retirement", channels="portal mobile_app office", days=1,
        law=laws(FZ167), steps="apply-portal e-result"),
    svc("employer-registration", "sfr",
        "Registering an employer as an insurer", "Регистрация страхователей — юридических лиц",
        "Employers are registered with the Fund automatically from the state register of legal entities.",
        "Работодатели регистрируются в Фонде автоматически по сведениям ЕГРЮЛ.",
        cats="businesses", ls="business-start", channels="proactive portal", days=3,
        law=laws(FZ167, FZ255), steps="check-data notify"),
    svc("retirement-online", "sfr",
        "Retiring online: pension assigned from the state's data",
        "Выход на пенсию онлайн: назначение пенсии по данным государства",
        "A new end-to-end journey: the Fund prepares the pension and the person only confirms it.",
        "Новый сквозной сценарий: Фонд готовит назначение, человеку остаётся только подтвердить.",
        cats="citizens", ls="retirement", channels="proactive portal mobile_app", stage="alpha", days=5,
        law=laws(FZ400), steps="notify consent payment"),
    svc("sfr-client-workstation", "sfr",
        "Client-service specialist's workstation", "Автоматизированное рабочее место специалиста клиентской службы",
        "The single workstation that client-service staff of the Fund use to serve visitors.",
        "Единое рабочее место специалистов клиентских служб Фонда для приёма граждан.",
        cats="civil_servants", channels="portal", stage="beta", days=1,
        law=laws(FZ149), steps="ws-signin ws-request"),
    # ----- Federal Tax Service ---------------------------------------------------------------------------
    svc("sole-proprietor-registration", "fns",
        "Registering a sole proprietor",
        "Государственная регистрация физического лица в качестве индивидуального предпринимателя",
        "Registers a person as a sole proprietor; free of charge when applying online.",
        "Регистрация гражданина в качестве ИП; при подаче онлайн госпошлина не уплачивается.",
        cats="businesses", ls="business-start", channels="portal mobile_app office", days=3, fee="800",
        law=laws(FZ129, TAX_CODE), steps="apply-portal check-data e-result", docs="passport application"),
    svc("llc-registration", "fns",
        "Registering a limited liability company", "Государственная регистрация юридического лица при создании",
        "Registers a new company and enters it in the Unified State Register of Legal Entities.",
        "Регистрация нового юридического лица и внесение сведений в ЕГРЮЛ.",
        cats="businesses", ls="business-start", channels="portal office", days=3, fee="4000",
        law=laws(FZ129, TAX_CODE), steps="apply-portal check-data e-result",
        docs="application charter founders-decision duty-receipt"),
    svc("self-employed-registration", "fns",
        "Registering as self-employed (professional income tax)",
        "Постановка на учёт в качестве плательщика налога на профессиональный доход",
        "Registration in the “My Tax” app in a few minutes.",
        "Регистрация в приложении «Мой налог» за несколько минут.",
        cats="citizens businesses", ls="business-start job-loss", channels="mobile_app portal", days=6,
        law=laws(FZ422), steps="apply-app e-result"),
    svc("property-tax-deduction", "fns",
        "Property tax deduction in the simplified procedure",
        "Имущественный налоговый вычет в упрощённом порядке",
        "The deduction is offered in the taxpayer's account from the bank's data; no tax return is needed.",
        "Вычет предлагается в личном кабинете по данным банка, декларация не нужна.",
        cats="citizens", ls="property-purchase", channels="proactive portal mobile_app", days=30,
        kind="calendar", law=laws(TAX_CODE + ", ст. 220, 221.1"), steps="tax-return consent payment"),
    svc("inn-registration", "fns",
        "Registering an individual with the tax authority and issuing a taxpayer number (INN)",
        "Постановка физического лица на учёт в налоговом органе и выдача свидетельства ИНН",
        "Issues the taxpayer identification number as an electronic document.",
        "Выдача ИНН в форме электронного документа.",
        cats="citizens", channels="portal office", days=5,
        law=laws(TAX_CODE + ", ст. 83, 84"), steps="apply-portal e-result", docs="passport"),
    svc("egrul-extract", "fns",
        "Extract from the register of legal entities and sole proprietors",
        "Предоставление сведений из ЕГРЮЛ и ЕГРИП",
        "An electronic extract signed by the tax service, free of charge.",
        "Выписка в электронном виде с подписью налогового органа, бесплатно.",
        cats="businesses", ls="business-start", channels="portal", days=1,
        law=laws(FZ129), steps="apply-portal e-result"),
    svc("usn-transition", "fns",
        "Switching to the simplified tax system", "Уведомление о переходе на упрощённую систему налогообложения",
        "A notice of transition to the simplified tax regime for small businesses.",
        "Уведомление о переходе на УСН для малого бизнеса.",
        cats="businesses", ls="business-start", channels="portal mobile_app office", days=1,
        law=laws(TAX_CODE + ", гл. 26.2"), steps="apply-portal notify"),
    svc("business-via-bank", "fns",
        "Registering a business through a partner bank", "Регистрация бизнеса через банк-партнёр",
        "A pilot: the bank submits the registration together with opening an account.",
        "Пилот: банк подаёт документы на регистрацию вместе с открытием счёта.",
        cats="businesses", ls="business-start", channels="portal mobile_app", stage="alpha", days=1,
        law=laws(FZ129), steps="apply-app e-result", assess=False),
    # ----- Rosreestr -------------------------------------------------------------------------------------
    svc("property-rights-registration", "rosreestr",
        "State registration of rights to real estate", "Государственная регистрация прав на недвижимое имущество",
        "Registers ownership and other rights to flats, houses and land.",
        "Регистрация права собственности и иных прав на квартиры, дома и землю.",
        cats="citizens businesses", ls="property-purchase", channels="portal office", days=7, fee="4000",
        law=laws(FZ218, TAX_CODE), steps="apply-portal pay-online check-data e-result",
        docs="passport sale-contract"),
    svc("egrn-extract", "rosreestr",
        "Extract from the Unified State Register of Real Estate",
        "Предоставление сведений из Единого государственного реестра недвижимости",
        "Information on a property, its owners and encumbrances.",
        "Сведения об объекте недвижимости, правообладателях и обременениях.",
        cats="citizens businesses", ls="property-purchase house-building", channels="portal office", days=3,
        fee="350", law=laws(FZ218), steps="apply-portal pay-online e-result"),
    svc("house-registration", "rosreestr",
        "Cadastral registration and registration of rights to a newly built house",
        "Государственный кадастровый учёт и регистрация прав на построенный индивидуальный жилой дом",
        "Registers a new house and the owner's title in one procedure.",
        "Постановка нового дома на учёт и регистрация права собственности в одной процедуре.",
        cats="citizens", ls="house-building", channels="portal office", days=7, fee="350",
        law=laws(FZ218, "Градостроительный кодекс Российской Федерации"),
        steps="apply-portal check-data e-result", docs="technical-plan land-title"),
    # ----- Ministry of Internal Affairs --------------------------------------------------------------------
    svc("internal-passport", "mvd",
        "Issuing and replacing the passport of a citizen of the Russian Federation",
        "Выдача, замена паспорта гражданина Российской Федерации",
        "Issues the internal passport at 14 and replaces it at 20 and 45.",
        "Выдача паспорта в 14 лет и его замена в 20 и 45 лет.",
        cats="citizens", ls="passport", channels="portal office", days=10, kind="calendar", fee="300",
        law=laws(FZ210, "Постановление Правительства РФ от 23.12.2023 № 2267 «Об утверждении положения о паспорте "
                 "гражданина Российской Федерации»"),
        steps="apply-portal pay-online photo collect", docs="photos birth-certificate"),
    svc("foreign-passport", "mvd",
        "Issuing a biometric passport for travel abroad", "Оформление и выдача заграничного паспорта нового образца",
        "A ten-year biometric passport for travel abroad.",
        "Биометрический заграничный паспорт сроком действия десять лет.",
        cats="citizens", ls="passport", channels="portal office", days=30, kind="calendar", fee="6000",
        law=laws(FZ114, TAX_CODE), steps="apply-portal pay-online photo collect", docs="passport"),
    svc("driving-licence", "mvd",
        "Issuing and replacing a driving licence", "Выдача и замена водительского удостоверения",
        "Issues the licence after the examinations or replaces an expired one.",
        "Выдача удостоверения после экзаменов или замена удостоверения с истёкшим сроком.",
        cats="citizens", ls="car", channels="portal office", days=1, fee="2000",
        law=laws(FZ196, TAX_CODE), steps="apply-portal exam collect", docs="passport medical-driver"),
    svc("vehicle-registration", "mvd",
        "Registering a vehicle", "Государственная регистрация транспортного средства",
        "Registers a new or second-hand vehicle and issues number plates.",
        "Регистрация нового или подержанного автомобиля и выдача номерных знаков.",
        cats="citizens businesses", ls="car", channels="portal office", days=1, fee="2850",
        law=laws(FZ283, TAX_CODE), steps="apply-portal pay-online inspection collect",
        docs="passport vehicle-contract epts osago"),
    svc("residence-registration", "mvd",
        "Registration at the place of residence", "Регистрационный учёт граждан по месту жительства",
        "Registers a person at a new address after a move.",
        "Регистрация гражданина по новому адресу после переезда.",
        cats="citizens", ls="moving", channels="portal office", days=3,
        law=laws(LAW5242, FZ210), steps="apply-portal check-data e-result", docs="passport title-deed"),
    svc("criminal-record-certificate", "mvd",
        "Certificate of the presence or absence of a criminal record",
        "Выдача справки о наличии (отсутствии) судимости",
        "Needed for jobs in education, health care and the civil service.",
        "Требуется для работы в образовании, здравоохранении и на государственной службе.",
        cats="citizens", ls="civil-service", channels="portal office", days=30, kind="calendar",
        law=laws(FZ210, FZ79), steps="apply-portal check-data e-result", docs="passport"),
    # ----- Ministry of Digital Development -------------------------------------------------------------------
    svc("esia-account", "mintsifry",
        "Registering and confirming a public services account",
        "Регистрация и подтверждение учётной записи в ЕСИА",
        "The confirmed account gives access to all online public services.",
        "Подтверждённая учётная запись открывает доступ ко всем электронным госуслугам.",
        cats="citizens", channels="portal mobile_app office", days=1,
        law=laws(ESIA, FZ149), steps="apply-portal esia-confirm notify"),
    svc("biometrics", "mintsifry",
        "Recording biometric data in the Unified Biometric System",
        "Размещение биометрических персональных данных в Единой биометрической системе",
        "Lets people confirm their identity remotely with a face and voice sample.",
        "Позволяет подтверждать личность удалённо по изображению лица и голосу.",
        cats="citizens", channels="portal mobile_app office", days=1,
        law=laws(FZ572), steps="book-slot bank-biometrics notify", docs="passport"),
    svc("feedback-platform", "mintsifry",
        "Considering appeals through the Feedback Platform",
        "Рассмотрение обращений граждан и организаций через Платформу обратной связи",
        "Citizens and organisations send appeals and complaints to any authority in one place.",
        "Граждане и организации направляют обращения и жалобы в любой орган власти в одном месте.",
        cats="citizens businesses", channels="portal mobile_app", days=30, kind="calendar",
        law=laws(FZ59), steps="apply-portal decision"),
    svc("operator-workspace", "mintsifry",
        "Single workspace for contact-centre operators",
        "Единое рабочее место оператора центра обслуживания",
        "Operators of the public services contact centre see every request in one window.",
        "Операторы единого контакт-центра видят все обращения в одном окне.",
        cats="civil_servants", channels="portal", stage="alpha", days=1, law=laws(FZ149),
        steps="ws-signin ws-request", page=False),
    svc("hr-portal", "mintsifry",
        "Unified HR system of the civil service",
        "Единая информационная система управления кадровым составом государственной гражданской службы",
        "Vacancies, competitions, personal files and training of civil servants.",
        "Вакансии, конкурсы, личные дела и обучение государственных гражданских служащих.",
        cats="civil_servants", ls="civil-service", channels="portal", stage="beta", days=1,
        law=laws(FZ79), steps="ws-signin hr-apply notify"),
    # ----- Labour and employment ----------------------------------------------------------------------------
    svc("unemployment-benefit", "rostrud",
        "Registering as unemployed and assigning unemployment benefit",
        "Регистрация в качестве безработного и назначение пособия по безработице",
        "Apply on the “Work in Russia” platform; the benefit is paid while looking for work.",
        "Заявление подаётся на платформе «Работа России»; пособие выплачивается на время поиска работы.",
        cats="citizens", ls="job-loss", channels="portal office", days=11,
        law=laws(FZ565), steps="apply-portal interview decision payment", docs="passport"),
    svc("job-search", "rostrud",
        "Assistance in finding a suitable job", "Содействие гражданам в поиске подходящей работы",
        "Vacancies, career advice and training offers for job seekers.",
        "Подбор вакансий, профориентация и предложения по обучению для ищущих работу.",
        cats="citizens", ls="job-loss", channels="portal mobile_app office phone", days=10,
        law=laws(FZ565), steps="apply-any decision"),
    svc("working-conditions-declaration", "rostrud",
        "Filing a declaration of conformity of working conditions",
        "Приём декларации соответствия условий труда государственным нормативным требованиям охраны труда",
        "Employers declare the results of the special assessment of working conditions.",
        "Работодатели декларируют результаты специальной оценки условий труда.",
        cats="businesses", channels="portal", days=10,
        law=laws(FZ426), steps="apply-portal notify", docs="declaration-form"),
    svc("civil-servant-training", "mintrud",
        "Client-centricity training for civil servants",
        "Обучение государственных служащих клиентоцентричности",
        "An online course and practice sessions on designing services around people's needs.",
        "Онлайн-курс и практикумы по проектированию услуг вокруг потребностей людей.",
        cats="civil_servants", ls="civil-service", channels="portal", days=10,
        law=laws(FZ79), steps="lk-training lk-complete"),
    # ----- Economic development -------------------------------------------------------------------------------
    svc("sme-support-platform", "minek",
        "Support for small and medium-sized businesses on the digital platform",
        "Предоставление мер поддержки субъектам МСП на цифровой платформе",
        "Loans, grants and training for small businesses in one account.",
        "Льготные кредиты, гранты и обучение для малого бизнеса в одном личном кабинете.",
        cats="businesses", ls="business-start", channels="portal mobile_app", stage="beta", days=5,
        law=laws(FZ209), steps="apply-portal decision"),
    # ----- Moscow ------------------------------------------------------------------------------------------------
    svc("first-grade-moscow", "moscow-education",
        "Enrolling a child in the first grade of a Moscow school",
        "Запись в первый класс государственной общеобразовательной организации города Москвы",
        "Parents choose a school online; documents are obtained by the department itself.",
        "Родители выбирают школу онлайн, документы департамент получает сам.",
        cats="citizens", ls="school", channels="portal mobile_app", days=7,
        law=laws(FZ273, FZ210), steps="choose-school apply-portal decision"),
    svc("kindergarten-moscow", "moscow-education",
        "Enrolling a child in a Moscow kindergarten", "Запись в детский сад города Москвы",
        "Places in kindergartens are offered from the electronic queue.",
        "Места в детских садах предлагаются по электронной очереди.",
        cats="citizens", ls="birth school", channels="portal mobile_app", days=7,
        law=laws(FZ273, FZ210), steps="apply-portal decision"),
    svc("proactive-school-moscow", "moscow-education",
        "Proactive offer of a school place by the place of residence",
        "Проактивное предложение места в школе по месту жительства",
        "A design concept: families get an offer of a place without applying.",
        "Концепция: семья получает предложение места в школе без заявления.",
        cats="citizens", ls="school", channels="proactive mobile_app", stage="design", days=5,
        law=laws(FZ273), steps="notify consent"),
    svc("large-family-moscow", "moscow-dtszn",
        "Issuing the electronic large family certificate in Moscow",
        "Оформление электронного удостоверения многодетной семьи города Москвы",
        "The certificate is issued automatically when the third child is born.",
        "Удостоверение оформляется автоматически при рождении третьего ребёнка.",
        cats="citizens", ls="large-family birth", channels="proactive portal mobile_app", days=10,
        law=laws(MOSCOW_FAMILIES), steps="check-data notify e-result"),
    svc("newborn-gift-moscow", "moscow-dtszn",
        "Gift set for newborns", "Подарочный набор для новорождённых",
        "A set of essentials for the baby, offered when the birth is registered.",
        "Набор необходимых вещей для малыша, предлагается при регистрации рождения.",
        cats="citizens", ls="birth", channels="proactive portal", days=10,
        law=laws(MOSCOW_FAMILIES), steps="notify consent"),
    svc("social-card-moscow", "moscow-dtszn",
        "Issuing the Muscovite social card", "Выдача социальной карты москвича",
        "A card for free travel and discounts for pensioners, large families and people with disabilities.",
        "Карта для бесплатного проезда и скидок пенсионерам, многодетным семьям и инвалидам.",
        cats="citizens", ls="retirement disability large-family", channels="portal office", days=30,
        kind="calendar", law=laws(MOSCOW_FAMILIES, FZ210), steps="apply-portal card-issue", docs="passport photos"),
    svc("career-centre-moscow", "moscow-dtszn",
        "Career counselling at the “My Career” employment centre",
        "Профориентационные консультации в центре занятости «Моя карьера»",
        "Individual career counselling and job matching for Muscovites.",
        "Индивидуальные карьерные консультации и подбор вакансий для москвичей.",
        cats="citizens", ls="job-loss", channels="portal office phone", days=5,
        law=laws(FZ565), steps="book-slot interview", feedback=False),
    svc("our-city-moscow", "moscow-gov",
        "Residents' reports on the “Our City” portal",
        "Рассмотрение сообщений жителей на портале «Наш город»",
        "Residents report problems in their yards, buildings and streets and follow the fix.",
        "Жители сообщают о проблемах во дворах, домах и на улицах и следят за их устранением.",
        cats="citizens", ls="moving", channels="portal mobile_app", days=8,
        law=laws(FZ59), steps="apply-app decision"),
    svc("sme-subsidy-moscow", "moscow-dpir",
        "Subsidies to small businesses in Moscow", "Субсидии субъектам малого предпринимательства города Москвы",
        "Compensates part of the costs of equipment and leasing.",
        "Компенсация части затрат на оборудование и лизинг.",
        cats="businesses", ls="business-start", channels="portal", stage="beta", days=10,
        law=laws(FZ209, FZ210), steps="apply-portal commission decision",
        docs="business-plan cost-estimate egrul-extract"),
    # ----- Lipetsk region -------------------------------------------------------------------------------------------
    svc("large-family-payment-lipetsk", "lipetsk-social",
        "Monthly payment to large families in the Lipetsk region",
        "Ежемесячная денежная выплата многодетным семьям Липецкой области",
        "A regional monthly payment to families with three or more children.",
        "Региональная ежемесячная выплата семьям с тремя и более детьми.",
        cats="citizens", ls="large-family", channels="portal office", days=10,
        law=laws("Закон Липецкой области о социальной поддержке многодетных семей", FZ210),
        steps="apply-portal check-data decision payment", docs="passport birth-certificates"),
    svc("regional-capital-lipetsk", "lipetsk-social",
        "Regional maternity capital at the birth of a third child",
        "Региональный материнский капитал при рождении третьего ребёнка",
        "Offered proactively from the civil registry's data.",
        "Предлагается проактивно по данным органов ЗАГС.",
        cats="citizens", ls="birth large-family", channels="proactive portal", days=15,
        law=laws("Закон Липецкой области о региональном материнском капитале", FZ210),
        steps="notify consent payment"),
    svc("social-taxi-lipetsk", "lipetsk-social",
        "“Social taxi” for people with disabilities", "Предоставление услуги «Социальное такси» инвалидам",
        "Transport to hospitals and social institutions at a reduced fare.",
        "Поездки в медицинские и социальные учреждения по льготному тарифу.",
        cats="citizens", ls="disability", channels="phone office", days=5, fee="0",
        law=laws(FZ181), steps="call-dispatcher", docs="passport disability-certificate", feedback=False,
        page=False),
    svc("utilities-compensation-lipetsk", "lipetsk-social",
        "Compensation of housing and utility costs",
        "Компенсация расходов на оплату жилого помещения и коммунальных услуг",
        "For veterans, people with disabilities and other eligible groups.",
        "Ветеранам, инвалидам и другим категориям граждан, имеющим право на компенсацию.",
        cats="citizens", ls="retirement disability", channels="portal office", days=10,
        law=laws(FZ181, FZ210), steps="apply-portal decision payment", docs="utility-receipts"),
    svc("business-grant-lipetsk", "lipetsk-employment",
        "Grant to unemployed people starting a business",
        "Единовременная финансовая помощь безработным гражданам при открытии собственного дела",
        "Start-up support for registered unemployed people.",
        "Поддержка открытия дела для зарегистрированных безработных граждан.",
        cats="citizens businesses", ls="job-loss business-start", channels="office portal", days=30,
        kind="calendar", law=laws(FZ565), steps="apply-office commission decision payment",
        docs="passport business-plan"),
    svc("young-family-housing-lipetsk", "lipetsk-city",
        "Housing grants to young families in Lipetsk",
        "Предоставление социальных выплат молодым семьям на приобретение (строительство) жилья",
        "A municipal grant towards buying or building a home.",
        "Муниципальная выплата на покупку или строительство жилья.",
        cats="citizens", ls="property-purchase marriage", channels="office", days=10,
        law=laws(FZ210, "Жилищный кодекс Российской Федерации"), steps="apply-office commission decision",
        docs="passport marriage-certificate housing-info"),
    svc("izhs-notice-lipetsk", "lipetsk-city",
        "Notice of planned construction of a detached house",
        "Приём уведомления о планируемом строительстве объекта индивидуального жилищного строительства",
        "Checks that a planned house complies with the rules for the plot.",
        "Проверка соответствия планируемого дома параметрам, допустимым на участке.",
        cats="citizens", ls="house-building", channels="portal office", days=7,
        law=laws("Градостроительный кодекс Российской Федерации, ст. 51.1", FZ210),
        steps="apply-portal decision", docs="land-title land-scheme"),
    svc("kindergarten-yelets", "yelets",
        "Registering a child for a municipal kindergarten in Yelets",
        "Постановка на учёт для зачисления в муниципальный детский сад (Елец)",
        "Places in the town's kindergartens are offered from the electronic queue.",
        "Места в детских садах города предлагаются по электронной очереди.",
        cats="citizens", ls="birth school", channels="portal office", stage="beta", days=7,
        law=laws(FZ273, FZ210), steps="apply-portal decision"),
    # ----- Tula region ---------------------------------------------------------------------------------------------
    svc("first-grade-tula", "tula-education",
        "Enrolling a child in the first grade in the Tula region",
        "Приём заявлений о зачислении в первый класс (Тульская область)",
        "Applications to schools of the region through the regional portal.",
        "Подача заявлений в школы региона через региональный портал.",
        cats="citizens", ls="school", channels="portal office", days=5,
        law=laws(FZ273, FZ210), steps="apply-portal originals decision",
        docs="birth-certificate residence-proof"),
    svc("extracurricular-certificate-tula", "tula-education",
        "Certificate for after-school education of children",
        "Выдача сертификата дополнительного образования детей",
        "A personal certificate that pays for clubs and sports sections.",
        "Персональный сертификат, которым оплачиваются кружки и спортивные секции.",
        cats="citizens", ls="school", channels="portal mobile_app", days=1,
        law=laws(FZ273), steps="apply-portal e-result"),
    svc("teacher-certification-tula", "tula-education",
        "Certification of teachers for a qualification category",
        "Аттестация педагогических работников на квалификационную категорию",
        "Teachers apply for the first or highest category and submit a portfolio.",
        "Педагоги подают заявление на первую или высшую категорию и представляют портфолио.",
        cats="civil_servants", channels="portal office", stage="beta", days=60, kind="calendar",
        law=laws(FZ273), steps="apply-portal portfolio expert-visit decision"),
    svc("third-child-payment-tula", "tula-social",
        "Monthly payment at the birth of a third or subsequent child",
        "Ежемесячная денежная выплата в случае рождения третьего ребёнка или последующих детей",
        "A regional payment until the child turns three.",
        "Региональная выплата до достижения ребёнком трёх лет.",
        cats="citizens", ls="birth large-family", channels="portal office", days=10,
        law=laws("Закон Тульской области о мерах социальной поддержки семей с детьми", FZ210),
        steps="apply-portal check-data decision payment"),
    svc("social-contract-tula", "tula-social",
        "State social assistance under a social contract",
        "Оказание государственной социальной помощи на основании социального контракта",
        "Support for finding a job, starting a business or running a household.",
        "Помощь в поиске работы, открытии своего дела или ведении личного подсобного хозяйства.",
        cats="citizens", ls="job-loss business-start", channels="office portal", days=10,
        law=laws(FZ178), steps="apply-portal commission sign-contract payment", docs="business-plan"),
    svc("children-of-war-tula", "tula-social",
        "Issuing the “Children of War” certificate", "Выдача удостоверения «Дети войны»",
        "A regional status and benefits for people born between 1927 and 1945.",
        "Региональный статус и меры поддержки для родившихся с 1927 по 1945 год.",
        cats="citizens", ls="retirement", channels="office portal", days=15,
        law=laws("Закон Тульской области о статусе «Дети войны»"), steps="apply-portal decision collect",
        docs="passport war-childhood"),
    svc("address-assignment-tula", "tula-city",
        "Assigning an address to a property", "Присвоение адреса объекту адресации",
        "Assigns or changes the address of a building or a land plot.",
        "Присвоение или изменение адреса здания или земельного участка.",
        cats="citizens businesses", ls="house-building moving", channels="portal office", days=10,
        law=laws(ADDRESS_RULES, FZ210), steps="apply-portal decision", docs="land-title"),
    svc("housing-need-novomoskovsk", "novomoskovsk",
        "Recognising a family as needing better housing",
        "Признание граждан нуждающимися в жилых помещениях, предоставляемых по договорам социального найма",
        "Places the family on the municipal housing waiting list.",
        "Постановка семьи на учёт нуждающихся в жилье в муниципалитете.",
        cats="citizens", ls="large-family property-purchase", channels="office", days=30,
        law=laws("Жилищный кодекс Российской Федерации, ст. 52", FZ210), steps="apply-office commission collect",
        docs="passport housing-info income-tax", feedback=False),
    svc("investment-window-tula", "tula-gov",
        "One-stop support for investment projects",
        "Сопровождение инвестиционных проектов по принципу «одного окна»",
        "A project manager guides an investor through land, permits and utilities.",
        "Проектный менеджер сопровождает инвестора по вопросам земли, разрешений и подключения к сетям.",
        cats="businesses", ls="business-start", channels="office phone portal", stage="beta", days=10,
        law=laws("Закон Тульской области о государственной поддержке инвестиционной деятельности"),
        steps="apply-portal commission decision", docs="investment-passport"),
    svc("land-for-large-families-tula", "tula-city",
        "Free land plots for large families", "Бесплатное предоставление земельных участков многодетным семьям",
        "Plots for building a house, allocated in order of the waiting list.",
        "Участки под строительство дома предоставляются в порядке очереди.",
        cats="citizens", ls="large-family house-building", channels="office", stage="live", days=30,
        kind="calendar", law=laws("Земельный кодекс Российской Федерации, ст. 39.5"),
        steps="apply-office commission collect", docs="passport birth-certificates", assess=False),
    svc("school-meals-tula", "tula-education",
        "Free school meals for children from large families",
        "Бесплатное питание школьников из многодетных семей",
        "Meals are assigned automatically from the register of large families.",
        "Питание назначается автоматически по сведениям регистра многодетных семей.",
        cats="citizens", ls="large-family school", channels="proactive portal", stage="beta", days=5,
        law=laws(FZ273), steps="check-data notify", assess=False),
    svc("disability-parking-moscow", "moscow-dtszn",
        "Parking permit for vehicles carrying people with disabilities",
        "Оформление разрешения на парковку транспортного средства, управляемого инвалидом или перевозящего инвалида",
        "Entered in the federal register of disabled persons; no paper permit is needed.",
        "Сведения вносятся в федеральный реестр инвалидов, бумажное разрешение не требуется.",
        cats="citizens", ls="disability car", channels="portal mobile_app office", days=1,
        law=laws(FZ181), steps="apply-portal notify", assess=False),
    svc("pension-certificate", "sfr",
        "Certificate of the amount of pension", "Выдача справки о размере пенсии",
        "An electronic certificate available in the personal account at any time.",
        "Электронная справка доступна в личном кабинете в любое время.",
        cats="citizens", ls="retirement", channels="portal mobile_app", days=1,
        law=laws(FZ400), steps="apply-portal e-result", assess=False),
    svc("appeal-tax-decision", "fns",
        "Appealing a decision of a tax authority", "Обжалование решений налоговых органов",
        "Complaints against tax decisions considered by the higher tax authority.",
        "Жалобы на решения налоговых органов рассматривает вышестоящий налоговый орган.",
        cats="citizens businesses", channels="portal mobile_app office", days=15,
        law=laws(TAX_CODE + ", гл. 19"), steps="apply-portal decision", assess=False),
]

# --- assessments ------------------------------------------------------------------------------------------------

MODEL_PACK = "govcx-model-standard"

# Further first-round assessments against international packs: (service code, pack id).
EXTRA_ASSESSMENTS: list[tuple[str, str]] = [
    ("unified-allowance", "uk-service-standard"),
    ("maternity-capital", "uk-service-standard"),
    ("sole-proprietor-registration", "uk-service-standard"),
    ("esia-account", "uk-service-standard"),
    ("first-grade-moscow", "uk-service-standard"),
    ("internal-passport", "uk-service-standard"),
    ("job-search", "uk-service-standard"),
    ("sole-proprietor-registration", "eu-egovernment-benchmark"),
    ("llc-registration", "eu-egovernment-benchmark"),
    ("property-rights-registration", "eu-egovernment-benchmark"),
    ("egrn-extract", "eu-egovernment-benchmark"),
    ("vehicle-registration", "eu-egovernment-benchmark"),
    ("esia-account", "eu-egovernment-benchmark"),
    ("unemployment-benefit", "eu-egovernment-benchmark"),
]


@dataclass(frozen=True)
class Improvement:
    """What an authority changed in a passport before asking for a re-assessment."""

    service: str
    pack: str
    note_en: str
    note_ru: str
    drop_registry_documents: bool = False  # now obtained through interagency requests
    no_visits: bool = False
    add_channels: tuple[str, ...] = ()
    add_feedback: bool = False
    deadline_days: int | None = None


REASSESSMENTS: list[Improvement] = [
    Improvement("birth-registration", MODEL_PACK,
                "The medical birth certificate is now received from the health information system.",
                "Медицинское свидетельство о рождении теперь поступает из ЕГИСЗ.",
                drop_registry_documents=True),
    Improvement("unified-allowance", MODEL_PACK,
                "The allowance is now extended proactively.", "Продление пособия теперь выполняется проактивно.",
                add_channels=("proactive",)),
    Improvement("assistive-devices", MODEL_PACK,
                "The rehabilitation programme is read from the federal register; devices are delivered.",
                "Программа реабилитации берётся из ФГИС ФРИ, изделия доставляются на дом.",
                drop_registry_documents=True, no_visits=True),
    Improvement("llc-registration", MODEL_PACK,
                "Payment of the duty is checked in the state payments system.",
                "Оплата пошлины проверяется по ГИС ГМП.", drop_registry_documents=True),
    Improvement("internal-passport", MODEL_PACK,
                "The birth certificate is obtained from the civil registry.",
                "Свидетельство о рождении запрашивается в ЕГР ЗАГС.", drop_registry_documents=True),
    Improvement("vehicle-registration", MODEL_PACK,
                "The electronic vehicle passport and the insurance policy are checked online.",
                "ЭПТС и полис ОСАГО проверяются онлайн.", drop_registry_documents=True),
    Improvement("large-family-payment-lipetsk", MODEL_PACK,
                "Birth certificates are obtained from the civil registry.",
                "Свидетельства о рождении запрашиваются в ЕГР ЗАГС.", drop_registry_documents=True,
                add_channels=("mobile_app",)),
    Improvement("first-grade-tula", MODEL_PACK,
                "Documents are obtained by interagency requests; no visit to the school.",
                "Документы запрашиваются межведомственно, визит в школу не нужен.",
                drop_registry_documents=True, no_visits=True),
    Improvement("career-centre-moscow", MODEL_PACK,
                "A feedback form was added.", "Добавлена форма обратной связи.", add_feedback=True),
    Improvement("unified-allowance", "uk-service-standard",
                "User research and accessibility audit completed.",
                "Проведены исследование пользователей и аудит доступности."),
]

# --- users ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    organisation: str
    first_name: str
    last_name: str


USERS: list[UserSpec] = [
    UserSpec("admin", "admin", CENTRAL_OFFICE, "Ольга", "Кузнецова"),
    UserSpec("analyst", "central_analyst", CENTRAL_OFFICE, "Дмитрий", "Орлов"),
    UserSpec("researcher.ac", "lab_researcher", "analytical-centre", "Марина", "Белова"),
    UserSpec("researcher.fns", "lab_researcher", "fns", "Алексей", "Громов"),
    UserSpec("owner.sfr", "service_owner", "sfr", "Елена", "Соколова"),
    UserSpec("assessor.sfr", "assessor", "sfr", "Игорь", "Миронов"),
    UserSpec("owner.fns", "service_owner", "fns", "Наталья", "Зайцева"),
    UserSpec("assessor.fns", "assessor", "fns", "Павел", "Лебедев"),
    UserSpec("owner.mvd", "service_owner", "mvd", "Андрей", "Волков"),
    UserSpec("owner.moscow", "service_owner", "moscow-gov", "Светлана", "Морозова"),
    UserSpec("assessor.moscow", "assessor", "moscow-gov", "Роман", "Павлов"),
    UserSpec("viewer.moscow", "viewer", "moscow-dtszn", "Татьяна", "Семёнова"),
    UserSpec("owner.lipetsk", "service_owner", "lipetsk-gov", "Сергей", "Фёдоров"),
    UserSpec("assessor.lipetsk", "assessor", "lipetsk-gov", "Ирина", "Николаева"),
    UserSpec("owner.tula", "service_owner", "tula-gov", "Максим", "Егоров"),
    UserSpec("assessor.tula", "assessor", "tula-gov", "Юлия", "Козлова"),
    UserSpec("viewer.tula", "viewer", "tula-education", "Виктор", "Степанов"),
    UserSpec("cx.sfr", "cx_analyst", "sfr", "Анна", "Васильева"),
    UserSpec("cx.moscow", "cx_analyst", "moscow-gov", "Кирилл", "Новиков"),
    UserSpec("proactive.tula", "proactive_officer", "tula-social", "Людмила", "Андреева"),
    UserSpec("proactive.moscow", "proactive_officer", "moscow-dtszn", "Денис", "Захаров"),
    UserSpec("training.moscow", "training_officer", "moscow-gov", "Вера", "Полякова"),
    UserSpec("training.tula", "training_officer", "tula-gov", "Олег", "Макаров"),
]

# --- assessors' evidence and adjustments -------------------------------------------------------------------------

# requirement id -> evidence text by level (good, partial, poor), in Russian.
EVIDENCE: dict[str, tuple[str, str, str]] = {
    "cit-plain-language": (
        "Тексты страницы и формы проверены по методике «Понятный язык»; 9 из 10 участников тестирования поняли "
        "условия без подсказок.",
        "Основные тексты переписаны, но в уведомлениях остаются канцеляризмы и ссылки на статьи закона.",
        "Форма заявления повторяет текст регламента; участники тестирования не смогли определить, имеют ли право "
        "на услугу."),
    "bus-single-window": (
        "Все шаги доступны в одном личном кабинете на портале, повторный ввод сведений не требуется.",
        "Заявление подаётся в одном окне, но статус приходится проверять в системе ведомства.",
        "Предприниматель обращается в три разные системы и дважды вводит одни и те же сведения."),
    "cs-usable-tools": (
        "Юзабилити-тестирование с 8 сотрудниками: все типовые задачи выполнены без ошибок.",
        "Интерфейс понятен, но поиск заявителя занимает более минуты; доработка в плане.",
        "Сотрудники ведут записи в бумажных журналах параллельно с системой."),
    "cs-single-workspace": (
        "Сведения о заявителе подтягиваются из смежных систем, двойного ввода нет.",
        "Двойной ввод сохраняется для двух из семи типовых операций.",
        "Оператор работает в четырёх системах и переносит данные вручную."),
    "cs-knowledge-base": (
        "База знаний обновляется в день изменения регламента, есть ответственный редактор.",
        "База знаний есть, но 15% статей устарели более чем на полгода.",
        "Актуальной базы знаний нет, сотрудники пользуются личными заметками."),
    "cs-training": (
        "92% сотрудников прошли курс по клиентоцентричности в текущем году.",
        "Обучение прошли 55% сотрудников, остальные запланированы на следующий квартал.",
        "Обучение клиентоцентричности не проводилось."),
    "cs-internal-feedback": (
        "Внутренний канал предложений работает, предложения разбираются еженедельно.",
        "Канал обратной связи есть, но ответы на предложения не публикуются.",
        "Сотрудникам некуда направить предложения по улучшению услуги."),
    "cs-empowerment": (
        "Специалисты вправе сами исправлять ошибки в данных заявителя без служебной записки.",
        "Полномочия расширены для части операций, остальное согласуется с руководителем.",
        "Любое отклонение от стандартного сценария требует письменного согласования."),
    "cs-co-design": (
        "Сотрудники клиентских служб участвовали в трёх сессиях проектирования новой версии услуги.",
        "Сотрудников опрашивали, но к проектированию не привлекали.",
        "Изменения внедряются без участия сотрудников, работающих с заявителями."),
}

GENERIC_EVIDENCE = (
    "Требование выполнено: представлены материалы исследования и результаты наблюдения за услугой.",
    "Требование выполнено частично: выявлены отдельные недостатки, план доработки согласован.",
    "Требование не выполнено: подтверждающие материалы не представлены, проблемы подтверждены наблюдением.",
)

# requirement id -> (action in English, action in Russian)
ADJUSTMENT_ACTIONS: dict[str, tuple[str, str]] = {
    "cit-fully-online": ("Remove the in-person step: deliver the result electronically or by post",
                         "Исключить личный визит: выдавать результат в электронном виде или по почте"),
    "cit-feedback": ("Add a feedback form to the service page and the personal account",
                     "Добавить форму обратной связи на страницу услуги и в личный кабинет"),
    "cit-public-information": ("Publish the service page with the conditions, the deadline and the legal basis",
                               "Опубликовать страницу услуги с условиями, сроками и правовыми основаниями"),
    "cit-plain-language": ("Rewrite the form and notifications in plain language and test them with users",
                           "Переписать форму и уведомления понятным языком и протестировать их с пользователями"),
    "cit-proactive": ("Offer the service proactively from the data of state registries",
                      "Предлагать услугу проактивно по данным государственных реестров"),
    "cit-channels": ("Make the service available in the mobile app",
                     "Обеспечить доступность услуги в мобильном приложении"),
    "bus-fully-online": ("Allow businesses to complete every step online",
                         "Обеспечить прохождение всех шагов онлайн для бизнеса"),
    "bus-single-window": ("Move status tracking into the single business account",
                          "Перенести отслеживание статуса в единый личный кабинет предпринимателя"),
    "bus-transparent-requirements": ("Publish the complete list of requirements and grounds for refusal",
                                     "Опубликовать полный перечень требований и оснований для отказа"),
    "bus-feedback": ("Connect the service to the Feedback Platform", "Подключить услугу к Платформе обратной связи"),
    "bus-proactive": ("Notify businesses proactively when the service becomes relevant",
                      "Проактивно информировать бизнес о возможности получить услугу"),
    "cs-usable-tools": ("Fix the five most frequent usability problems of the workstation",
                        "Устранить пять самых частых проблем удобства рабочего места"),
    "cs-single-workspace": ("Integrate the workstation with the adjacent systems to end double entry",
                            "Интегрировать рабочее место со смежными системами и исключить двойной ввод"),
    "cs-knowledge-base": ("Assign an editor and review every knowledge-base article",
                          "Назначить редактора и актуализировать все статьи базы знаний"),
    "cs-training": ("Train the remaining staff in client-centricity",
                    "Обучить клиентоцентричности оставшихся сотрудников"),
    "cs-internal-feedback": ("Publish answers to staff suggestions every month",
                             "Ежемесячно публиковать ответы на предложения сотрудников"),
    "cs-empowerment": ("Delegate the correction of applicants' data to front-line staff",
                       "Делегировать исправление данных заявителя специалистам первой линии"),
    "cs-co-design": ("Involve front-line staff in the design sessions of the next release",
                     "Привлечь специалистов первой линии к проектированию следующей версии"),
}

ADJUSTMENT_OWNERS: list[str] = [
    "Е. В. Соколова, отдел цифровой трансформации",
    "А. С. Иванов, управление организации предоставления услуг",
    "М. П. Кириллова, клиентская служба",
    "Д. А. Смирнов, департамент информационных технологий",
    "О. Н. Власова, отдел методологии",
    "И. Г. Тарасов, проектный офис ведомства",
    "Н. В. Алексеева, юридический отдел",
    "К. Р. Никитин, отдел сопровождения информационных систем",
]
