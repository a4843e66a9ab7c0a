from pathlib import Path

import pytest
from pydantic import ValidationError

from bsgan.config import GanConfig, Params, load_params, normalise_class_name, parse_params
from bsgan.errors import ParamsError
from tests.conftest import REAL_ONLY_TASKS

PROJECT = Path(__file__).parents[1]


def test_the_shipped_params_file_is_valid() -> None:
    params = load_params(PROJECT / "params.yaml")
    assert params.data.source == "synthetic"
    assert params.data.synthetic.counts["rust"].train == 128
    assert params.augment.target_per_class == 700


def test_missing_sections_take_the_defaults() -> None:
    assert parse_params({"data": {}}) == Params()


@pytest.mark.parametrize("text", ["", "# only a comment\n\n", "{}\n"])
def test_a_params_file_without_settings_is_an_error(tmp_path: Path, text: str) -> None:
    # Running on the code's defaults (30000 loops, the paper's counts) would overwrite the outputs unasked.
    empty = tmp_path / "params.yaml"
    empty.write_text(text)
    with pytest.raises(ParamsError, match=r"params.yaml: holds no settings \(empty or only comments\)"):
        load_params(empty)


def test_a_folder_given_as_params_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match=f"{tmp_path}: is a folder, not a params file"):
        load_params(tmp_path)


def test_configs_are_frozen() -> None:
    params = parse_params({"data": {}})
    with pytest.raises(ValidationError, match="frozen"):
        params.data.image_size = 64  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"data": {"image_size": 8}},
         "params.yaml: data.image_size: Input should be greater than or equal to 16 (got 8)"),
        ({"data": {"image_size": "big"}}, "params.yaml: data.image_size: Input should be a valid integer"),
        ({"data": {"source": "s3"}}, "params.yaml: data.source: Input should be 'synthetic', 'labelme' or 'folder'"),
        ({"data": {"imagesize": 64}}, "params.yaml: data.imagesize: unknown key (misspelt?)"),
        ({"augment": {"hflip_p": 1.5}}, "params.yaml: augment.hflip_p: Input should be less than or equal to 1"),
        ({"data": {"synthetic": {"counts": {"scratch": {"train": 1, "test": 1}}}}},
         "params.yaml: data.synthetic.counts: unknown class 'scratch'"),
        ({"data": {"intact_class": "Intact"}}, "params.yaml: data.intact_class: 'Intact' is not a class name"),
        ({"data": {"classes": ["pitting", "rust"]}},
         "params.yaml: data: data.intact_class 'intact' is not in data.classes"),
        ({"data": {"classes": ["pitting", "intact", "dent"]}},
         "params.yaml: data: data.classes: 'dent' is not drawn by the synthetic source"),
        ({"data": {"test_fraction": 1.0}}, "params.yaml: data.test_fraction: Input should be less than 1"),
        ({"data": {"train_limit": -3}},
         "params.yaml: data.train_limit: must be a whole number of images >= 1 or null (got -3)"),
        ({"data": {"train_limit": {"pitting": 0}}},
         "params.yaml: data.train_limit: pitting: must be a whole number of images >= 1"),
        ({"data": {"train_limit": {"rust": 2.5}}},
         "params.yaml: data.train_limit: rust: must be a whole number of images >= 1"),
        ({"data": {"train_limit": True}},
         "params.yaml: data.train_limit: must be a whole number of images >= 1 or null (got True)"),
        ({"data": {"train_limit": {"intact": 5}}},
         "params.yaml: data: data.train_limit.intact: 'intact' is data.intact_class (only failure classes are capped)"),
        ({"data": {"train_limit": {"dent": 5}}},
         "params.yaml: data: data.train_limit.dent: 'dent' is not drawn by the synthetic source "
         "(only failure classes are capped)"),
        ({"augment": {"hflip_p": 0, "vflip_p": 0, "rotation_p": 0, "translate_p": 0, "noise_p": 0}},
         "params.yaml: augment: every step's probability is 0"),
        ({"gan": {"classes": ["intact"]}}, "params.yaml: gan.classes: 'intact' is data.intact_class"),
        ({"gan": {"classes": ["dent"]}},
         "params.yaml: gan.classes: 'dent' is not drawn by the synthetic source; GANs learn failure classes only"),
        ({"gan": {"classes": ["rust", "rust"]}}, "params.yaml: gan.classes: a class is listed twice"),
        ({"generate": {"interpolation": "cubic"}},
         "params.yaml: generate.interpolation: Input should be 'slerp' or 'linear'"),
        ({"data": {"group_by": "(?P<group>KGT"}},
         "params.yaml: data.group_by: '(?P<group>KGT' is not a regular expression"),
        ({"data": {"leak": {"max_hash_distance": 65}}},
         "params.yaml: data.leak.max_hash_distance: Input should be less"),
        ({"generate": {"count": "many"}}, "params.yaml: generate.count"),
        ({"classify": {"bootstrap_resamples": 10}},
         "params.yaml: classify.bootstrap_resamples: Input should be greater"),
        ({"gan": {"architecture": "fastgan"}},
         "params.yaml: gan: gan.labels: rust smooth the BCE targets of the dcgan; fastgan's hinge loss has none"),
        ({"data": {"image_size": 16}, "gan": {"architecture": "fastgan", "labels": {"rust": {"real": 1, "fake": 0}},
                                              "pretrain_loops": 5, "freeze_d": 3}},
         "params.yaml: gan.freeze_d: fastgan's discriminator has 3 blocks at data.image_size 16; freeze at most 2"),
        ({"gan": {"architecture": "stylegan"}}, "params.yaml: gan.architecture: Input should be 'dcgan' or 'fastgan'"),
        ([1, 2], "params.yaml: expected a mapping of sections, got list"),
        # a union's member names (constrained-int, literal[...]) stay out of the key
        ({"tasks": {"definitions": {"t1": {"title": "t", "parts": [{"source": "real", "count": -3}]}}}},
         "params.yaml: tasks.definitions.t1.parts.0.count: must be a number >= 0, 'all' or 'fill' (got -3)"),
        ({"tune": {"space": {"k_d": {"low": 1.5, "high": 1}}}}, "params.yaml: tune.space: k_d: low must be below high"),
        ({"data": {"classes": "pitting"}}, "params.yaml: data.classes: Input should be a valid list"),
        ({"eval": {"fid_repeats": 6}, "generate": {"count": 700}},
         ("params.yaml: eval.fid_repeats: 6 sets of 128 rust images (its train set) "
          "need generate.count >= 768 (got 700); raise generate.count or lower "
          "eval.fid_repeats")),
    ],
)
def test_a_bad_value_fails_with_one_line_naming_the_key(raw: object, message: str) -> None:
    with pytest.raises(ParamsError) as caught:
        parse_params(raw)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_unreadable_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="params file not found"):
        load_params(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("data:\n  image_size: [96\n")
    with pytest.raises(ParamsError, match=r"broken.yaml: not valid YAML at line \d"):
        load_params(broken)


@pytest.mark.parametrize(("label", "name"),
                         [("Pitting", "pitting"), (" Surface Rust ", "surface_rust"), ("wear-dev", "wear_dev")])
def test_labels_are_normalised_to_class_names(label: str, name: str) -> None:
    assert normalise_class_name(label) == name


def test_gan_repeats_is_a_count_that_stays_out_of_a_generators_recipe() -> None:
    assert GanConfig().repeats == 1
    with pytest.raises(ParamsError, match=r"^params.yaml: gan.repeats: Input should be greater than or equal to 1"):
        parse_params({"gan": {"repeats": 0}})
    two = GanConfig(repeats=2, seed=3)
    # repeat 0 of two generators is the single one: the same recipe, so the same checkpoint fingerprint
    assert two.recipe() == GanConfig(seed=3).recipe() and "repeats" not in two.recipe()
    assert two.for_repeat(0) is two
    assert two.for_repeat(1).recipe() == GanConfig(seed=4).recipe(), "repeat 1 trains as seed + 1 would alone"


def test_gan_sources_must_cover_every_generated_set_a_task_reads() -> None:
    assert GanConfig().sources == ["original", "classical"]
    assert GanConfig(sources=["original"]).recipe() == GanConfig().recipe(), "which generators exist, not how"
    with pytest.raises(ParamsError) as caught:
        parse_params({"gan": {"sources": ["original"]}})  # the six paper tasks: task 5 reads gan_classical
    assert str(caught.value) == ("params.yaml: tasks.definitions.t5_original_gan_classical: reads gan_classical, but "
                                 "gan.sources leaves out classical (add it, or drop the task)")
    with pytest.raises(ParamsError, match=r"^params.yaml: gan.sources: a source is listed twice"):
        parse_params({"gan": {"sources": ["original", "original"]}})
    with pytest.raises(ParamsError, match=r"^params.yaml: gan: classical_from_original fine-tunes from the original"):
        parse_params({"gan": {"sources": ["classical"], "classical_from_original": True},
                      "tasks": REAL_ONLY_TASKS})


def test_a_nan_learning_rate_is_called_not_a_number(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("classify:\n  lr: .nan\n")
    with pytest.raises(ParamsError, match="classify.lr") as raised:
        load_params(path)
    assert "finite" in str(raised.value) and "1" not in str(raised.value).split("classify.lr")[1][:40]
