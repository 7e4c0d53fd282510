from ..admin.conftest import admin, admin_client, make_person  # noqa: F401 (the admin pages' fixtures)
from ..api.conftest import new_incident  # noqa: F401 (the API's fixture, for these tests too)
