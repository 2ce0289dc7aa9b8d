"""The type stubs of the compiled module (python/oddkit/_core.pyi) must name everything the module
has: a stub that lags the bindings hides methods from type checkers and editors."""

import ast
from pathlib import Path

import oddkit._core as core

STUB = Path(__file__).resolve().parents[2] / "python" / "oddkit" / "_core.pyi"


def _stub_names():
    tree = ast.parse(STUB.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if isinstance(n, (ast.FunctionDef, ast.ClassDef)) else n.target.id
                for n in node.body
                if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
    return top, members


def test_stub_names_every_public_function_class_and_method():
    top, members = _stub_names()
    public = {n for n in dir(core) if not n.startswith("_")}
    assert public - top == set(), "regenerate python/oddkit/_core.pyi (see its docstring)"
    for name in public:
        obj = getattr(core, name)
        if isinstance(obj, type) and not issubclass(obj, Exception):
            missing = {m for m in vars(obj) if not m.startswith("_")} - members[name]
            assert missing == set(), f"{name}: {sorted(missing)} missing from _core.pyi"
