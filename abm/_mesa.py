"""Import Mesa without letting it change the process's multiprocessing start method.

Mesa 3.3.1's `mesa.batchrunner` (imported by `import mesa`) calls
``multiprocessing.set_start_method("spawn", force=True)`` for the whole process. A user
script that relied on the platform default (fork on Linux) and has no
``if __name__ == "__main__":`` guard then re-imports itself in every child and hangs.
Importing this module imports Mesa and puts back the start method the user had (or the
platform default). Every module of `abm` that imports Mesa imports this one first, so
the guard holds however `abm` is entered (`import abm` itself no longer imports Mesa:
it is imported when the model is first needed, which keeps the command line fast).
"""

import multiprocessing as _mp
import sys as _sys


def import_mesa_keeping_start_method() -> None:
    """Import Mesa; restore the multiprocessing start method if the import changed it."""
    if "mesa" in _sys.modules:          # imported before us: whatever it did is done
        return
    before = _mp.get_start_method(allow_none=True)
    import mesa  # noqa: F401

    if _mp.get_start_method(allow_none=True) != before:
        _mp.set_start_method(before, force=True)


import_mesa_keeping_start_method()
