"""Build step: the rule engine's modules (and a few others on the per-message path) compiled to
C extensions with mypyc.

The metadata lives in pyproject.toml; this file only adds the compiled modules. They are the same
Python source (type-checked by mypy, so mypyc can compile it); compiled, the rules run about
twice as fast. Where no C compiler is found, or with ``CALMDESK_PURE_PYTHON=1`` set, the package
installs as plain Python and gives the same results (``tests/engine/test_compiled.py`` checks
that they agree). docs/engine.md ("Speed") says what the compiled modules' code avoids and why.

One extension is written in C here: the learned models' integer sums (``FEATURE_CORE``), which
textfeatures computes with numpy where it is missing. It is optional the same way, and on its
own: either build can fail without losing the other.
"""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# Modules under calmdesk/: the rules and what they call per word and per hit, fusion and the
# decisions over a batch, and the reading of input files (per line). The learned models spend
# their time in numpy and gain nothing from compiling (their sums are FEATURE_CORE's).
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
FEATURE_CORE = "engine._featurecore"
"""The learned models' sums per row and per token (textfeatures), C with no numpy headers."""


class OptionalBuildExt(build_ext):
    """Builds mypyc's modules and the feature core, each optional on its own: where one fails
    to build, it is left out (plain Python runs instead) and the other is still installed.
    mypyc's modules go together: each of them only points at their shared library."""

    def run(self) -> None:
        self._failed: set[str] = set()  # the _family of what failed to build
        inplace = self.inplace
        try:
            super().run()
        except Exception as error:  # no compiler at all: raised before any extension is built
            self.inplace = inplace  # setuptools' run clears it while it builds
            self._failed = {_family(extension) for extension in self.extensions}
            self._warn("compiling", error)
        self._leave_out_failed()
        if self.inplace:
            # An editable install runs from the sources, and pip byte-compiles only what it
            # copies: where PYTHONDONTWRITEBYTECODE is set (as in many containers), every run
            # compiled the uncompiled modules again (25 ms of each start-up).
            compileall.compile_dir("src/calmdesk", quiet=1)

    def build_extension(self, ext: Extension) -> None:
        if _family(ext) in self._failed:
            return
        try:
            super().build_extension(ext)
        except Exception as error:  # missing headers, a compiler error: any failure
            self._failed.add(_family(ext))
            self._warn(f"compiling {ext.name}", error)

    def copy_extensions_to_source(self) -> None:
        # An editable install copies what was built beside the sources: not what failed.
        self._leave_out_failed()
        super().copy_extensions_to_source()

    def _leave_out_failed(self) -> None:
        """Drops the extensions of a family that failed, with any file built for them here or
        by an earlier build (which would still be imported first)."""
        for extension in list(self.extensions):
            if _family(extension) not in self._failed:
                continue
            name = self.get_ext_fullname(extension.name)
            Path(self.build_lib, self.get_ext_filename(name)).unlink(missing_ok=True)
            if self.inplace:
                Path(self.get_ext_fullpath(extension.name)).unlink(missing_ok=True)
            self.extensions.remove(extension)

    @staticmethod
    def _warn(what: str, error: Exception) -> None:
        print(
            f"calmdesk: {what} failed ({error}); installing it as plain Python "
            "(same results, slower)",
            file=sys.stderr,
        )


def _family(extension: Extension) -> str:
    """What must be left out together when a build fails: mypyc's modules, or the core."""
    return "core" if extension.name == f"calmdesk.{FEATURE_CORE}" else "mypyc"


def _extensions() -> list:
    if os.environ.get("CALMDESK_PURE_PYTHON"):
        # An editable install compiled earlier left its modules beside the sources, where
        # they would still be imported first.
        for leftover in [*Path("src").glob("calmdesk__mypyc.*"), *_compiled_in_place()]:
            leftover.unlink()
        return []
    core = Extension(
        f"calmdesk.{FEATURE_CORE}",
        [f"src/calmdesk/{FEATURE_CORE.replace('.', '/')}.c"],
    )
    return [*_mypyc_extensions(), core]


def _mypyc_extensions() -> list:
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
    for name in (*COMPILED_MODULES, FEATURE_CORE):
        source = Path("src/calmdesk", *name.split("."))
        found += [p for p in source.parent.glob(f"{source.name}.*") if p.suffix in (".so", ".pyd")]
    return found


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
