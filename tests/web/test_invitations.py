"""Invitations: the only way into an organization, with the invitee's consent and password.

Issue 8: any user could pull any existing account into a new organization without consent and
learn which user names exist; an administrator saw and set a new member's password.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from poam.web.accounts import events
from poam.web.accounts.models import Invitation
from poam.web.workbench.models import Membership


def _invite(client: Client, org: Any, email: str, role: str = "viewer") -> Any:
    return client.post(
        f"/orgs/{org.slug}/invitations/new/", {"email": email, "role": role}, follow=True
    )


def _link(message: Any) -> str:
    found = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    assert found, message.body
    return found[1]


def test_an_invitation_is_emailed_and_changes_nothing_until_accepted(
    login: Any, world: Any
) -> None:
    admin = login(world.users["administrator"])
    page = _invite(admin, world.org, "newcomer@example.com", "editor").content.decode()
    assert "Invitation sent to newcomer@example.com" in page
    assert "newcomer@example.com" in page  # listed among the open invitations
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.com"]
    assert "Acme Precision Parts" in message.subject and "Editor" in message.body
    assert get_user_model().objects.filter(email="newcomer@example.com").count() == 0
    # the invitation is stored as a digest only: the link's secret is nowhere in the database
    secret = _link(message).split("/")[2]
    assert not Invitation.objects.filter(digest=secret).exists()
    event = events.security_events().get(action="invitation-sent")
    assert event.organization == world.org and event.user == world.users["administrator"]


def test_the_invitee_creates_their_own_account_and_password(client: Client, world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    _invite(admin, world.org, "newcomer@example.com", "editor")
    link = _link(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Join Acme Precision Parts" in page and "Editor" in page
    weak = client.post(
        link,
        {"username": "newcomer", "password1": "Password123!", "password2": "Password123!"},
    )
    assert weak.status_code == 422 and "too easy to guess" in weak.content.decode()
    taken = client.post(
        link,
        {"username": "Editor", "password1": "a-new-members-pass-91", "password2": "x"},
    )
    body = taken.content.decode()
    assert "That user name is taken" in body and "The two passwords differ" in body
    done = client.post(
        link,
        {
            "username": "newcomer",
            "full_name": "Nina Newcomer",
            "password1": "a-new-members-pass-91",
            "password2": "a-new-members-pass-91",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"/orgs/{world.org.slug}/"
    user = get_user_model().objects.get(username="newcomer")
    assert user.email == "newcomer@example.com" and user.check_password("a-new-members-pass-91")
    assert Membership.objects.get(user=user, organization=world.org).role == "editor"
    assert client.get(f"/orgs/{world.org.slug}/").status_code == 200  # signed in
    # the link is spent
    assert Client().get(link).status_code == 404
    accepted = events.security_events().get(action="invitation-accepted")
    assert accepted.user == user and accepted.organization == world.org
    assert events.detail(accepted)["invited_by"] == world.users["administrator"].get_username()


def test_an_existing_user_joins_only_by_accepting(world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    _invite(admin, world.org, "olive@example.com", "assessor")
    outsider = world.users["outsider"]
    assert not Membership.objects.filter(user=outsider, organization=world.org).exists()
    link = _link(mail.outbox[0])
    anonymous = Client().get(link).content.decode()
    assert "Sign in" in anonymous and "/account/login/?next=" in anonymous
    client = Client()
    client.force_login(outsider)
    assert "Join as outsider" in client.get(link).content.decode()
    client.post(link)
    assert Membership.objects.get(user=outsider, organization=world.org).role == "assessor"


def test_the_answer_does_not_say_whether_an_account_exists(world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    world.users["outsider"].email = "olive@example.com"
    world.users["outsider"].save()
    known = _invite(admin, world.org, "olive@example.com").content.decode()
    unknown = _invite(admin, world.org, "nobody@example.com").content.decode()
    assert known.count("Invitation sent") == 1

    def shown(page: str) -> str:
        page = re.sub(r"olive|nobody", "X", page)
        return re.sub(r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]+', "", page)

    assert shown(known).split("Open invitations")[0] == shown(unknown).split("Open invitations")[0]
    bodies = [m.body.replace(m.to[0], "").split("http")[0] for m in mail.outbox]
    assert bodies[0] == bodies[1]


def test_expired_revoked_and_made_up_links_are_404(world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    _invite(admin, world.org, "a@example.com")
    _invite(admin, world.org, "b@example.com")
    first, second = (_link(m) for m in mail.outbox)
    Invitation.objects.filter(email="a@example.com").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    anonymous = Client()
    assert anonymous.get(first).status_code == 404
    pending = Invitation.objects.get(email="b@example.com")
    admin.post(f"/orgs/{world.org.slug}/invitations/{pending.pk}/revoke/")
    assert anonymous.get(second).status_code == 404
    assert anonymous.post(second, {"username": "x"}).status_code == 404
    for made_up in ("/invitations/guess/", "/invitations/" + "A" * 500 + "/"):
        assert anonymous.get(made_up).status_code == 404
    assert events.security_events().filter(action="invitation-revoked").count() == 1


def test_a_second_invitation_to_the_same_address_replaces_the_first(world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    _invite(admin, world.org, "same@example.com", "viewer")
    _invite(admin, world.org, "SAME@example.com", "editor")
    assert Client().get(_link(mail.outbox[0])).status_code == 404
    assert Client().get(_link(mail.outbox[1])).status_code == 200


def test_bad_invitations_are_refused_with_a_message(world: Any) -> None:
    admin = Client()
    admin.force_login(world.users["administrator"])
    for email, role in (("not an email", "viewer"), ("x@example.com", "owner"), ("", "")):
        page = _invite(admin, world.org, email, role).content.decode()
        assert "Invitation sent" not in page
    assert not mail.outbox and not Invitation.objects.exists()


def test_the_old_add_member_form_is_gone(login: Any, world: Any) -> None:
    page = login(world.users["administrator"]).get(f"/orgs/{world.org.slug}/").content.decode()
    assert "one-time password" not in page and "Add member" not in page
    assert "Send invitation" in page and "Require two-factor authentication" in page
    viewer = login(world.users["viewer"]).get(f"/orgs/{world.org.slug}/").content.decode()
    assert "Send invitation" not in viewer


def test_an_address_with_an_account_must_sign_in_to_accept(world: Any) -> None:
    world.users["outsider"].email = "olive@example.com"
    world.users["outsider"].save()
    admin = Client()
    admin.force_login(world.users["administrator"])
    _invite(admin, world.org, "olive@example.com")
    link = _link(mail.outbox[0])
    refused = Client().post(
        link,
        {
            "username": "olive2",
            "password1": "a-new-members-pass-91",
            "password2": "a-new-members-pass-91",
        },
    )
    assert refused.status_code == 422
    assert "An account already uses olive@example.com" in refused.content.decode()
    assert not get_user_model().objects.filter(username="olive2").exists()
