"""What pyproject.toml cannot say about the wheel: it carries the repository's templates/, migrations/ and config/
inside the package (incidents/_bundle/, which the app reads when it is not run from a checkout), and the compiled
translations (.mo) instead of their sources. An editable install (`make setup`) reads the checkout itself."""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "migrations", "config")


class BuildPy(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "incidents"
        for name in BUNDLED:
            target = package / "_bundle" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        # The module imports only Babel (a build requirement), not the app's dependencies.
        compile_catalogues = runpy.run_path(str(HERE / "incidents" / "catalogues.py"))["compile_catalogues"]
        compile_catalogues(HERE / "incidents" / "translations", package / "translations")


setup(cmdclass={"build_py": BuildPy})
