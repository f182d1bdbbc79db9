"""The journey's pages: start, one question per page, check your answers, preview, and the information pages."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for

from aupgen.answers.journey import Step, answer_label, answers_of, next_step, steps
from aupgen.errors import UserError
from aupgen.files.filenames import slugify
from aupgen.web import fields, packs
from aupgen.web.context import library, today
from aupgen.web.store import Store, Visit

blueprint = Blueprint("pages", __name__)


def store() -> Store:
    return current_app.extensions["aupgen_store"]


def visit() -> Visit | None:
    """This visitor's answers, if they have started."""
    return store().get(session.get("visit"))


def begin() -> Visit:
    """A fresh visit for this visitor (any earlier one is forgotten)."""
    store().drop(session.get("visit"))
    key, fresh = store().new()
    session["visit"] = key
    return fresh


def journey(current: Visit) -> list[Step]:
    """The questions this visitor is asked, in order: all of them, or for an update only the new ones."""
    found = steps(library(), today(), current.given, current.following)
    if current.mode == "update" and current.update is not None:
        found = [step for step in found if step.question.id in current.update.new_questions]
    return found


def next_page(current: Visit):
    """The next unanswered question, or "Check your answers" when every one is answered."""
    step = next_step(journey(current))
    if step is None:
        return redirect(url_for("pages.check"))
    return redirect(url_for("pages.question", qid=step.question.id))


@blueprint.get("/")
def start():
    return render_template("start.html", errors=[], started=visit() is not None)


@blueprint.post("/start")
def start_now():
    begin()
    return next_page(visit())


@blueprint.route("/questions/<qid>", methods=["GET", "POST"])
def question(qid: str):
    current = visit()
    if current is None:
        return redirect(url_for("pages.start"))
    found = journey(current)
    step = next((s for s in found if s.question.id == qid), None)
    if step is None:  # not a question these answers ask (any more)
        return next_page(current)
    changing = request.args.get("change") == "1"
    reading = None
    if request.method == "POST":
        reading = fields.read(step, request.form)
        saving = request.form.get("action") == "save"
        if reading.ok:
            current.given[qid] = reading.value
            if reading.value == step.default and step.default is not None:
                current.following.add(qid)
            else:
                current.following.discard(qid)
        if saving:
            return saved_answers(current)
        if reading.ok:
            if changing and next_step(journey(current)) is None:
                return redirect(url_for("pages.check"))
            return next_page(current)
    return render_template(
        "question.html", step=step, reading=reading, shown=fields.shown(step, reading),
        error_href=fields.error_href(step, reading) if reading is not None and not reading.ok else None,
        number=found.index(step) + 1, total=len(found), back=_back(found, step, changing),
        changing=changing, mode=current.mode)


def _back(found: list[Step], step: Step, changing: bool) -> str:
    if changing:
        return url_for("pages.check")
    index = found.index(step)
    if index == 0:
        return url_for("pages.start")
    return url_for("pages.question", qid=found[index - 1].question.id)


@blueprint.get("/check")
def check():
    current = visit()
    if current is None:
        return redirect(url_for("pages.start"))
    found = journey(current)
    if next_step(found) is not None:
        return next_page(current)
    rows = [{"key": {"text": step.question.prompt},
             "value": {"text": answer_label(step.question, step.value)},
             "actions": {"items": [{"href": url_for("pages.question", qid=step.question.id, change="1"),
                                    "text": "Change", "visuallyHiddenText": step.question.prompt}]}}
            for step in found]
    return render_template("check.html", rows=rows, mode=current.mode, notes=current.notes,
                           update=current.update)


@blueprint.get("/preview")
def preview():
    current = visit()
    if current is None:
        return redirect(url_for("pages.start"))
    if next_step(journey(current)) is not None:
        return next_page(current)
    from aupgen.web.preview import preview as make_preview

    try:
        shown = make_preview(all_answers(current), library(), today())
    except UserError as error:
        return render_template("check.html", rows=[], mode=current.mode, notes=[], update=current.update,
                               errors=[{"text": str(error), "href": "#main-content"}])
    return render_template("preview.html", preview=shown, mode=current.mode)


def all_answers(current: Visit) -> dict:
    """Every answer the pack is built from: for an update, last year's answers with the new ones."""
    everything = steps(library(), today(), current.given, current.following)
    return answers_of(everything)


def saved_answers(current: Visit) -> Response:
    """The answers so far as a file to keep: uploaded on the start page, it carries on from here."""
    values = all_answers(current)
    text = packs.answers_text(values, library(), today(), finished=False)
    name = f"{slugify(str(values.get('org_name') or 'aupgen'))}-answers-unfinished.yaml"
    return Response(text.encode("utf-8"), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")


@blueprint.get("/your-data")
def data():
    return render_template("data.html")
