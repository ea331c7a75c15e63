"""Build step: the rule engine's modules (and a few others on the per-message path) compiled to
C extensions with mypyc.

The metadata lives in pyproject.toml; this file only adds the compiled modules. They are the same
Python source (type-checked by mypy, so mypyc can compile it); compiled, the rules run about
twice as fast. Where no C compiler is found, or with ``CALMDESK_PURE_PYTHON=1`` set, the package
installs as plain Python and gives the same results (``tests/engine/test_compiled.py`` checks
that they agree). docs/engine.md ("Speed") says what the compiled modules' code avoids and why.
"""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

# Modules under calmdesk/: the rules and what they call per word and per hit, fusion and the
# decisions over a batch, and the reading of input files (per line). The learned models spend
# their time in numpy and gain nothing from compiling.
COMPILED_MODULES = (
    "cli.inputs",
    "engine.abuse",
    "engine.emotion",
    "engine.findings",
    "engine.fusion",
    "engine.intents",
    "engine.lemma",
    "engine.lexicon",
    "engine.normalize",
    "engine.pipeline",
    "engine.reading",
    "engine.rules",
    "engine.severity",
    "engine.tokens",
)


class OptionalBuildExt(build_ext):
    """Builds the compiled modules, or none of them: a failed build leaves plain Python."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # no compiler, missing headers: any failure
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            self.extensions = []
            print(
                f"calmdesk: compiling the rule engine failed ({error}); "
                "installing it as plain Python (same results, slower)",
                file=sys.stderr,
            )
        if self.inplace:
            # An editable install runs from the sources, and pip byte-compiles only what it
            # copies: where PYTHONDONTWRITEBYTECODE is set (as in many containers), every run
            # compiled the uncompiled modules again (25 ms of each start-up).
            compileall.compile_dir("src/calmdesk", quiet=1)


def _extensions() -> list:
    if os.environ.get("CALMDESK_PURE_PYTHON"):
        # An editable install compiled earlier left its modules beside the sources, where
        # they would still be imported first.
        for leftover in [*Path("src").glob("calmdesk__mypyc.*"), *_compiled_in_place()]:
            leftover.unlink()
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # a build without the build requirements (setup.py run by hand)
        return []
    paths = [f"src/calmdesk/{name.replace('.', '/')}.py" for name in COMPILED_MODULES]
    # The build environment has none of calmdesk's dependencies: their types are unknown there,
    # so ignores written for them go unused, and the rest of the package is not mypyc's to check
    # (mypy checks it in the test command, with the dependencies installed).
    options = ["--no-warn-unused-ignores", "--follow-imports=silent"]
    try:
        return mypycify([*options, *paths], opt_level="3", group_name="calmdesk")
    except (Exception, SystemExit) as error:  # mypy reports errors by exiting
        print(
            f"calmdesk: the rule engine could not be compiled ({error}); "
            "installing it as plain Python (same results, slower)",
            file=sys.stderr,
        )
        return []


def _compiled_in_place() -> list[Path]:
    found = []
    for name in COMPILED_MODULES:
        source = Path("src/calmdesk", *name.split("."))
        found += [p for p in source.parent.glob(f"{source.name}.*") if p.suffix in (".so", ".pyd")]
    return found


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
