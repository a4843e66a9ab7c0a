"""Rebuild the offline ``dvc plots show`` template from npm tarballs: ``python docs/vendor_vega.py *.tgz``.

DVC's default page loads vega, vega-lite and vega-embed from a CDN, so on a machine without a network it
is blank. ``src/bsgan/vega/dvc_plots.html`` carries the three minified builds inline instead (DVC's
``{scripts}`` placeholder, which adds the CDN tags, is left out), and ``.dvc/config`` names it as
``plots.html_template``. To move to other versions, fetch the tarballs on a machine with a network::

    npm pack vega@5.33.1 vega-lite@5.23.0 vega-embed@6.29.0
    python docs/vendor_vega.py vega-5.33.1.tgz vega-lite-5.23.0.tgz vega-embed-6.29.0.tgz

It writes the template and ``VENDOR.md`` (versions and SHA-256 of each build, which
``tests/test_dvc_plots.py`` checks against the template) and copies each package's licence.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tarfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/bsgan/vega"
BUILDS = {"vega": "package/build/vega.min.js", "vega-lite": "package/build/vega-lite.min.js",
          "vega-embed": "package/build/vega-embed.min.js"}
PAGE = """<!DOCTYPE html>
<html>
<head>
    {{refresh_tag}}
    <meta charset="utf-8">
    <title>bsgan: DVC plots</title>
{scripts}
    <style>
        body {{ font-family: sans-serif; }}
        table {{ border-spacing: 15px; }}
    </style>
</head>
<body>
    {{plot_divs}}
</body>
</html>
"""


def main(tarballs: list[str]) -> int:
    scripts, rows = [], []
    for path in sorted(tarballs, key=lambda p: list(BUILDS).index(re.sub(r"-\d.*", "", Path(p).name))):
        name, version = re.fullmatch(r"(.+)-(\d+\.\d+\.\d+)\.tgz", Path(path).name).groups()
        with tarfile.open(path) as tar:
            code = tar.extractfile(BUILDS[name]).read().decode()
            licence = tar.extractfile("package/LICENSE") if "package/LICENSE" in tar.getnames() else None
            if licence is not None:
                (OUT / f"LICENSE.{name}").write_bytes(licence.read())
                if name == "vega-lite":  # the vega package ships none; its repository's is this text
                    (OUT / "LICENSE.vega").write_bytes((OUT / f"LICENSE.{name}").read_bytes())
        assert "</script" not in code and "{plot_divs}" not in code and "{scripts}" not in code, name
        scripts.append(f'    <script data-package="{name}@{version}">{code}</script>')
        rows.append(f"| {name} | {version} | `{BUILDS[name].removeprefix('package/')}` | "
                    f"{hashlib.sha256(code.encode()).hexdigest()} |")
    OUT.joinpath("dvc_plots.html").write_text(PAGE.format(scripts="\n".join(scripts)))
    OUT.joinpath("VENDOR.md").write_text(
        "# Vendored vega builds\n\n"
        "`dvc_plots.html` is the HTML template of `dvc plots show` (`.dvc/config`: `plots.html_template`). It "
        "carries these npm builds inline, so the page draws without a network. Rebuilt by "
        "`docs/vendor_vega.py`. All three are BSD-3-Clause, University of Washington Interactive Data Lab "
        "(`LICENSE.*`; the vega package ships no licence file: its package.json names BSD-3-Clause, and "
        "`LICENSE.vega` is the same text as vega-lite's, which is the licence of the vega repository).\n\n"
        "| package | version | file | sha256 |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
