"""Opening hostile bundles: every crafted file is refused with one short line naming the file and what is wrong
(exit 2), never a traceback, a hang or an unbounded read; a bundle opens only when every member matches its manifest.

The corpus is generated here (no binary fixtures): real bundles written by wizard bundle, then re-packed with one
flaw each by a small USTAR/gzip writer that can also write what tarfile would refuse to (bad checksums, GNU long
names, pax headers, base-256 sizes, names with control characters).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest

from wizard.cli import main
from wizard.core import ustar
from wizard.core.untrusted import shown
from wizard.support import bundle_layout, bundle_manifest, bundle_reading

ROOT = bundle_layout.ROOT
REPO = Path(__file__).resolve().parents[2]
VALUES = "database:\n  auth:\n    username: substra\nbuilder:\n  enabled: false\n"


def short(value: object) -> str:
    """Test ids of a readable length."""
    return repr(value)[:40]


# --- the corpus generator ---------------------------------------------------------------------------------------------


def header(name: str | bytes, size: int, kind: bytes = b"0", *, magic: bytes = b"ustar\x0000",
           prefix: bytes = b"", checksum: int | None = None, size_field: bytes | None = None) -> bytes:
    """One 512-byte USTAR header, written by hand so that it can be anything."""
    raw = name.encode() if isinstance(name, str) else name
    block = bytearray(512)
    block[0:len(raw[:100])] = raw[:100]
    block[100:108], block[108:116], block[116:124] = b"0000644\0", b"0000000\0", b"0000000\0"
    block[124:136] = size_field if size_field is not None else b"%011o\0" % size
    block[136:148] = b"00000000000\0"
    block[148:156] = b" " * 8
    block[156:157] = kind
    block[257:265] = magic
    block[345:345 + len(prefix)] = prefix
    block[148:156] = b"%06o\0 " % (sum(block) if checksum is None else checksum)
    return bytes(block)


def entry(name: str | bytes, data: bytes = b"", kind: bytes = b"0", **options: Any) -> bytes:
    return header(name, len(data), kind, **options) + data + bytes(-len(data) % 512)


def end(data: bytes) -> bytes:
    """Two zero blocks, padded to tar's 10 KB records."""
    data += bytes(1024)
    return data + bytes(-len(data) % 10240)


def manifest_of(members: dict[str, bytes], **fields: Any) -> dict[str, Any]:
    """A manifest like wizard bundle writes (hashes of `files`), with `fields` replaced."""
    data = {
        "schema": bundle_layout.SCHEMA, "wizard_version": "0.1.0",
        "supported_charts": {"orchestrator": "8.8.0", "substra-backend": "26.15.3", "substra-frontend": "1.2.3"},
        "charts": [{"chart": "substra-backend", "version": "26.15.3", "release": "backend", "namespace": "org-1"}],
        "input": {"kind": "values", "label": "substra-backend=v.yaml", "sets": []},
        "primary": "values", "k8s_version": "1.31", "runtime_pods": True, "notes": ["a note"],
        "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest()} for name, data in members.items()],
    }
    data.update(fields)
    return data


def values_files(values: str = VALUES) -> dict[str, bytes]:
    return {"values/substra-backend-values.yaml": values.encode(), "explain.md": b"# report\n"}


def pack(files: dict[str, bytes], manifest: dict[str, Any] | bytes | None = None, *, extra: bytes = b"") -> bytes:
    """The uncompressed tar of `files` (under the root folder) and their manifest (hashes filled in unless given)."""
    if manifest is None:
        manifest = manifest_of(files)
    text = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    return end(b"".join(entry(ROOT + name, data) for name, data in files.items()) + extra
               + entry(ROOT + "manifest.json", text))


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def write(tmp_path: Path, data: bytes, name: str = "b.tar.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, capsys: pytest.CaptureFixture[str], command: str = "explain") -> str:
    """Open `path` with a command; it must be refused with one short line naming the file. Returns that line."""
    argv = {"explain": ["explain", "--bundle", str(path)], "diff": ["diff", "minimal", f"bundle:{path}"],
            "wizard": ["--bundle", str(path), "--non-interactive", "--out", str(path.parent / "out")]}[command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(path) in err, err
    line = err.strip()
    assert "\n" not in line and len(line) < 400 + len(str(path)), line
    assert all(c.isprintable() for c in line), line
    return line


@pytest.fixture(scope="module")
def plan_bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The members of a real bundle of the production preset (names inside the root folder)."""
    out = tmp_path_factory.mktemp("plan") / "p.tar.gz"
    assert main(["bundle", "--preset", "production", "--out", str(out)]) == 0
    with tarfile.open(out, "r:gz") as tar:
        return {info.name.removeprefix(ROOT): tar.extractfile(info).read()  # type: ignore[union-attr]
                for info in tar}


def repack(members: dict[str, bytes], **fields: Any) -> bytes:
    """`members` (with their manifest) as a .tar.gz, the manifest's `fields` replaced, hashes left as they are."""
    manifest = json.loads(members["manifest.json"])
    manifest.update(fields)
    files = {name: data for name, data in members.items() if name != "manifest.json"}
    return gz(pack(files, manifest))


# --- the control: generated bundles that are fine open ----------------------------------------------------------------


def test_the_generator_writes_bundles_that_open(plan_bundle: dict[str, bytes], tmp_path: Path, capsys) -> None:
    assert main(["explain", "--bundle", str(write(tmp_path, gz(pack(values_files()))))]) == 0
    assert main(["explain", "--bundle", str(write(tmp_path, repack(plan_bundle), "p.tar.gz"))]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_bundle_recompressed_with_a_file_name_in_its_gzip_header_opens(plan_bundle: dict[str, bytes],
                                                                         tmp_path: Path) -> None:
    raw = io.BytesIO()
    with gzip.GzipFile(filename="b.tar\x1b[31m" * 100, mode="wb", fileobj=raw, compresslevel=1) as out:
        out.write(gzip.decompress(repack(plan_bundle)))
    assert main(["explain", "--bundle", str(write(tmp_path, raw.getvalue()))]) == 0


def test_a_bundle_repacked_by_gnu_tar_with_folders_opens(plan_bundle: dict[str, bytes], tmp_path: Path) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for folder in (ROOT, ROOT + "values/"):
            info = tarfile.TarInfo(folder.rstrip("/"))
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name, data in plan_bundle.items():
            info = tarfile.TarInfo(ROOT + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    assert main(["explain", "--bundle", str(write(tmp_path, gz(raw.getvalue())))]) == 0


# --- item 9, 10 and the class: every field of the manifest is checked once, on read -----------------------------------


@pytest.mark.parametrize("value", ["banana", 131, None, "", "v1.30", "latest", "2.0", "1.31.2", "1.99999", True,
                                   ["1.31"], "1.31\n"])
@pytest.mark.parametrize("command", ["explain", "diff"], ids=short)
def test_a_k8s_version_that_is_not_one_is_refused(value: Any, command: str, tmp_path: Path, capsys) -> None:
    files = values_files()
    line = refused(write(tmp_path, gz(pack(files, manifest_of(files, k8s_version=value)))), capsys, command)
    assert "manifest.json field k8s_version" in line


def test_a_k8s_version_newer_than_the_rules_reads_as_the_newest(tmp_path: Path, capsys) -> None:
    files = values_files()
    path = write(tmp_path, gz(pack(files, manifest_of(files, k8s_version="1.99"))))
    assert main(["explain", "--bundle", str(path), "--format", "json"]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("value", [None, 5, "x", {}, [5], [None], [{"chart": "evil", "version": "1.0.0",
                                                                   "release": "a", "namespace": "b"}]])
@pytest.mark.parametrize("command", ["explain", "diff"], ids=short)
def test_charts_of_the_wrong_shape_are_refused(value: Any, command: str, tmp_path: Path, capsys) -> None:
    files = values_files()
    line = refused(write(tmp_path, gz(pack(files, manifest_of(files, charts=value)))), capsys, command)
    assert "manifest.json field charts" in line


GOOD_CHART = {"chart": "substra-backend", "version": "26.15.3", "release": "backend", "namespace": "org-1"}


@pytest.mark.parametrize(("field", "value", "where"), [
    ("charts", [{**GOOD_CHART, "release": "Backend"}], "charts[0].release"),
    ("charts", [{**GOOD_CHART, "release": "b" * 54}], "charts[0].release"),
    ("charts", [{**GOOD_CHART, "release": "x" * 300_000}], "charts[0].release"),
    ("charts", [{**GOOD_CHART, "namespace": "org 1"}], "charts[0].namespace"),
    ("charts", [{**GOOD_CHART, "namespace": 7}], "charts[0].namespace"),
    ("charts", [{**GOOD_CHART, "version": "latest"}], "charts[0].version"),
    ("charts", [{**GOOD_CHART, "extra": 1}], "charts[0].extra"),
    ("charts", [{k: v for k, v in GOOD_CHART.items() if k != "release"}], "charts[0].release"),
    ("charts", [GOOD_CHART, GOOD_CHART], "charts: substra-backend is listed twice"),
    ("wizard_version", 1, "wizard_version"),
    ("wizard_version", "x" * 1000, "wizard_version"),
    ("supported_charts", [], "supported_charts"),
    ("supported_charts", {"evil\x1b[31m": "1.0.0"}, "supported_charts"),
    ("supported_charts", {"orchestrator": None}, "supported_charts.orchestrator"),
    ("input", None, "input"),
    ("input", {"kind": "evil", "label": "x", "sets": []}, "input.kind"),
    ("input", {"kind": "values", "label": 5, "sets": []}, "input.label"),
    ("input", {"kind": "values", "label": "x", "sets": "a"}, "input.sets"),
    ("input", {"kind": "values", "label": "\ud800", "sets": []}, "input.label"),
    ("primary", "both", "primary"),
    ("primary", None, "primary"),
    ("runtime_pods", "yes", "runtime_pods"),
    ("runtime_pods", 1, "runtime_pods"),
    ("notes", "a note", "notes"),
    ("notes", [1], "notes[0]"),
    ("files", None, "files"),
    ("files", [{"name": "explain.md", "sha256": "zz"}], "files[0].sha256"),
    ("files", [{"name": "../x", "sha256": "0" * 64}], "files[0].name"),
    ("files", [{"name": "explain.md"}], "files[0].sha256"),
    ("evil", 1, "field evil: unknown field"),
], ids=short)
def test_every_field_of_the_manifest_is_checked(field: str, value: Any, where: str, tmp_path: Path, capsys) -> None:
    files = values_files()
    line = refused(write(tmp_path, gz(pack(files, manifest_of(files, **{field: value})))), capsys)
    assert where in line and "manifest.json" in line


def test_a_missing_field_is_named(tmp_path: Path, capsys) -> None:
    files = values_files()
    manifest = manifest_of(files)
    del manifest["primary"]
    assert "manifest.json field primary: missing" in refused(write(tmp_path, gz(pack(files, manifest))), capsys)


@pytest.mark.parametrize(("text", "message"), [
    (b"[]", "JSON list, not an object"),
    (b"{not json", "not JSON"),
    (b'{"schema": "other@9"}', "its schema is \"other@9\""),
    (json.dumps({"schema": "x" * 100_000}).encode(), "(cut: 100,000 characters in all)"),
    (b"[" * 200_000 + b"]" * 200_000, "more than 8 deep"),
    (b"{\"a\":" * 100_000 + b"1" + b"}" * 100_000, "more than 8 deep"),
    (b"[" * 200_000, "more than 8 deep, or its brackets do not match"),
    (b'{"schema": "substra-wizard/bundle@1", "notes": [' + b"9" * 100_000 + b"]}", "a number of 100,000 digits"),
    (b'{"schema": "substra-wizard/bundle@1", "notes": [1e99999999]}', "a number out of range"),
    (b'{"schema": "substra-wizard/bundle@1", "notes": [NaN]}', "NaN"),
    (b'{"schema": "substra-wizard/bundle@1", "schema": "substra-wizard/bundle@1"}', 'key "schema" twice'),
    (b"\xff{}", "not UTF-8"),
    (b" " * (2 << 20), "a manifest is at most"),
], ids=short)
def test_hostile_json_in_the_manifest_is_refused(text: bytes, message: str, tmp_path: Path, capsys) -> None:
    assert message in refused(write(tmp_path, gz(pack(values_files(), text))), capsys)


@pytest.mark.parametrize(("charts", "message"), [
    ([], "lists the charts none but it holds values files for substra-backend"),
    ([GOOD_CHART, {**GOOD_CHART, "chart": "orchestrator", "version": "8.8.0"}],
     "lists the charts orchestrator, substra-backend but it holds values files for substra-backend"),
], ids=short)
def test_the_charts_listed_are_the_values_files_held(charts: list, message: str, tmp_path: Path, capsys) -> None:
    files = values_files()
    assert message in refused(write(tmp_path, gz(pack(files, manifest_of(files, charts=charts)))), capsys)


def test_a_plan_bundle_without_its_answers_is_refused(plan_bundle: dict[str, bytes], tmp_path: Path,
                                                      capsys) -> None:
    members = {k: v for k, v in plan_bundle.items() if k != "wizard-answers.yaml"}
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = [f for f in manifest["files"] if f["name"] != "wizard-answers.yaml"]
    members["manifest.json"] = json.dumps(manifest).encode()
    assert "has no wizard-answers.yaml" in refused(write(tmp_path, repack(members)), capsys)


# --- item 11: a device or a FIFO is never read, by any command that opens a bundle ------------------------------------


@pytest.mark.parametrize("kind", ["device", "fifo", "fifo without a .tar.gz name"])
@pytest.mark.parametrize("argv", [["explain", "--bundle", "{}"], ["--bundle", "{}", "--non-interactive"],
                                  ["diff", "minimal", "bundle:{}"], ["diff", "minimal", "{}"]], ids=short)
def test_devices_and_fifos_are_refused_without_reading(kind: str, argv: list[str], tmp_path: Path) -> None:
    if kind == "device":
        path = "/dev/zero"
    else:
        path = str(tmp_path / ("b.tar.gz" if kind == "fifo" else "config"))
        os.mkfifo(path)
    result = subprocess.run([sys.executable, "-m", "wizard", *(a.format(path) for a in argv)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert path in result.stderr and ("a device" if kind == "device" else "a pipe (FIFO)") in result.stderr, kind
    assert "Traceback" not in result.stderr


# --- item 14 and the class: headers the wizard never writes are refused before anything is read -----------------------


@pytest.mark.parametrize(("kind", "what"), [
    (b"L", "a GNU long-name header"), (b"K", "a GNU long-link header"), (b"x", "a pax extended header"),
    (b"g", "a pax global header"), (b"S", "a GNU sparse file"), (b"1", "a hard link"), (b"2", "a symbolic link"),
    (b"3", "a character device"), (b"4", "a block device"), (b"6", "a FIFO"), (b"7", "a contiguous file"),
    (b"V", "a volume label"), (b"Z", "unknown tar type"),
], ids=short)
def test_header_types_the_wizard_never_writes_are_refused(kind: bytes, what: str, tmp_path: Path, capsys) -> None:
    tar = pack(values_files(), extra=entry("././@LongLink", b"x" * 2000, kind))
    assert what in refused(write(tmp_path, gz(tar)), capsys)


@pytest.mark.parametrize("kind", [b"L", b"x"], ids=short)
def test_a_huge_long_name_is_refused_early_and_briefly(kind: bytes, tmp_path: Path, capsys) -> None:
    """300 MB of name in a 300 KB file: refused before the name is read, in a line of ordinary length."""
    size, chunk = 300 << 20, b"A" * (1 << 20)
    start = ROOT.encode() if kind == b"L" else b"%d path=" % size
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(header("././@LongLink", len(start) + size, kind) + start)]
    parts += [compressor.compress(chunk) for _ in range(300)]
    parts += [compressor.compress(bytes(-(size + len(start)) % 512) + end(entry(ROOT + "explain.md", b"x"))),
              compressor.flush()]
    data = b"".join(parts)
    assert len(data) < 1 << 20
    path = write(tmp_path, data)
    tracemalloc.start()
    try:
        line = refused(path, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "AAAA" not in line and "decompresses to more than 32 MB" in line
    assert peak < bundle_reading.MAX_TAR_BYTES + (16 << 20)  # the bounded inflate, never the name


def test_a_long_name_in_a_small_archive_is_refused_by_its_type(tmp_path: Path, capsys) -> None:
    tar = entry("././@LongLink", ROOT.encode() + b"A" * 100_000, b"L") + pack(values_files())
    line = refused(write(tmp_path, gz(tar)), capsys)
    assert "a GNU long-name header" in line and "AAAA" not in line


@pytest.mark.parametrize(("name", "message"), [
    (ROOT + "../x", "points outside"), ("../evil", "points outside"), ("/etc/evil", "points outside"),
    (ROOT + "values/../../evil", "points outside"), (ROOT + "values\\..\\x", "points outside"),
    ("C:/x", "points outside"), ("elsewhere/manifest.json", "outside substra-wizard-bundle/"),
    (ROOT + "./explain.json", "none of the files a bundle holds"),
    (ROOT + "values//x.yaml", "none of the files a bundle holds"),
    (ROOT + "Explain.md", "none of the files a bundle holds"),
    (ROOT + "EXPLAIN.MD", "none of the files a bundle holds"),
    (ROOT + "evil.sh", "none of the files a bundle holds"),
    (ROOT + "explain.md/", "none of the files a bundle holds"),
    (ROOT + "expla\u0131n.md", "non-ASCII or control characters"),
    (ROOT + "explain\uff0emd", "non-ASCII or control characters"),
    (ROOT + "e\u0301xplain.md", "non-ASCII or control characters"),
    (ROOT + "\x1b[2J\x1b[31mexplain.md", "non-ASCII or control characters"),
    (ROOT + "explain.md\x7f", "non-ASCII or control characters"),
], ids=short)
def test_names_a_bundle_never_holds_are_refused(name: str, message: str, tmp_path: Path, capsys) -> None:
    tar = pack(values_files(), extra=entry(name.encode("utf-8"), b"x"))
    line = refused(write(tmp_path, gz(tar)), capsys)
    assert message in line and "\x1b" not in line


def test_a_name_is_never_echoed_long_or_raw(tmp_path: Path, capsys) -> None:
    prefix = ("\x1b]0;pwned\x07" + "P" * 200).encode()[:155]
    tar = pack(values_files(), extra=header(b"N" * 100, 0, prefix=prefix))
    line = refused(write(tmp_path, gz(tar)), capsys)
    assert "\\x1b]0;pwned\\x07" in line and "(cut: 256 bytes in all)" in line
    assert "N" * 100 not in line


@pytest.mark.parametrize("name", ["explain.md", "manifest.json"], ids=short)
def test_a_member_twice_is_refused(name: str, tmp_path: Path, capsys) -> None:
    tar = pack(values_files(), extra=entry(ROOT + name, b"# report\n"))
    assert "appears twice" in refused(write(tmp_path, gz(tar)), capsys)


def test_folders_other_than_the_bundles_own_are_refused(tmp_path: Path, capsys) -> None:
    tar = pack(values_files(), extra=entry(ROOT + "evil/", b"", b"5"))
    assert "a folder a bundle does not have" in refused(write(tmp_path, gz(tar)), capsys)
    tar = pack(values_files(), extra=header(ROOT + "values/", 5, b"5") + bytes(512))
    assert "a folder with 5 bytes" in refused(write(tmp_path, gz(tar)), capsys)


@pytest.mark.parametrize(("tar", "message"), [
    (header(ROOT + "explain.md", 0, checksum=1) + bytes(1024), "checksum does not match"),
    (header(ROOT + "explain.md", 0, magic=b"\0" * 8) + bytes(1024), "not a USTAR header"),
    (header(ROOT + "explain.md", 0, size_field=b"\x80" + bytes(11)) + bytes(1024), "base-256"),
    (header(ROOT + "explain.md", 0, size_field=b"9" * 11 + b"\0") + bytes(1024), "invalid size field"),
    (header(ROOT + "explain.md", 0, size_field=b"77777777777\0") + bytes(1024), "too large (8,192 MB"),
    (header(ROOT + "explain.md", 100) + b"x" * 50, "cut short"),
    (header(ROOT + "explain.md\0../../etc/passwd", 0) + bytes(1024), "bytes after the end of its name"),
    (header(b"", 0) + bytes(1024), "empty name"),
    (entry(ROOT + "explain.md", b"x"), "without the end-of-archive block"),
    (end(entry(ROOT + "explain.md", b"x")) + b"smuggled", "data after the end of its tar archive"),
    (end(b"") + entry(ROOT + "explain.md", b"x"), "data after the end of its tar archive"),
], ids=short)
def test_corrupt_or_crafted_tar_headers_are_refused(tar: bytes, message: str, tmp_path: Path, capsys) -> None:
    assert message in refused(write(tmp_path, gz(tar)), capsys)


def test_a_tar_bomb_of_many_small_members_is_refused(tmp_path: Path, capsys) -> None:
    tar = end(b"".join(entry(f"{ROOT}x{i}", b"") for i in range(1000)))
    assert "more than 64 members" in refused(write(tmp_path, gz(tar)), capsys)


# --- the gzip layer ---------------------------------------------------------------------------------------------------


def zipped() -> bytes:
    import zipfile

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr(ROOT + "manifest.json", "{}")
    return raw.getvalue()


@pytest.mark.parametrize(("make", "message"), [
    (lambda good: b"", "it is empty (0 bytes)"),
    (lambda good: zipped(), "it is a zip file, not a .tar.gz"),
    (lambda good: gzip.decompress(good), "a tar archive without gzip compression"),
    (lambda good: b"BZh91AY&SY" + bytes(100), "bzip2-compressed"),
    (lambda good: b"\xfd7zXZ\x00" + bytes(100), "xz-compressed"),
    (lambda good: b"not a bundle at all", "not gzip-compressed"),
    (lambda good: good[: len(good) // 2], "truncated"),
    (lambda good: good[:-8], "truncated"),
    (lambda good: gz(good), "compressed twice"),
    (lambda good: good + good, "more than one gzip stream"),
    (lambda good: good + b"trailing garbage", "16 bytes after the end of its gzip stream"),
    (lambda good: good + bytes(512), "512 bytes after the end of its gzip stream"),
    (lambda good: good[:-8] + bytes(4) + good[-4:], "gzip checksum (CRC-32) does not match"),
    (lambda good: good[:-4] + struct.pack("<I", 7), "gzip length field does not match"),
    (lambda good: good[:10] + bytes([good[10] ^ 0xFF]) + good[11:], "corrupt"),
    (lambda good: b"\x1f\x8b\x08\x00corrupt", "truncated"),
    (lambda good: gz(bytes(64 << 20)), "decompresses to more than 32 MB"),
], ids=short)
def test_files_that_are_not_one_clean_gzip_stream_are_refused(make, message: str, tmp_path: Path, capsys) -> None:
    good = gz(pack(values_files()))
    assert message in refused(write(tmp_path, make(good)), capsys)


def test_a_file_larger_than_any_bundle_is_refused_before_reading(tmp_path: Path, capsys) -> None:
    path = tmp_path / "big.tar.gz"
    with path.open("wb") as handle:
        handle.truncate(bundle_reading.MAX_BUNDLE_BYTES + 1)
    assert main(["explain", "--bundle", str(path)]) == 2
    assert "File too large" in capsys.readouterr().err


# --- item 18: every member against the manifest, and the gzip stream to its end ---------------------------------------


def test_zeroed_hashes_are_refused_naming_the_member(plan_bundle: dict[str, bytes], tmp_path: Path, capsys) -> None:
    manifest = json.loads(plan_bundle["manifest.json"])
    files = [{"name": f["name"], "sha256": "0" * 64} for f in manifest["files"]]
    line = refused(write(tmp_path, repack(plan_bundle, files=files)), capsys)
    assert f"{ROOT}wizard-answers.yaml does not match its sha256 in manifest.json" in line


@pytest.mark.parametrize("member", ["wizard-answers.yaml", "values/substra-backend-values.yaml", "explain.json",
                                    "explain.md", "redactions.json"])
@pytest.mark.parametrize("command", ["explain", "diff", "wizard"], ids=short)
def test_a_tampered_member_is_refused_naming_it(member: str, command: str, plan_bundle: dict[str, bytes],
                                                tmp_path: Path, capsys) -> None:
    members = dict(plan_bundle)
    members[member] = members[member].replace(b"e", b"E", 1)
    line = refused(write(tmp_path, repack(members)), capsys, command)
    assert f"{ROOT}{member} does not match its sha256" in line


def test_members_not_listed_or_listed_but_absent_are_refused(plan_bundle: dict[str, bytes], tmp_path: Path,
                                                             capsys) -> None:
    manifest = json.loads(plan_bundle["manifest.json"])
    fewer = [f for f in manifest["files"] if f["name"] != "explain.md"]
    line = refused(write(tmp_path, repack(plan_bundle, files=fewer)), capsys)
    assert f"{ROOT}explain.md is not listed in manifest.json" in line
    more = [*manifest["files"], {"name": "import-notes.json", "sha256": "0" * 64}]
    line = refused(write(tmp_path, repack(plan_bundle, files=more)), capsys)
    assert "manifest.json lists \"import-notes.json\", which the bundle does not hold" in line
    twice = [*manifest["files"], manifest["files"][0]]
    assert "listed twice" in refused(write(tmp_path, repack(plan_bundle, files=twice)), capsys)


def test_a_zeroed_gzip_crc_of_a_real_bundle_is_refused(plan_bundle: dict[str, bytes], tmp_path: Path,
                                                       capsys) -> None:
    good = repack(plan_bundle)
    line = refused(write(tmp_path, good[:-8] + bytes(4) + good[-4:]), capsys)
    assert "CRC-32" in line


def test_wizard_bundle_output_passes_every_check(tmp_path: Path, capsys) -> None:
    """What wizard bundle writes is exactly what opening accepts: the members are the ones MEMBERS names and the
    manifest lists each with its hash."""
    out = tmp_path / "v.tar.gz"
    values = tmp_path / "v.yaml"
    values.write_text(VALUES)
    assert main(["bundle", "--values", f"substra-backend={values}", "--out", str(out)]) == 0
    opened = bundle_reading.read(out)
    assert set(opened.texts) | {"manifest.json"} <= set(bundle_layout.MEMBERS)
    assert [f.name for f in opened.manifest.files] == list(opened.texts)
    assert bundle_layout.SCHEMA == bundle_manifest.SCHEMA


NODES_CAP = f"more than {bundle_reading.MAX_YAML_NODES:,} nodes"


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs": each anchor holds ten aliases of the one before (10**levels nodes) in a few hundred bytes."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# --- members that are parsed: YAML bombs and nesting are refused; JSON members are never parsed -----------------------


@pytest.mark.parametrize(("values", "message"), [
    (alias_bomb(), NODES_CAP),
    ("x: [" + "1," * (bundle_reading.MAX_YAML_NODES + 1000) + "1]\n", NODES_CAP),
    ("x: " + "[" * 5000 + "]" * 5000 + "\n", "not YAML the wizard reads"),  # libyaml stops at 1,000 itself
    ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 300)), "collections nested more than 100 deep"),
    ("x: &x {y: *x}\n", "has a recursive alias (*\"x\""),
    ("x: &x [&x 1, *x]\n", 'has the anchor &"x" twice'),
    ("x: " + "a" * (bundle_reading.MAX_YAML_BYTES + 1000) + "\n", "YAML files are"),
    ("x: [unclosed\n", "line 2"),
    ("- a list\n", "is not a map of values"),
], ids=short)
def test_hostile_yaml_in_a_values_member_is_refused(values: str, message: str, tmp_path: Path, capsys) -> None:
    assert message in refused(write(tmp_path, gz(pack(values_files(values)))), capsys)


def test_a_yaml_bomb_in_the_answers_is_refused(plan_bundle: dict[str, bytes], tmp_path: Path, capsys) -> None:
    members = dict(plan_bundle)
    members["wizard-answers.yaml"] = f"schema: substra-wizard/answers@1\nplan: {{}}\n{alias_bomb()}".encode()
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = [{"name": f["name"], "sha256": hashlib.sha256(members[f["name"]]).hexdigest()}
                         for f in manifest["files"]]
    members["manifest.json"] = json.dumps(manifest).encode()
    for command in ("explain", "wizard"):
        assert NODES_CAP in refused(write(tmp_path, repack(members)), capsys, command)


@pytest.mark.parametrize("content", [b"[" * 100_000 + b"]" * 100_000, b"[" + b"9" * 100_000 + b"]",
                                     b"\x00\x01\x02 not json", b"[NaN, 1e999999]"], ids=short)
def test_hostile_json_members_other_than_the_manifest_are_never_parsed(content: bytes, tmp_path: Path,
                                                                       capsys) -> None:
    files = {**values_files(), "explain.json": content, "redactions.json": content, "import-notes.json": content}
    assert main(["explain", "--bundle", str(write(tmp_path, gz(pack(files))))]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_member_that_is_not_utf8_is_refused(tmp_path: Path, capsys) -> None:
    files = {**values_files(), "explain.md": b"\xff\xfe"}
    assert f"{ROOT}explain.md is not UTF-8 text" in refused(write(tmp_path, gz(pack(files))), capsys)


# --- the parts on their own -------------------------------------------------------------------------------------------


def test_shown_escapes_and_cuts() -> None:
    assert shown("plain") == '"plain"'
    assert shown("\x1b[31m\u202e\ud800") == '"\\x1b[31m\\u202e\\ud800"'
    assert shown(b"a\xffb") == '"a\\xffb"'
    long = shown("z" * 300_000)
    assert long.endswith("(cut: 300,000 characters in all)") and len(long) < 160
    assert len(shown("\x00" * 1000)) < 160


def test_ustar_walk_returns_views_without_copying_the_archive() -> None:
    tar = end(entry("a/b", b"hello"))
    [member] = ustar.walk(tar, max_members=4, max_member_bytes=10)
    assert (member.name, bytes(member.data), member.folder) == ("a/b", b"hello", False)
    with pytest.raises(ustar.ArchiveError, match="too large"):
        ustar.walk(tar, max_members=4, max_member_bytes=4)
