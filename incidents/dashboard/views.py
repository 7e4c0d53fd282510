from flask import Blueprint, render_template
from flask_login import login_required

from ..breaches.queries import dashboard
from ..core.instants import utcnow

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    rows, summary = dashboard(utcnow())
    return render_template("dashboard/index.html", rows=rows, summary=summary)
