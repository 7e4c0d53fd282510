"""In-app notifications: each user's own list (the reminders the worker sends), an unread count in the nav."""
