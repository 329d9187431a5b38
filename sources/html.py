"""HTML reduced to plain text with the standard library, for importing articles saved as HTML.

Nothing from the HTML is ever rendered as markup: the result is plain text, stored and shown
escaped like any other source. Scripts, styles, noscript, template and other non-content
elements are dropped with everything inside them; block elements become paragraph breaks
(so each paragraph becomes one passage); entities are decoded; runs of white space inside a
paragraph become one space, except inside ``<pre>``, whose line breaks are kept.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements whose content is never article text.
DROPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe",
     "object", "canvas", "select", "button"}
)  # fmt: skip
# Elements that start and end a paragraph.
BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
     "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
     "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
     "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)  # fmt: skip
# Void elements never have an end tag, so they never open a dropped region.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class HtmlText:
    text: str
    title: str


class _Reducer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.dropped: list[str] = []  # open dropped elements, innermost last
        self.pre = 0
        self.in_title = False
        self.title: list[str] = []

    def flush(self) -> None:
        raw = "".join(self.current)
        self.current = []
        if self.pre:
            lines = [SPACES.sub(" ", line).strip() for line in raw.splitlines()]
            self.paragraphs.extend(line for line in lines if line)
            return
        text = SPACES.sub(" ", raw).strip()
        if text:
            self.paragraphs.append(text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title" and "svg" not in self.dropped and not self.title:
            self.in_title = True
        if tag == "body" and self.dropped == ["head"]:
            self.dropped = []  # </head> may be left out: the body closes the head.
        if self.dropped or tag in DROPPED:
            if tag not in VOID:
                self.dropped.append(tag)
            return
        if tag in BLOCKS:
            self.flush()
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        # <br/>, <p/>: a paragraph break, never an open region.
        if not self.dropped and tag in BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.dropped:
            # Close the innermost matching dropped element (and anything left open inside it).
            if tag in self.dropped:
                while self.dropped and self.dropped.pop() != tag:
                    pass
            return
        if tag in BLOCKS:
            self.flush()
            if tag == "pre" and self.pre:
                self.pre -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.dropped:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self.flush()


def html_to_text(html: str) -> HtmlText:
    """The readable text of ``html``: one paragraph per line, blank lines between them."""
    reducer = _Reducer()
    reducer.feed(html)
    reducer.close()
    text = "\n\n".join(reducer.paragraphs)
    return HtmlText(
        text=text + "\n" if text else "", title=SPACES.sub(" ", "".join(reducer.title)).strip()
    )


_MARKUP = re.compile(
    r"<\s*/?\s*(?:html|head|body|p|div|br|span|a|b|i|em|strong|h[1-6]|article|section|ul|ol|"
    r"li|table|tr|td|script|style|meta|title|blockquote|figure|img)\b[^>]*>",
    re.IGNORECASE,
)


# Elements that give a document its lines: text holding only inline tags (a <b>, a quoted
# <script> snippet) is plain text that mentions markup, and reducing it would join its lines
# and drop words.
_BLOCK = re.compile(
    r"<\s*/?\s*(?:html|head|body|p|div|br|h[1-6]|article|section|ul|ol|li|table|tr|td|"
    r"blockquote|figure|title|meta)\b[^>]*>",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """Whether pasted text is HTML markup: two or more tags of HTML's usual elements, at least
    one of them an element that makes lines (a paragraph, a break, a heading, a body...)."""
    head = text[:200_000]
    return len(_MARKUP.findall(head)) >= 2 and _BLOCK.search(head) is not None
