"""claimex and the full torch 2.4.0 wheel in one process, in either import order (`make python`
installs torch into .venv/ beside the package, as a user's environment would have it)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MODEL = ROOT / "models" / "default"

SCRIPT = """
import json, sys
first, second = sys.argv[1], sys.argv[2]
__import__(first)
__import__(second)
import claimex, torch
product = float(torch.ones(3) @ torch.arange(3.0))
claim = claimex.Pipeline(model=sys.argv[3], threads=1).extract(
    ["Kazakhstan is in the final stages of joining the Abraham Accords."])[0]
# Every copy of libtorch this process mapped: one, the torch package's.
maps = open("/proc/self/maps").read().split("\\n")
libs = sorted({line.split()[-1] for line in maps if line.endswith("libtorch_cpu.so")})
print(json.dumps({"product": product, "lemma": claim["predicate"]["lemma"],
                  "object": claim["object"]["text"], "libs": libs, "torch": torch.__version__}))
"""


@pytest.mark.parametrize("order", [("torch", "claimex"), ("claimex", "torch")])
def test_claimex_runs_beside_torch_in_one_process(order):
    try:
        import torch  # noqa: F401
    except ImportError as e:
        why = f"torch does not import in {sys.prefix} ({e}); `make python` installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    done = subprocess.run([sys.executable, "-c", SCRIPT, *order, str(MODEL)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["product"] == 3.0
    assert out["torch"].startswith("2.4.0")
    assert (out["lemma"], out["object"]) == ("join", "Abraham Accords")
    assert len(out["libs"]) == 1, out["libs"]
    assert "site-packages/torch/lib" in out["libs"][0], out["libs"]
