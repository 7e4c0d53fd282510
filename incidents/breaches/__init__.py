"""Incidents: intake, affected contracts, obligations (clocks), filings, decisions, timeline."""
