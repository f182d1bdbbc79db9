"""Word documents and output folders from outside (issue 22): links named like outputs, DTDs and
expansions, a noisy converter, merges of huge edited policies, an update killed mid-rename.

Every case asserts the outcome a user gets: exit 0 with the right output, or exit 2 with one
sentence naming the file and what was expected, nothing written, no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aupgen.cli import main
from aupgen.pack.build import build
from outside_helpers import PRIMARY, SLUG, answers_with, built_small_library, run_bounded


# 6. Outputs never written through a symbolic link without --force ----------------------------

def test_a_dangling_link_named_like_the_policy_is_refused_and_its_target_not_created(tmp_path, capsys):
    out = tmp_path / "pack"
    out.mkdir()
    target = tmp_path / "elsewhere" / "planted.docx"
    (out / f"{SLUG}-aup-v1.docx").symlink_to(target)
    assert main(["build", str(PRIMARY), "-o", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert "symbolic link" in error and f"{SLUG}-aup-v1.docx" in error and "Traceback" not in error
    assert not target.exists() and not target.parent.exists()
    assert sorted(p.name for p in out.iterdir()) == [f"{SLUG}-aup-v1.docx"]


def test_a_summary_csv_that_links_elsewhere_is_not_overwritten_without_force(tmp_path, capsys):
    answers = tmp_path / "answers"
    answers.mkdir()
    (answers / "primary.yaml").write_bytes(PRIMARY.read_bytes())
    packs = tmp_path / "packs"
    packs.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    (packs / "summary.csv").symlink_to(precious)
    assert main(["build", str(answers), "-o", str(packs), "--jobs", "1"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert precious.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in packs.iterdir()) == ["summary.csv"]  # refused before any setting was built
    assert main(["build", str(answers), "-o", str(packs), "--jobs", "1", "--force"]) == 0
    assert "answers file" in precious.read_text(encoding="utf-8-sig")  # --force: written through, link kept
    assert (packs / "summary.csv").is_symlink()


def test_the_register_is_not_written_through_a_link(tmp_path, capsys):
    out = tmp_path / "pack"
    build(PRIMARY, out)
    roster = tmp_path / "staff.csv"
    roster.write_text("Name,Role\nJane Smith,Helper\n", encoding="utf-8")
    target = tmp_path / "target.csv"
    (out / f"{SLUG}-acknowledgement-v1-register.csv").symlink_to(target)
    assert main(["forms", str(PRIMARY), "--roster", str(roster), "-o", str(out)]) == 2
    assert "symbolic link" in capsys.readouterr().err and not target.exists()


# 8 and 5. Word documents from outside: no DTDs, no expansion beyond limits -----------------------

def _docx_with(tmp_path: Path, source: Path, name: str, change) -> Path:
    import zipfile

    target = tmp_path / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item.filename, change(item.filename, original.read(item.filename)))
    return target


def _with_dtd(part: str):
    def change(name: str, data: bytes) -> bytes:
        if name == part:
            body = data.split(b"?>", 1)[-1]
            return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "entity">]>' + body
        return data
    return change


def test_a_reference_docx_with_a_dtd_is_refused(tmp_path, capsys):
    plain = tmp_path / "plain.docx"
    import docx as python_docx
    python_docx.Document().save(plain)
    _docx_with(tmp_path, plain, "house.docx", _with_dtd("word/styles.xml"))
    assert main(["build", str(answers_with(tmp_path, reference_docx="house.docx")), "-o", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert "reference_docx" in error and "DTD" in error and "styles.xml" in error and "Traceback" not in error
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


@pytest.mark.parametrize("case", ["dtd", "expansion"])
def test_an_edited_policy_with_a_dtd_or_a_huge_expansion_stops_the_update_in_one_sentence(tmp_path, case):
    import shutil

    answers = tmp_path / "answers.yaml"
    shutil.copy(PRIMARY, answers)
    out = tmp_path / "out"
    build(answers, out)
    policy = out / f"{SLUG}-aup-v1.docx"
    if case == "dtd":
        change = _with_dtd("word/document.xml")
    else:
        def change(name: str, data: bytes) -> bytes:
            return data + b" " * (30 * 1024 * 1024) if name == "word/document.xml" else data
    hostile = _docx_with(tmp_path, policy, "hostile.docx", change)
    shutil.move(hostile, policy)
    before = sorted(p.name for p in out.iterdir())
    code, err, peak = run_bounded(["update", str(answers), "-o", str(out), "--force", "--no-input"])
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert ("DTD" in err) if case == "dtd" else ("bytes of XML" in err)
    assert sorted(p.name for p in out.iterdir()) == before
    assert peak < 600


# 11. A noisy converter's output is not echoed -------------------------------------------------

def test_a_noisy_soffice_shows_one_short_line_of_its_output(tmp_path, monkeypatch, capsys):
    noisy = tmp_path / "noisy-soffice"
    noisy.write_text("#!/bin/sh\nyes 'LibreOffice says something long and dull' | head -c 2000000\n"
                     "yes x | head -c 100000 | tr -d '\\n' >&2\nexit 1\n", encoding="utf-8")
    noisy.chmod(0o755)
    monkeypatch.setenv("AUPGEN_SOFFICE", str(noisy))
    out = tmp_path / "out"
    assert main(["build", str(PRIMARY), "-o", str(out), "--pdf"]) == 2
    printed = capsys.readouterr().err.strip()
    error = [line for line in printed.splitlines() if line.startswith("aupgen: error:")]
    assert len(error) == 1 and len(error[0]) < 500 and len(printed) < 1000 and "Traceback" not in printed, printed[:1000]
    assert "did not convert" in error[0] and "xxxx" in error[0]
    assert not out.exists() or not list(out.glob("*.docx"))


# 5. Merging is near-linear, and an edited policy's paragraphs are capped ------------------------

def _policy_with_paragraphs(tmp_path: Path, added: bytes, count: int) -> tuple[Path, Path, Path]:
    """A v1 of the small test library whose body gains ``count`` copies of ``added`` (a paragraph's XML,
    ``{n}`` numbered) halfway down, and a v2 library with one clause reworded: (answers, output, v2 library)."""
    import shutil

    from update_helpers import edit_clause, make_library, release

    answers, out, policy = built_small_library(tmp_path)

    def change(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        paragraphs = data.split(b"</w:p>")
        middle = len(paragraphs) // 2
        extra = b"".join(added.replace(b"{n}", str(n).encode()) for n in range(count))
        return b"</w:p>".join(paragraphs[:middle]) + b"</w:p>" + extra + b"</w:p>".join(paragraphs[middle:])

    shutil.move(_docx_with(tmp_path, policy, "edited.docx", change), policy)
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    return answers, out, v2


@pytest.mark.parametrize("kind", ["added", "empty"])
def test_thousands_of_added_or_empty_paragraphs_merge_in_bounded_time(tmp_path, kind):
    import docx as python_docx

    paragraph = b"<w:p><w:r><w:t>Added line {n} of our own.</w:t></w:r></w:p>" if kind == "added" else b"<w:p/>"
    answers, out, v2 = _policy_with_paragraphs(tmp_path, paragraph, 9_000)
    code, err, peak = run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"])
    assert code == 0, err
    assert peak < 600
    from aupgen.update.wordxml import paragraphs

    texts = [p.text for p in paragraphs(python_docx.Document(next(out.glob("*-aup-v2.docx"))).element.body)]
    assert any(t.startswith("Bluetooth and nearby sharing") for t in texts)
    assert sum(t.startswith("Added line ") for t in texts) == (9_000 if kind == "added" else 0)


def test_an_edited_policy_of_too_many_paragraphs_is_refused_in_one_sentence(tmp_path):
    answers, out, v2 = _policy_with_paragraphs(tmp_path, b"<w:p/>", 60_000)
    assert (next(out.glob("*-aup-v1.docx"))).stat().st_size < 200_000  # small on disk, huge inside
    before = sorted(p.name for p in out.iterdir())
    code, err, peak = run_bounded(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"])
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "aup-v1.docx" in err and "10,000 aupgen reads" in err and "60,0" in err
    assert sorted(p.name for p in out.iterdir()) == before and peak < 600


# 10. An update killed between its final renames is completed by the next run -------------------

@pytest.mark.parametrize("renamed", [0, 5])
def test_an_update_killed_between_its_renames_is_completed_by_the_next_run(tmp_path, capsys, renamed):
    """The child dies (os._exit, as SIGKILL leaves it) just before its rename number ``renamed`` + 1:
    with 5, after the hidden base copy, the policy, the form, the sources and the build record and before
    the report, redline and answers."""
    import os
    import subprocess
    import sys

    import yaml
    from update_helpers import ANSWERS, edit_clause, make_library, release

    v1 = make_library(tmp_path, "v1")
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(answers), "-o", str(out), "--library", str(v1)]) == 0
    v2 = make_library(tmp_path, "v1", name="2026.2")
    edit_clause(v2, "10-devices.yaml", "devices.bluetooth",
                text="Bluetooth and nearby sharing must be switched off on every device used at the {{ terms.setting }}.")
    release(v2, "2026.2", [{"clause": "devices.bluetooth", "change": "reworded", "reason": "Nearby sharing."}])
    killed = subprocess.run([sys.executable, "-m", "aupgen", "update", str(answers), "-o", str(out), "--library",
                             str(v2), "--no-input"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "AUPGEN_TEST_KILL_AT_RENAME": str(renamed)})
    assert killed.returncode == 137, killed.stderr
    assert (out / ".aupgen-update-journal.json").exists() and list(out.glob(".*.part"))
    assert len(list(out.glob("*-aup-v2.lock.yaml"))) == (1 if renamed == 5 else 0)
    assert not list(out.glob("*-v2-changes.md"))
    assert yaml.safe_load(answers.read_text(encoding="utf-8")).get("policy_version") in (None, 1)

    capsys.readouterr()
    assert main(["update", str(answers), "-o", str(out), "--library", str(v2), "--no-input"]) == 0
    printed = capsys.readouterr()
    assert "was interrupted" in printed.err and "put in place now" in printed.err
    for name in ("aup-v2.docx", "acknowledgement-v2.docx", "aup-v2.lock.yaml", "aup-v2-changes.md",
                 "aup-v2-changes.docx", "aup-v2-changes-report.docx"):
        assert (out / f"test-primary-school-{name}").stat().st_size > 0, name
    assert not list(out.glob("*v3*"))  # completed, not built again
    assert yaml.safe_load(answers.read_text(encoding="utf-8"))["policy_version"] == 2
    assert not list(out.glob(".*.part")) and not list(tmp_path.glob(".*.part"))
    assert not (out / ".aupgen-update-journal.json").exists()
