"""`aupgen build`: answers file -> policy pack on disk."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from aupgen.answers.resolve import Answers, read_answers
from aupgen.assembly.assemble import assemble
from aupgen.library.load import Library, load_library
from aupgen.files.filenames import slugify
from aupgen.files.outputs import prepare_folder, refuse_existing, write_all_atomically
from aupgen.assembly.policy import Policy
from aupgen.pack.record import record_for, record_path, record_yaml


if TYPE_CHECKING:
    from aupgen.render.house import HouseStyle
    from aupgen.render.templates import RenderedPack


@dataclass(frozen=True)
class PackOptions:
    """How to write a pack: ``force`` overwrites an existing one, ``today`` dates the build record,
    ``pdf`` adds a PDF of each document, and ``defaults`` (aupgen build) records in the answers file
    the default of every question it leaves out."""

    force: bool = False
    today: dt.date | None = None
    pdf: bool = False
    defaults: bool = False


@dataclass
class PackPaths:
    policy: Path
    acknowledgement: Path
    pdf: bool = False

    @property
    def sources(self) -> Path:
        """The sources document: ``x-aup-v1.docx`` -> ``x-sources-v1.docx``."""
        stem, _, version = self.policy.stem.rpartition("-aup-v")
        return self.policy.with_name(f"{stem}-sources-v{version}.docx")

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
    def sources_pdf(self) -> Path:
        return self.sources.with_suffix(".pdf")

    @property
    def base(self) -> Path:
        """A hidden copy of the policy exactly as the library gave it (``.x-aup-v1.base.docx``).

        `aupgen update` compares the setting's edited policy with it to find their Word edits.
        """
        return base_path(self.policy)

    def all(self) -> list[Path]:
        pdfs = [self.policy_pdf, self.acknowledgement_pdf, self.sources_pdf] if self.pdf else []
        return [self.policy, self.acknowledgement, self.sources, *pdfs, self.record]


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
    """Where a pack's files go: ``<org-slug>-aup-v<version>.docx``, its signed summary (still named
    ``…-acknowledgement-v<version>.docx``, as rosters and updates know it) and its sources document.

    ``stem`` names a pack built under another stem (see `aupgen.files.filenames.legacy_stem`).
    """
    slug = stem or slugify(org_name)
    return PackPaths(folder / f"{slug}-aup-v{version}.docx", folder / f"{slug}-acknowledgement-v{version}.docx")


def build_pack(answers: Answers, library: Library, folder: Path, options: PackOptions = PackOptions(),
               also: dict[Path, bytes] | None = None, answers_file: Path | None = None) -> BuildResult:
    """Assemble, render and write the pack for resolved ``answers``; refuses to overwrite unless ``options.force``.

    ``answers_file`` is where relative paths in the answers (logo, reference_docx) start from; ``also``,
    other files to write in the same all-or-nothing step (the answers file with its defaults recorded).
    """
    from aupgen.render.house import house_style  # the renderer loads when there is something to render

    house = house_style(answers.values, answers_file)
    policy = assemble(answers.values, library)
    result = write_pack(policy, library, folder, options, house, also)
    result.warnings = list(answers.warnings)
    return result


def write_pack(policy: Policy, library: Library, folder: Path, options: PackOptions = PackOptions(),
               house: "HouseStyle | None" = None, also: dict[Path, bytes] | None = None) -> BuildResult:
    """Render ``policy`` and write its documents (with ``options.pdf``, their PDFs too) and build record
    (and ``also``) into ``folder``, all or none."""
    paths = pack_paths(folder, policy.org_name, policy.version)
    paths.pdf = options.pdf
    prepare_folder(folder)
    refuse_existing(paths.all(), options.force)
    soffice = None
    if options.pdf:
        from aupgen.render.pdf import find_soffice
        soffice = find_soffice()  # before any work: a missing LibreOffice is said at once
    pack = render_documents(policy, library, house)
    files = pack_files(policy, library, paths, pack, options.today)
    if options.pdf:
        files |= pack_pdfs(paths, files, soffice)
    write_all_atomically(files | (also or {}), overwrite=options.force, replaceable=(also or {}).keys(),
                         follow_links=options.force)
    return BuildResult(paths, policy)


@dataclass(frozen=True)
class PackDocuments:
    """The three documents of a pack, as .docx bytes: the policy, the signed summary, the sources."""

    policy: bytes
    acknowledgement: bytes
    sources: bytes


def render_documents(policy: Policy, library: Library, house: "HouseStyle | None" = None) -> PackDocuments:
    """Render the pack's three documents in the library's (and the setting's) style."""
    from aupgen.pack.sources import render_sources
    from aupgen.render.templates import render_pack

    pack = render_pack(policy, library.templates, house=house)
    return PackDocuments(pack.policy, pack.acknowledgement, render_sources(policy, library.templates, house))


def pack_files(policy: Policy, library: Library, paths: PackPaths, pack: "PackDocuments | RenderedPack",
               today: dt.date | None = None, policy_docx: bytes | None = None) -> dict[Path, bytes]:
    """The files of a pack, by name: ``policy_docx`` (when given) replaces the library's policy.

    Given the two documents of `render_pack` alone, the sources document is rendered here (plainly styled).
    """
    record = record_for(policy, library, today or dt.date.today())
    if isinstance(pack, PackDocuments):
        sources = pack.sources
    else:
        from aupgen.pack.sources import render_sources
        sources = render_sources(policy, library.templates)
    return {
        paths.base: pack.policy,
        paths.policy: policy_docx if policy_docx is not None else pack.policy,
        paths.acknowledgement: pack.acknowledgement,
        paths.sources: sources,
        paths.record: record_yaml(record, paths.policy.name).encode("utf-8"),
    }


def pack_pdfs(paths: PackPaths, files: dict[Path, bytes], soffice: str | None = None) -> dict[Path, bytes]:
    """PDFs of the pack's three documents in ``files`` (one LibreOffice run), by their paths."""
    from aupgen.render.pdf import docx_to_pdf

    pairs = ((paths.policy, paths.policy_pdf), (paths.acknowledgement, paths.acknowledgement_pdf),
             (paths.sources, paths.sources_pdf))
    pdfs = docx_to_pdf({docx.name: files[docx] for docx, _ in pairs}, soffice)
    return {pdf: pdfs[docx.name] for docx, pdf in pairs}


def build(answers_file: Path | str, folder: Path | str = ".", library_root: Path | str | None = None,
          force: bool = False, today: dt.date | None = None, options: PackOptions | None = None) -> BuildResult:
    """Read ``answers_file`` and write its pack into ``folder``.

    ``force`` and ``today`` may be given alone, as most callers do, or in ``options``. With
    ``options.defaults``, every question that applies and the file leaves out is recorded in it with
    the default it took (written in place, in the same all-or-nothing step as the pack), so the
    file states every answer the policy was built from.
    """
    options = replace(options or PackOptions(), force=force or bool(options and options.force),
                      today=today or (options.today if options else None))
    library = load_library(library_root)
    answers = read_answers(answers_file, library, options.today)
    also = recorded_defaults(Path(answers_file), answers, library, options.today) if options.defaults else {}
    result = build_pack(answers, library, Path(folder), options, also, Path(answers_file))
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
