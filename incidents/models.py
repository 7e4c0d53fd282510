"""Every model, imported in one place for migrations and the shell."""

from .audit.models import AccessEntry
from .auth.models import ApiToken, User
from .breaches.models import AffectedContract, Decision, Filing, Incident, Obligation, TimelineEvent
from .breaches.references import ReferenceCounter
from .calendar.models import CalendarFeed
from .idempotency.models import IdempotencyKey
from .intake.models import InboundMessage, InboundReview
from .notices.models import Document, OutboxMessage
from .notifications.models import Notification
from .parties.models import Contract, Controller, ProfileVersion
from .record.models import ChainLink, Verification
from .regimes.models import RegimeClassification, RegimeFacts, RegimeFiling, RegimeObligation
from .reminders.models import Reminder
from .webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "AccessEntry",
    "AffectedContract",
    "ApiToken",
    "CalendarFeed",
    "ChainLink",
    "Contract",
    "Controller",
    "Decision",
    "Document",
    "Filing",
    "IdempotencyKey",
    "InboundMessage",
    "InboundReview",
    "Incident",
    "Notification",
    "Obligation",
    "OutboxMessage",
    "ProfileVersion",
    "ReferenceCounter",
    "RegimeClassification",
    "RegimeFacts",
    "RegimeFiling",
    "RegimeObligation",
    "Reminder",
    "TimelineEvent",
    "User",
    "Verification",
    "Webhook",
    "WebhookDelivery",
]
