"""Every model, imported in one place for migrations and the shell."""

from .auth.models import ApiToken, User
from .breaches.models import AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from .parties.models import Contract, Controller

__all__ = [
    "AffectedContract", "ApiToken", "Contract", "Controller", "Decision", "Filing", "Incident",
    "Obligation", "TimelineEvent", "User",
]
