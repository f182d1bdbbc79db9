"""One record per organisation: file stems stay distinct in any script, and no setting's update or
build uses or replaces another's files (issue 14, item 1)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml

from aupgen.errors import UserError
from aupgen.files.filenames import MAX_STEM, slugify
from aupgen.files.outputs import write_all_atomically
from aupgen.pack.build import build
from aupgen.pack.record import read_record
from aupgen.update.run import update
from input_helpers import aupgen, answers_text, assert_refused, snapshot

FIRST_LIBRARY = Path(__file__).parent / "fixtures" / "library-2026.1"

NAMES = {
    "arabic": "مدرسة النور",
    "arabic-2": "مدرسة الأمل",
    "chinese": "学校",
    "chinese-traditional": "學校",
    "chinese-homophone": "雪校",
    "cyrillic": "Школа №5",
    "cyrillic-2": "Школа №6",
    "emoji": "😀 Club",
    "emoji-2": "🙂 Club",
    "emoji-only": "🏫",
    "greek": "Σχολείο",
    "hebrew": "בית ספר",
    "devanagari": "विद्यालय",
    "punctuation-only": "...",
    "punctuation-only-2": "!!!",
}
LONG = "The Very Long Named Church of England Voluntary Aided Primary School of Saint "
LONG_NAMES = [LONG + "Mary the Virgin", LONG + "Michael and All Angels"]
STEM = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def write_answers(folder: Path, org_name: str, name: str = "answers.yaml") -> Path:
    path = folder / name
    path.write_text(answers_text({"org_name": yaml.safe_dump(org_name, default_style='"', allow_unicode=True).strip()}),
                    encoding="utf-8")
    return path


def test_names_in_any_script_get_distinct_safe_stems():
    stems = {key: slugify(name) for key, name in NAMES.items()}
    assert len(set(stems.values())) == len(stems), stems
    for key, stem in stems.items():
        assert STEM.fullmatch(stem) and len(stem) <= MAX_STEM, (key, stem)
        assert stem != "organisation", key
    assert stems["chinese"].startswith("xuexiao-") and stems["cyrillic"].startswith("shkola-no5-")
    assert stems["arabic"].startswith("mdrsh-")
    assert slugify("学校") == stems["chinese"], "the same name must always give the same stem"
    assert slugify("  学校 ") == stems["chinese"]


def test_latin_names_keep_their_readable_stems():
    assert slugify("St Mary's C of E Primary") == "st-marys-c-of-e-primary"
    assert slugify("Ysgol Gymraeg Bro Dinefwr—Ffynnon") == "ysgol-gymraeg-bro-dinefwr-ffynnon"
    assert slugify("Café Crème") == "cafe-creme"


def test_two_long_names_sharing_sixty_characters_get_different_stems():
    assert LONG_NAMES[0][:60] == LONG_NAMES[1][:60]
    first, second = (slugify(n) for n in LONG_NAMES)
    assert first != second
    assert len(first) == len(second) == MAX_STEM
    assert first.startswith("the-very-long-named-church-of-england")


@pytest.mark.parametrize("names", [(NAMES["arabic"], NAMES["chinese"]), (NAMES["cyrillic"], NAMES["cyrillic-2"]),
                                   (NAMES["emoji"], NAMES["emoji-2"]), tuple(LONG_NAMES)])
def test_two_settings_in_one_folder_keep_their_own_packs(tmp_path, names):
    out = tmp_path / "out"
    results = [build(write_answers(tmp_path, name, f"answers-{i}.yaml"), out) for i, name in enumerate(names)]
    assert results[0].paths.policy != results[1].paths.policy
    assert len([p for p in out.glob("*.docx") if not p.name.startswith(".")]) == 6  # and their hidden base copies
    for name, result in zip(names, results):
        assert read_record(result.paths.record).organisation == name


def test_the_build_record_names_the_organisation(tmp_path):
    result = build(write_answers(tmp_path, NAMES["arabic"]), tmp_path / "out")
    text = result.paths.record.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["organisation"] == NAMES["arabic"]
    assert read_record(result.paths.record).organisation == NAMES["arabic"]


def test_updating_another_script_setting_in_the_same_folder_finds_no_record_of_its_own(tmp_path, capsys):
    """The reported case: building مدرسة النور, then updating 学校 in the same folder, issued 学校 a v2."""
    out = tmp_path / "out"
    build(write_answers(tmp_path, NAMES["arabic"], "arabic.yaml"), out)
    chinese = write_answers(tmp_path, NAMES["chinese"], "chinese.yaml")
    before = snapshot(tmp_path)
    assert_refused(aupgen(capsys, "update", chinese, "-o", out, "--no-input", "--force"),
                   "holds no build record for 学校")
    assert snapshot(tmp_path) == before


def test_update_refuses_the_record_of_another_organisation_with_the_same_stem(tmp_path, capsys):
    out = tmp_path / "out"
    first = build(write_answers(tmp_path, "St Mary's School", "marys.yaml"), out)
    other = write_answers(tmp_path, "St Marys School", "other.yaml")
    assert slugify("St Marys School") == slugify("St Mary's School")
    before = snapshot(tmp_path)
    assert_refused(aupgen(capsys, "update", other, "-o", out, "--no-input", "--force"),
                   str(first.paths.record), "'St Mary's School'", "not of 'St Marys School'")
    assert snapshot(tmp_path) == before
    with pytest.raises(UserError, match="build record of"):
        update(other, out, force=True)


def test_a_record_of_the_same_name_in_other_case_or_spacing_is_the_same_organisation(tmp_path):
    out = tmp_path / "out"
    build(write_answers(tmp_path, "St Mary's School", "a.yaml"), out)
    result = update(write_answers(tmp_path, "ST  MARY'S SCHOOL", "b.yaml"), out, force=True)
    assert result.build is not None and result.build.paths.policy.name == "st-marys-school-aup-v2.docx"


def test_a_file_that_appears_while_writing_is_never_replaced(tmp_path):
    """Two runs at once: the second finds the first's file at the final rename and takes its own away."""
    policy, form = tmp_path / "x-aup-v1.docx", tmp_path / "x-acknowledgement-v1.docx"
    form.write_bytes(b"written a moment ago by another run")
    with pytest.raises(UserError, match="appeared while this run was writing.*nothing was written"):
        write_all_atomically({policy: b"mine", form: b"mine too"}, overwrite=False)
    assert not policy.exists()
    assert form.read_bytes() == b"written a moment ago by another run"
    assert [p.name for p in tmp_path.iterdir()] == [form.name], "no temporary file is left behind"
    write_all_atomically({policy: b"mine", form: b"replaced on purpose"})  # overwrite (--force) still replaces
    assert form.read_bytes() == b"replaced on purpose"


RACE = """
import sys
from aupgen.cli import main
raise SystemExit(main(["build", sys.argv[1], "-o", sys.argv[2]]))
"""


@pytest.mark.parametrize("attempt", range(3))
def test_two_builds_of_same_stem_settings_at_once_never_mix_or_silently_replace(tmp_path, attempt):
    out = tmp_path / "out"
    names = ["St Mary's School", "St Marys School"]
    files = [write_answers(tmp_path, name, f"answers-{i}.yaml") for i, name in enumerate(names)]
    runs = [subprocess.Popen([sys.executable, "-c", RACE, str(f), str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for f in files]
    outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    for code, err in outcomes:
        assert code in (0, 2) and "Traceback" not in err, err
        if code == 2:
            assert err.count("\n") == 1 and ("already exist" in err or "appeared while" in err), err
    assert sorted(code for code, _ in outcomes)[0] == 0
    winner = read_record(out / "st-marys-school-aup-v1.lock.yaml").organisation
    from document_helpers import document_text
    policy_text = document_text((out / "st-marys-school-aup-v1.docx").read_bytes())
    form_text = document_text((out / "st-marys-school-acknowledgement-v1.docx").read_bytes())
    loser = next(n for n in names if n != winner)
    assert winner in policy_text and winner in form_text
    assert loser not in policy_text and loser not in form_text
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_a_record_with_an_enormous_history_is_refused_quickly(tmp_path, capsys):
    """A 20,000-row history made update run for minutes (every row went into two Word tables)."""
    import time

    out = tmp_path / "out"
    answers = write_answers(tmp_path, "St Mary's School")
    result = build(answers, out)
    data = yaml.safe_load(result.paths.record.read_text(encoding="utf-8"))
    data["history"] = []
    rows = "".join(f"- version: {1 + i % 3}\n  date: 2026-01-01\n  summary: Row {i}\n" for i in range(20_000))
    record = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).replace("history: []\n", "history:\n" + rows)
    result.paths.record.write_text(record, encoding="utf-8")
    assert len(yaml.load(record, Loader=yaml.CSafeLoader)["history"]) == 20_000
    before = snapshot(tmp_path)
    start = time.process_time()  # processor time: a busy machine's waiting does not count
    assert_refused(aupgen(capsys, "update", answers, "-o", out, "--no-input", "--force"),
                   str(result.paths.record), "version history is damaged", "one entry per version")
    assert time.process_time() - start < 60
    assert snapshot(tmp_path) == before


def as_built_by_first_aupgen(result, stem: str) -> None:
    """Rename a pack as aupgen's first builds wrote it: under ``stem``, a record without the organisation, no base copy."""
    folder, old = result.paths.policy.parent, result.paths.policy.name.split("-aup-v")[0]
    result.paths.base.unlink()
    for path in list(folder.iterdir()):
        if path.name.startswith(old):
            path.rename(folder / path.name.replace(old, stem, 1))
    record = folder / f"{stem}-aup-v1.lock.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    del data["organisation"]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("org_name, old_stem", [(LONG_NAMES[0], None), (NAMES["chinese"], "organisation")])
def test_a_pack_built_under_the_first_stems_is_still_updated(tmp_path, capsys, org_name, old_stem):
    """Packs from before stems had fingerprints (long names cut at 60, other scripts 'organisation') are found;
    the next version takes today's stem, and the user is told."""
    from aupgen.files.filenames import legacy_stem
    old_stem = old_stem or legacy_stem(org_name)
    assert old_stem is not None and old_stem != slugify(org_name)
    out = tmp_path / "out"
    answers = write_answers(tmp_path, org_name)
    v1 = build(answers, out, FIRST_LIBRARY)  # the library of those days: its scope clause named the organisation
    as_built_by_first_aupgen(v1, old_stem)
    policy = out / f"{old_stem}-aup-v1.docx"
    edited = docx.Document(policy)  # the setting's own edit in Word: without a base copy, the redline shows it
    edited.add_paragraph("Our own closing note, added in Word.")
    edited.save(policy)
    before = snapshot(out)

    run = aupgen(capsys, "update", answers, "-o", out, "--no-input", "--force", "--defaults")
    assert run.code == 0, run.err
    assert f"was saved as {old_stem}-aup-v1.docx" in run.out
    after = snapshot(out)
    assert {name: after[name] for name in before} == before  # v1 untouched
    v2 = out / f"{slugify(org_name)}-aup-v2.docx"
    assert (out / f"{slugify(org_name)}-aup-v2.lock.yaml").exists() and v2.exists()
    redline = out / f"{slugify(org_name)}-aup-v2-changes.docx"  # compared with v1 as the setting kept it
    with zipfile.ZipFile(redline) as package:
        assert "Our own closing note, added in Word." in package.read("word/document.xml").decode("utf-8")
    assert read_record(out / f"{slugify(org_name)}-aup-v2.lock.yaml").policy_version == 2


def test_an_old_pack_under_the_shared_old_stem_is_not_taken_for_another_organisation(tmp_path, capsys):
    """Under the old shared stem 'organisation', a record of مدرسة النور is not 学校's to update."""
    out = tmp_path / "out"
    arabic = build(write_answers(tmp_path, NAMES["arabic"], "arabic.yaml"), out)
    as_built_by_first_aupgen(arabic, "organisation")
    chinese = write_answers(tmp_path, NAMES["chinese"], "chinese.yaml")
    before = snapshot(tmp_path)
    assert_refused(aupgen(capsys, "update", chinese, "-o", out, "--no-input", "--force"),
                   "holds no build record for 学校")
    assert snapshot(tmp_path) == before
