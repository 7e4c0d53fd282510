"""iCalendar feeds (RFC 5545) of open deadlines, per user and per controller, behind a secret token."""
