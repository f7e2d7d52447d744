"""docs/MODEL.md documents exactly the parameters, columns and phases of the code."""

from pathlib import Path

from abm.collect import COLUMNS
from abm.doc_table import parameter_table
from abm.steps import PERIOD

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "MODEL.md"


def test_parameter_table_matches_the_code():
    assert parameter_table() in MODEL_MD.read_text(encoding="utf-8"), \
        "regenerate the table with `python -m abm.doc_table`"


def test_every_output_column_is_documented():
    text = MODEL_MD.read_text(encoding="utf-8")
    for name in COLUMNS:
        assert f"| `{name}` |" in text, name


def test_every_phase_is_documented_in_order():
    text = MODEL_MD.read_text(encoding="utf-8")
    positions = [text.index(f"(`{fn.__module__.rsplit('.', 1)[-1]}`)") for _, fn in PERIOD]
    assert positions == sorted(positions)
