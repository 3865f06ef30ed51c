"""The frontend's cache lifetimes and the sidecars written for what Reflex's compressor skips."""

from __future__ import annotations

import gzip

import brotli

from app.api import static_files
from app.api.static_files import IMMUTABLE, REVALIDATE, cache_control, compress_rest


def test_hashed_files_are_immutable_and_the_rest_revalidated():
    assert cache_control("/assets/root-Cpje_pyR.js", "GET", 200) == IMMUTABLE
    assert cache_control("/assets/zxing_reader-BxB2YfIY.wasm", "HEAD", 304) == IMMUTABLE
    for path in ("/login", "/gate", "/js/field_walk.js", "/sw.js", "/field.css", "/manifest.webmanifest"):
        assert cache_control(path, "GET", 200) == REVALIDATE, path


def test_routes_errors_and_writes_are_left_alone():
    assert cache_control("/api/evidence/1", "GET", 200) is None
    assert cache_control("/_upload", "GET", 200) is None
    assert cache_control("/assets/x.js", "POST", 200) is None
    assert cache_control("/assets/missing.js", "GET", 404) is None


def test_sidecars_for_the_skipped_types_only(tmp_path):
    wasm = tmp_path / "assets" / "zxing_reader-abc.wasm"
    wasm.parent.mkdir()
    wasm.write_bytes(b"\0asm" + bytes(range(256)) * 40)
    small = tmp_path / "tiny.wasm"
    small.write_bytes(b"\0asm")
    script = tmp_path / "assets" / "a.js"
    script.write_text("x" * 5000)  # Reflex's own pass compresses scripts
    written = compress_rest(tmp_path)
    assert sorted(p.name for p in written) == ["zxing_reader-abc.wasm.br", "zxing_reader-abc.wasm.gz"]
    assert gzip.decompress(wasm.with_name(wasm.name + ".gz").read_bytes()) == wasm.read_bytes()
    assert brotli.decompress(wasm.with_name(wasm.name + ".br").read_bytes()) == wasm.read_bytes()
    # deterministic: a rebuild of the same file writes the same bytes
    first = wasm.with_name(wasm.name + ".gz").read_bytes()
    static_files.compress_file(wasm)
    assert wasm.with_name(wasm.name + ".gz").read_bytes() == first


def test_versioned_names_our_own_files_by_content(tmp_path, monkeypatch):
    monkeypatch.setattr(static_files, "ASSETS", tmp_path)
    static_files.versioned.cache_clear()
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("one")
    first = static_files.versioned("/js/a.js")
    static_files.versioned.cache_clear()
    (tmp_path / "js" / "a.js").write_text("two")
    second = static_files.versioned("/js/a.js")
    static_files.versioned.cache_clear()
    assert first.startswith("/js/a.js?v=") and second.startswith("/js/a.js?v=") and first != second
    assert cache_control("/js/a.js", "GET", 200, first.split("?")[1].encode()) == IMMUTABLE
    assert cache_control("/js/a.js", "GET", 200, b"") == REVALIDATE
    assert cache_control("/sw.js", "GET", 200, b"v=abc") == REVALIDATE  # the worker always revalidates
