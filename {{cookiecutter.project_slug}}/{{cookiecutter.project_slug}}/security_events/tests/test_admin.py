"""The security events in the admin: searchable, filterable, read-only."""

import pytest

from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/security_events/securityevent/"


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def events():
    record(Kind.LOGIN_FAILED, login_name="mallory")
    record(Kind.LOGIN_FAILED, login_name="alice")
    return SecurityEvent.objects.order_by("pk")


def test_events_are_searched_by_login_name(admin_client, events):
    response = admin_client.get(CHANGELIST, {"q": "mallory"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [events[0]]


def test_events_are_filtered_by_kind(admin_client, events):
    record(Kind.SIGNED_UP, login_name="carol")

    response = admin_client.get(CHANGELIST, {"kind__exact": "signed_up"})

    assert [event.login_name for event in response.context["cl"].result_list] == [
        "carol"
    ]


def test_an_event_is_shown_but_cannot_be_changed(admin_client, events):
    response = admin_client.get(f"{CHANGELIST}{events[0].pk}/change/")

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content


def test_events_cannot_be_changed_added_or_deleted(admin_client, events):
    event = events[0]

    changed = admin_client.post(
        f"{CHANGELIST}{event.pk}/change/", {"login_name": "someone else"}
    )
    added = admin_client.get(f"{CHANGELIST}add/")
    deleted = admin_client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"})

    assert changed.status_code == 403
    assert added.status_code == 403
    assert deleted.status_code == 403
    event.refresh_from_db()
    assert event.login_name == "mallory"
    assert SecurityEvent.objects.count() == 2
