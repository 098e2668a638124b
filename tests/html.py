"""Reading a rendered page as a browser would: elements by id with their attributes and text."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.parts, self.children = tag, attrs, [], []

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def find_all(self, tag: str, **attrs) -> list["Element"]:
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k) == v for k, v in attrs.items()):
                found.append(child)
            found += child.find_all(tag, **attrs)
        return found


class Page(HTMLParser):
    """`page.ids` maps each id to its Element; `page.root` holds the whole tree."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.ids: dict[str, Element] = {}
        self.duplicate_ids: list[str] = []
        self.stack = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: ("" if v is None else v) for k, v in attrs})
        self.stack[-1].children.append(element)
        if "id" in element.attrs:
            if element.attrs["id"] in self.ids:
                self.duplicate_ids.append(element.attrs["id"])
            self.ids[element.attrs["id"]] = element
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element.parts.append(data)

    def __getitem__(self, element_id: str) -> Element:
        return self.ids[element_id]


def page_of(response) -> Page:
    return Page(response.content.decode())
