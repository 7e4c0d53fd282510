"""The access log, in the spirit of NEN 7513: who opened which incident or document, when."""
