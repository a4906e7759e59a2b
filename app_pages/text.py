"""Text shown in Streamlit's markdown, made inert: no markup, link, emoji, icon, colour or formula out of data;
and tables' cells, which a reader can download as CSV, made inert in a spreadsheet.

No imports from the rest of the project, so that the router can say what went wrong even when the pages'
module could not be imported.
"""
from __future__ import annotations

import re

import pandas as pd

# `&` too: "&amp;" in a text is those five characters, not an entity for "&".
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")
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


# A cell a spreadsheet would read as a formula (OWASP's list: = + - @, a tab or a carriage return first; also
# after spaces, and the full-width forms, which some spreadsheets take as the same). Prefixed with an
# apostrophe, the spreadsheet shows the text, apostrophe and all; the page shows it the same way.
_FORMULA_START = re.compile(r"^(?:[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]|\s+[=+\-@\uff1d\uff0b\uff0d\uff20])")


def cell_inert(value):
    """A table's cell as a spreadsheet should read it: a text that would start a formula gets an apostrophe
    in front; anything else (numbers, dates, other text) is left as it is."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def cells_inert(table):
    """A copy of a table (a DataFrame, or a list of row dicts) whose text cells are inert in a spreadsheet.
    Streamlit's table offers its rows as a CSV download, quoted but with formulas left live."""
    if isinstance(table, pd.DataFrame):
        texts = [name for name in table.columns if table[name].dtype == object or pd.api.types.is_string_dtype(table[name])]
        return table.assign(**{str(name): table[name].map(cell_inert) for name in texts}) if texts else table.copy()
    return [{key: cell_inert(value) for key, value in row.items()} for row in table]
