"""Update is one transaction: the whole next version (pack, reports, redline, answers file) or nothing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from aupgen.files import outputs
from aupgen.cli import main
from aupgen.errors import UserError
from aupgen.pack.build import build
from aupgen.update.run import update
from update_helpers import ANSWERS, add_question, edit_clause, make_library, release, snapshot

NEW_FILES = {"test-primary-school-aup-v2.docx", ".test-primary-school-aup-v2.base.docx",
             "test-primary-school-acknowledgement-v2.docx", "test-primary-school-sources-v2.docx",
             "test-primary-school-aup-v2.lock.yaml",
             "test-primary-school-aup-v2-changes.md", "test-primary-school-aup-v2-changes.docx",
             "test-primary-school-aup-v2-changes-report.docx"}
STEPS = len(NEW_FILES) + 1  # and the answers file


def prepare(folder: Path) -> tuple[Path, Path, Path]:
    """A v1 built in ``folder``, its answers file beside it, and a newer library elsewhere."""
    answers = folder / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    out = folder / "out"
    build(answers, out, library_root=make_library(folder.parent if folder.name == "disk" else folder),
          today=dt.date(2026, 9, 1))
    library = make_library(folder.parent if folder.name == "disk" else folder, name="next")
    edit_clause(library, "10-devices.yaml", "devices.phones",
                commitment="I will keep my phone in my bag while I am with {{ terms.children }}.")
    release(library, "2026.2", [{"clause": "devices.phones", "change": "reworded", "reason": "Bags."}])
    return answers, out, library


def assert_whole_or_nothing(answers: Path, out: Path, before: dict[str, str], answers_before: str) -> bool:
    """Either every file of v2 and the bumped answers file, or exactly what was there before. True if whole."""
    after = snapshot(out)
    assert not [name for name in after if name.endswith(".part")], after
    if after == before:
        assert answers.read_text() == answers_before
        return False
    assert set(after) - set(before) == NEW_FILES
    assert {name: after[name] for name in before} == before
    assert "policy_version: 2" in answers.read_text()
    return True


@pytest.mark.parametrize("failing", ["write", "rename"])
def test_a_failure_at_each_step_leaves_everything_or_nothing(tmp_path, monkeypatch, failing):
    answers, out, library = prepare(tmp_path)
    before, answers_before = snapshot(out), answers.read_text()
    real_write, real_replace = outputs._write_temporary, os.replace
    steps = STEPS + (1 if failing == "rename" else 0)  # renames: the update's journal is put in place first
    for step in range(1, steps + 1):
        calls = {"n": 0}

        def fail_at_step(*args, _real=real_write if failing == "write" else real_replace, _step=step):
            if Path(args[0] if failing == "write" else args[1]).resolve().parent not in (out.resolve(), answers.resolve().parent):
                return _real(*args)  # not one of the update's files (e.g. the library cache)
            calls["n"] += 1
            if calls["n"] == _step:
                raise OSError(28, "No space left on device")
            return _real(*args)

        if failing == "write":
            monkeypatch.setattr(outputs, "_write_temporary", fail_at_step)
        else:
            monkeypatch.setattr(outputs.os, "replace", fail_at_step)
        with pytest.raises(UserError, match="nothing was written"):
            update(answers, out, library_root=library)
        monkeypatch.undo()
        assert not assert_whole_or_nothing(answers, out, before, answers_before), f"step {step}"
    result = update(answers, out, library_root=library)  # the re-run completes it
    assert result.status == "updated" and assert_whole_or_nothing(answers, out, before, answers_before)
    assert "Every adult must sign again" in (out / "test-primary-school-aup-v2-changes.md").read_text()


def test_ctrl_c_between_two_renames_takes_the_first_ones_back(tmp_path, monkeypatch):
    answers, out, library = prepare(tmp_path)
    before, answers_before = snapshot(out), answers.read_text()
    real_replace, calls = os.replace, {"n": 0}

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real_replace(*args)

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        update(answers, out, library_root=library)
    monkeypatch.undo()
    assert not assert_whole_or_nothing(answers, out, before, answers_before)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs (root only); skipped where it cannot be mounted."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield disk
    subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_leaves_the_whole_v2_or_nothing_and_a_rerun_completes_it(small_disk, capsys):
    answers, out, library = prepare(small_disk)
    before, answers_before = snapshot(out), answers.read_text()
    filler = small_disk / "filler"
    outcomes = []
    for free_kb in range(0, 400, 24):
        stats = os.statvfs(small_disk)
        with filler.open("wb") as stream:
            stream.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - free_kb * 1024))
        code = main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"])
        err = capsys.readouterr().err
        filler.unlink()
        whole = assert_whole_or_nothing(answers, out, before, answers_before)
        outcomes.append(whole)
        if whole:
            assert code == 0
            break
        assert code == 2 and err.count("\n") == 1 and "nothing was written" in err and "Traceback" not in err
    assert outcomes[0] is False and True in outcomes  # failures first, then the whole v2 once there was room


def test_a_rerun_after_a_full_disk_writes_everything(small_disk, capsys):
    answers, out, library = prepare(small_disk)
    before, answers_before = snapshot(out), answers.read_text()
    filler = small_disk / "filler"
    stats = os.statvfs(small_disk)
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - 60 * 1024))
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"]) == 2
    assert not assert_whole_or_nothing(answers, out, before, answers_before)
    filler.unlink()
    assert main(["update", str(answers), "-o", str(out), "--library", str(library), "--no-input"]) == 0
    assert assert_whole_or_nothing(answers, out, before, answers_before)
    assert "Every adult must sign again" in capsys.readouterr().out


def test_deleting_the_answers_file_during_update_stops_with_one_line(tmp_path, capsys):
    answers, out, library = prepare(tmp_path)
    add_question(library)
    before = snapshot(out)

    def ask_and_delete(questions, values):
        answers.unlink()  # someone tidies the folder while the question is on screen
        return {"memory_sticks": "encrypted_only"}

    with pytest.raises(UserError) as caught:
        update(answers, out, library_root=library, ask=ask_and_delete)
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)
    assert "was deleted or moved while aupgen update ran, so nothing was written" in str(caught.value)
    assert snapshot(out) == before and not answers.exists()
