from flask import Blueprint

bp = Blueprint("parties", __name__)
