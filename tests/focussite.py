"""A generated 1,000-page site where 20 pages advertise fake support numbers.

The shape of a content farm that hosts support scams: an index links to 12 topic
categories; each category has a front page and 6 older-posts pages listing its articles;
articles link to their category and to 3 related articles. Five "hub" articles ("How to
reach Amazon customer service"), listed on older-posts pages of four categories, link to
4 support pages each ("Amazon customer care number"); support pages link to their
group-mates and to one page of the next group, as scam link farms do. Ordinary articles
include distractors a naive focus would chase: help/contact/refund words, brand names.

Only the 20 support pages show phone numbers. Breadth-first, the support pages sit at
depth 4, behind more than 200 shallower pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from loopback import LoopbackServer, QuietHandler

HOST = "everyday-answers.com"
PAGES = 1000
SUPPORT_PAGES = 20

CATEGORIES = [
    ("gardening", "Gardening"), ("cooking", "Cooking"), ("travel", "Travel"),
    ("money", "Money"), ("tech", "Tech"), ("health", "Health"), ("pets", "Pets"),
    ("cars", "Cars"), ("home", "Home"), ("sports", "Sports"), ("parenting", "Parenting"),
    ("customer-service", "Customer Service"),
]  # fmt: skip
LIST_PAGES = 6  # older-posts pages per category, after its front page
BRANDS = ["Amazon", "PayPal", "Microsoft", "Netflix", "Coinbase"]
#: Categories of the five hub articles (one per brand).
HUB_CATEGORIES = ["customer-service", "tech", "money", "customer-service", "travel"]
SUPPORT_KINDS = [
    ("customer-care-number", "{b} customer care number"),
    ("toll-free-helpline", "{b} toll free helpline"),
    ("refund-phone-number", "{b} refund phone number"),
    ("support-24-7", "{b} support 24/7"),
]

_WORD_TEXT = (
    "season week simple guide easy quick family weekend small garden kitchen budget plan "
    "trip road city water light summer winter spring autumn recipe dinner morning market "
    "school car house room paint wood tool bike run game team dog cat bird fish plant soil "
    "seed tree flower bread soup salad rice pasta cheese coffee tea cake fruit list idea"
)
_WORDS = _WORD_TEXT.split()
_TOPIC_TITLES = [
    "{w1} {w2} ideas for the {w3}", "A {w1} guide to {w2} {w3}", "Ten {w1} {w2} tips",
    "Why your {w1} {w2} matters", "The best {w1} for {w2} {w3}", "{w1} and {w2}: a primer",
]  # fmt: skip
#: Distractor titles: support words or brand names on pages with no number.
_DISTRACTORS = [
    "Help! My {w1} {w2} keeps failing", "How to contact your local {w1} club",
    "Customer service lessons from a {w1} shop", "Getting a refund for a broken {w1}",
    "Best Amazon deals on {w1} {w2}", "Netflix shows about {w1} {w2}",
    "Phone photography for {w1} lovers", "Support groups for new {w1} owners",
]  # fmt: skip


@dataclass
class Site:
    """The generated pages (``{path: html}``) and which paths advertise numbers."""

    pages: dict[str, bytes]
    support: list[str]


def make_site(seed: int = 5) -> Site:
    """A reproducible site of exactly :data:`PAGES` pages (robots.txt not counted)."""
    rng = random.Random(seed)
    pages: dict[str, str] = {}
    support = _support_paths()
    hubs = _hub_paths(rng)
    articles = _articles(rng, PAGES - 3 - len(CATEGORIES) * (1 + LIST_PAGES) - len(support),
                         hubs)  # fmt: skip
    pages["/"] = _index()
    pages["/about/"] = _page("About us", "<p>We write everyday answers.</p>", rng)
    pages["/contact/"] = _page("Contact us", "<p>Use the form below to write to us.</p>", rng)
    for slug, name in CATEGORIES:
        _category(pages, slug, name, articles[slug], rng)
        for path, title in articles[slug]:
            pages[path] = _article(path, title, slug, articles[slug], hubs, rng)
    for index, path in enumerate(support):
        pages[path] = _support(index, support, hubs, rng)
    assert len(pages) == PAGES, len(pages)
    encoded = {path: html.encode("utf-8") for path, html in pages.items()}
    encoded["/robots.txt"] = b"User-agent: *\nDisallow: /admin/\n"
    return Site(encoded, support)


def _support_paths() -> list[str]:
    return [
        f"/helpline/{brand.lower()}-{kind}.html" for brand in BRANDS for kind, _ in SUPPORT_KINDS
    ]


def _hub_paths(rng: random.Random) -> dict[str, tuple[str, str]]:
    """``{brand: (category, path)}`` of the hub articles."""
    return {
        brand: (cat, f"/topics/{cat}/how-to-reach-{brand.lower()}-customer-service-{n}.html")
        for brand, cat, n in zip(BRANDS, HUB_CATEGORIES, rng.sample(range(100, 999), 5), strict=True)
    }


def _articles(
    rng: random.Random, total: int, hubs: dict[str, tuple[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """``{category: [(path, title), ...]}``: ``total`` articles, hubs placed on older pages."""
    per_category = {slug: [] for slug, _ in CATEGORIES}  # type: dict[str, list[tuple[str, str]]]
    ordinary = total - len(hubs)
    for number in range(ordinary):
        slug = CATEGORIES[number % len(CATEGORIES)][0]
        title = _title(rng, distractor=rng.random() < 0.12)
        path = f"/topics/{slug}/{_slug(title)}-{number}.html"
        per_category[slug].append((path, title))
    for brand, (slug, path) in hubs.items():
        listing = per_category[slug]
        # Past the front page: the hub is listed on one of the older-posts pages.
        position = rng.randint(len(listing) // (LIST_PAGES + 1) + 1, len(listing))
        listing.insert(position, (path, f"How to reach {brand} customer service"))
    return per_category


def _title(rng: random.Random, *, distractor: bool) -> str:
    template = rng.choice(_DISTRACTORS if distractor else _TOPIC_TITLES)
    w1, w2, w3 = rng.sample(_WORDS, 3)
    title = template.format(w1=w1, w2=w2, w3=w3)
    return title[0].upper() + title[1:]


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def _filler(rng: random.Random, paragraphs: int = 4) -> str:
    return "".join(
        "<p>" + " ".join(rng.choices(_WORDS, k=40)).capitalize() + ".</p>"
        for _ in range(paragraphs)
    )


def _page(title: str, body: str, rng: random.Random, extra: str = "") -> str:
    nav = " | ".join(f'<a href="/topics/{slug}/">{name}</a>' for slug, name in CATEGORIES)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><header><a href=\"/\">Everyday Answers</a><nav>{nav}</nav></header>"
        f"<main><h1>{title}</h1>{body}{_filler(rng, 3)}{extra}</main><footer>"
        '<a href="/about/">About</a> <a href="/contact/">Contact us</a></footer></body></html>'
    )


def _index() -> str:
    links = "".join(f'<li><a href="/topics/{slug}/">{name}</a></li>' for slug, name in CATEGORIES)
    return (
        '<!DOCTYPE html><html lang="en"><head><title>Everyday Answers</title></head><body>'
        f"<h1>Everyday Answers</h1><ul>{links}</ul>"
        '<a href="/about/">About</a> <a href="/contact/">Contact us</a></body></html>'
    )


def _category(
    pages: dict[str, str], slug: str, name: str, listing: list[tuple[str, str]],
    rng: random.Random,
) -> None:  # fmt: skip
    chunk = -(-len(listing) // (LIST_PAGES + 1))
    older = "".join(
        f'<a href="/topics/{slug}/page/{n}/">Page {n}</a> ' for n in range(2, LIST_PAGES + 2)
    )
    for n in range(1, LIST_PAGES + 2):
        items = listing[(n - 1) * chunk : n * chunk]
        body = "<ul>" + "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in items) + "</ul>"
        path = f"/topics/{slug}/" if n == 1 else f"/topics/{slug}/page/{n}/"
        title = name if n == 1 else f"{name}, page {n}"
        pages[path] = _page(title, body + f"<p>Older posts: {older}</p>", rng)


def _article(
    path: str, title: str, slug: str, listing: list[tuple[str, str]],
    hubs: dict[str, tuple[str, str]], rng: random.Random,
) -> str:  # fmt: skip
    related = rng.sample([a for a in listing if a[0] != path], 3)
    links = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in related)
    extra = f"<aside><h2>Related</h2><ul>{links}</ul></aside>"
    brand = next((b for b, (_, hub) in hubs.items() if hub == path), None)
    if brand is not None:
        group = [
            (f"/helpline/{brand.lower()}-{kind}.html", anchor.format(b=brand))
            for kind, anchor in SUPPORT_KINDS
        ]
        extra = "<ul>" + "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in group) + "</ul>"
        extra += f"<aside><h2>Related</h2><ul>{links}</ul></aside>"
    return _page(title, f'<p><a href="/topics/{slug}/">Back to {slug}</a></p>', rng, extra)


def _support(index: int, support: list[str], hubs: dict[str, tuple[str, str]],
             rng: random.Random) -> str:  # fmt: skip
    group, kind = divmod(index, len(SUPPORT_KINDS))
    brand = BRANDS[group]
    anchor = SUPPORT_KINDS[kind][1].format(b=brand)
    number = f"1-888-555-01{index + 10:02d}"
    mates = [support[group * len(SUPPORT_KINDS) + k] for k in range(len(SUPPORT_KINDS)) if k != kind]
    mates.append(support[((group + 1) % len(BRANDS)) * len(SUPPORT_KINDS)])
    links = "".join(f'<li><a href="{p}">{_anchor_of(p)}</a></li>' for p in mates)
    body = (
        f"<p>Call the {brand} customer care helpline toll free at {number} now. Our {brand} "
        f"support agents are available 24/7 for refunds, billing and account problems.</p>"
        f'<p><a href="tel:+1{number.replace("-", "")[1:]}">Call {number}</a></p>'
        f"<h2>More helplines</h2><ul>{links}</ul>"
        f'<p><a href="{hubs[brand][1]}">Back to the guide</a></p>'
    )
    return _page(f"{anchor} - Toll Free 24/7", body, rng)


def _anchor_of(path: str) -> str:
    name = path.rsplit("/", 1)[1].removesuffix(".html")
    brand, _, kind = name.partition("-")
    template = dict(SUPPORT_KINDS)[kind]
    return template.format(b=next(b for b in BRANDS if b.lower() == brand))


# --- serving it --------------------------------------------------------------------------------


class MemorySite(LoopbackServer):
    """Serve ``pages`` on 127.0.0.1 (any Host header); a context manager."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        super().__init__(type("Handler", (_Handler,), {"pages": pages}))


class _Handler(QuietHandler):
    pages: dict[str, bytes]

    def do_GET(self) -> None:
        body = self.pages.get(self.path.split("?", 1)[0])
        status = 200 if body is not None else 404
        body = body if body is not None else b"<html><body>not found</body></html>"
        kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
        self._send(status, body, kind)
