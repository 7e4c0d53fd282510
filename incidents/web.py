"""What the page views share: the one form post.

Every page that takes a form does the same four things: validate the form, call the owning feature's service,
then either say so and redirect, or undo what the service flushed and show why. The transaction itself is the
request's (see `transaction.py`): nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .errors import DomainError
from .forms_common import attach_error
from .transaction import refuse


def post_form(
    form,
    action: Callable[[object], object],
    *,
    again: Callable[[object], object],
    done: Callable[[], Response] | None = None,
    at_form: bool = True,
    summary: bool = True,
):
    """Validate `form`, then `action(form)`: a service call that returns the success message (flashed, then
    `done()` answers), None (`done()` answers, nothing said) or a response of its own (returned as it is).
    Invalid, or refused with a DomainError: what the service flushed is undone and `again(form)` answers.

    With `at_form` (a page that shows the posted form again) the errors stand at the fields they name under a page
    message (`summary=False` for a page whose template sums the form's errors up itself); without it (a button on a
    page that is redirected back to) every error is a page message."""
    if form.validate_on_submit():
        try:
            message = action(form)
        except DomainError as exc:
            refuse()
            attach_error(form if at_form else None, exc)
        else:
            if isinstance(message, Response):
                return message
            if message:
                flash(str(message), "success")
            assert done is not None, "an action that does not answer itself needs done()"
            return done()
    elif not at_form:
        for name, errors in form.errors.items():
            label = form[name].label.text if name in form else name
            flash(f"{label}: {'; '.join(errors)}", "error")
    if at_form and summary:
        flash(_("Nothing was saved: see the messages at the form."), "error")
    return again(form)
