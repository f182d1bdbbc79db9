"""Files in and out: resume from an answers file, update from last year's pack, save, build and download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from aupgen.errors import UserError
from aupgen.web import packs
from aupgen.web.context import library, today, wants_pdf
from aupgen.web.pages import all_answers, begin, next_page, saved_answers, visit
from aupgen.web.store import Download

blueprint = Blueprint("uploads", __name__)


def _upload(field: str, limit: int) -> packs.Upload | None:
    """The file sent in ``field`` (None when none was chosen), read no further than ``limit`` bytes."""
    sent = request.files.get(field)
    if sent is None or not sent.filename:
        return None
    data = sent.stream.read(limit + 1)
    if len(data) > limit:
        raise UserError(f"{packs.display_name(sent.filename)} is more than {limit:,} bytes long; expected a file "
                        f"of at most {limit:,} bytes.")
    return packs.Upload(sent.filename, data)


@blueprint.post("/resume")
def resume():
    try:
        upload = _upload("answers-file", packs.ANSWERS_LIMIT)
        if upload is None:
            raise UserError("Select your answers file (it ends in .yaml)")
        values, warnings = packs.read_answers_upload(upload, library())
    except UserError as error:
        return render_template("start.html", errors=[{"text": str(error), "href": "#answers-file"}],
                               started=visit() is not None), 400
    current = begin()
    current.given.update(values)
    current.notes = warnings
    return next_page(current)


@blueprint.route("/update", methods=["GET", "POST"])
def update():
    if request.method == "GET":
        return render_template("update.html", errors=[])
    try:
        upload = _upload("last-pack", packs.WORD_LIMIT)
        if upload is None:
            raise UserError("Select last year's .zip or answers file")
        policy = _upload("edited-policy", packs.WORD_LIMIT)
        last = packs.read_last_version(upload, policy, library(), today())
    except UserError as error:
        return render_template("update.html", errors=[{"text": str(error), "href": "#last-pack"}]), 400
    current = begin()
    current.mode, current.update = "update", last
    current.given.update(last.values)
    return next_page(current)


@blueprint.post("/save")
def save():
    current = visit()
    if current is None:
        return redirect(url_for("pages.start"))
    return saved_answers(current)


@blueprint.post("/build")
def build():
    current = visit()
    if current is None:
        return redirect(url_for("pages.start"))
    try:
        if current.mode == "update":
            answers = {q: v for q, v in current.given.items() if q in current.update.new_questions}
            pack = packs.update_zip(current.update, answers, library(), today(), wants_pdf())
        else:
            pack = packs.build_zip(all_answers(current), library(), today(), wants_pdf())
    except UserError as error:
        return render_template("error.html", title="Your pack could not be made", text=str(error), code=400), 400
    current.download = Download(pack.name, pack.data)
    current.notes = list(pack.warnings)
    current.finished = pack
    return redirect(url_for("uploads.done"))


@blueprint.get("/done")
def done():
    current = visit()
    pack = getattr(current, "finished", None) if current is not None else None
    if pack is None:
        return redirect(url_for("pages.start"))
    report = None
    if pack.report:
        from aupgen.web.preview import to_html
        report = to_html(pack.report)
    return render_template("done.html", pack=pack, ready=current.download is not None, report=report,
                           notes=current.notes, mode=current.mode)


@blueprint.get("/download")
def download():
    current = visit()
    if current is None or current.download is None:
        abort(410)
    file, current.download = current.download, None  # deleted once downloaded
    return Response(file.data, mimetype=file.kind,
                    headers={"Content-Disposition": f'attachment; filename="{file.name}"'})
