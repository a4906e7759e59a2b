"""Text shown in Streamlit's markdown, made inert: no markup, link, emoji, icon, colour or formula out of data.

No imports from the rest of the project, so that the router can say what went wrong even when the pages'
module could not be imported.
"""
from __future__ import annotations

import re

MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
# What Streamlit's markdown still turns into something else when escaped, as it acts on them after escapes
# are undone: a colon opening an emoji or icon shortcode (:smile:, :material/home:), a colour directive
# (:red[x]) or a URL scheme (https://); a bare www. address; an e-mail address (a mailto: link); a double
# hyphen (a dash).
_SHORTCODE_COLON = re.compile(r":(?=[\w+-]+:|[\w-]+/|//|[\w-]+\[)")
_BARE_WWW = re.compile(r"(?i)\b(www)\.")
WORD_JOINER = "\u2060"  # invisible and unbreakable: it splits a shortcode or address without changing the text shown


def md_escape(text) -> str:
    """Text (from a link, an article, a data file) shown literally in Streamlit's markdown: no markup, link,
    emoji, icon, colour or formula made out of it."""
    text = _SHORTCODE_COLON.sub(":" + WORD_JOINER, str(text))
    text = _BARE_WWW.sub(r"\1" + WORD_JOINER + ".", text).replace("@", "@" + WORD_JOINER)
    # Markdown's typography makes "--" a dash even when escaped: `git checkout -- file` must keep both.
    text = re.sub(r"-(?=-)", "-" + WORD_JOINER, text)
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)


def md_link(text, url) -> str:
    """A markdown link to a source's address; anything but an http(s) address is shown as plain text."""
    url = str(url or "")
    if not re.fullmatch(r"https?://[^\s<>\"']+", url):
        return md_escape(text)
    safe = url.replace("(", "%28").replace(")", "%29").replace("[", "%5B").replace("]", "%5D")
    return f"[{md_escape(text)}]({safe})"
