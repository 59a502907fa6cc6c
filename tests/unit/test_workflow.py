"""The GitHub Pages workflow is valid YAML, builds with the README's command, deploys with the
official actions, and publishes the folder that command writes."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def workflow():
    return yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())


def steps(job):
    return workflow()["jobs"][job]["steps"]


def test_runs_on_push_to_main_with_pages_permissions():
    data = workflow()
    triggers = data[True] if True in data else data["on"]  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_build_runs_the_same_command_as_the_readme():
    commands = [step["run"] for step in steps("build") if "run" in step]
    assert commands == ["make site"]
    assert "make site" in (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "site: vendor" in makefile and "tools/vendor.py" in makefile


def test_uses_the_official_pages_actions_on_the_built_folder():
    uses = [step.get("uses", "") for step in steps("build")]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    upload = next(s for s in steps("build") if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert steps("deploy")[0]["uses"].startswith("actions/deploy-pages@")
    assert workflow()["jobs"]["deploy"]["needs"] == "build"
