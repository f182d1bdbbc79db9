"""`aupgen build`: answers file -> policy pack on disk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aupgen.answers.resolve import Answers, read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library.load import Library, load_library
from aupgen.files.outputs import prepare_folder, refuse_existing, slugify, write_all_atomically
from aupgen.assembly.policy import Policy
from aupgen.pack.record import record_for, record_path, record_yaml


if TYPE_CHECKING:
    from aupgen.render.house import HouseStyle
    from aupgen.render.templates import RenderedPack


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

    @property
    def base(self) -> Path:
        """A hidden copy of the policy exactly as the library gave it (``.x-aup-v1.base.docx``).

        `aupgen update` compares the setting's edited policy with it to find their Word edits.
        """
        return base_path(self.policy)

    def all(self) -> list[Path]:
        pdfs = [self.policy_pdf, self.acknowledgement_pdf] if self.pdf else []
        return [self.policy, self.acknowledgement, *pdfs, self.record]


@dataclass
class BuildResult:
    paths: PackPaths
    policy: Policy
    warnings: list[str] = field(default_factory=list)
    defaults_recorded: bool = False


def base_path(policy_path: Path) -> Path:
    """``x-aup-v2.docx`` -> ``.x-aup-v2.base.docx``: the policy as aupgen wrote it, before any edit."""
    return policy_path.with_name(f".{policy_path.stem}.base.docx")


def pack_paths(folder: Path, org_name: str, version: int, stem: str | None = None) -> PackPaths:
    """Where a pack's files go: ``<org-slug>-aup-v<version>.docx`` and its acknowledgement form.

    ``stem`` names a pack built under another stem (see `aupgen.files.filenames.legacy_stem`).
    """
    slug = stem or slugify(org_name)
    return PackPaths(folder / f"{slug}-aup-v{version}.docx", folder / f"{slug}-acknowledgement-v{version}.docx")


def build_pack(answers: Answers, library: Library, folder: Path, force: bool = False,
               today: dt.date | None = None, also: dict[Path, bytes] | None = None,
               answers_file: Path | None = None, pdf: bool = False) -> BuildResult:
    """Assemble, render and write the pack for resolved ``answers``; refuses to overwrite unless ``force``.

    ``answers_file`` is where relative paths in the answers (logo, reference_docx) start from.
    """
    from aupgen.render.house import house_style  # the renderer loads when there is something to render

    house = house_style(answers.values, answers_file)
    policy = assemble(answers.values, library)
    return write_pack(policy, library, folder, force, today, list(answers.warnings), also, house, pdf)


def write_pack(policy: Policy, library: Library, folder: Path, force: bool = False,
               today: dt.date | None = None, warnings: list[str] | None = None,
               also: dict[Path, bytes] | None = None, house: "HouseStyle | None" = None,
               pdf: bool = False) -> BuildResult:
    """Render ``policy`` and write its documents (with ``pdf``, their PDFs too) and build record (and ``also``)
    into ``folder``, all or none."""
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
    files = pack_files(policy, library, paths, pack, today)
    if pdf:
        from aupgen.render.pdf import docx_to_pdf
        pdfs = docx_to_pdf({paths.policy.name: pack.policy, paths.acknowledgement.name: pack.acknowledgement},
                           soffice)
        files[paths.policy_pdf] = pdfs[paths.policy.name]
        files[paths.acknowledgement_pdf] = pdfs[paths.acknowledgement.name]
    write_all_atomically(files | (also or {}), overwrite=force, replaceable=(also or {}).keys(), follow_links=force)
    return BuildResult(paths, policy, warnings or [])


def pack_files(policy: Policy, library: Library, paths: PackPaths, pack: RenderedPack,
               today: dt.date | None = None, policy_docx: bytes | None = None) -> dict[Path, bytes]:
    """The files of a pack, by name: ``policy_docx`` (when given) replaces the library's policy."""
    record = record_for(policy, library, today or dt.date.today())
    return {
        paths.base: pack.policy,
        paths.policy: policy_docx if policy_docx is not None else pack.policy,
        paths.acknowledgement: pack.acknowledgement,
        paths.record: record_yaml(record, paths.policy.name).encode("utf-8"),
    }


def build(answers_file: Path | str, folder: Path | str = ".", library_root: Path | str | None = None,
          force: bool = False, today: dt.date | None = None, defaults: bool = False,
          pdf: bool = False) -> BuildResult:
    """Read ``answers_file`` and write its pack into ``folder``.

    With ``defaults``, every question that applies and the file leaves out is recorded in it with
    the default it took (written in place, in the same all-or-nothing step as the pack), so the
    file states every answer the policy was built from.
    """
    library = load_library(library_root)
    answers = read_answers(answers_file, library, today)
    also = recorded_defaults(Path(answers_file), answers, library, today) if defaults else {}
    result = build_pack(answers, library, Path(folder), force, today, also, Path(answers_file), pdf)
    result.defaults_recorded = bool(also)
    return result


def recorded_defaults(path: Path, answers: Answers, library: Library, today: dt.date | None) -> dict[Path, bytes]:
    """The answers file at ``path`` with the defaults it left out written in (nothing if it left none out)."""
    from aupgen.answers.file import applicable_answers, edited_answers
    from aupgen.files.yamlfile import read_mapping

    file = read_mapping(path, "answers file")
    missing = {key: value for key, value in applicable_answers(answers.values, library, today).items()
               if key not in file.data}
    if not missing:
        return {}
    note = f"Defaults recorded by aupgen build on {(today or dt.date.today()).isoformat()} (clause library {library.version}):"
    return {path: edited_answers(file.text, {}, missing, note).encode("utf-8")}
