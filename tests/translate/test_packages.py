"""Package install, list and remove through the real code path, and every rejected archive."""

from __future__ import annotations

import json
import os
import stat
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ModelError, NotFound
from pipeline.translate import packages
from tests.translate.conftest import run_cli


def _snapshot(directory: Path) -> dict[str, int]:
    return {str(p.relative_to(directory)): p.stat().st_size
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_install_from_file_lists_every_pair_marked_as_test_model(argos_dir: Path) -> None:
    pkgs = packages.installed(argos_dir)
    assert {p.pair for p in pkgs} == {"en-fa", "en-ar", "en-sq", "fa-en"}
    assert all(p.test_model and p.size > 0 and p.version for p in pkgs)
    assert all((p.path / "model" / "model.bin").is_file() for p in pkgs)
    # Nothing is left behind beside the package directory.
    assert [p.name for p in argos_dir.parent.iterdir()] == [argos_dir.name]


def test_models_list_json_shows_direct_pivot_and_impossible(argos_dir: Path, runner: CliRunner,
                                                            tmp_path: Path) -> None:
    result = runner.invoke(app, ["models", "list", "--json", "-w", str(tmp_path / "nowhere")])
    assert result.exit_code == 2  # an explicit workspace that does not exist is an error
    result = runner.invoke(app, ["models", "list", "--json"], env={"PIPELINE_WORKSPACE": ""})
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    routes = {(r["from"], r["to"]): r for r in data["routes"]}
    assert len(routes) == 12
    assert routes[("en", "fa")]["kind"] == "direct"
    assert routes[("fa", "sq")] == {"from": "fa", "to": "sq", "path": "fa>en>sq",
                                    "kind": "pivot", "test_model": True,
                                    "package": "translate-fa_en+translate-en_sq"}
    assert routes[("sq", "fa")]["kind"] == "impossible"  # no sq->en package
    assert routes[("ar", "en")]["kind"] == "impossible"


def test_reinstall_replaces_and_remove_uninstalls(argos_dir: Path, model_files: dict,
                                                  runner: CliRunner) -> None:
    before = packages.find("en", "fa", argos_dir)
    assert before is not None
    again = packages.install_file(model_files[("en", "fa")], argos_dir)
    assert again.path == before.path
    assert len([p for p in packages.installed(argos_dir) if p.pair == "en-fa"]) == 1
    result = runner.invoke(app, ["models", "remove", "en-fa"])
    assert result.exit_code == 0, result.output
    assert packages.find("en", "fa", argos_dir) is None
    assert packages.find("en", "ar", argos_dir) is not None
    result = runner.invoke(app, ["models", "remove", "en-fa"])
    assert result.exit_code == 1 and "no installed package for en-fa" in result.output
    with pytest.raises(NotFound):
        packages.remove("sq", "fa", argos_dir)


def test_install_without_network_says_so_and_names_from_file(
    argos_dir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The only mock in the suite: the network.
    def offline(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    before = _snapshot(argos_dir)
    result = runner.invoke(app, ["models", "install", "en-fa"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--from-file" in lines[0] and "package index" in lines[0]
    assert _snapshot(argos_dir) == before


def test_bad_pair_is_rejected(runner: CliRunner) -> None:
    result = runner.invoke(app, ["models", "remove", "english"])
    assert result.exit_code == 1 and "en-fa" in result.output


# -- every rejection leaves the installed packages exactly as they were -------------------------

def _unpacked(model_files: dict, tmp_path: Path) -> Path:
    """The en->sq package unpacked, to build broken variants from."""
    out = tmp_path / "src"
    with zipfile.ZipFile(model_files[("en", "sq")]) as zf:
        zf.extractall(out)
    (top,) = list(out.iterdir())
    return top


def _zip(path: Path, entries: list[tuple[str, bytes | None]], symlinks: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            if data is None:
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                zf.writestr(info, b"")
            else:
                zf.writestr(info, data)
    return path


def _entries(top: Path, prefix: str | None = None,
             skip: Callable[[str], bool] = lambda n: False) -> list[tuple[str, bytes | None]]:
    name = prefix or top.name
    out: list[tuple[str, bytes | None]] = []
    for f in sorted(top.rglob("*")):
        rel = f"{name}/{f.relative_to(top).as_posix()}"
        if f.is_file() and not skip(rel):
            out.append((rel, f.read_bytes()))
    return out


CASES: dict[str, tuple[Callable[[Path, Path], Path], str]] = {}


def case(message: str) -> Callable[[Callable[[Path, Path], Path]], Callable[[Path, Path], Path]]:
    def register(fn: Callable[[Path, Path], Path]) -> Callable[[Path, Path], Path]:
        CASES[fn.__name__] = (fn, message)
        return fn
    return register


@case("not a zip archive")
def not_a_zip(top: Path, out: Path) -> Path:
    out.write_bytes(b"\x00\x01 this is not an archive" * 10)
    return out


@case("absolute")
def absolute_path(top: Path, out: Path) -> Path:
    return _zip(out, [*_entries(top), ("/tmp/evil.txt", b"x")])


@case("'..'")
def dot_dot(top: Path, out: Path) -> Path:
    return _zip(out, [*_entries(top), (f"{top.name}/../../evil.txt", b"x")])


@case("symbolic link")
def symlink(top: Path, out: Path) -> Path:
    link = f"{top.name}/link"
    return _zip(out, [*_entries(top), (link, b"/etc/passwd")], symlinks=(link,))


@case("exactly one top directory")
def two_tops(top: Path, out: Path) -> Path:
    return _zip(out, [*_entries(top), *_entries(top, prefix="second")])


@case("outside the package directory")
def loose_file(top: Path, out: Path) -> Path:
    return _zip(out, [*_entries(top), ("README.md", b"hello")])


@case("no metadata.json")
def no_metadata(top: Path, out: Path) -> Path:
    return _zip(out, _entries(top, skip=lambda n: n.endswith("metadata.json")))


@case("metadata.json: not valid JSON")
def bad_metadata(top: Path, out: Path) -> Path:
    entries = [(n, b"{not json" if n.endswith("metadata.json") else d) for n, d in _entries(top)]
    return _zip(out, entries)


@case("no valid to_code")
def metadata_without_language(top: Path, out: Path) -> Path:
    meta = json.loads((top / "metadata.json").read_text())
    del meta["to_code"]
    entries = [(n, json.dumps(meta).encode() if n.endswith("metadata.json") else d)
               for n, d in _entries(top)]
    return _zip(out, entries)


@case("no model")
def no_model(top: Path, out: Path) -> Path:
    return _zip(out, _entries(top, skip=lambda n: n.endswith("model.bin")))


@case("no tokenizer")
def no_tokenizer(top: Path, out: Path) -> Path:
    return _zip(out, _entries(top, skip=lambda n: n.endswith("sentencepiece.model")))


@case("empty")
def empty(top: Path, out: Path) -> Path:
    return _zip(out, [])


def _garbage(top: Path, out: Path, suffix: str, data: bytes) -> Path:
    return _zip(out, [(n, data if n.endswith(suffix) else d) for n, d in _entries(top)])


@case("model cannot be loaded")
def garbage_model_bin(top: Path, out: Path) -> Path:
    return _garbage(top, out, "model/model.bin", bytes(range(256)) * 40)


@case("model cannot be loaded")
def truncated_model_bin(top: Path, out: Path) -> Path:
    return _garbage(top, out, "model/model.bin", (top / "model" / "model.bin").read_bytes()[:20_000])


@case("model cannot be loaded")
def garbage_config_json(top: Path, out: Path) -> Path:
    return _garbage(top, out, "model/config.json", b"garbage{")


@case("tokenizer cannot be loaded")
def garbage_sentencepiece(top: Path, out: Path) -> Path:
    return _garbage(top, out, "sentencepiece.model", b"\x0a\xff garbage" * 200)


@case("appears twice")
def entry_twice(top: Path, out: Path) -> Path:
    entries = _entries(top)
    meta = next(e for e in entries if e[0].endswith("metadata.json"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        return _zip(out, [*entries, meta])


def _patched(path: Path, offsets: tuple[tuple[bytes, int], ...], value: bytes,
             mask: bool = False) -> Path:
    """The zip at `path` with `value` written (or OR-ed) at each header's offset."""
    data = bytearray(path.read_bytes())
    for signature, offset in offsets:
        at = data.find(signature)
        while at >= 0:
            if mask:
                data[at + offset] |= value[0]
            else:
                data[at + offset:at + offset + len(value)] = value
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


@case("is encrypted")
def encrypted_entries(top: Path, out: Path) -> Path:
    # The "encrypted" flag bit, in the local and the central headers: zipfile would raise
    # RuntimeError (password required) while unpacking.
    return _patched(_zip(out, _entries(top)), ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)),
                    b"\x01", mask=True)


@case("compression method 9")
def deflate64_entries(top: Path, out: Path) -> Path:
    # Deflate64 (method 9, what Windows' Explorer writes for big files): NotImplementedError.
    return _patched(_zip(out, _entries(top)), ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)),
                    (9).to_bytes(2, "little"))


@case("entries; a package has a few dozen")
def too_many_entries(top: Path, out: Path) -> Path:
    return _zip(out, [*_entries(top), *((f"{top.name}/d/{i}", b"") for i in range(2000))])


@case("metadata.json: a number in the JSON is too long")
def metadata_with_a_huge_number(top: Path, out: Path) -> Path:
    meta = (top / "metadata.json").read_text()
    entries = [(n, meta.replace("{", '{"x": ' + "9" * 5000 + ",", 1).encode()
                if n.endswith("metadata.json") else d) for n, d in _entries(top)]
    return _zip(out, entries)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_archive_is_rejected_and_installed_packages_keep_working(
    name: str, argos_dir: Path, model_files: dict, tmp_path: Path
) -> None:
    make, message = CASES[name]
    top = _unpacked(model_files, tmp_path)
    # Remove en-sq first, so a wrongly accepted archive would show up as a new package.
    packages.remove("en", "sq", argos_dir)
    before = _snapshot(argos_dir)
    archive = make(top, tmp_path / f"{name}.argosmodel")
    proc = run_cli("models", "install", "--from-file", str(archive), packages=argos_dir,
                   check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
    assert str(archive) in proc.stderr and "Traceback" not in proc.stderr
    assert _snapshot(argos_dir) == before
    assert sorted(p.name for p in argos_dir.parent.iterdir()) == [argos_dir.name]
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


@pytest.mark.parametrize("name", ["garbage_model_bin", "garbage_config_json",
                                  "garbage_sentencepiece"])
def test_garbage_package_never_replaces_the_working_one(
    name: str, argos_dir: Path, model_files: dict, tmp_path: Path
) -> None:
    make, message = CASES[name]
    before = _snapshot(argos_dir)
    archive = make(_unpacked(model_files, tmp_path), tmp_path / f"{name}.argosmodel")
    proc = run_cli("models", "install", "--from-file", str(archive), packages=argos_dir,
                   check=False)
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr
    assert _snapshot(argos_dir) == before  # en-sq is still the working package
    assert packages.find("en", "sq", argos_dir) is not None


def test_a_fifo_or_directory_given_as_package_is_one_line(argos_dir: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.argosmodel"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.argosmodel"
    folder.mkdir()
    for path, what in ((fifo, "named pipe"), (folder, "directory")):
        proc = run_cli("models", "install", "--from-file", str(path), packages=argos_dir,
                       check=False, timeout=60)
        assert proc.returncode in (1, 2) and what in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 2


def test_archive_over_the_size_cap_is_rejected(argos_dir: Path, model_files: dict) -> None:
    before = _snapshot(argos_dir)
    with pytest.raises(ModelError, match="more than"):
        packages.install_file(model_files[("en", "sq")], argos_dir, max_bytes=100_000)
    assert _snapshot(argos_dir) == before


def test_archive_with_lying_size_headers_is_rejected(argos_dir: Path, tmp_path: Path,
                                                model_files: dict) -> None:
    # Headers that under-report sizes pass the up-front cap; extraction must still refuse.
    top = _unpacked(model_files, tmp_path)
    archive = _zip(tmp_path / "liar.argosmodel", _entries(top))
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
    big = {i.filename for i in infos if i.file_size > 10_000}
    data = bytearray(archive.read_bytes())
    # Patch the central-directory uncompressed size of the big files to 1 byte.
    cd_sig = b"PK\x01\x02"
    pos = data.find(cd_sig)
    while pos != -1:
        name_len = int.from_bytes(data[pos + 28:pos + 30], "little")
        name = data[pos + 46:pos + 46 + name_len].decode()
        if name in big:
            data[pos + 24:pos + 28] = (1).to_bytes(4, "little")
        pos = data.find(cd_sig, pos + 4)
    archive.write_bytes(bytes(data))
    before = _snapshot(argos_dir)
    with zipfile.ZipFile(archive) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 100_000  # the headers pass the cap
    with pytest.raises(ModelError, match="more than|cannot unpack"):
        packages.install_file(archive, argos_dir, max_bytes=100_000)
    assert _snapshot(argos_dir) == before


def test_concurrent_installs_of_one_pair_leave_one_working_package(argos_dir: Path,
                                                                    model_files: dict) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "ARGOS_PACKAGES_DIR": str(argos_dir)}
    procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "models", "install",
                               "--from-file", str(model_files[("en", "fa")])], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], results
    assert all("Traceback" not in err for _, err in results)
    (pkg,) = [p for p in packages.installed(argos_dir) if p.pair == "en-fa"]
    from pipeline.translate.engine import check_loads

    check_loads(pkg.path)
    assert sorted(p.name for p in argos_dir.parent.iterdir()) == [argos_dir.name]


def _leftovers(packages_dir: Path) -> list[str]:
    return sorted(p.name for p in packages_dir.parent.iterdir() if p.name != packages_dir.name)


def test_an_install_killed_mid_unpack_leaves_staging_that_the_next_run_clears(
        argos_dir: Path, model_files: dict) -> None:
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "ARGOS_PACKAGES_DIR": str(argos_dir)}
    killed = False
    for _ in range(5):  # the unpack is quick: try again if the whole install beat the kill
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "models", "install",
                                 "--from-file", str(model_files[("en", "fa")])], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if any("-staging-" in name for name in _leftovers(argos_dir)):
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
        proc.wait(timeout=60)
        if killed:
            break
    if not killed:
        pytest.skip("the install finished before it could be killed (machine too fast)")
    assert _leftovers(argos_dir), "kill -9 left no staging directory: nothing was tested"
    again = run_cli("models", "install", "--from-file", str(model_files[("en", "ar")]),
                    packages=argos_dir)
    assert again.returncode == 0
    assert _leftovers(argos_dir) == []
    from pipeline.translate.engine import check_loads

    for pkg in packages.installed(argos_dir):
        check_loads(pkg.path)
    assert {"en-fa", "en-ar"} <= {p.pair for p in packages.installed(argos_dir)}


def test_a_package_moved_aside_by_a_killed_install_is_put_back(argos_dir: Path,
                                                               model_files: dict) -> None:
    # What kill -9 leaves between the two renames of the swap: the old en-fa package inside the
    # dead install's staging directory, and no en-fa package installed.
    from pipeline.staging import staging_dir

    old = packages.find("en", "fa", argos_dir)
    assert old is not None
    dead = argos_dir.parent / f".{argos_dir.name}-staging-dead1234"
    (dead / packages._RETIRED).mkdir(parents=True)
    old.path.rename(dead / packages._RETIRED / old.path.name)
    assert packages.find("en", "fa", argos_dir) is None
    with staging_dir(argos_dir.parent, f".{argos_dir.name}-staging-") as busy:
        # Another install still at work: its staging directory is held and left alone.
        run_cli("models", "remove", "en-sq", packages=argos_dir)
        assert busy.is_dir()
    back = packages.find("en", "fa", argos_dir)
    assert back is not None and back.path == old.path
    from pipeline.translate.engine import check_loads

    check_loads(back.path)
    assert packages.find("en", "sq", argos_dir) is None
    assert _leftovers(argos_dir) == []
