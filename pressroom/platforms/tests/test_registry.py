"""Each platform is described once, in its folder, and everything reads that description."""

from __future__ import annotations

import importlib

import pytest

from pressroom.platforms.base import TitleStyle
from pressroom.platforms.clients import client_class
from pressroom.platforms.emulations import emulations
from pressroom.platforms.registry import DESCRIPTORS, PACKAGES, Platform, descriptor_for
from pressroom.platforms.testing import RunningSandbox, credentials_for
from pressroom.platforms.transport import HttpPlatformClient


def test_the_registry_names_each_folder_once() -> None:
    assert [package.rsplit(".", 1)[1] for package in PACKAGES] == list(DESCRIPTORS)
    assert Platform.values == list(DESCRIPTORS)
    assert Platform("telegram").label == descriptor_for("telegram").channel_label
    with pytest.raises(ValueError, match="Unknown platform"):
        descriptor_for("myspace")


@pytest.mark.parametrize("name", sorted(DESCRIPTORS))
def test_a_descriptor_matches_its_client_and_emulation(name: str) -> None:
    descriptor = descriptor_for(name)
    client = client_class(name)
    assert client.platform == name
    # What publishing is told about looking for a lost post is what the client can do.
    assert (client._look_for is not HttpPlatformClient._look_for) is descriptor.can_look
    module = importlib.import_module(descriptor.emulation)
    assert module.EMULATION.platform == name
    assert module.EMULATION.path == descriptor.sandbox_path
    assert {field.key for field in descriptor.credentials} == set(credentials_for(name, "t"))
    assert descriptor.offers_title is (descriptor.title is not TitleStyle.NONE)


def test_only_a_platform_nobody_can_look_at_and_that_may_duplicate_asks_what_follows() -> None:
    asking = [name for name, d in DESCRIPTORS.items() if d.asks_after_lost_answer]
    assert asking == ["telegram"]
    assert [name for name, d in DESCRIPTORS.items() if d.resend_safe] == ["mastodon"]


def test_the_sandbox_serves_every_registered_platform(clean_sandbox: RunningSandbox) -> None:
    assert [emulation.platform for emulation in emulations()] == list(DESCRIPTORS)
    for name, descriptor in DESCRIPTORS.items():
        assert clean_sandbox.base_for(name) == clean_sandbox.url + descriptor.sandbox_path
        clean_sandbox.add_account(name, "acc-1", "token-1")
    assert {entry["platform"] for entry in clean_sandbox.accounts()} == set(DESCRIPTORS)


def test_the_sandbox_refuses_a_platform_it_does_not_emulate(
    clean_sandbox: RunningSandbox,
) -> None:
    with pytest.raises(Exception, match="400"):
        clean_sandbox.add_account("myspace", "acc-1", "token-1")
