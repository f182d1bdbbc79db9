"""Templates: a Policy -> Markdown (through templates/*.md.j2) -> Word documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, TemplateNotFound, TemplateSyntaxError

from aupgen import __version__
from aupgen.assembly.policy import Policy
from aupgen.errors import UserError, quote
from aupgen.library.expressions import ENVIRONMENT, bytecode_cache, render_counted
from aupgen.render.house import HouseStyle
from aupgen.render.word import DocumentInfo, markdown_to_docx
from aupgen.render.word.fields import bookmark, field, ref
from aupgen.render.word.stylesheet import StyleSheet, load_style_sheet

AUP_TEMPLATE = "aup.md.j2"
ACKNOWLEDGEMENT_TEMPLATE = "acknowledgement.md.j2"
_ENVIRONMENTS: dict[str, object] = {}


@dataclass(frozen=True)
class RenderedPack:
    """The two documents of a policy pack, as .docx bytes."""

    policy: bytes
    acknowledgement: bytes


def _environment(templates: Path):
    """One template environment per templates folder (Jinja then compiles each template once, and keeps
    its code in the bytecode cache for the next run)."""
    cache = bytecode_cache()
    key = f"{templates.resolve()}\0{id(cache)}"
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = ENVIRONMENT.overlay(loader=FileSystemLoader(str(templates)), bytecode_cache=cache)
        env.globals.update(field=field, ref=ref, bookmark=bookmark)
        _ENVIRONMENTS[key] = env
    return env


def render_markdown(policy: Policy, templates: Path, name: str, **extra) -> str:
    """Fill template ``name`` from ``templates`` with ``policy``; errors name the file and line.

    ``extra`` names go to the template too, e.g. ``person`` (``name``, ``role``, ``email``, ``page``)
    to fill in one adult's acknowledgement form; ``person`` is none unless given.
    """
    env = _environment(templates)
    try:
        template = env.get_template(name)
        context = dict(policy=policy, answers=policy.answers, terms=policy.terms, labels=policy.labels, logo=False,
                       person=None)
        return render_counted(template, context | extra, f"the document {name}")
    except TemplateNotFound as exc:
        if exc.name != name:
            raise UserError(f"{templates / name}: the template includes {quote(exc.name)}, which is not a template "
                            f"in {templates}.") from exc
        raise UserError(f"{templates / name} does not exist; a library's templates/ folder needs {name}.") from exc
    except TemplateSyntaxError as exc:
        raise UserError(f"{exc.filename or templates / name}, line {exc.lineno}: {exc.message} "
                        "(template syntax error).") from exc
    except UserError:
        raise
    except Exception as exc:  # UndefinedError, SecurityError, TypeError… raised while filling it in
        file, line = _template_place(exc, templates, name)
        raise UserError(f"{file}{f', line {line}' if line else ''}: the template failed while filling it in "
                        f"({type(exc).__name__}: {exc}).") from exc


def _template_place(exc: BaseException, templates: Path, name: str) -> tuple[str, int | None]:
    """The template file and line a runtime error came from (Jinja puts them in the traceback)."""
    folder = str(templates.resolve())
    file, line = str(templates / name), None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") and str(Path(filename).resolve()).startswith(folder):
            file, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line


def _common_info(policy: Policy, created: dt.datetime | None) -> dict:
    return dict(author=policy.org_name, category="Safeguarding policy", created=created,
                keywords="acceptable use, safeguarding, online safety, staff conduct")


def _policy_info(policy: Policy, created: dt.datetime | None, note: str = "") -> DocumentInfo:
    return DocumentInfo(
        title=f"{policy.org_name}: {policy.title}{note}",
        subject=f"Acceptable use of technology by adults who work with {policy.terms['children']} "
                f"(version {policy.version})",
        comments=f"Written with aupgen {__version__} from the organisation's answers file.",
        **_common_info(policy, created),
    )


def signed_form_text(policy: Policy, templates: Path) -> str:
    """What an adult signs on the acknowledgement form: its text up to the signature boxes.

    Rendered with a neutral version and date, so only what the form says (the setting's name, the
    commitments, the declaration) counts: `aupgen update` asks staff to sign again exactly when
    this text changes.
    """
    neutral = dataclasses.replace(policy, version=1, history=(), approval_date=dt.date(2000, 1, 1))
    lines = render_markdown(neutral, templates, ACKNOWLEDGEMENT_TEMPLATE).split("\n")
    end = next((i for i, line in enumerate(lines) if line.strip() == "::: form"), len(lines))
    return "\n".join(line.rstrip() for line in lines[:end] if line.strip())


def render_markdown_document(markdown: str, templates: Path, title: str, subject: str, author: str) -> bytes:
    """Any Markdown a template gave (such as update's change report) as a Word document in the library's style."""
    sheet = load_style_sheet(templates / "styles.yaml")
    info = DocumentInfo(title=title, subject=subject, author=author, category="Safeguarding policy",
                        comments=f"Written with aupgen {__version__}.")
    return markdown_to_docx(markdown, info, sheet)


@dataclass(frozen=True)
class FormOptions:
    """How to write an acknowledgement form: when, in which house style, from ``markdown`` already
    rendered (a page per adult of a roster, `aupgen forms`) rather than the template, and with the
    house's style ``sheet`` when the caller has it already."""

    created: dt.datetime | None = None
    house: HouseStyle | None = None
    markdown: str | None = None
    sheet: StyleSheet | None = None


def render_acknowledgement(policy: Policy, templates: Path, options: FormOptions = FormOptions(), **extra) -> bytes:
    """The acknowledgement form as a Word document: the template's (``extra`` names go to it, e.g. a
    ``person``), or the Markdown the ``options`` give."""
    created, markdown = options.created, options.markdown
    house = options.house or HouseStyle()
    sheet = options.sheet or house.sheet(load_style_sheet(templates / "styles.yaml"))
    info = DocumentInfo(
        title=f"{policy.org_name}: {policy.title} – acknowledgement form",
        subject=f"Staff acknowledgement of the {policy.title} (version {policy.version})",
        comments=f"Written with aupgen {__version__}.",
        **_common_info(policy, created),
    )
    if markdown is None:
        markdown = render_markdown(policy, templates, ACKNOWLEDGEMENT_TEMPLATE, logo=house.logo is not None, **extra)
    return markdown_to_docx(markdown, info, sheet.for_form(), None, house.logo, house.reference)


def render_pack(policy: Policy, templates: Path, created: dt.datetime | None = None,
                house: HouseStyle | None = None) -> RenderedPack:
    """Render the policy and its acknowledgement form as Word documents."""
    house = house or HouseStyle()
    sheet = house.sheet(load_style_sheet(templates / "styles.yaml"))
    return RenderedPack(
        policy=markdown_to_docx(render_markdown(policy, templates, AUP_TEMPLATE, logo=house.logo is not None),
                                _policy_info(policy, created), sheet, None, house.logo, house.reference),
        acknowledgement=render_acknowledgement(policy, templates, FormOptions(created, house, sheet=sheet)),
    )
