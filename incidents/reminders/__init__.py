"""Reminders and escalation for running deadlines, sent by the worker (`flask worker` / `flask tick`)."""
