"""Output files are written all or nothing and get the permissions a plain open() would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from poam.formats.files import current_umask, write_all_atomically, write_atomically


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_current_umask_is_the_process_umask(umask_022: None) -> None:
    assert current_umask() == 0o022
    os.umask(0o027)
    assert current_umask() == 0o027


def test_a_new_file_honours_the_umask(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out" / "report.html"
    write_atomically(target, b"<html></html>")
    assert target.read_bytes() == b"<html></html>"
    assert mode(target) == 0o644
    os.umask(0o077)
    private = tmp_path / "private.json"
    write_atomically(private, b"{}")
    assert mode(private) == 0o600


def test_replacing_a_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "shared.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o664)
    write_atomically(target, lambda path: path.write_bytes(b"new"))
    assert (target.read_bytes(), mode(target)) == (b"new", 0o664)


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_bytes(b"old")

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_several_files_are_written_all_or_none(tmp_path: Path, umask_022: None) -> None:
    first, second = tmp_path / "ssp.json", tmp_path / "deep" / "poam.json"
    first.write_bytes(b"old")
    first.chmod(0o640)

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_all_atomically({first: b"new", second: broken})
    assert first.read_bytes() == b"old" and not second.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deep", "ssp.json"]
    write_all_atomically({first: b"new", second: b"{}"})
    assert (first.read_bytes(), mode(first)) == (b"new", 0o640)
    assert (second.read_bytes(), mode(second)) == (b"{}", 0o644)
