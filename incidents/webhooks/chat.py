"""Names in a chat message: the `text` of a webhook's payload, which Slack and Microsoft Teams incoming webhooks
show. One text goes to every receiver, so a name in it is made inert for both (security review F-15):

- Slack reads `<…>` as a link, a mention or a command (`<!channel>` notifies everyone in the channel,
  `<http://evil.example|Klik hier>` shows "Klik hier" and opens evil.example) and `&` as the start of an entity. Its
  rule: escape exactly `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`; it shows them as the characters again.
- Teams renders Markdown with a little HTML: once `<` is `&lt;` no tag and no `<at>` mention is left (and it decodes
  the entities as Slack does). A Markdown link or image, `[Klik](http://evil.example)`, loses its meaning when its
  square brackets get a backslash (Teams shows the bracket; Slack shows the backslash too, a small price for a name
  with square brackets, which is rare).
- A line break in a name could forge a line of the message ("Portaal / portal: http://evil.example"): it becomes a
  space (core.one_line).

Only names are escaped; the links the desk puts in the text are its own and stay as they are.
"""

from __future__ import annotations

import re

from ..core.one_line import one_line

_MARKDOWN = re.compile(r"([\\\[\]])")


def chat_name(name: str) -> str:
    """A name as text in a Slack or Teams message, never markup."""
    text = one_line(name).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)
