"""A user's own account: password, two-step verification, recovery codes and API tokens."""
