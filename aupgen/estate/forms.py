"""`aupgen forms`: a roster's acknowledgement forms (one page per adult, name and role filled in) and register.

The forms are for the setting's current version: the newest build record in the folder (so after an
update that needs re-signing, the forms are for the new version), or the answers file's
``policy_version`` when nothing has been built there yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aupgen.answers.resolve import read_answers
from aupgen.assembly.assemble import assemble
from aupgen.assembly.policy import Policy
from aupgen.estate.roster import Person
from aupgen.estate.spreadsheet import csv_bytes, xlsx_bytes
from aupgen.library.load import Library
from aupgen.files.filenames import slugify
from aupgen.files.outputs import prepare_folder, refuse_existing, write_all_atomically
from aupgen.pack.record import latest_record
from aupgen.render.house import house_style
from aupgen.render.templates import ACKNOWLEDGEMENT_TEMPLATE, FormOptions, render_acknowledgement, render_markdown

REGISTER_COLUMNS = ("name", "role", "email", "policy version", "date issued", "date signed")
PAGE_BREAK = "\n\n::: pagebreak\n:::\n\n"


@dataclass(frozen=True)
class FormPerson:
    """What the acknowledgement template sees as ``person``."""

    name: str
    role: str
    email: str
    page: int


@dataclass
class FormsResult:
    policy: Policy
    forms: Path
    register: Path
    register_csv: Path
    warnings: list[str] = field(default_factory=list)

    def all(self) -> list[Path]:
        return [self.forms, self.register, self.register_csv]


def current_policy(answers_file: Path, folder: Path, library: Library,
                   today: dt.date | None = None) -> tuple[Policy, list[str]]:
    """The policy as last built in ``folder`` (its version, date and history), and any warnings."""
    answers = read_answers(answers_file, library, today)
    values, warnings = dict(answers.values), list(answers.warnings)
    record = latest_record(folder, slugify(values["org_name"]), values["org_name"]) if folder.is_dir() else None
    if record is None:
        return assemble(values, library), warnings
    values["policy_version"] = record.policy_version
    dates = [entry.date for entry in record.history if entry.version == record.policy_version]
    if dates:
        values["approval_date"] = dates[-1]
    if record.library_version != library.version:
        warnings.append(f"{record.path} was built with clause library {record.library_version}, and this is "
                        f"{library.version}: the forms follow this library; run aupgen update first if the "
                        "policy should change too.")
    return assemble(values, library, history=record.history or None), warnings


def forms_markdown(policy: Policy, templates: Path, people: Sequence[Person], logo: bool = False) -> str:
    """Every adult's filled-in form, one after another, each starting on a new page (with the logo, if any)."""
    pages = [render_markdown(policy, templates, ACKNOWLEDGEMENT_TEMPLATE, logo=logo,
                             person=FormPerson(p.name, p.role, p.email, page))
             for page, p in enumerate(people, start=1)]
    return PAGE_BREAK.join(page.strip("\n") for page in pages) + "\n"


def register_rows(policy: Policy, people: Sequence[Person], issued: dt.date) -> list[list[object]]:
    return [[p.name, p.role, p.email or None, policy.version, issued, None] for p in people]


def register_csv(rows: Sequence[Sequence[object]]) -> bytes:
    return csv_bytes(REGISTER_COLUMNS, rows)


def write_forms(answers_file: Path, people: Sequence[Person], folder: Path, library: Library,
                force: bool = False, today: dt.date | None = None) -> FormsResult:
    """Write the forms (.docx) and the register (.xlsx and .csv) for ``people`` into ``folder``."""
    today = today or dt.date.today()
    policy, warnings = current_policy(answers_file, folder, library, today)
    stem = f"{slugify(policy.org_name)}-acknowledgement-v{policy.version}"
    result = FormsResult(policy, folder / f"{stem}-forms.docx", folder / f"{stem}-register.xlsx",
                         folder / f"{stem}-register.csv", warnings)
    prepare_folder(folder)
    refuse_existing(result.all(), force)  # the register is where signatures are recorded: never lose it
    rows = register_rows(policy, people, today)
    house = house_style(policy.answers, answers_file)  # the setting's logo, colour or reference document
    forms = forms_markdown(policy, library.templates, people, logo=house.logo is not None)
    write_all_atomically({
        result.forms: render_acknowledgement(policy, library.templates, FormOptions(house=house, markdown=forms)),
        result.register: xlsx_bytes(f"Version {policy.version}", REGISTER_COLUMNS, rows,
                                    date_columns=("date issued", "date signed")),
        result.register_csv: register_csv(rows),
    }, follow_links=force)
    return result
