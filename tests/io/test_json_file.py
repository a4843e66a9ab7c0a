import json
import math
from pathlib import Path

from bsgan.io.json_file import read_json, write_json


def test_non_finite_numbers_are_written_as_null(tmp_path: Path) -> None:
    path = tmp_path / "metrics.json"
    write_json({"mean": 0.8, "ci": [math.nan, math.inf], "nested": {"p": -math.inf}, "n": 1}, path)

    def strict(token: str) -> None:
        raise AssertionError(f"{token} is not JSON")

    assert json.loads(path.read_text(), parse_constant=strict) == {"mean": 0.8, "ci": [None, None],
                                                                   "nested": {"p": None}, "n": 1}
    assert read_json(path)["ci"] == [None, None]
