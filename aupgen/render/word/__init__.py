"""The Word renderer: turns the Markdown a template produced into a styled .docx."""

from aupgen.render.word.document import DocumentInfo, markdown_to_docx

__all__ = ["DocumentInfo", "markdown_to_docx"]
