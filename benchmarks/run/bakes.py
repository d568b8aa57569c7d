"""Time bakes: with the dependencies present, and as a newcomer with uv and with pip."""

import os
import shutil
import sys
from pathlib import Path

from benchmarks.run.projects import bake


def measure_bakes(options, workdir):
    """Return bake times: dependencies present, and newcomers with uv and with pip."""
    print("Measuring bake times...", flush=True)
    results = {"current": [], "newcomer_uv": [], "newcomer_pip": []}
    for index in range(options.bakes):
        answers = {"setup_environment": "current"}
        _, seconds = bake(options.template, workdir / f"bake-current-{index}", answers)
        print(f"  bake with dependencies present: {seconds:.2f} s", flush=True)
        results["current"].append(seconds)
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        print("  uv is not installed: no newcomer bake with uv", flush=True)
    paths = {
        "newcomer_uv": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}"
        if uv
        else None,
        "newcomer_pip": without_uv(os.environ["PATH"]),
    }
    runs = {"newcomer_uv": options.newcomer_runs, "newcomer_pip": options.pip_runs}
    for name, path in paths.items():
        for index in range(runs[name] if path else 0):
            env = {"PATH": path}
            if options.cold_caches:
                caches = workdir / f"caches-{name}-{index}"
                env |= {
                    "UV_CACHE_DIR": str(caches / "uv"),
                    "PIP_CACHE_DIR": str(caches / "pip"),
                }
            answers = {"setup_environment": "venv"}
            project, seconds = bake(
                options.template, workdir / f"bake-{name}-{index}", answers, **env
            )
            print(
                f"  bake as a {name.replace('_', ' with ')}: {seconds:.2f} s",
                flush=True,
            )
            results[name].append(seconds)
            shutil.rmtree(project / ".venv")
    return results


def without_uv(path):
    """Return ``path`` without the directories that hold a uv executable."""
    kept = [
        entry for entry in path.split(os.pathsep) if not (Path(entry) / "uv").exists()
    ]
    return os.pathsep.join(kept)
