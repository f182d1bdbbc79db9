"""The change report: what changed, why, and whether staff sign again, in Markdown and in Word.

One template (``templates/changes.md.j2``, from the library or else the shipped one) gives both:
the Markdown file as it is (without the Word writer's ``:::`` block lines), and the Word document
through the project's render pipeline, so it uses whichever Word writer aupgen has.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader

from aupgen.errors import UserError
from aupgen.library.expressions import ENVIRONMENT, MarkdownText, long_date
from aupgen.library.load import default_library_root
from aupgen.render.templates import render_markdown_document
from aupgen.update.changes import ChangeSet, counts_phrase

TEMPLATE = "changes.md.j2"
_BLOCK_LINE = re.compile(r"^:::.*\n?", re.MULTILINE)
_WORD_ONLY = re.compile(r"^::: (header|footer)\n.*?^:::\n?", re.MULTILINE | re.DOTALL)
_EXCERPT = 160


def report_context(changes: ChangeSet) -> dict[str, Any]:
    """Plain data for the report template."""
    new, old = changes.new, changes.old
    groups = []
    for kind, title in (("added", "Added"), ("reworded", "Reworded"), ("removed", "Removed")):
        items = [{
            "where": f"{c.section}, clause {c.number}" if c.number
                     else f"{c.section}, the clause “{_excerpt(c.old_text).rstrip('.')}”",
            "reason": _sentence(c.reason),
            "sources": "; ".join(c.sources),
            "on_form": c.on_form,
        } for c in changes.of_kind(kind)]
        if items:
            groups.append({"title": title, "items": items})
    carried = len([e for e in changes.carried if e.kind != "comment"])
    comments = len(changes.carried) - carried
    return {
        "org_name": new.org_name, "title": new.title, "version": new.version,
        "old_version": old.policy_version, "built_on": long_date(old.built_on),
        "old_library": old.library_version, "library": changes.library_version,
        "older_library": changes.older_library, "unchanged": changes.unchanged,
        "counts": counts_phrase(changes),
        "question_count": _count(len(changes.new_questions) + len(changes.answered_in_file), "new question"),
        "carried_count": (_carried_phrase(carried, comments) if carried or comments else
                          f"Edits made in Word to version {old.policy_version} could not be looked for (the hidden "
                          "copy of it as aupgen wrote it is missing), so check the new version for them"
                          if changes.edits_unknown else "No edits made in Word were found to carry over"),
        "must_resign": changes.must_resign, "restructured": changes.restructured,
        "form": [MarkdownText(_form_line(change, changes)) for change in changes.form],
        "conflicts": [MarkdownText(_conflict_line(c)) for c in changes.conflicts],
        "carried": [MarkdownText(_edit_line(e)) for e in changes.carried],
        "groups": groups,
        "questions": [{"prompt": q.prompt, "answer": _answer(q, new.answers.get(q.id)), "in_file": q in changes.answered_in_file}
                      for q in [*changes.new_questions, *changes.answered_in_file]],
    }


def _carried_phrase(edits: int, comments: int) -> str:
    """"2 edits you made in Word were kept, and 1 comment" (either part may be absent)."""
    kept = [_count(edits, "edit") + " you made in Word"] if edits else []
    kept += [_count(comments, "comment") + " left in Word"] if comments else []
    return " and ".join(kept) + (" were kept" if edits + comments > 1 else " was kept")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def _excerpt(text: str | None) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= _EXCERPT else words[: _EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def _quoted(text: str | None) -> str:
    return f"“{_escape(_excerpt(text))}”"


def _finalize(value: object) -> str:
    """Printed values: Markdown written on purpose as it is; anything else with its formatting characters escaped."""
    if value is None:
        return ""
    return value if isinstance(value, MarkdownText) else _escape(str(value))


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _form_line(change, changes: ChangeSet) -> str:
    if change.kind == "added":
        return f"A commitment added: {_quoted(change.new)}"
    if change.kind == "removed":
        return f"A commitment removed: {_quoted(change.old)}"
    if change.kind == "reworded" and change.old:
        return f"A commitment reworded, from {_quoted(change.old)} to {_quoted(change.new)}"
    if change.kind == "reworded":
        return f"A commitment changed: {_quoted(change.new)}" if change.new else "A commitment changed."
    old_text = changes.old.form_text or ""
    if old_text and changes.new.org_name not in old_text:
        return f"The name of the setting on the form is now {_escape(changes.new.org_name)}."
    return "The declaration or the other words of the form changed."


def _conflict_line(conflict) -> str:
    if conflict.kind == "both-reworded":
        return (f"You reworded {_quoted(conflict.theirs)}, and the clause library now says {_quoted(conflict.library)}. "
                "Your wording is kept, with the library's beside it as a comment in the policy.")
    if conflict.kind == "margin-replaced":
        return (f"Your header or footer line {_quoted(conflict.theirs)} is replaced by the new version's "
                f"{_quoted(conflict.library)}, because its version details changed; add your wording again "
                "if you still need it.")
    if conflict.kind == "comment-dropped":
        return (f"The comment {_quoted(conflict.theirs)} was on a paragraph that is no longer in the policy, "
                "so it could not be carried over.")
    if conflict.kind == "library-removed":
        return (f"You reworded {_quoted(conflict.theirs)}, which the clause library no longer includes. "
                "Your paragraph is kept, with a comment.")
    return (f"You deleted a paragraph that the clause library has since changed; its new wording "
            f"{_quoted(conflict.library)} is in the policy, with a comment.")


def _edit_line(edit) -> str:
    if edit.kind.startswith("margin-"):
        line = _edit_line(dataclasses.replace(edit, kind=edit.kind.removeprefix("margin-")))
        return f"In the page header or footer, y{line[1:]}"
    if edit.kind == "reworded":
        return f"Your wording {_quoted(edit.after)}, in place of {_quoted(edit.before)}"
    if edit.kind == "added":
        return f"Your added paragraph {_quoted(edit.after)}"
    if edit.kind == "comment":
        return f"The comment {_quoted(edit.after)}, on the same paragraph"
    return f"Your deletion of {_quoted(edit.before)}"


def _answer(question, answer) -> str:
    if isinstance(answer, list):
        return ", ".join(question.label_of(v) for v in answer) or "none"
    return str(question.label_of(answer) if question.choices else answer)


def _template_folder(templates: Path) -> Path:
    return templates if (templates / TEMPLATE).is_file() else default_library_root() / "templates"


def report_markdown_for_word(changes: ChangeSet, templates: Path) -> str:
    folder = _template_folder(templates)
    env = ENVIRONMENT.overlay(loader=FileSystemLoader(str(folder)), finalize=_finalize)
    try:
        return env.get_template(TEMPLATE).render(r=report_context(changes))
    except Exception as exc:  # a library's own report template that fails
        raise UserError(f"{folder / TEMPLATE}: the change report template failed ({type(exc).__name__}: {exc}).") from exc


def report_markdown(changes: ChangeSet, templates: Path | None = None) -> str:
    """The change report as Markdown (for the terminal and the ``-changes.md`` file)."""
    text = report_markdown_for_word(changes, templates or default_library_root() / "templates")
    text = _BLOCK_LINE.sub("", _WORD_ONLY.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def report_docx(changes: ChangeSet, templates: Path) -> bytes:
    """The change report as a Word document, through the Word writer."""
    markdown = report_markdown_for_word(changes, templates)
    styles = templates if (templates / "styles.yaml").is_file() else _template_folder(templates)
    new = changes.new
    return render_markdown_document(markdown, styles, f"{new.org_name}: {new.title}, version {new.version}: what changed",
                                    "What changed in the new version of the policy, and whether staff sign again",
                                    new.org_name)
