"""A run killed half-way leaves last year's document intact and no partial file under its name.

Files are written to a hidden ``.<name>.<pid>.<random>.part`` beside the final name and renamed
into place. SIGKILL cannot be caught, so a killed run may leave its hidden temporary file; the next
write of the same file removes it once the process that made it has gone. What must always hold:
every final name holds either the previous file or the complete new one.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
import yaml

from aupgen.errors import UserError
from aupgen.files.outputs import remove_stale_parts, write_all_atomically, write_atomically
from input_helpers import answers_text

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL")

HELPER = r"""
import os, sys, time
from pathlib import Path
from aupgen.files import outputs
if sys.argv[3] == "slow-disk":  # the data is written, the disk is slow to confirm it: stop there
    calls = []
    def slow_fsync(fd, _real=os.fsync):
        calls.append(fd)
        if len(calls) == len(sys.argv[4:]) + 1:  # the last file of the run
            print("writing", flush=True)
            time.sleep(60)
        _real(fd)
    os.fsync = slow_fsync
payload = bytes([int(sys.argv[2])]) * (64 * 1024 * 1024)
print("start", flush=True)
if sys.argv[4:]:  # a pack: the policy, then its form; the slow disk holds up the form
    outputs.write_all_atomically({Path(sys.argv[1]): payload, Path(sys.argv[4]): b"new form"})
else:
    outputs.write_atomically(Path(sys.argv[1]), payload)
print("done", flush=True)
"""


def start_writer(path: Path, fill: int, mode: str, *more: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HELPER, str(path), str(fill), mode, *map(str, more)],
                            stdout=subprocess.PIPE, text=True)


def parts_beside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.part"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_killed_before_the_rename_leaves_the_previous_file_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "policy.docx"
    target.write_bytes(b"last year's policy")
    writer = start_writer(target, 7, "slow-disk")
    assert writer.stdout.readline().strip() == "start"
    assert writer.stdout.readline().strip() == "writing"  # the new data sits in the temporary file
    leftovers = parts_beside(target)
    assert len(leftovers) == 1 and leftovers[0].name.startswith(f".policy.docx.{writer.pid}.")
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert target.read_bytes() == b"last year's policy"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["policy.docx"]

    write_atomically(target, b"this year's policy")  # the next run
    assert target.read_bytes() == b"this year's policy"
    assert parts_beside(target) == []


def test_a_pack_killed_while_writing_its_last_file_keeps_every_previous_file(tmp_path):
    policy, form = tmp_path / "policy.docx", tmp_path / "form.docx"
    policy.write_bytes(b"last year's policy")
    form.write_bytes(b"last year's form")
    writer = start_writer(policy, 7, "slow-disk", form)
    assert writer.stdout.readline().strip() == "start"
    assert writer.stdout.readline().strip() == "writing"  # the policy is written in full, the form nearly
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert policy.read_bytes() == b"last year's policy" and form.read_bytes() == b"last year's form"
    write_all_atomically({policy: b"this year's policy", form: b"this year's form"})
    assert policy.read_bytes() == b"this year's policy" and form.read_bytes() == b"this year's form"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.docx", "policy.docx"]


@pytest.mark.parametrize("attempt", range(8))
def test_killed_at_a_random_moment_the_final_name_is_old_or_complete(tmp_path, attempt):
    target = tmp_path / "policy.docx"
    old = b"last year's policy" * 1000
    target.write_bytes(old)
    new_digest = digest(bytes([9]) * (64 * 1024 * 1024))
    writer = start_writer(target, 9, "plain")
    assert writer.stdout.readline().strip() == "start"
    time.sleep(random.Random(attempt).uniform(0, 0.4))
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert digest(target.read_bytes()) in (digest(old), new_digest)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["policy.docx"]
    remove_stale_parts(target)
    assert parts_beside(target) == []


def build_command(answers: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "aupgen", "build", str(answers), "-o", str(out), "--force"]


def pack_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def is_complete_new(name: str, data: bytes) -> bool:
    """Whether ``data`` is this year's complete file: a Word file that opens, or the build record."""
    if name.endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        return "Mrs New Head" in text or "acknowledgement" in name or "-sources-" in name  # these two do not name the head
    return isinstance(yaml.safe_load(data), dict)


def wait_for_writing(process: subprocess.Popen, out: Path) -> None:
    """Return once the build has started writing a document (a temporary file appears), or ended."""
    while process.poll() is None:
        if any(e.name.endswith(".part") and ".aupgen-write-test." not in e.name for e in os.scandir(out)):
            return
        time.sleep(0.0005)


def test_a_real_build_killed_at_random_moments_never_leaves_a_partial_document(tmp_path):
    """Re-running over last year's documents with --force, killed at random: each file is old or whole.

    Half the kills land anywhere in the run; the other half land while it writes its files.
    """
    out = tmp_path / "out"
    last_year = tmp_path / "last-year.yaml"
    last_year.write_text(answers_text({"leader_name": "Mrs Old Head"}), encoding="utf-8")
    started = time.monotonic()
    subprocess.run(build_command(last_year, out)[:-1], check=True, capture_output=True, timeout=300)
    duration = time.monotonic() - started
    old = pack_files(out)
    assert len(old) >= 2

    this_year = tmp_path / "this-year.yaml"
    this_year.write_text(answers_text({"leader_name": "Mrs New Head"}), encoding="utf-8")
    rng = random.Random(5)
    for attempt in range(8):
        process = subprocess.Popen(build_command(this_year, out), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if attempt % 2:
            wait_for_writing(process, out)
            time.sleep(rng.uniform(0, 0.03))
        else:
            time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        now = pack_files(out)
        assert set(now) == set(old), f"attempt {attempt}: files {sorted(now)}"
        for name, data in now.items():
            assert data == old[name] or is_complete_new(name, data), f"{name} is partial (attempt {attempt})"
        for name, data in old.items():  # last year's pack again, for the next attempt
            (out / name).write_bytes(data)

    finished = subprocess.run(build_command(this_year, out), capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert all(is_complete_new(name, data) for name, data in pack_files(out).items())
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")] == [], "the finished run left temporary files"


def test_a_leftover_of_a_live_process_is_kept(tmp_path):
    target = tmp_path / "policy.docx"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".policy.docx.{sleeper.pid}.abcdefgh.part"
        live.write_bytes(b"being written by another run")
        unrelated = tmp_path / ".notes.txt.1.x.part"
        unrelated.write_bytes(b"not ours")
        write_atomically(target, b"new")
        assert live.exists() and unrelated.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    write_atomically(target, b"newer")
    assert not live.exists() and unrelated.exists()


def test_the_replaced_file_keeps_its_permissions_and_a_new_one_gets_the_usual_ones(tmp_path):
    shared = tmp_path / "shared.docx"
    shared.write_bytes(b"old")
    shared.chmod(0o640)
    write_atomically(shared, b"new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.docx"
    umask = os.umask(0o022)
    try:
        write_atomically(fresh, b"new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_a_failed_write_is_a_user_error_and_leaves_nothing(tmp_path):
    (tmp_path / "policy.docx").mkdir()  # a folder stands where the file should go
    with pytest.raises(UserError, match=r"policy\.docx: could not be written .* is unchanged"):
        write_atomically(tmp_path / "policy.docx", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["policy.docx"]
    with pytest.raises(UserError, match="could not be written"):
        write_atomically(tmp_path / "missing-folder" / "policy.docx", b"new")
