"""`check`'s cold start is measured (bench/cold_check.py): it must not import the editor
support, Pygments or pygls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support import REPO


def test_check_imports_neither_pygments_nor_pygls(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['check', 'examples/chongqing/passes-branch-a.json', '--explain']\n"
        "from eligibility.commands import check_main\n"
        "assert check_main(sys.argv[1:]) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygments', 'pygls', 'lsprotocol') or m.startswith('eligibility.editor'))\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "ELIGIBILITY_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
