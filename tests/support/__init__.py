"""What the test folders share, in one place each (docs/ARCHITECTURE.md, "Tests"; flaskr's `AuthActions` and
CTFd's `tests/helpers.py` are the model):

- `client`   the request-scoped test client (a fresh application context per request, as on a server);
- `forms`    CSRF tokens, form posts and logging in through the real pages;
- `people`   users and persons (a user with a password and, when switched on, a second factor);
- `mail`     real SMTP servers on loopback and the inbox they fill;
- `html`     reading a table back from a page;
- `net`      a free port on loopback;
- `database` which database the suite runs on, a fresh database for every test, and counting rows;
- `app`      the application as the tests build it, and putting back what a test changed on it.
"""
