"""Users, passwords, API tokens, login and logout."""
