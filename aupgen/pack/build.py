"""`aupgen build`: answers file -> policy pack on disk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aupgen.answers.resolve import Answers, read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library.load import Library, load_library
from aupgen.outputs import prepare_folder, refuse_existing, slugify, write_all_atomically
from aupgen.assembly.policy import Policy
from aupgen.pack.record import record_for, record_path, record_yaml


if TYPE_CHECKING:
    from aupgen.render.house import HouseStyle


@dataclass
class PackPaths:
    policy: Path
    acknowledgement: Path
    pdf: bool = False

    @property
    def record(self) -> Path:
        return record_path(self.policy)

    @property
    def policy_pdf(self) -> Path:
        return self.policy.with_suffix(".pdf")

    @property
    def acknowledgement_pdf(self) -> Path:
        return self.acknowledgement.with_suffix(".pdf")

    def all(self) -> list[Path]:
        pdfs = [self.policy_pdf, self.acknowledgement_pdf] if self.pdf else []
        return [self.policy, self.acknowledgement, *pdfs, self.record]


@dataclass
class BuildResult:
    paths: PackPaths
    policy: Policy
    warnings: list[str] = field(default_factory=list)


def pack_paths(folder: Path, org_name: str, version: int) -> PackPaths:
    """Where a pack's files go: ``<org-slug>-aup-v<version>.docx`` and its acknowledgement form."""
    slug = slugify(org_name)
    return PackPaths(folder / f"{slug}-aup-v{version}.docx", folder / f"{slug}-acknowledgement-v{version}.docx")


def build_pack(answers: Answers, library: Library, folder: Path, force: bool = False,
               today: dt.date | None = None, answers_file: Path | None = None, pdf: bool = False) -> BuildResult:
    """Assemble, render and write the pack for resolved ``answers``; refuses to overwrite unless ``force``.

    ``answers_file`` is where relative paths in the answers (logo, reference_docx) start from.
    """
    from aupgen.render.house import house_style  # the renderer loads when there is something to render

    house = house_style(answers.values, answers_file)
    policy = assemble(answers.values, library)
    return write_pack(policy, library, folder, force, today, list(answers.warnings), house, pdf)


def write_pack(policy: Policy, library: Library, folder: Path, force: bool = False,
               today: dt.date | None = None, warnings: list[str] | None = None,
               house: "HouseStyle | None" = None, pdf: bool = False) -> BuildResult:
    """Render ``policy`` and write its documents (and, with ``pdf``, their PDFs) and build record into ``folder``."""
    paths = pack_paths(folder, policy.org_name, policy.version)
    paths.pdf = pdf
    prepare_folder(folder)
    refuse_existing(paths.all(), force)
    soffice = None
    if pdf:
        from aupgen.render.pdf import find_soffice
        soffice = find_soffice()  # before any work: a missing LibreOffice is said at once
    from aupgen.render.templates import render_pack

    pack = render_pack(policy, library.templates, house=house)
    record = record_for(policy, library, today or dt.date.today())
    files = {paths.policy: pack.policy, paths.acknowledgement: pack.acknowledgement}
    if pdf:
        from aupgen.render.pdf import docx_to_pdf
        pdfs = docx_to_pdf({paths.policy.name: pack.policy, paths.acknowledgement.name: pack.acknowledgement},
                           soffice)
        files[paths.policy_pdf] = pdfs[paths.policy.name]
        files[paths.acknowledgement_pdf] = pdfs[paths.acknowledgement.name]
    files[paths.record] = record_yaml(record, paths.policy.name).encode("utf-8")
    write_all_atomically(files)
    return BuildResult(paths, policy, warnings or [])


def build(answers_file: Path | str, folder: Path | str = ".", library_root: Path | str | None = None,
          force: bool = False, today: dt.date | None = None, pdf: bool = False) -> BuildResult:
    """Read ``answers_file`` and write its pack into ``folder``."""
    library = load_library(library_root)
    answers = read_answers(answers_file, library, today)
    return build_pack(answers, library, Path(folder), force, today, Path(answers_file), pdf)
