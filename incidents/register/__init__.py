"""The breach register (AVG art. 33 lid 5): every incident, notified or not, with its facts, effects,
remedial action, obligations, decisions and filings. Read-only."""
