"""GET /notifications, POST /notifications/<id>/read, POST /notifications/read-all.

Open to every logged-in user, controller users included (security.CONTROLLER_AREAS names this blueprint): each
sees and marks only their own notifications; another user's id answers 404, as if it did not exist."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from . import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def incident_url(user, incident_id: int | None) -> str | None:
    """Where a notification about an incident leads: the portal page for controller users, else the desk's."""
    if incident_id is None:
        return None
    if user.role == "controller":
        return url_for("portal.incident", incident_id=incident_id)
    return url_for("incidents.show", incident_id=incident_id)


@bp.get("/")
def index():
    page = request.args.get("page", default=1, type=int) or 1
    page = min(max(page, 1), 1_000_000)
    rows, older = service.page_of(current_user.id, page)
    return render_template(
        "notifications/index.html",
        rows=rows,
        page=page,
        older=older,
        unread=service.unread_count(current_user.id),
        incident_url=incident_url,
    )


@bp.post("/<int:notification_id>/read")
def read(notification_id: int):
    notification = service.mine(current_user.id, notification_id)
    if notification is None:
        abort(404)
    service.mark_read(notification)
    return redirect(url_for("notifications.index", _anchor=f"notification-{notification_id}"))


@bp.post("/read-all")
def read_all():
    count = service.mark_all_read(current_user.id)
    if count:
        flash(
            ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", count), "success"
        )
    else:
        flash(_("There were no unread notifications."), "success")
    return redirect(url_for("notifications.index"))


def unread_for_current_user() -> int:
    """The nav badge's number: a callable, so it is counted (one indexed query) only when a page shows it."""
    if not current_user or not current_user.is_authenticated:
        return 0
    return service.unread_count(current_user.id)


@bp.app_context_processor
def inject_unread_count():
    return {"unread_notifications": unread_for_current_user}
