"""A deterministic synthetic corpus of topic pages in the health library's own page format.

Each page has the front matter of `docs/conditions/cervical-insufficiency.md` (title, description,
key points, condition, disclaimer, clinic, related pages and a review that happened within the last
year, so every page passes the build's validation), about 900 words in 6 to 8 sections, a
when-to-get-help block, an FAQ of five questions and five numbered references cited in the text.

Pages are grouped into topic sections (folders) of at most `section_size` pages under one
"Health A to Z" section, the way the shipped site groups its topics. A growing library gets more
sections rather than ever longer ones, so the navigation a page shows stays bounded.

The text is synthetic and says so: it is benchmark data, never published. The same arguments
always give the same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from healthpages.scaffold import slugify

# "Today" of every benchmark build (extra.health_library.today), so review dates never expire.
BENCH_TODAY = date(2026, 11, 21)
SEED = "health-library-benchmark-v1"
SECTION_SIZE = 50

AREAS = [
    ("pregnancy", "Pregnancy"),
    ("periods", "Periods and bleeding"),
    ("fertility", "Fertility"),
    ("pelvic-pain", "Pelvic pain"),
    ("ovaries", "Ovaries"),
    ("womb", "The womb"),
    ("cervix", "The cervix"),
    ("menopause", "Menopause"),
    ("contraception", "Contraception"),
    ("surgery", "Surgery and procedures"),
    ("infections", "Infections"),
    ("vulva-and-vagina", "Vulva and vagina"),
]

# Condition names are "<quality> <place> <problem>": 24 x 12 x 9 = 2,592 names before a "type 2".
# The build refuses a topic page whose reading age is above 11 (healthpages.readability), so the words
# are plain ones: with "inflammation" among the problems, 3 of 1,000 pages were just above the limit.
QUALITIES = [
    "Acute",
    "Benign",
    "Chronic",
    "Deep",
    "Early",
    "Focal",
    "Gradual",
    "Hidden",
    "Inflamed",
    "Juvenile",
    "Lasting",
    "Mild",
    "Nodular",
    "Overactive",
    "Painful",
    "Recurring",
    "Scarred",
    "Swollen",
    "Tender",
    "Underactive",
    "Varied",
    "Widespread",
    "Young-onset",
    "Zonal",
]
PLACES = [
    "ovary",
    "womb lining",
    "cervix",
    "pelvic floor",
    "fallopian tube",
    "bladder",
    "vulva",
    "placenta",
    "pelvic nerve",
    "womb muscle",
    "vaginal wall",
    "pelvic ligament",
]
PROBLEMS = ["cysts", "pain", "bleeding", "soreness", "scarring", "polyps", "weakness", "swelling", "growths"]

SYMPTOMS = [
    "pain low in the tummy",
    "heavy periods",
    "bleeding between periods",
    "pain during sex",
    "a dull ache in the lower back",
    "needing to pee more often",
    "feeling bloated",
    "tiredness that does not go away",
    "a change in vaginal discharge",
    "pain when you poo",
    "spotting after sex",
    "cramps like period pain",
    "a feeling of pressure in the pelvis",
]
RISKS = [
    "a family history of the condition",
    "being over 35",
    "smoking",
    "a past infection in the pelvis",
    "previous surgery in the pelvis",
    "being overweight",
    "a past pregnancy loss",
    "starting periods early",
    "a long gap between pregnancies",
    "some long-term medicines",
]
TREATMENTS = [
    "pain relief medicine",
    "hormone treatment",
    "keyhole surgery",
    "physiotherapy",
    "watchful waiting with regular check-ups",
    "a short course of antibiotics",
    "a small procedure under local anaesthetic",
    "lifestyle changes",
    "a hormone coil",
    "treatment at a specialist centre",
]

OPENERS = [
    "Finding out that you may have {name} can be a worry. This page explains what it is, how it is "
    "found and what can help.",
    "This page is for anyone who has been told they may have {name}, and for the people who support "
    "them. It explains the condition in plain English.",
    "If you have been told you have {name}, you are not alone. This page explains what it means and what you can do.",
]

SENTENCES = {
    "what": [
        "{Name} affects the {place}, which is part of the female reproductive system.",
        "Doctors use the term {name} for a group of changes in the {place}.",
        "It can happen at any age, but it is more often found in adults[^{ref}].",
        "Many people have mild {name} and never know about it.",
        "For others it causes symptoms that affect daily life, work and sleep.",
        "It is not your fault, and it is not caused by anything you did.",
        "The condition often changes slowly over months or years[^{ref}].",
        "Some people find it helps to learn a few words that doctors use, so they can ask questions.",
        "It is not a cancer, and it does not spread to other parts of the body.",
        "How it affects you can be quite different from how it affects someone else.",
    ],
    "symptoms": [
        "Some people have no symptoms at all, and the condition is found during a check for something else.",
        "Symptoms can come and go, and they are often worse around the time of a period.",
        "Keeping a diary of your symptoms for a few weeks can help your doctor understand them.",
        "These signs do not always mean something is wrong, but they should be checked[^{ref}].",
        "Tell your GP if a symptom is new, gets worse or stops you doing everyday things.",
        "The same symptoms can be caused by other, more common conditions.",
        "Write down when each symptom started and what makes it better or worse.",
    ],
    "causes": [
        "Often no single cause is found[^{ref}].",
        "Some things make {name} more likely, but having a risk factor does not mean you will get it.",
        "Researchers are still learning why some people are affected and others are not.",
        "Your hormones, your genes and things around you may all play a part.",
        "Talk to your doctor if you are worried about your own risk.",
        "It is not passed on through sex, and you cannot catch it from someone else.",
    ],
    "tests": [
        "Your GP will ask about your symptoms and may offer to examine you[^{ref}].",
        "You can ask for a chaperone, and you can ask to stop at any time.",
        "An ultrasound scan is often the first test, and it does not hurt.",
        "Some people are referred to a specialist for more tests.",
        "A blood test can rule out other causes of your symptoms.",
        "Sometimes a small camera is used to look inside the pelvis, under a general anaesthetic[^{ref}].",
        "Your results will be explained to you, and you can ask for a copy of the letter.",
        "It can take time to get a clear answer, and waiting can be hard.",
    ],
    "treatment": [
        "The best choice depends on your symptoms, your plans for pregnancy and what matters to you[^{ref}].",
        "Your team should talk you through each option so that you can decide together.",
        "You may not need any treatment if your symptoms are mild.",
        "Treatment can ease symptoms, but it does not always cure the condition.",
        "You can change your mind about a treatment at any time.",
        "Ask about the benefits, the risks and what happens if you do nothing.",
        "Some treatments take a few months to work, so give them time before you decide they are not helping.",
    ],
    "living": [
        "Many people with {name} live full and active lives.",
        "Gentle exercise, good sleep and a balanced diet can all help you feel better[^{ref}].",
        "Let your employer know if your symptoms affect your work, so that changes can be made.",
        "It can help to talk to others who have the same condition.",
        "Tell your GP if you feel low or anxious, as support is available.",
        "Keep a note of questions to ask at your next appointment.",
        "Your partner, family or friends may want to read this page too.",
    ],
    "recovery": [
        "Most people go home on the same day after a small procedure.",
        "You may feel tired for a few days, and that is normal.",
        "Your team will tell you when you can go back to work, drive and have sex.",
        "Call the ward if you have a high temperature, heavy bleeding or pain that gets worse.",
        "A follow-up appointment is usually offered a few weeks later[^{ref}].",
    ],
    "support": [
        "You do not have to manage this on your own.",
        "Patient charities offer information, helplines and local groups.",
        "Your GP can refer you to a specialist nurse or a pain clinic.",
        "Some people find counselling helpful, especially if the condition has affected their plans for a family.",
        "Ask your team which support groups they recommend.",
    ],
}

QUESTIONS = [
    (
        "Is {name} serious?",
        "For most people it is not dangerous, but it can affect daily life. "
        "Your doctor can explain what it means for you[^{ref}].",
    ),
    (
        "Can {name} come back after treatment?",
        "It can come back for some people. Your team will tell you "
        "which signs to look out for and when to get in touch.",
    ),
    (
        "Will {name} affect my chances of getting pregnant?",
        "Many people with this condition get pregnant "
        "without help. If you are trying for a baby, tell your team so they can plan your care[^{ref}].",
    ),
    (
        "Do I need to see a specialist for {name}?",
        "Not always. Your GP can start tests and treatment, and will refer you if you need more help.",
    ),
    (
        "Can I exercise with {name}?",
        "Yes, gentle exercise is usually safe and can help. Stop and get advice "
        "if exercise makes your pain much worse.",
    ),
    (
        "Is {name} linked to cancer?",
        "No. It is not a cancer and it does not turn into one. Tell your doctor "
        "about any new symptom, so it can be checked.",
    ),
    (
        "How long does recovery take for {name}?",
        "It depends on the treatment. Most people feel better within "
        "a few weeks, and your team will tell you what to expect.",
    ),
    (
        "What can I do to help myself with {name}?",
        "Keep a symptom diary, look after your sleep and stay as "
        "active as you can. These steps can make your appointments more useful.",
    ),
]

URGENT = [
    "you have sudden, severe pain in your tummy or pelvis",
    "you are bleeding heavily and feel faint or dizzy",
    "you have a high temperature, or you feel hot and shivery",
    "you are pregnant and have pain or bleeding",
    "your symptoms get much worse quickly",
]


@dataclass(frozen=True)
class Topic:
    index: int
    slug: str
    name: str  # "Chronic ovary cysts"
    place: str  # "ovary"
    section: str  # folder under conditions/
    section_title: str
    area: str  # the area slug, for example pregnancy

    @property
    def title(self) -> str:
        return f"{self.name}: symptoms, tests and treatment"

    @property
    def src_path(self) -> str:
        return f"conditions/{self.section}/{self.slug}.md"


@dataclass
class Corpus:
    root: Path
    n: int
    topics: list[Topic]
    sections: list[tuple[str, str, list[Topic]]] = field(default_factory=list)  # (folder, title, topics)

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def pages(self) -> int:
        """Every Markdown page MkDocs builds: the topics, home, A to Z and experts pages."""
        return len(self.topics) + len(SITE_PAGES)

    def nav(self) -> list[object]:
        a_to_z: list[object] = ["conditions/index.md"]
        for _, title, topics in self.sections:
            a_to_z.append({title: [t.src_path for t in topics]})
        return [{"Home": "index.md"}, {"Health A to Z": a_to_z}, {"About us": ["our-medical-experts.md"]}]


def topic_names(n: int) -> list[tuple[str, str]]:
    """N distinct (condition name, place in the body) pairs in a fixed shuffled order."""
    combos = [(f"{q} {p} {k}", p) for q in QUALITIES for p in PLACES for k in PROBLEMS]
    random.Random(SEED).shuffle(combos)
    names = []
    for i in range(n):
        base, place = combos[i % len(combos)]
        names.append((base if i < len(combos) else f"{base} type {i // len(combos) + 1}", place))
    return names


def plan(n: int, section_size: int = SECTION_SIZE) -> tuple[list[Topic], list[tuple[str, str, list[Topic]]]]:
    names = topic_names(n)
    sections: list[tuple[str, str, list[Topic]]] = []
    topics: list[Topic] = []
    for k in range((n + section_size - 1) // section_size):
        area, area_title = AREAS[k % len(AREAS)]
        part = k // len(AREAS) + 1
        folder = area if part == 1 else f"{area}-{part}"
        title = area_title if part == 1 else f"{area_title} ({part})"
        members = []
        for i in range(k * section_size, min(n, (k + 1) * section_size)):
            name, place = names[i]
            topic = Topic(i, slugify(name), name, place, folder, title, area)
            members.append(topic)
            topics.append(topic)
        # Navigation order within a section is alphabetical, as an editor would keep it.
        members.sort(key=lambda t: t.name.lower())
        sections.append((folder, title, members))
    return topics, sections


def _front_matter(
    topic: Topic, rng: random.Random, related: list[Topic], symptoms: list[str], risks: list[str], treatments: list[str]
) -> str:
    reviewed = BENCH_TODAY - timedelta(days=rng.randint(7, 350))
    updated = reviewed + timedelta(days=rng.randint(0, 6))
    lower = topic.name.lower()
    description = (
        f"What {lower} is, the signs to look out for, the tests you may have and the treatments that can help."
    )
    assert 50 <= len(description) <= 160, description
    lines = [
        "---",
        f'title: "{topic.title}"',
        *([f'short_title: "{topic.name}"'] if len(topic.title) > 60 else []),
        f'description: "{description}"',
        f"published: {(reviewed - timedelta(days=30)).isoformat()}",
        f"updated: {updated.isoformat()}",
        f"audience: Anyone who has {lower}, or thinks they might.",
        "key_points:",
        f"  - {topic.name} affects the {topic.place}.",
        f"  - Common signs include {symptoms[0]} and {symptoms[1]}.",
        f"  - Treatments include {treatments[0]} and {treatments[1]}.",
        "  - Get urgent help if you have sudden, severe pain or heavy bleeding.",
    ]
    if topic.area == "pregnancy":
        start = rng.randint(6, 20)
        lines += ["pregnancy: true", "pregnancy_weeks:", f"  start: {start}", f"  end: {start + rng.randint(4, 16)}"]
    urgent = rng.sample(URGENT, 4)
    lines += ["when_to_get_help:", "  call_999:", f"    - {urgent[0]}", f"    - {urgent[1]}"]
    if topic.area == "pregnancy":
        lines += ["  call_maternity_unit:", "    - your waters break or you have regular tightenings"]
    lines += ["  urgent_gp_or_111:", f"    - {urgent[2]}", f"    - {urgent[3]}"]
    lines += [
        "condition:",
        f"  name: {topic.name}",
        "  alternate_names:",
        f"    - {topic.name} syndrome",
        "  symptoms:",
        *[f"    - {s[0].upper() + s[1:]}" for s in symptoms],
        "  risk_factors:",
        *[f"    - {r[0].upper() + r[1:]}" for r in risks],
        "  treatments:",
        *[f"    - {t[0].upper() + t[1:]}" for t in treatments],
    ]
    lines += [
        f"disclaimer: {'pregnancy' if topic.area == 'pregnancy' else 'general'}",
        "clinic: spire-bristol",
        "related:",
        *[f"  - {r.slug}.md" for r in related],
        "review:",
    ]
    # Pregnancy pages need a reviewer in obstetrics, which the practice's registry does not have: drafts.
    if topic.area == "pregnancy":
        lines += ["  status: draft", "---"]
    else:
        lines += ["  status: reviewed", "  reviewer: islam-gamaleldin", f"  reviewed: {reviewed.isoformat()}", "---"]
    return "\n".join(lines) + "\n"


def topic_page(topic: Topic, siblings: list[Topic]) -> str:
    rng = random.Random(f"{SEED}-{topic.index}")
    name, place = topic.name, topic.place
    refs = [f"ref{i}" for i in range(1, 6)]
    symptoms = rng.sample(SYMPTOMS, 4)
    risks = rng.sample(RISKS, 3)
    treatments = rng.sample(TREATMENTS, 3)
    others = [t for t in siblings if t is not topic]
    related = rng.sample(others, min(3, len(others)))
    body: list[str] = [rng.choice(OPENERS).format(name=name.lower())]

    def section(heading: str, *blocks: str) -> None:
        body.append(f"## {heading}")
        body.extend(b for b in blocks if b)

    def paras(kind: str, *counts: int) -> list[str]:
        """Paragraphs of distinct sentences of one kind, `counts` sentences each."""
        pool = rng.sample(SENTENCES[kind], sum(counts))
        out, start = [], 0
        for count in counts:
            text = " ".join(pool[start : start + count])
            text = re.sub(r"\[\^\{ref\}\]", lambda _: f"[^{rng.choice(refs)}]", text)
            out.append(text.format(name=name.lower(), Name=name, place=place))
            start += count
        return out

    def bullets(items: list[str]) -> str:
        return "\n".join(f"- {item}" for item in items)

    section(f"What is {name.lower()}?", *paras("what", 4, 3))
    first, second = paras("symptoms", 2, 2)
    section("Symptoms", first, bullets(symptoms), second)
    first, second = paras("causes", 2, 2)
    section("Causes and risk factors", first, bullets(risks), second)
    section("Tests and diagnosis", *paras("tests", 3, 2))
    table = ["| Option | What it involves | Possible benefits | Possible downsides |", "| --- | --- | --- | --- |"]
    for treatment in treatments:
        table.append(
            f"| {treatment[0].upper() + treatment[1:]} | Your team explains what happens and how long "
            f"it takes[^{rng.choice(refs)}] | It can ease your symptoms | It may not suit everyone |"
        )
    first, second = paras("treatment", 3, 2)
    section("Treatment options", first, "\n".join(table), second)
    link = related[0] if related else None
    see_also = f" You may also want to read about [{link.name.lower()}]({link.slug}.md)." if link else ""
    first, second = paras("living", 3, 2)
    section(f"Living with {name.lower()}", first, second + see_also)
    # 6 to 8 sections: two optional ones, chosen per page.
    if rng.random() < 0.5:
        section("Recovery and follow-up", *paras("recovery", 3))
    if rng.random() < 0.5:
        section("Getting support", *paras("support", 3))
    # Every reference is cited at least once in the text.
    body.append(
        "Guidance on this condition is set out in the sources listed below" + "".join(f"[^{r}]" for r in refs) + "."
    )
    body.append("## Frequently asked questions")
    for question, answer in rng.sample(QUESTIONS, 5):
        body.append(f"### {question.format(name=name.lower())}")
        body.append(re.sub(r"\[\^\{ref\}\]", lambda _: f"[^{rng.choice(refs)}]", answer).format(name=name.lower()))
    body.append("## References")
    body.append(
        "\n".join(
            f"[^ref{i}]: Synthetic benchmark source {i} for {name.lower()}. Placeholder publisher. "
            "Benchmark data, not a real reference."
            for i in range(1, 6)
        )
    )
    front = _front_matter(topic, rng, related, symptoms, risks, treatments)
    return front + "\n" + "\n\n".join(body) + "\n"


SITE_PAGES = {
    "index.md": """---
title: Health library benchmark
description: A synthetic copy of the health library used only to measure how long the site takes to build.
page_type: home
updated: 2026-11-01
hide:
  - toc
---

This site is generated by the build benchmark. Every page is synthetic. Browse the
[Health A to Z](conditions/index.md) or read about [our medical experts](our-medical-experts.md).
""",
    "conditions/index.md": """---
title: Health A to Z
description: Every condition and treatment in the benchmark library, from A to Z, with a one-line summary.
page_type: index
updated: 2026-11-01
---

Find a condition or treatment by its first letter.
""",
    "our-medical-experts.md": """---
title: Our medical experts
description: Who cares for patients at the practice, and who clinically reviews the pages of this library.
page_type: experts
updated: 2026-11-01
---

The pages in this benchmark library are synthetic. A clinician named below is recorded as their reviewer.
""",
}


def generate(root: Path, n: int, project: Path, section_size: int = SECTION_SIZE) -> Corpus:
    """Write docs/ and data/ of an N-topic site under `root` (replacing what was there)."""
    topics, sections = plan(n, section_size)
    corpus = Corpus(root, n, topics, sections)
    if corpus.docs_dir.exists():
        shutil.rmtree(corpus.docs_dir)
    if (root / "data").exists():
        shutil.rmtree(root / "data")
    shutil.copytree(project / "data", root / "data")
    # Static files and extra templates of the real site (stylesheet, favicon, robots.txt), not its pages.
    shutil.copytree(project / "docs", corpus.docs_dir, ignore=shutil.ignore_patterns("*.md"))
    for rel, text in SITE_PAGES.items():
        path = corpus.docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder, _, members in sections:
        directory = corpus.docs_dir / "conditions" / folder
        directory.mkdir(parents=True, exist_ok=True)
        for topic in members:
            (directory / f"{topic.slug}.md").write_text(topic_page(topic, members), encoding="utf-8")
    return corpus
