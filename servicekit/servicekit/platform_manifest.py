"""deploy/manifest.py, the platform manifest's reader, loaded by path (deploy/ is not a
package): for the dashboard and the cross-service tests. No Django import here."""

import importlib.util
from pathlib import Path
from types import ModuleType


def load_manifest(repo_root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("shop_manifest", Path(repo_root) / "deploy" / "manifest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
