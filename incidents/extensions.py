"""Extension objects, created unbound so that no module has to import the application."""

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """SQLAlchemy 2 declarative base: typed constructors and columns for every model (Flask-SQLAlchemy >= 3.1
    builds `db.Model` from it). With such a base the metadata lives on the class, not in `SQLAlchemy(...)`."""

    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model maps one plain Table (none maps a join or a subquery), so Core statements may take `__table__`.
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`. At run time it is `db.Model`; a type checker cannot use an attribute of an instance as
# a base class (mypy#8603), so it sees what `db.Model` is made of: the declarative base plus Flask-SQLAlchemy's
# model mixin (`query`, `__fsa__`).
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(Base, _FlaskModel):
        __abstract__ = True
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

# Rate limits (login). Storage: RATELIMIT_STORAGE_URI, e.g. redis://… when several app servers run.
from flask_limiter import Limiter  # noqa: E402
from flask_limiter.util import get_remote_address  # noqa: E402

limiter = Limiter(key_func=get_remote_address, default_limits=[])
