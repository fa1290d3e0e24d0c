"""Every YAML and JSON parse is bounded: size, nesting depth and YAML aliases.

The hostile files of issue 8 (a 340-byte "billion laughs" that grew the server to 5 GB,
100,000-deep JSON that answered 500) are refused with an InputError naming the file, the place
and the limit, through every door: the CLI (exit 2), the function the web import calls, and
the parser itself. Memory and time are measured in ``bench/hostile_inputs.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from poam.cli.app import app
from poam.formats.documents import load_poam_file, load_ssp_file
from poam.formats.errors import InputError
from poam.formats.native import loads_ssp
from poam.formats.native.source import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_JSON_BYTES,
    MAX_YAML_BYTES,
    parse,
    read_source,
)
from tests.conftest import EXAMPLES
from tests.formats.native.hostile import BY_NAME, HOSTILE, Hostile, deep_json, laughs


def _refusal(text: str, file: str = "f.yaml") -> str:
    with pytest.raises(InputError) as caught:
        parse(file, text)
    (problem,) = caught.value.problems
    assert problem.file == file
    return str(problem)


def _nest(depth: int) -> Any:
    data: Any = "x"
    for _ in range(depth):
        data = [data]
    return data


# --- the hostile files, through every door -------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_hostile_files_are_refused_by_poam_check_with_exit_2(
    tmp_path: Path, hostile: Hostile
) -> None:
    path = tmp_path / hostile.file
    path.write_bytes(hostile.content)
    result = CliRunner().invoke(app, ["check", "--ssp", str(path), str(tmp_path)])
    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert f"poam: error: {path}" in output
    assert hostile.refused in output
    assert "Traceback" not in output


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
@pytest.mark.parametrize("load", [load_ssp_file, load_poam_file], ids=["ssp", "poam"])
def test_hostile_files_are_input_errors_for_the_web_import(
    tmp_path: Path, hostile: Hostile, load: Any
) -> None:
    """``load_ssp_file`` and ``load_poam_file`` are what the web import calls on an upload."""
    path = tmp_path / hostile.file
    path.write_bytes(hostile.content)
    with pytest.raises(InputError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert hostile.refused in problem.message


def test_the_billion_laughs_names_the_alias_and_the_limit() -> None:
    assert _refusal(laughs(9).decode()) == (
        "f.yaml:5:1: e[0]: YAML aliases add more than 10,000 values to the document, the most "
        "poam reads (an alias repeats its whole anchor, and nested ones multiply): write the "
        "values out"
    )


def test_deep_json_names_the_line_and_column_where_it_goes_too_deep() -> None:
    text = '{\n  "system": ' + "[" * 100_000 + "]" * 100_000 + "\n}"
    assert _refusal(text, "f.json") == (
        f"f.json:2:{13 + MAX_DEPTH - 1}: nested more than 64 levels deep, the most poam reads "
        "(an SSP or a POA&M needs fewer than 20)"
    )


def test_deep_yaml_names_the_field_where_it_goes_too_deep() -> None:
    text = "system:\n  items:\n" + "".join(
        f"{'  ' * (level + 2)}k{level}:\n" for level in range(70)
    )
    assert _refusal(text + "  " * 72 + "x\n").startswith(
        "f.yaml:64:127: system.items.k0.k1.k2.k3 ...: nested more than 64 levels deep"
    )


def test_a_recursive_alias_is_refused_not_followed() -> None:
    assert _refusal("a: &a {b: 1, c: *a}\n") == (
        "f.yaml:1:14: a.c: a YAML alias inside its own anchor: the value would never end"
    )


def test_brackets_inside_json_strings_do_not_count_as_depth() -> None:
    text = json.dumps({"a": "[" * 1000, "b": '\\"[[[' * 100, "c": _nest(MAX_DEPTH - 1)})
    assert parse("f.json", text).data["a"] == "[" * 1000


# --- the limits, exactly ---------------------------------------------------------------------


@pytest.mark.parametrize("dump", [json.dumps, yaml.safe_dump], ids=["json", "yaml"])
def test_depth_up_to_the_limit_is_read_and_one_more_is_refused(dump: Any) -> None:
    assert parse("f", dump(_nest(MAX_DEPTH))).data == _nest(MAX_DEPTH)
    assert "nested more than 64 levels deep" in _refusal(dump(_nest(MAX_DEPTH + 1)), "f")


def test_aliases_are_read_as_written_out_up_to_the_limit() -> None:
    """An anchored list of 99 values (100 with the list) repeated 100 times: 10,000 values."""
    anchor = "[" + ", ".join(str(n) for n in range(99)) + "]"
    text = f"a: &x {anchor}\nb: [{', '.join(['*x'] * 100)}]\n"
    assert parse("f.yaml", text).data == {"a": list(range(99)), "b": [list(range(99))] * 100}
    assert MAX_ALIAS_VALUES == 100 * 100
    refused = _refusal(f"a: &x {anchor}\nb: [{', '.join(['*x'] * 100)}, *x]\n")
    assert refused.startswith("f.yaml:2:1: b[100]: YAML aliases add more than 10,000 values")


def test_aliases_of_scalars_and_anchors_used_once_are_ordinary_yaml() -> None:
    text = "a: &s text\nb: *s\nc: &m {k: 1}\nd: *m\n"
    assert parse("f.yaml", text).data == {"a": "text", "b": "text", "c": {"k": 1}, "d": {"k": 1}}


def test_a_yaml_file_over_8_mib_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "ssp.yaml"
    line = "- " + "x" * 1022 + "\n"
    path.write_text(line * (MAX_YAML_BYTES // len(line) + 1), "utf-8")
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == (
        f"{path}: 8.0 MiB is larger than the 8 MiB poam reads from one YAML file (a CMMC "
        "Level 2 SSP or POA&M is far smaller); check that this is the right file"
    )


def test_a_file_over_32_mib_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "poam.json"
    with path.open("wb") as handle:  # sparse: 40 MiB that cost nothing to write
        handle.truncate(40 * 1024 * 1024)
    assert path.stat().st_size > MAX_JSON_BYTES
    with pytest.raises(InputError) as caught:
        load_poam_file(path)
    assert "40.0 MiB is larger than the 32 MiB poam reads from one YAML or JSON file" in str(
        caught.value
    )


def test_long_integers_name_the_field() -> None:
    assert _refusal("system:\n  n: " + "7" * 5000 + "\n") == (
        "f.yaml:2:3: system.n: a number of 5,000 digits, more than poam reads"
    )


def test_an_ordinary_ssp_still_reads(tmp_path: Path) -> None:
    ssp = load_ssp_file(EXAMPLES / "acme-enclave" / "ssp.yaml")
    assert len(ssp.requirements) == 110
    assert loads_ssp((EXAMPLES / "acme-enclave" / "ssp.yaml").read_text("utf-8")) == ssp


# --- properties ------------------------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(max_size=8))


def _depth(data: Any) -> int:
    if isinstance(data, dict):
        return 1 + max(map(_depth, data.values()), default=0)
    if isinstance(data, list):
        return 1 + max(map(_depth, data), default=0)
    return 0


def _spine(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = {"k": [leaf]}
    return leaf


@settings(max_examples=120, deadline=None)
@given(
    data=st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=12,
    ),
    extra=st.integers(0, 40),
    fmt=st.sampled_from(["json", "yaml"]),
)
def test_any_data_is_read_exactly_or_refused_for_its_depth(data: Any, extra: int, fmt: str) -> None:
    """Whatever the nesting, the result is the data itself, or the depth error, nothing else."""
    document = _spine(extra, data)
    text = json.dumps(document) if fmt == "json" else yaml.safe_dump(document)
    if _depth(document) <= MAX_DEPTH:
        assert parse(f"f.{fmt}", text).data == document
    else:
        assert "levels deep, the most poam reads" in _refusal(text, f"f.{fmt}")


@settings(max_examples=60, deadline=None)
@given(levels=st.integers(1, 12), fan_out=st.integers(1, 12))
def test_alias_bombs_of_any_shape_expand_exactly_or_are_refused(levels: int, fan_out: int) -> None:
    text = laughs(levels, fan_out).decode()
    # level n's list holds fan_out values, each of which the aliases repeat
    added = sum(fan_out * sum(fan_out**j for j in range(n + 2)) for n in range(levels - 1))
    if added <= MAX_ALIAS_VALUES:
        data = parse("f.yaml", text).data
        assert data == yaml.safe_load(text)
    else:
        assert "YAML aliases add more than 10,000 values" in _refusal(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}&*!|>-:,\"'#\n 0aK.1e")), max_size=80))
def test_arbitrary_text_is_data_or_an_input_error(text: str) -> None:
    try:
        parse("f.yaml", text)
    except InputError as error:
        assert all(problem.file == "f.yaml" for problem in error.problems)


def test_the_hostile_files_are_as_small_as_the_issue_says() -> None:
    assert len(BY_NAME["yaml-laughs-9"].content) < 340
    assert len(BY_NAME["yaml-laughs-8"].content) < 294
    assert deep_json(3) == b"[[[]]]"
