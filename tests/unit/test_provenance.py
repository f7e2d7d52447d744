"""Provenance records: the fingerprint follows the model's source and nothing else."""

from __future__ import annotations

import json

from abm import provenance as prov


def test_record_is_json_and_names_the_distribution():
    rec = prov.provenance()
    assert json.loads(json.dumps(rec)) == rec
    assert rec["package"] == "ai-inequality-abm"
    assert len(rec["code"]) == 16 and int(rec["code"], 16) >= 0
    assert rec["dependencies"]["numpy"] not in ("", "absent")
    assert rec["numerics"] in ("libm", "numpy-simd")


def test_fingerprint_changes_when_model_source_changes(tmp_path, monkeypatch):
    pkg = tmp_path / "abm"
    (pkg / "steps").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "steps" / "b.py").write_text("y = 2\n")
    monkeypatch.setattr(prov, "PACKAGE_DIR", pkg)
    prov.code_fingerprint.cache_clear()
    try:
        first = prov.code_fingerprint()
        (pkg / "README.md").write_text("docs do not count\n")
        prov.code_fingerprint.cache_clear()
        assert prov.code_fingerprint() == first
        (pkg / "steps" / "b.py").write_text("y = 3\n")
        prov.code_fingerprint.cache_clear()
        assert prov.code_fingerprint() != first
    finally:
        prov.code_fingerprint.cache_clear()


def test_difference_names_what_changed():
    now = prov.provenance()
    assert prov.describe_difference(dict(now)) is None
    old = {**now, "code": "0" * 16}
    assert "code" in prov.describe_difference(old)
    assert prov.describe_difference({**now, "commit": "other"}) is None
    other = "numpy-simd" if now["numerics"] == "libm" else "libm"
    assert prov.describe_difference({**now, "numerics": other}) is None
