from pathlib import Path

import pytest

from bsgan.config import load_params
from bsgan.errors import ParamsError
from bsgan.profiles import apply_profile, available_profiles, profile_differences

PROJECT = Path(__file__).parents[2]


def test_the_paper_and_cpu_profiles_ship_with_the_package() -> None:
    assert {"cpu", "paper", "gpu", "sweep"} <= set(available_profiles())


def test_a_profile_changes_only_its_keys_and_keeps_comments(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text((PROJECT / "params.yaml").read_text())
    shipped = load_params(params)

    changes = apply_profile("paper", params)
    assert {"gan.loops: 900 -> 30000", "gan.k_d: 2 -> 4", "gan.generator_width: 0.25 -> 1.0"} <= set(changes)
    assert "# square side in pixels" in params.read_text()
    paper = load_params(params)
    assert (paper.data.image_size, paper.gan.batch_size, paper.gan.diffaug) == (96, 50, [])
    assert paper.gan.classes == shipped.gan.classes and paper.data.source == shipped.data.source
    assert apply_profile("paper", params) == []

    apply_profile("cpu", params)
    assert load_params(params) == shipped


def test_the_gpu_profile_adds_speed_settings_to_another_and_cpu_resets_them(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text((PROJECT / "params.yaml").read_text())
    shipped = load_params(params)

    apply_profile("paper", params)
    paper = load_params(params)
    assert apply_profile("gpu", params)
    fast = load_params(params)
    assert (fast.gan.precision, fast.gan.channels_last, fast.classify.workers) == ("bf16", True, 4)
    assert (fast.gan.loops, fast.data.image_size) == (paper.gan.loops, paper.data.image_size), (
        "the method is the paper's")

    apply_profile("cpu", params)
    assert load_params(params) == shipped


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("data:\n  image_size: 32\n")
    assert apply_profile("paper", params, dry_run=True)[0] == "data.image_size: 32 -> 96"
    assert params.read_text() == "data:\n  image_size: 32\n"


def test_the_shipped_params_equal_the_cpu_profile() -> None:
    assert apply_profile("cpu", PROJECT / "params.yaml", dry_run=True) == []


def test_unknown_profile_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ParamsError,
                       match=r"profile 'tpu' does not exist \(available: bsdata, cpu, gpu, paper, sweep\)"):
        apply_profile("tpu", tmp_path / "params.yaml")


def test_malformed_yaml_is_one_clear_line_and_the_file_stays(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from bsgan.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("data:\n  image_size: [32\n\tgan: {")
    before = bad.read_bytes()
    assert main(["profile", "cpu", "--params", str(bad)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "bad.yaml: not valid YAML (line" in error, error
    assert bad.read_bytes() == before


def test_profile_differences_tell_which_profile_params_are() -> None:
    shipped = load_params(PROJECT / "params.yaml").model_dump(mode="json")
    assert profile_differences("cpu", shipped) == [], "params.yaml ships the cpu profile"
    paper = profile_differences("paper", shipped)
    assert "gan.loops: 900 -> 30000" in paper and "data.image_size: 32 -> 96" in paper


def test_the_sweep_profile_keeps_four_tasks_and_fewer_seeds_and_cpu_brings_all_back(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text((PROJECT / "params.yaml").read_text())
    shipped = load_params(params)

    changes = apply_profile("sweep", params)
    assert "classify.repeats: 5 -> 3" in changes
    sweep = load_params(params)
    assert list(sweep.tasks.definitions) == ["t1_original", "t2_original_gan", "t4_original_classical",
                                             "t6_classical_on_gan"]
    assert sweep.tasks.definitions["t6_classical_on_gan"] == shipped.tasks.definitions["t6_classical_on_gan"]
    assert "gan.sources: ['original', 'classical'] -> ['original']" in changes, "no task reads the classical GANs"
    assert sweep.gan.recipe() == shipped.gan.recipe() and sweep.data == shipped.data, \
        "the same GANs and data as the CPU default"
    assert apply_profile("sweep", params) == []
    assert "# cap on real train images" in params.read_text().lower(), "comments kept"

    apply_profile("cpu", params)
    assert load_params(params) == shipped


def with_task_seven(text: str) -> str:
    return text.replace("  definitions:\n", "  definitions:\n    t7_gan_300:\n      title: 7 GAN 300\n"
                        "      parts: [{source: real, count: all}, {source: gan_original, count: 300}]\n", 1)


def test_the_cpu_profile_adds_the_paper_tasks_back_without_dropping_ones_of_your_own(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(with_task_seven((PROJECT / "params.yaml").read_text()))
    apply_profile("sweep", params)
    assert "t7_gan_300" not in load_params(params).tasks.definitions, "the sweep sets its task list whole"

    params.write_text(with_task_seven(params.read_text()))
    apply_profile("cpu", params)
    six = load_params(PROJECT / "params.yaml").tasks.definitions
    assert set(load_params(params).tasks.definitions) == {*six, "t7_gan_300"}


def test_the_paper_profile_is_the_papers_dcgan_with_every_few_shot_option_off(tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text((PROJECT / "params.yaml").read_text())
    text = params.read_text().replace("\n  ada_target: ", "\n  ada_target: 0.6  # was: ", 1)
    text = text.replace("\n  classical_from_original: ", "\n  classical_from_original: true  # was: ", 1)
    params.write_text(text)
    cpu = load_params(params).gan
    assert (cpu.ema, cpu.pretrain_loops, cpu.freeze_d, cpu.ada_target) == (0.99, 300, 1, 0.6), "the CPU recipe"

    apply_profile("paper", params)
    gan = load_params(params).gan  # ... the paper profile switches off
    options = (gan.ema, gan.ada_target, gan.pretrain_loops, gan.freeze_d, gan.classical_from_original)
    assert options == (0, 0, 0, 0, False)
    recipe = (gan.dropout, gan.noise_std, gan.lr_g, gan.lr_d, gan.diffaug, gan.loops)
    assert recipe == (0.25, 0.1, 0.0002, 0.0002, [], 30000), "the paper's discriminator and recipe"
