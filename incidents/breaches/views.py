from flask import Blueprint

bp = Blueprint("breaches", __name__, url_prefix="/incidents")
