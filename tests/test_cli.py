import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bsgan.cli import COMMANDS, main


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: bsgan {command}" in capsys.readouterr().out


def test_every_dvc_stage_is_a_cli_command() -> None:
    stages = yaml.safe_load((Path(__file__).parents[1] / "dvc.yaml").read_text())["stages"]
    for name, stage in stages.items():
        program, command = stage.get("do", stage)["cmd"].split()[:2]  # foreach stages nest theirs under `do`
        assert program == "bsgan" and command in COMMANDS
        assert name.startswith(command.replace("-", "_")), f"stage {name} runs `bsgan {command}`"


def test_bad_params_exit_2_with_one_line(tmp_path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("data:\n  source: s3\n")
    done = subprocess.run([sys.executable, "-m", "bsgan", "prepare", "--params", str(params)],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"bsgan prepare: error: {params}: data.source: Input should be 'synthetic', 'labelme' or 'folder' (got 's3')"
    ]


@pytest.mark.parametrize("command", ["prepare", "profile cpu", "train-gan --class rust --source original"])
def test_a_folder_as_params_file_is_one_line(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command.split(), "--params", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().endswith(f"error: {tmp_path}: is a folder, not a params file "
                                                     "(give --params path/to/params.yaml)")
