"""Reading the « Étape suivante » panel of a page (templates/includes/etapes.html) as a user sees it:
its primary button, its secondary decisions, the comment boxes and what they sit in, the reasons a step
may not be taken. A small HTML reader: the tests need no parser library."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: "Element | None" = None
    enfants: list = field(default_factory=list)
    texte: list = field(default_factory=list)

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def text(self):
        return " ".join("".join(self._textes()).split())

    def _textes(self):
        yield from self.texte
        for enfant in self.enfants:
            yield from enfant._textes()

    def tous(self):
        for enfant in self.enfants:
            yield enfant
            yield from enfant.tous()

    def trouver(self, tag=None, classe=None, **attrs):
        return [
            e
            for e in self.tous()
            if (tag is None or e.tag == tag)
            and (classe is None or classe in e.classes)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def ancetres(self):
        e = self.parent
        while e is not None:
            yield e
            e = e.parent


class _Lecteur(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.racine = self.courant = Element("racine", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parent=self.courant)
        self.courant.enfants.append(element)
        if tag not in VIDES:
            self.courant = element

    def handle_startendtag(self, tag, attrs):
        self.courant.enfants.append(Element(tag, dict(attrs), parent=self.courant))

    def handle_endtag(self, tag):
        e = self.courant
        while e is not None and e.tag != tag:
            e = e.parent
        if e is not None and e.parent is not None:
            self.courant = e.parent

    def handle_data(self, data):
        self.courant.texte.append(data)


def lire(html):
    lecteur = _Lecteur()
    lecteur.feed(html)
    return lecteur.racine


@dataclass
class Panneau:
    """The panel as read: None when the page has none."""

    section: Element

    @property
    def primaires(self):
        """The primary buttons and links: (label, disabled)."""
        return [(e.text(), "disabled" in e.attrs) for e in self.section.tous() if "btn-primary" in e.classes]

    @property
    def secondaires(self):
        """The labels of the other decisions (the summaries that open them)."""
        return [e.text().rstrip("…") for e in self.section.trouver("summary", classe="btn")]

    @property
    def champs_visibles(self):
        """The comment boxes shown before any decision is chosen: not inside a closed <details>."""
        return [
            t
            for t in self.section.trouver("textarea")
            if not any(a.tag == "details" and "open" not in a.attrs for a in t.ancetres())
        ]

    def raisons(self, vers):
        bloc = self.section.trouver(id=f"raisons-{vers}")
        return [li.text() for li in bloc[0].trouver("li")] if bloc else None

    def texte_de(self, vers):
        bloc = self.section.trouver(id=f"raisons-{vers}")
        return bloc[0].text() if bloc else None

    @property
    def envois(self):
        """The steps a submit button of the panel posts: [(vers, label)]."""
        envois = []
        for form in self.section.trouver("form"):
            vers = [i.attrs.get("value") for i in form.trouver("input", name="vers")]
            for bouton in form.trouver("button", type="submit"):
                envois.append((vers[0] if vers else None, bouton.text()))
        return envois

    @property
    def reservees(self):
        return " ".join(p.text() for p in self.section.trouver("p", classe="decisions-reservees"))

    def text(self):
        return self.section.text()


def panneau(response):
    sections = lire(response.content.decode()).trouver("section", id="etapes")
    return Panneau(sections[0]) if sections else None
