"""Run the Python suite and record which functions of the generated bindings it called.

Usage: python3 run.py CALLED_JSON   (PYTHONPATH must hold the generated `companion` package)

A profile hook on every thread notes each call into a function defined in the generated
modules (`companion_api.py`, `companion_core.py`) by its qualified name, for example
`CompanionCore.log_urge` or `is_backup_file`; check_api_coverage.py compares them with the
exported API. Exit status: 0 when every test passed.
"""
import json
import os
import sys
import threading
import unittest

import companion.companion_api as api_module
import companion.companion_core as core_module

GENERATED = {os.path.abspath(api_module.__file__), os.path.abspath(core_module.__file__)}
called = set()


def profile(frame, event, arg):
    if event == "call":
        code = frame.f_code
        if code.co_filename in GENERATED:
            called.add(code.co_qualname)


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        result = unittest.TextTestRunner(verbosity=2).run(suite)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    with open(out, "w") as f:
        json.dump(sorted(called), f, indent=1)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
