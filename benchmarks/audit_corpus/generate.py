"""The frozen audit benchmark corpus: 120 local pages written deterministically (a fixed seed, no clock, no
network), so every run of ``bench_audit.py`` and ``audit_peer_plain.py`` audits the same bytes.

Kinds (cycled): light pages, heavy pages (thousands of elements, inline images), forms (labelled and not),
same-origin iframes, long Russian and English text, wide and long tables, meta-refresh and script redirects
(landing on a page of the corpus), contrast and naming failures. ``python generate.py DIR`` writes them.
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

PAGES = 120
SEED = 20261203
SHA256 = "464d5b0a173c2e6b89b11e276a46411ec56f47cc65c784929c8df5f631044b14"  # of pages(); write() checks it
WORDS_RU = ("услуга", "заявление", "получить", "документ", "срок", "гражданин", "портал", "справка", "оплата",
            "пособие", "регистрация", "паспорт", "обращение", "ответ", "рабочих", "дней", "можно", "нужно")
WORDS_EN = ("service", "apply", "benefit", "document", "deadline", "citizen", "portal", "certificate", "payment",
            "register", "passport", "request", "answer", "working", "days", "you", "can", "need")
PIXEL = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='8' height='8'%3E%3Crect "
         "width='8' height='8' fill='%23369'/%3E%3C/svg%3E")
CSS = ("body{font-family:sans-serif;max-width:60rem;margin:0 auto;padding:1rem}"
       ".low{color:#aaa;background:#fff}.wide{width:1400px}table{border-collapse:collapse}"
       "td,th{border:1px solid #999;padding:2px}")


def sentence(rng: random.Random, words: tuple[str, ...], length: int) -> str:
    text = " ".join(rng.choice(words) for _ in range(length))
    return text[0].upper() + text[1:] + "."


def page(title: str, body: str, *, lang: str = "ru", head: str = "", viewport: bool = True) -> str:
    meta = '<meta name="viewport" content="width=device-width, initial-scale=1">' if viewport else ""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{meta}<title>{title}</title>'
            f"<style>{CSS}</style>{head}</head><body><header><a href=\"index.html\">Главная</a></header>"
            f"<main><h1>{title}</h1>{body}</main><footer><p>Госуслуга</p></footer></body></html>")


def light(rng: random.Random, n: int) -> str:
    return page(f"Страница {n}", "".join(f"<p>{sentence(rng, WORDS_RU, 8)}</p>" for _ in range(3)))


def heavy(rng: random.Random, n: int) -> str:
    items = "".join(f'<li><img src="{PIXEL}" alt="значок {i}"> <a href="light-{i % 10}.html">'
                    f"{sentence(rng, WORDS_RU, 4)}</a></li>" for i in range(600))
    return page(f"Каталог {n}", f"<ul>{items}</ul>")


def form(rng: random.Random, n: int) -> str:
    fields = []
    for i in range(12):
        name = rng.choice(("snils", "passport", "phone", "email", "address", "inn", "name"))
        if (n + i) % 5 == 0:  # an unlabelled field now and then
            fields.append(f'<input name="{name}{i}" placeholder="{name}">')
        else:
            fields.append(f'<label for="f{i}">{name} {i}</label><input id="f{i}" name="{name}{i}"'
                          f'{" required" if i % 3 == 0 else ""}>')
    return page(f"Заявление {n}", f'<form action="#">{"<br>".join(fields)}<button>Отправить</button></form>')


def frames(rng: random.Random, n: int) -> str:
    return page(f"Страница с фреймами {n}",
                f'<p>{sentence(rng, WORDS_RU, 10)}</p><iframe title="форма" src="form-{n % 10}.html" '
                f'width="600" height="300"></iframe><iframe src="light-{n % 10}.html" width="600" height="200">'
                "</iframe>")


def long_text(rng: random.Random, n: int) -> str:
    english = n % 2 == 0
    words = WORDS_EN if english else WORDS_RU
    body = "".join(f"<h2>{sentence(rng, words, 3)}</h2>"
                   + "".join(f"<p>{sentence(rng, words, rng.randint(6, 40))}</p>" for _ in range(8))
                   for _ in range(12))
    return page(f"Text {n}" if english else f"Текст {n}", body, lang="en" if english else "ru")


def table(rng: random.Random, n: int) -> str:
    columns = 6 + n % 10
    head = "".join(f"<th>Столбец {c}</th>" for c in range(columns))
    rows = "".join("<tr>" + "".join(f"<td>{rng.randint(0, 99999)}</td>" for _ in range(columns)) + "</tr>"
                   for _ in range(150))
    return page(f"Таблица {n}", f"<table><caption>Сведения {n}</caption><tr>{head}</tr>{rows}</table>")


def failing(rng: random.Random, n: int) -> str:
    body = (f'<p class="low">{sentence(rng, WORDS_RU, 8)}</p><img src="{PIXEL}"><button></button>'
            f'<a href="light-1.html"></a><div class="wide">{sentence(rng, WORDS_RU, 6)}</div><h2></h2>')
    return page(f"Ошибки {n}", body, viewport=n % 2 == 0)


def redirect(rng: random.Random, n: int) -> str:
    landing = f"light-{n % 10}.html"
    if n % 2 == 0:
        return page(f"Переход {n}", "<p>Переход…</p>", head=f'<meta http-equiv="refresh" content="0; url={landing}">')
    return page(f"Переход {n}", f"<p>Переход…</p><script>location.replace('{landing}')</script>")


KINDS = (("light", light), ("heavy", heavy), ("form", form), ("frames", frames), ("text", long_text),
         ("table", table), ("failing", failing), ("redirect", redirect))


def pages() -> dict[str, str]:
    """File name → HTML for the whole corpus (same output on every call)."""
    rng = random.Random(SEED)
    out: dict[str, str] = {"index.html": page("Главная", "<p>Корпус страниц для замера аудита.</p>")}
    per_kind = PAGES // len(KINDS)
    for name, make in KINDS:
        for n in range(per_kind):
            out[f"{name}-{n}.html"] = make(rng, n)
    return out


def digest(corpus: dict[str, str]) -> str:
    hashed = hashlib.sha256()
    for name, html in sorted(corpus.items()):
        hashed.update(name.encode())
        hashed.update(html.encode())
    return hashed.hexdigest()


def write(folder: Path) -> list[str]:
    """Write the corpus into ``folder``; the audited page names (``index.html`` only serves as a link target)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = pages()
    if digest(written) != SHA256:
        raise RuntimeError("the audit corpus changed: a benchmark compares only runs over the same pages")
    for name, html in written.items():
        (folder / name).write_text(html, encoding="utf-8")
    return sorted(name for name in written if name != "index.html")


if __name__ == "__main__":
    print(len(write(Path(sys.argv[1]))), "pages written")
