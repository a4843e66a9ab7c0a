import csv
import io

from bsgan.metrics.budget_curve import BudgetPoint, budget_csv, budget_figure, budget_table

POINTS = [
    BudgetPoint("exp-b", 50, "t1_original", 0.75, 0.70, 0.80),
    BudgetPoint("exp-b", 50, "t4_original_classical", 0.85, 0.80, 0.90),
    BudgetPoint("exp-a", 10, "t1_original", 0.55, 0.45, 0.65),
    BudgetPoint("exp-a", 10, "t4_original_classical", 0.70, 0.61, 0.79),
]


def test_the_table_has_one_row_per_budget_smallest_first_and_one_column_per_task() -> None:
    lines = budget_table(POINTS, "real pitting train images").splitlines()
    assert lines[0] == "| real pitting train images | experiment | t1_original | t4_original_classical |"
    assert lines[2] == "| 10 | exp-a | 0.550 [0.450, 0.650] | 0.700 [0.610, 0.790] |"
    assert lines[3] == "| 50 | exp-b | 0.750 [0.700, 0.800] | 0.850 [0.800, 0.900] |"


def test_a_point_without_an_interval_shows_its_mean_only() -> None:
    table = budget_table([BudgetPoint("HEAD", 100, "t1_original", 0.8)], "images")
    assert table.splitlines()[-1] == "| 100 | HEAD | 0.800 |"


def test_the_csv_has_one_row_per_point_and_can_be_cut_per_task() -> None:
    rows = list(csv.DictReader(io.StringIO(budget_csv(POINTS, "macro_f1"))))
    assert [(r["task"], r["budget"], r["macro_f1"]) for r in rows] == [
        ("t1_original", "10", "0.55"), ("t1_original", "50", "0.75"),
        ("t4_original_classical", "10", "0.7"), ("t4_original_classical", "50", "0.85")]
    one = list(csv.DictReader(io.StringIO(budget_csv(POINTS, "macro_f1", ["t1_original"]))))
    assert {r["task"] for r in one} == {"t1_original"} and one[0]["ci_low"] == "0.45"


def test_the_figure_is_a_picture() -> None:
    image = budget_figure(POINTS, "real pitting train images", "macro_f1", "a sweep")
    assert image.size == (700, 450)
