"""The FID/KID table: rows in the paper's order with their yardsticks, numbers as a reader wants them."""

from __future__ import annotations

import csv
import io

from bsgan.metrics.fidelity_table import fidelity_key, fidelity_keys, table_rows, to_csv, to_markdown


def entry(fid: float, kid: float, std: float = 0.0, **extra: float) -> dict[str, float]:
    return {"sets": 5, "set_size": 100, "fid_original": fid, "fid_original_std": std, "kid_original": kid,
            "kid_original_std": std / 1000, "fid_classical": fid + 10, "fid_classical_std": std,
            "kid_classical": kid * 2, "kid_classical_std": 0.0, **extra}


RESULTS = {"pitting": {"original": entry(226.04, 0.14031, 2.3, gan_test=0.466, near_copy_share=0.001)
                       | {"verdict": "weak"},
                       "real_test": entry(154.9, 0.0004),
                       "untrained": entry(433.9, 0.4801)}}


def test_rows_follow_floor_untrained_then_generators_whatever_the_metrics_order() -> None:
    rows = table_rows(RESULTS)
    assert [row["images"] for row in rows] == ["real test split (floor)", "untrained generator", "GAN (original)"]
    assert rows[2]["fid_classical"] == 236.04 and rows[2]["kid_original_std"] == 0.0023
    assert rows[2]["gan_test"] == 0.466 and rows[0]["gan_test"] == "" and rows[0]["near_copy_share"] == ""


def test_markdown_scales_kid_by_a_thousand_and_shows_the_spread_only_where_there_is_one() -> None:
    table = to_markdown(table_rows(RESULTS)).splitlines()
    assert table[0].startswith("| class | images | sets × size | FID vs original | KID×10³ vs original |")
    floor, _, generator = table[2:]
    # 154.9 with no spread; KID 0.0004 -> 0.4 per thousand
    assert floor.startswith("| pitting | real test split (floor) | 5 × 100 | 154.9 | 0.4 | 164.9 | 0.8 |")
    # 226.04 ± 2.3; KID 0.14031 ± 0.0023 -> 140.3 ± 2.3; GAN-test to two places; near copies as a percentage
    assert generator.startswith("| pitting | GAN (original) | 5 × 100 | 226.0 ± 2.3 | 140.3 ± 2.3 | 236.0 ± 2.3 "
                                "| 280.6 |")
    assert "| 0.47 |" in generator and generator.endswith("| 0.1% | weak |"), "the verdict last"
    assert floor.endswith("|  |  |"), "the yardsticks have no verdict"


def test_csv_has_a_row_per_table_row_and_every_column() -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(table_rows(RESULTS)))))
    assert len(rows) == 3 and float(rows[1]["fid_original"]) == 433.9 and rows[2]["near_copy_share"] == "0.001"


def test_one_scheme_names_every_distance_key() -> None:
    assert fidelity_key("kid", "classical", std=True) == "kid_classical_std"
    assert fidelity_keys(std=False) == ["fid_original", "kid_original", "fid_classical", "kid_classical"]
    assert set(fidelity_keys()) <= set(entry(1.0, 1.0))  # the keys evaluate_gan writes are the ones the table reads
