"""The Word writer: turns the Markdown a template produced into a .docx, part by part."""

from aupgen.render.word.document import markdown_to_docx
from aupgen.render.word.package import DocumentInfo

__all__ = ["DocumentInfo", "markdown_to_docx"]
