"""Administration: users (roles, controller, 2FA reset, lockout) and the access log (NEN 7513 in spirit)."""
