"""Domain rules are plain functions: importing them loads neither SQLAlchemy nor the models."""
import os
import pkgutil
import subprocess
import sys

import localvision.domain

DOMAIN_MODULES = sorted(f"localvision.domain.{module.name}" for module in pkgutil.iter_modules(localvision.domain.__path__))


def test_every_domain_module_imports_without_the_database():
    assert "localvision.domain.decisions" in DOMAIN_MODULES and "localvision.domain.vocabulary" in DOMAIN_MODULES
    check = (
        "import importlib, sys\n"
        f"for name in {DOMAIN_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m.startswith('localvision.models')))\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.stdout.strip() == "[]"
