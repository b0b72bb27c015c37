"""Adapter discovery: built-ins, entry-point plugins, detection that never guesses."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

import cartnorm
from cartnorm import registry
from cartnorm.errors import ConfigurationError, UnrecognizedPayloadError
from toy_plugin import TOY


@pytest.fixture
def plugins(monkeypatch):
    """Pretend the given entry points are installed (and reset the registry's cache)."""

    def install(*entries: EntryPoint) -> None:
        monkeypatch.setattr(registry, "entry_points", lambda group: [e for e in entries if e.group == group])
        registry.available_adapters.cache_clear()

    yield install
    registry.available_adapters.cache_clear()


def test_builtins_are_available():
    """medusa, gearment, shopify and trackstar are always there, in that order."""
    assert list(registry.available_adapters())[:4] == ["medusa", "gearment", "shopify", "trackstar"]


def test_plugins_are_discovered(plugins, sample_order):
    """An entry point in group cartnorm.adapters adds an adapter usable by name and by detection."""
    plugins(EntryPoint("toy", "toy_plugin:TOY", registry.ENTRY_POINT_GROUP))
    assert cartnorm.get_adapter("toy") is TOY
    payload = {"kind": "toy", "doc": sample_order}
    assert cartnorm.normalize(payload).id == sample_order["id"]
    assert cartnorm.denormalize(cartnorm.normalize(payload, "toy"), "toy")["kind"] == "toy"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (EntryPoint("medusa", "toy_plugin:TOY", registry.ENTRY_POINT_GROUP), "already exists"),
        (EntryPoint("other", "toy_plugin:TOY", registry.ENTRY_POINT_GROUP), "called 'other'"),
        (EntryPoint("toy", "toy_plugin:cartnorm", registry.ENTRY_POINT_GROUP), "must name a cartnorm.Adapter"),
    ],
)
def test_broken_plugins_are_loud(plugins, entry, message):
    """A clashing or malformed plugin is a ConfigurationError, never silently skipped."""
    plugins(entry)
    with pytest.raises(ConfigurationError, match=message):
        registry.available_adapters()


def test_unknown_names_list_what_exists():
    """Asking for an adapter that does not exist names the ones that do."""
    with pytest.raises(ConfigurationError, match="available: medusa, gearment, shopify, trackstar"):
        cartnorm.get_adapter("woocommerce")


@pytest.mark.parametrize("payload", [{}, {"id": "x"}, [1, 2], "text", None])
def test_unrecognised_payloads_are_not_guessed(payload):
    """Detection lists what it looked for when nothing claims the payload."""
    with pytest.raises(UnrecognizedPayloadError) as caught:
        cartnorm.normalize(payload)
    assert "medusa" in caught.value.expected and "gearment" in caught.value.expected
    assert caught.value.path == "$"


def test_ambiguous_payloads_are_not_guessed(plugins):
    """Two adapters claiming one payload is an error naming both."""
    plugins(
        EntryPoint("greedy", "toy_plugin:GREEDY", registry.ENTRY_POINT_GROUP),
        EntryPoint("toy", "toy_plugin:TOY", registry.ENTRY_POINT_GROUP),
    )
    with pytest.raises(UnrecognizedPayloadError, match="greedy, toy all do"):
        cartnorm.normalize({"kind": "toy"})


def test_a_plugin_that_cannot_be_imported_is_one_clear_line(monkeypatch, capsys):
    """An entry point whose module fails to import: every command exits 2 naming the plugin, no traceback."""
    from importlib.metadata import EntryPoint

    from cartnorm import registry
    from cartnorm.cli import main

    entry = EntryPoint("broken", "cartnorm_no_such_module:ADAPTER", registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [entry] if group == entry.group else [])
    registry.available_adapters.cache_clear()
    try:
        assert main(["--version"]) == 2
        err = capsys.readouterr().err
        assert "plugin broken = 'cartnorm_no_such_module:ADAPTER' cannot be loaded: ModuleNotFoundError" in err
        assert "Traceback" not in err
    finally:
        registry.available_adapters.cache_clear()
