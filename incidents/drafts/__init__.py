"""Drafts prepared for the controller: the notification to the Autoriteit Persoonsgegevens in the AP form's own
structure (chapters 1–10), and the communication to data subjects (AVG art. 34)."""
