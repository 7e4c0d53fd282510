"""Statutory regimes beyond the controllers' contracts: the organisation's own staged reports (NIS2 /
Cyberbeveiligingswet, Telecommunicatiewet art. 11.3a), the classification of an incident under each, the drafts of
each stage and the filings that fulfil them."""
