"""Check that the foreign suites together call every exported function and method.

The exported API is read from the generated Python bindings: UniFFI emits one checksum
function per exported function, constructor and method (`uniffi_<crate>_checksum_func_<name>`,
`..._checksum_constructor_<object>_<name>`, `..._checksum_method_<object>_<name>`), including
the methods of foreign traits (which the suites implement rather than call). Error variants
are the nested classes of each generated error class.

Evidence per suite:
- Python: the functions the suite actually entered (recorded by tests/python/run.py with a
  profile hook), and the error variants actually raised (their constructors ran).
- Kotlin: calls written in the suite's sources (comments and strings removed), by the Kotlin
  name UniFFI generates (lowerCamelCase; constructors as `Object.name(`), and error variants
  the suite expects (`CompanionException.Variant`).

Fails when an exported function or method is called by neither suite, when a suite does not
implement every foreign-trait method, when a suite does not trigger every error variant, or
when the production library exports something the test build does not (or the test build
exports a test hook whose name does not end in `_for_test`).

Usage: check_api_coverage.py --test-bindings DIR --prod-bindings DIR --python-called JSON
       --python-tests DIR... --kotlin-tests PATH...
"""
import argparse
import ast
import json
import os
import re
import sys

CHECKSUM = re.compile(r"uniffi_(companion_ffi|companion_core)_checksum_(func|constructor|method)_([a-z0-9_]+)\b")
TEST_HOOK_SUFFIX = "_for_test"
# Errors raised by the foreign side itself (a foreign trait's error), not by Rust.
FOREIGN_RAISED_ERRORS = {"KeyProviderError", "TransportFailure"}


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def generated_modules(directory):
    return [os.path.join(directory, f) for f in ("companion_api.py", "companion_core.py")]


def classes_of(path):
    with open(path) as f:
        return [n for n in ast.parse(f.read()).body if isinstance(n, ast.ClassDef)]


def exported_api(directory):
    """{(kind, object_or_None, name)} plus the foreign traits and the error variants."""
    items = set()
    objects = {}
    foreign_traits = set()
    errors = {}
    for path in generated_modules(directory):
        with open(path) as f:
            text = f.read()
        for cls in classes_of(path):
            objects[cls.name.lower()] = cls.name
            m = re.match(r"_UniffiVTableCallbackInterface(?:CompanionApi|CompanionCore)(\w+)$", cls.name)
            if m:
                foreign_traits.add(m.group(1))
            # Errors: `class X(Exception)` first, then `class X:` holding one class per variant.
            variants = [n.name for n in cls.body if isinstance(n, ast.ClassDef)]
            if variants and re.search(r"^class %s\(Exception\):" % re.escape(cls.name), text, re.M):
                errors[cls.name] = variants
        for _crate, kind, rest in CHECKSUM.findall(text):
            if kind == "func":
                items.add(("func", None, rest))
            else:
                obj, _, name = rest.partition("_")
                items.add((kind, obj, name))
    resolved = set()
    for kind, obj, name in items:
        resolved.add((kind, objects.get(obj, obj) if obj else None, name))
    return resolved, foreign_traits, errors


def strip_kotlin(source):
    source = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    source = re.sub(r"//[^\n]*", " ", source)
    source = re.sub(r'"""(?:.|\n)*?"""', '""', source)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', source)


def read_sources(paths, suffix):
    chunks = []
    for p in paths:
        if os.path.isdir(p):
            for dirpath, _, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(suffix):
                        with open(os.path.join(dirpath, f)) as fh:
                            chunks.append(fh.read())
        elif p.endswith(suffix):
            with open(p) as fh:
                chunks.append(fh.read())
    return "\n".join(chunks)


def python_defines(source, name):
    return re.search(r"^\s*def %s\(" % re.escape(name), source, re.M) is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--test-bindings", required=True)
    ap.add_argument("--prod-bindings", required=True)
    ap.add_argument("--python-called", required=True)
    ap.add_argument("--python-tests", nargs="+", required=True)
    ap.add_argument("--kotlin-tests", nargs="+", required=True)
    args = ap.parse_args()

    api, traits, errors = exported_api(args.test_bindings)
    prod_api, _, _ = exported_api(args.prod_bindings)
    with open(args.python_called) as f:
        py_called = set(json.load(f))
    py_src = read_sources(args.python_tests, ".py")
    kt_src = strip_kotlin(read_sources(args.kotlin_tests, ".kt"))

    problems = []
    for item in sorted(prod_api - api, key=str):
        problems.append("the production library exports %s, which the test build lacks" % (item,))
    for kind, obj, name in sorted(api - prod_api, key=str):
        if not name.endswith(TEST_HOOK_SUFFIX):
            problems.append("test-only export %s must end in %s" % (name, TEST_HOOK_SUFFIX))

    rows = []
    for kind, obj, name in sorted(api, key=lambda i: (i[1] or "", i[2])):
        label = "%s.%s" % (obj, name) if obj else name
        if obj in traits:
            py = python_defines(py_src, name)
            kt = re.search(r"\boverride\s+fun\s+%s\s*\(" % camel(name), kt_src) is not None
            rows.append((label + " (implemented)", py, kt))
            for suite, ok in (("Python", py), ("Kotlin", kt)):
                if not ok:
                    problems.append("the %s suite does not implement foreign method %s" % (suite, label))
            continue
        py = label in py_called
        if kind == "constructor" and name == "new":
            # The primary constructor: `Object(...)` in both languages (Python's __init__).
            py = "%s.__init__" % obj in py_called
            kt_pattern = r"(?<![\w.])%s\s*\(" % obj
        elif kind == "constructor":
            kt_pattern = r"\b%s\s*\.\s*%s\s*\(" % (obj, camel(name))
        elif kind == "method":
            kt_pattern = r"\.\s*%s\s*\(" % camel(name)
        else:
            kt_pattern = r"(?<![\w.])%s\s*\(" % camel(name)
        kt = re.search(kt_pattern, kt_src) is not None
        rows.append((label, py, kt))
        if not (py or kt):
            problems.append("no suite calls %s" % label)

    for error, variants in sorted(errors.items()):
        kotlin_name = error[: -len("Error")] + "Exception" if error.endswith("Error") else error
        for v in variants:
            label = "%s.%s" % (error, v)
            py = "%s.%s.__init__" % (error, v) in py_called
            if error in FOREIGN_RAISED_ERRORS:
                py = py or re.search(r"\b%s\.%s\(" % (error, v), py_src) is not None
            kt = re.search(r"\b%s\.%s\b" % (kotlin_name, v), kt_src) is not None
            rows.append((label + " (error)", py, kt))
            for suite, ok in (("Python", py), ("Kotlin", kt)):
                if not ok:
                    problems.append("the %s suite never triggers %s" % (suite, label))

    width = max(len(r[0]) for r in rows)
    print("%-*s  python  kotlin" % (width, "exported"))
    for label, py, kt in rows:
        print("%-*s  %-6s  %-6s" % (width, label, "yes" if py else "-", "yes" if kt else "-"))
    functions = [r for r in rows if not r[0].endswith(")")]
    print(
        "%d functions and methods: Python calls %d, Kotlin calls %d, together %d"
        % (
            len(functions),
            sum(1 for r in functions if r[1]),
            sum(1 for r in functions if r[2]),
            sum(1 for r in functions if r[1] or r[2]),
        )
    )
    if problems:
        print("\nAPI coverage check FAILED:")
        for p in problems:
            print("  - " + p)
        sys.exit(1)
    print("API coverage check passed.")


if __name__ == "__main__":
    main()
