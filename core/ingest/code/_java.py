"""Java source → types, members, annotations and method calls, with tree-sitter (no build, no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import tree_sitter_java
from tree_sitter import Language, Node, Parser

__all__ = ["Annotation", "JavaCall", "JavaFile", "JavaMember", "JavaType", "decode_source", "parse_java"]

_TYPE_NODES = {
    "class_declaration": "class", "interface_declaration": "interface", "enum_declaration": "enum",
    "record_declaration": "record", "annotation_type_declaration": "annotation",
}
_MEMBER_NODES = {"method_declaration": "method", "constructor_declaration": "constructor",
                 "compact_constructor_declaration": "constructor", "annotation_type_element_declaration": "method"}
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass
class Annotation:
    """`@Name(key = value, …)`; a positional argument is stored under ``value``; literals unquoted."""

    name: str
    args: dict[str, list[str]] = field(default_factory=dict)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            if self.args.get(key):
                return self.args[key][0]
        return None


@dataclass
class JavaMember:
    kind: str  # method | constructor | field
    name: str
    type: str  # return type or field type ('' for constructors)
    params: list[tuple[str, str]]
    annotations: list[Annotation]
    start_line: int
    end_line: int
    modifiers: list[str] = field(default_factory=list)


@dataclass
class JavaCall:
    member: str  # enclosing method or constructor name
    line: int
    callee: str
    receiver: str | None  # the receiver expression as written (identifier, this.x, Type) or None for own methods
    receiver_type: str | None  # the receiver's declared type when it can be told locally


@dataclass
class JavaType:
    path: str  # dotted nesting inside the file: Outer.Inner
    name: str
    kind: str  # class | interface | enum | record | annotation
    modifiers: list[str]
    annotations: list[Annotation]
    extends: list[str]
    implements: list[str]
    type_params: str
    start_line: int
    end_line: int
    doc: str
    members: list[JavaMember] = field(default_factory=list)
    calls: list[JavaCall] = field(default_factory=list)


@dataclass
class JavaFile:
    package: str
    imports: list[str]
    types: list[JavaType]
    errors: int


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_java.language()))


def decode_source(data: bytes) -> tuple[str, str]:
    """Text and encoding of a source file: UTF-8 (with or without BOM), else GB18030, else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", errors="replace") if node is not None and node.text is not None else ""


def _value(node: Node) -> list[str]:
    """An annotation element value: string literals unquoted, arrays flattened, other expressions as text."""
    if node.type == "string_literal":
        return ["".join(_text(c) for c in node.named_children if c.type in ("string_fragment", "escape_sequence"))]
    if node.type == "element_value_array_initializer":
        return [v for child in node.named_children for v in _value(child)]
    return [_text(node)]


def _annotation(node: Node) -> Annotation:
    name = _text(node.child_by_field_name("name")).rsplit(".", 1)[-1]
    args: dict[str, list[str]] = {}
    arguments = node.child_by_field_name("arguments")
    for child in arguments.named_children if arguments is not None else []:
        if child.type == "element_value_pair":
            key = _text(child.child_by_field_name("key"))
            value = child.child_by_field_name("value")
            args[key] = _value(value) if value is not None else []
        elif child.type not in ("line_comment", "block_comment"):
            args.setdefault("value", []).extend(_value(child))
    return Annotation(name=name, args=args)


def _modifiers(node: Node) -> tuple[list[str], list[Annotation]]:
    mods: list[str] = []
    annotations: list[Annotation] = []
    for child in node.children:
        if child.type != "modifiers":
            continue
        for mod in child.children:
            if mod.type in ("marker_annotation", "annotation"):
                annotations.append(_annotation(mod))
            elif mod.is_named or mod.type.isalpha():
                mods.append(_text(mod))
    return mods, annotations


def _doc(node: Node) -> str:
    prev = node.prev_named_sibling
    if prev is None or prev.type != "block_comment" or not _text(prev).startswith("/**"):
        return ""
    body = re.sub(r"^\s*/\*\*|\*/\s*$", "", _text(prev))
    lines = [re.sub(r"^\s*\*\s?", "", line).strip() for line in body.splitlines()]
    return " ".join(line for line in lines if line and not line.startswith("@"))[:400]


def _types_in(node: Node | None) -> list[str]:
    if node is None:
        return []
    holder = next((c for c in node.named_children if c.type == "type_list"), node)
    return [_text(c) for c in holder.named_children if c.type not in ("line_comment", "block_comment")]


def _params(node: Node | None) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for child in node.named_children if node is not None else []:
        if child.type == "formal_parameter":
            params.append((_text(child.child_by_field_name("type")), _text(child.child_by_field_name("name"))))
        elif child.type == "spread_parameter":
            kind = next((c for c in child.named_children if c.type not in ("modifiers", "variable_declarator")), None)
            decl = next((c for c in child.named_children if c.type == "variable_declarator"), None)
            name = _text(decl.child_by_field_name("name")) if decl is not None else ""
            params.append((_text(kind) + "...", name))
    return params


def _lines(node: Node) -> tuple[int, int]:
    return node.start_point.row + 1, node.end_point.row + 1


class _TypeReader:
    """Reads one type declaration (and, recursively, the types nested in it)."""

    def __init__(self, out: list[JavaType]) -> None:
        self.out = out

    def read(self, node: Node, outer: str | None) -> None:
        name = _text(node.child_by_field_name("name"))
        path = f"{outer}.{name}" if outer else name
        mods, annotations = _modifiers(node)
        kind = _TYPE_NODES[node.type]
        extends = _types_in(node.child_by_field_name("superclass"))
        interfaces = node.child_by_field_name("interfaces")
        if kind == "interface":
            ext = next((c for c in node.named_children if c.type == "extends_interfaces"), None)
            extends, implements = _types_in(ext), []
        else:
            implements = _types_in(interfaces)
        start, end = _lines(node)
        jtype = JavaType(
            path=path, name=name, kind=kind, modifiers=mods, annotations=annotations, extends=extends,
            implements=implements, type_params=_text(node.child_by_field_name("type_parameters")),
            start_line=start, end_line=end, doc=_doc(node),
        )
        self.out.append(jtype)
        if kind == "record":
            for ptype, pname in _params(node.child_by_field_name("parameters")):
                jtype.members.append(JavaMember("field", pname, ptype, [], [], start, start))
            self._record_component_annotations(node, jtype)
        body = node.child_by_field_name("body")
        if body is not None:
            self._body(body, jtype)

    def _record_component_annotations(self, node: Node, jtype: JavaType) -> None:
        params = node.child_by_field_name("parameters")
        fields = [m for m in jtype.members if m.kind == "field"]
        params_of = [c for c in params.named_children if c.type == "formal_parameter"] if params else []
        for member, param in zip(fields, params_of, strict=False):
            _, member.annotations = _modifiers(param)
            member.start_line, member.end_line = _lines(param)

    def _body(self, body: Node, jtype: JavaType) -> None:
        for child in body.named_children:
            if child.type in _TYPE_NODES:
                self.read(child, jtype.path)
            elif child.type == "enum_body_declarations":
                self._body(child, jtype)
            elif child.type == "field_declaration" or child.type == "constant_declaration":
                mods, annotations = _modifiers(child)
                ftype = _text(child.child_by_field_name("type"))
                start, end = _lines(child)
                for decl in child.children_by_field_name("declarator"):
                    name = _text(decl.child_by_field_name("name"))
                    jtype.members.append(JavaMember("field", name, ftype, [], annotations, start, end, mods))
            elif child.type == "enum_constant":
                start, end = _lines(child)
                jtype.members.append(JavaMember("field", _text(child.child_by_field_name("name")), jtype.name, [], [],
                                                start, end, ["enum_constant"]))
            elif child.type in _MEMBER_NODES:
                self._member(child, jtype)

    def _member(self, node: Node, jtype: JavaType) -> None:
        mods, annotations = _modifiers(node)
        kind = _MEMBER_NODES[node.type]
        name = _text(node.child_by_field_name("name")) or jtype.name
        params = _params(node.child_by_field_name("parameters"))
        start, end = _lines(node)
        jtype.members.append(JavaMember(kind, name, _text(node.child_by_field_name("type")), params, annotations,
                                        start, end, mods))
        body = node.child_by_field_name("body")
        if body is not None:
            self._calls(body, jtype, name, {n: t for t, n in params})

    def _calls(self, body: Node, jtype: JavaType, member: str, scope: dict[str, str]) -> None:
        fields = {m.name: m.type for m in jtype.members if m.kind == "field"}
        stack = [body]
        found: list[Node] = []
        while stack:
            node = stack.pop()
            if node.type in _TYPE_NODES:  # a local or anonymous class: its calls are not this method's
                continue
            if node.type == "local_variable_declaration":
                vtype = _text(node.child_by_field_name("type"))
                for decl in node.children_by_field_name("declarator"):
                    value = decl.child_by_field_name("value")
                    if vtype == "var" and value is not None and value.type == "object_creation_expression":
                        vtype = _text(value.child_by_field_name("type"))
                    scope[_text(decl.child_by_field_name("name"))] = vtype
            elif node.type in ("enhanced_for_statement", "catch_formal_parameter"):
                vtype = _text(node.child_by_field_name("type"))
                if node.type == "catch_formal_parameter":
                    vtype = _text(next((c for c in node.named_children if c.type == "catch_type"), None)).split("|")[0]
                scope[_text(node.child_by_field_name("name"))] = vtype.strip()
            elif node.type == "method_invocation":
                found.append(node)
            stack.extend(reversed(node.named_children))
        for node in found:
            obj = node.child_by_field_name("object")
            name_node = node.child_by_field_name("name")
            receiver: str | None = None
            rtype: str | None = None
            if obj is None or obj.type == "this":
                rtype = jtype.name
            elif obj.type == "identifier":
                receiver = _text(obj)
                rtype = scope.get(receiver) or fields.get(receiver)
                if rtype is None and receiver[:1].isupper():
                    rtype = receiver  # a static call: Type.method()
            elif obj.type == "field_access" and _text(obj.child_by_field_name("object")) == "this":
                receiver = _text(obj)
                rtype = fields.get(_text(obj.child_by_field_name("field")))
            else:
                receiver = _text(obj)[:80]
            jtype.calls.append(JavaCall(member=member, line=(name_node or node).start_point.row + 1,
                                        callee=_text(name_node), receiver=receiver,
                                        receiver_type=base_type(rtype) if rtype else None))


def base_type(text: str) -> str:
    """`List<OrderLine>` → `List`; `java.util.Map<K,V>[]` → `Map`; `Outer.Inner` → `Inner`."""
    head = text.split("<", 1)[0].strip().rstrip("[]. ")
    return head.rsplit(".", 1)[-1]


def type_names(text: str) -> list[str]:
    """Every capitalised identifier a type expression names (generic arguments included)."""
    return [m for m in _IDENT.findall(text) if m[:1].isupper()]


def parse_java(source: bytes) -> JavaFile:
    """Parse one Java file; syntax errors are counted and the readable parts still extracted."""
    tree = _parser().parse(source)
    root = tree.root_node
    package = ""
    imports: list[str] = []
    types: list[JavaType] = []
    reader = _TypeReader(types)
    for child in root.named_children:
        if child.type == "package_declaration":
            names = (_text(c) for c in child.named_children if c.type in ("scoped_identifier", "identifier"))
            package = next(names, "")
        elif child.type == "import_declaration":
            text = _text(child).removeprefix("import").strip().rstrip(";").strip()
            imports.append(text)
        elif child.type in _TYPE_NODES:
            reader.read(child, None)
    errors = _count_errors(root) if root.has_error else 0
    return JavaFile(package=package, imports=imports, types=types, errors=errors)


def _count_errors(root: Node) -> int:
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            count += 1
        elif node.has_error:
            stack.extend(node.children)
    return count
