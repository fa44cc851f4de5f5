#!/usr/bin/env python3
"""Generates the Kafka codec (C++20) from our schema table (broker/kafka/protocol/schema/).

Run by CMake at build time; the outputs go to the build tree and are never committed:

  <out>/<api>.h, <out>/<api>.cc   one request struct and one response struct per API
  <out>/headers.h, headers.cc     request_header, response_header
  <out>/api_table.h               constexpr table: key, name, version range, first flexible
  <out>/requests.h, requests.cc   std::variant of every request; decode/encode by api key
  <out>/samples.h                 test support: fill_sample() for every struct

The schema format is described in docs/formats/kafka-codec.md. Standard library only.
"""

import argparse
import os
import re
import sys

INT_TYPES = {
    "int8": ("int8_t", 1),
    "int16": ("int16_t", 2),
    "int32": ("int32_t", 4),
    "int64": ("int64_t", 8),
    "uint16": ("uint16_t", 2),
}
FIXED_TYPES = {"bool": ("bool", 1), "float64": ("double", 8), "uuid": ("uuid", 16)}
VAR_TYPES = {"string": "std::string", "bytes": "bytes", "records": "bytes"}
PRIMITIVES = set(INT_TYPES) | set(FIXED_TYPES) | set(VAR_TYPES)
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Names the generated code uses for locals, parameters and constants.
RESERVED = {"n", "v", "e", "i", "vec", "res", "ntags", "tag", "size", "sub", "tr", "tw", "w", "r", "m",
            "version", "flexible", "tag_count", "previous_tag", "key", "version_min", "version_max",
            "flexible_version_min", "encode", "decode", "decode_from", "min_size"}


class SchemaError(Exception):
    pass


class Versions:
    """A version range: 'N+', 'N', 'N-M' or 'none'."""

    def __init__(self, text):
        self.text = text
        if text == "none":
            self.lo, self.hi = 1, 0
            return
        m = re.fullmatch(r"(\d+)(\+|-(\d+))?", text)
        if not m:
            raise SchemaError(f"bad version range '{text}'")
        self.lo = int(m.group(1))
        if m.group(2) == "+":
            self.hi = None
        elif m.group(3) is not None:
            self.hi = int(m.group(3))
        else:
            self.hi = self.lo
        if self.hi is not None and self.hi < self.lo:
            raise SchemaError(f"empty version range '{text}'")

    def empty(self):
        return self.hi is not None and self.hi < self.lo

    def contains(self, v):
        return not self.empty() and v >= self.lo and (self.hi is None or v <= self.hi)

    def cond(self, valid_lo, valid_hi):
        """C++ condition on `version`, simplified for versions in [valid_lo, valid_hi]."""
        present = [v for v in range(valid_lo, valid_hi + 1) if self.contains(v)]
        if not present:
            return "false"
        if len(present) == valid_hi - valid_lo + 1:
            return "true"
        parts = []
        if present[0] > valid_lo:
            parts.append(f"version >= {present[0]}")
        if present[-1] < valid_hi:
            parts.append(f"version <= {present[-1]}")
        return " && ".join(parts)


class Field:
    def __init__(self, name, type_text, versions, attrs, line):
        self.name = name
        self.line = line
        self.versions = Versions(versions)
        self.nullable = Versions(attrs.pop("nullable", "none"))
        self.tag = int(attrs.pop("tag")) if "tag" in attrs else None
        self.default = attrs.pop("default", None)
        compact = attrs.pop("compact", None)
        if compact not in (None, "never"):
            raise SchemaError(f"line {line}: compact= must be 'never'")
        self.compact_never = compact == "never"
        if attrs:
            raise SchemaError(f"line {line}: unknown attributes {sorted(attrs)}")
        self.is_array = type_text.startswith("[]")
        self.elem = type_text[2:] if self.is_array else type_text
        self.children = []  # fields of the element struct, for arrays of structs
        self.struct = None
        if not NAME_RE.match(self.elem):
            raise SchemaError(f"line {line}: bad type '{type_text}'")
        if not self.is_array and self.elem not in PRIMITIVES:
            raise SchemaError(f"line {line}: '{type_text}': a struct must be an array ([]name)")

    def elem_is_struct(self):
        return self.elem not in PRIMITIVES


class Struct:
    def __init__(self, name, fields):
        self.name = name
        self.fields = fields


class Message:
    def __init__(self, cxx_name, role, api, valid, flexible, struct):
        self.cxx_name = cxx_name
        self.role = role  # "request", "response" or "header"
        self.api = api  # Api or None for headers
        self.valid_lo, self.valid_hi = valid
        self.flexible = flexible
        self.struct = struct


class Api:
    def __init__(self, key, name, valid, flexible, schema_file):
        self.key = key
        self.name = name
        self.valid_lo, self.valid_hi = valid
        self.flexible = flexible
        self.schema_file = schema_file
        self.request = None
        self.response = None


def parse_valid(text, line):
    v = Versions(text)
    if v.hi is None or v.empty():
        raise SchemaError(f"line {line}: 'versions' must be a closed range N-M")
    return v.lo, v.hi


def parse_schema(path):
    """Returns (apis, headers) declared in one schema file."""
    apis, headers = [], []
    current_api = None
    target = None  # (list of top-level fields of the message being read)
    stack = []  # [(indent, field)] for nesting
    pending = None  # finalizer for the message being read

    def finish():
        nonlocal pending
        if pending:
            pending()
        pending = None

    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for lineno, raw in enumerate(lines, 1):
        text = raw.split("#", 1)[0].rstrip()
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip(" "))
        if "\t" in text[:indent + 1]:
            raise SchemaError(f"{path}:{lineno}: tabs are not allowed")
        words = text.split()
        try:
            if indent == 0:
                stack.clear()
                if words[0] == "api":
                    # api KEY NAME versions A-B flexible N+|none
                    finish()
                    if len(words) != 7 or words[3] != "versions" or words[5] != "flexible":
                        raise SchemaError("expected 'api KEY NAME versions A-B flexible N+'")
                    current_api = Api(int(words[1]), words[2], parse_valid(words[4], lineno),
                                      Versions(words[6]), os.path.basename(path))
                    apis.append(current_api)
                    target = None
                elif words[0] in ("request", "response"):
                    finish()
                    if current_api is None or len(words) != 1:
                        raise SchemaError(f"'{words[0]}' outside an api block")
                    fields = []
                    target = fields
                    api, role = current_api, words[0]

                    def done(api=api, role=role, fields=fields):
                        msg = Message(f"{api.name}_{role}", role, api, (api.valid_lo, api.valid_hi),
                                      api.flexible, Struct(f"{api.name}_{role}", fields))
                        setattr(api, role, msg)
                    pending = done
                elif words[0] == "header":
                    # header NAME versions A-B flexible N+
                    finish()
                    if len(words) != 6 or words[2] != "versions" or words[4] != "flexible":
                        raise SchemaError("expected 'header NAME versions A-B flexible N+'")
                    fields = []
                    target = fields
                    name, valid, flex = words[1], parse_valid(words[3], lineno), Versions(words[5])

                    def done(name=name, valid=valid, flex=flex, fields=fields):
                        headers.append(Message(name, "header", None, valid, flex, Struct(name, fields)))
                    pending = done
                    current_api = None
                else:
                    raise SchemaError(f"unknown directive '{words[0]}'")
                continue
            if target is None:
                raise SchemaError("field outside a request/response/header block")
            if len(words) < 3:
                raise SchemaError("expected 'name type versions [attr=value ...]'")
            attrs = {}
            for w in words[3:]:
                if "=" not in w:
                    raise SchemaError(f"bad attribute '{w}'")
                k, v = w.split("=", 1)
                attrs[k] = v
            field = Field(words[0], words[1], words[2], attrs, lineno)
            if not NAME_RE.match(field.name) or field.name in RESERVED:
                raise SchemaError(f"bad or reserved field name '{field.name}'")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack:
                parent = stack[-1][1]
                if not (parent.is_array and parent.elem_is_struct()):
                    raise SchemaError(f"'{field.name}' is indented under a field that is not a struct array")
                parent.children.append(field)
            else:
                target.append(field)
            stack.append((indent, field))
        except (SchemaError, ValueError) as e:
            raise SchemaError(f"{path}:{lineno}: {e}") from None
    finish()
    return apis, headers


def build_structs(msg):
    """Attaches a Struct to every struct-array field, checking names and tags."""

    def walk(fields, where):
        names, tags = set(), set()
        for f in fields:
            if f.name in names:
                raise SchemaError(f"{where}: duplicate field '{f.name}'")
            names.add(f.name)
            if f.tag is not None:
                if f.tag in tags:
                    raise SchemaError(f"{where}: duplicate tag {f.tag}")
                tags.add(f.tag)
            if f.is_array and f.elem_is_struct():
                if not f.children:
                    raise SchemaError(f"{where}: struct array '{f.name}' has no fields")
                f.struct = Struct(f.elem, f.children)
                walk(f.children, f"{where}.{f.elem}")
            elif f.children:
                raise SchemaError(f"{where}: '{f.name}' has nested fields but is not a struct array")

    walk(msg.struct.fields, msg.cxx_name)


# ----------------------------------------------------------------------------- C++ types


def nullable_anywhere(f, msg):
    return any(f.nullable.contains(v) and f.versions.contains(v) for v in range(msg.valid_lo, msg.valid_hi + 1))


def elem_cxx(f):
    if f.elem in INT_TYPES:
        return INT_TYPES[f.elem][0]
    if f.elem in FIXED_TYPES:
        return FIXED_TYPES[f.elem][0]
    if f.elem in VAR_TYPES:
        return VAR_TYPES[f.elem]
    return f.elem


def member_cxx(f, msg):
    t = f"std::vector<{elem_cxx(f)}>" if f.is_array else elem_cxx(f)
    if nullable_anywhere(f, msg):
        if not f.is_array and f.elem not in VAR_TYPES:
            raise SchemaError(f"{msg.cxx_name}.{f.name}: only strings, bytes, records and arrays can be nullable")
        return f"std::optional<{t}>"
    return t


def int_literal(ctype, text):
    value = int(text, 0)
    limits = {"int8_t": 8, "int16_t": 16, "int32_t": 32, "int64_t": 64}
    if ctype in limits and value == -(1 << (limits[ctype] - 1)):
        return f"std::numeric_limits<{ctype}>::min()"
    return str(value)


def default_cxx(f, msg):
    """The member initializer (without braces), or None for the type's default."""
    if f.default is None:
        return None
    if f.is_array:
        raise SchemaError(f"{msg.cxx_name}.{f.name}: arrays cannot have a default")
    if f.elem in INT_TYPES:
        return int_literal(INT_TYPES[f.elem][0], f.default)
    if f.elem == "bool":
        if f.default not in ("true", "false"):
            raise SchemaError(f"{msg.cxx_name}.{f.name}: bool default must be true or false")
        return f.default
    if f.elem == "float64":
        return repr(float(f.default))
    if f.elem == "string":
        if f.default == "null":
            if not nullable_anywhere(f, msg):
                raise SchemaError(f"{msg.cxx_name}.{f.name}: null default on a non-nullable field")
            return None
        return '"' + f.default.strip('"') + '"' if f.default.strip('"') else None
    raise SchemaError(f"{msg.cxx_name}.{f.name}: default not supported for {f.elem}")


# ----------------------------------------------------------------------------- code emission


class Out:
    def __init__(self):
        self.lines = []

    def __call__(self, text="", indent=0):
        if text:
            self.lines.append("    " * indent + text)
        else:
            self.lines.append("")

    def text(self):
        return "\n".join(self.lines) + "\n"


def flexible_cond(msg):
    return msg.flexible.cond(msg.valid_lo, msg.valid_hi)


def positional(fields):
    return [f for f in fields if f.tag is None]


def tagged(fields):
    return sorted((f for f in fields if f.tag is not None), key=lambda f: f.tag)


def emit_struct_decl(o, s, msg, depth, top):
    ind = depth
    o(f"struct {s.name} {{", ind)
    for f in s.fields:
        if f.struct:
            emit_struct_decl(o, f.struct, msg, depth + 1, False)
            o()
    if top and msg.api:
        api = msg.api
        o(f'static constexpr std::string_view message_name = "{s.name}";', ind + 1)
        o(f"static constexpr int16_t key = {api.key};", ind + 1)
        o(f"static constexpr int16_t version_min = {msg.valid_lo};", ind + 1)
        o(f"static constexpr int16_t version_max = {msg.valid_hi};", ind + 1)
        flex = -1 if api.flexible.empty() else api.flexible.lo
        o(f"static constexpr int16_t flexible_version_min = {flex};  // -1: never flexible", ind + 1)
        o()
    for f in s.fields:
        d = default_cxx(f, msg)
        init = f" = {d};" if d is not None else "{};"
        o(f"{member_cxx(f, msg)} {f.name}{init}", ind + 1)
    o()
    o("void encode(writer& w, int16_t version) const;", ind + 1)
    o("result<void> decode_from(reader& r, int16_t version);", ind + 1)
    o("// The fewest bytes one encoding of this struct takes at `version`.", ind + 1)
    o("static size_t min_size(int16_t version) noexcept;", ind + 1)
    if top and msg.api:
        o("// Fails with unsupported_version outside [version_min, version_max].", ind + 1)
        o(f"static result<{s.name}> decode(reader& r, int16_t version);", ind + 1)
    o(f"bool operator==(const {s.name}&) const = default;", ind + 1)
    o("};", ind)


def wire_size_expr(f, compact):
    """min encoded size of one field (positional)."""
    if f.is_array:
        return f"({compact} ? 1 : 4)"
    if f.elem in INT_TYPES:
        return str(INT_TYPES[f.elem][1])
    if f.elem in FIXED_TYPES:
        return str(FIXED_TYPES[f.elem][1])
    if f.elem == "string":
        return f"({compact} ? 1 : 2)"
    return f"({compact} ? 1 : 4)"


def elem_min_size_expr(f, compact):
    if f.elem_is_struct():
        return f"{f.elem}::min_size(version)"
    if f.elem in INT_TYPES:
        return str(INT_TYPES[f.elem][1])
    if f.elem in FIXED_TYPES:
        return str(FIXED_TYPES[f.elem][1])
    if f.elem == "string":
        return f"({compact} ? 1 : 2)"
    return f"({compact} ? 1 : 4)"


def compact_of(f, flexible_var):
    return "false" if f.compact_never else flexible_var


def encode_variable(o, ind, expr, w, compact, nullable_expr, optional_member, kind, view):
    """A string or byte buffer. A null (std::nullopt) member cannot be sent in versions where
    the field is not nullable: there it goes out as empty."""
    if not optional_member:
        o(f"{w}.write_{kind}({expr}, {compact});", ind)
        return
    nullable_call = f"{w}.write_nullable_{kind}({expr}, {compact});"
    plain_call = f"{w}.write_{kind}({expr} ? {view}(*{expr}) : {view}(), {compact});"
    if nullable_expr == "true":
        o(nullable_call, ind)
    elif nullable_expr == "false":
        o(plain_call, ind)
    else:
        o(f"if ({nullable_expr}) {{", ind)
        o(nullable_call, ind + 1)
        o("} else {", ind)
        o(plain_call, ind + 1)
        o("}", ind)


def encode_scalar(o, ind, f, expr, w, compact, nullable_expr, optional_member):
    """Emits the encoding of one value (not an array) `expr` of field f's element type."""
    e = f.elem
    if e in INT_TYPES:
        o(f"{w}.write_int<{INT_TYPES[e][0]}>({expr});", ind)
    elif e == "bool":
        o(f"{w}.write_bool({expr});", ind)
    elif e == "float64":
        o(f"{w}.write_float64({expr});", ind)
    elif e == "uuid":
        o(f"{w}.write_uuid({expr});", ind)
    elif e == "string":
        encode_variable(o, ind, expr, w, compact, nullable_expr, optional_member, "string", "std::string_view")
    elif e in ("bytes", "records"):
        encode_variable(o, ind, expr, w, compact, nullable_expr, optional_member, "bytes", "bytes_view")
    else:
        o(f"{expr}.encode({w}, version);", ind)


def encode_field(o, ind, f, msg, w, compact, valid):
    lo, hi = valid
    nullable = f.nullable.cond(lo, hi)
    optional_member = nullable_anywhere(f, msg)
    if f.is_array:
        if optional_member:
            o(f"if (!{f.name}.has_value()) {{", ind)
            null_len = {"true": "-1", "false": "0"}.get(nullable, f"({nullable}) ? -1 : 0")
            o(f"{w}.write_array_length({null_len}, {compact});", ind + 1)
            o("} else {", ind)
            ref = f"(*{f.name})"
            inner = ind + 1
        else:
            ref = f.name
            inner = ind
        o(f"{w}.write_array_length(static_cast<int64_t>({ref}.size()), {compact});", inner)
        o(f"for (const auto& e : {ref}) {{", inner)
        encode_scalar(o, inner + 1, f, "e", w, compact, "false", False)
        o("}", inner)
        if optional_member:
            o("}", ind)
    else:
        encode_scalar(o, ind, f, f.name, w, compact, nullable, optional_member)


def decode_scalar(o, ind, f, target, r, compact, nullable_expr, optional_member):
    """Emits code reading one value of f's element type into `target` (an lvalue)."""
    e = f.elem
    if e in INT_TYPES:
        call = f"{r}.read_int<{INT_TYPES[e][0]}>()"
    elif e == "bool":
        call = f"{r}.read_bool()"
    elif e == "float64":
        call = f"{r}.read_float64()"
    elif e == "uuid":
        call = f"{r}.read_uuid()"
    elif e == "string":
        call = None
        kind = "string"
    elif e in ("bytes", "records"):
        call = None
        kind = "bytes"
    else:
        o(f"if (auto res = {target}.decode_from({r}, version); !res) {{", ind)
        o("return res.error();", ind + 1)
        o("}", ind)
        return
    if call is not None:
        o("{", ind)
        o(f"auto v = {call};", ind + 1)
        o("if (!v) {", ind + 1)
        o("return v.error();", ind + 2)
        o("}", ind + 1)
        o(f"{target} = *v;", ind + 1)
        o("}", ind)
        return
    if optional_member and nullable_expr != "false":
        o(f"if ({nullable_expr}) {{" if nullable_expr != "true" else "{", ind)
        o(f"auto v = {r}.read_nullable_{kind}({compact});", ind + 1)
        o("if (!v) {", ind + 1)
        o("return v.error();", ind + 2)
        o("}", ind + 1)
        o(f"{target} = std::move(*v);", ind + 1)
        if nullable_expr != "true":
            o("} else {", ind)
            o(f"auto v = {r}.read_{kind}({compact});", ind + 1)
            o("if (!v) {", ind + 1)
            o("return v.error();", ind + 2)
            o("}", ind + 1)
            o(f"{target} = std::move(*v);", ind + 1)
        o("}", ind)
    else:
        o("{", ind)
        o(f"auto v = {r}.read_{kind}({compact});", ind + 1)
        o("if (!v) {", ind + 1)
        o("return v.error();", ind + 2)
        o("}", ind + 1)
        o(f"{target} = std::move(*v);", ind + 1)
        o("}", ind)


def decode_field(o, ind, f, msg, r, compact, valid):
    lo, hi = valid
    nullable = f.nullable.cond(lo, hi)
    optional_member = nullable_anywhere(f, msg)
    if f.is_array:
        nullable_arg = "false" if nullable == "false" else ("true" if nullable == "true" else f"({nullable})")
        o("{", ind)
        o(f"auto n = {r}.read_array_length({compact}, {nullable_arg}, {elem_min_size_expr(f, compact)});", ind + 1)
        o("if (!n) {", ind + 1)
        o("return n.error();", ind + 2)
        o("}", ind + 1)
        if optional_member:
            o("if (*n < 0) {", ind + 1)
            o(f"{f.name}.reset();", ind + 2)
            o("} else {", ind + 1)
            o(f"auto& vec = {f.name}.emplace();", ind + 2)
        else:
            o("{", ind + 1)
            o(f"auto& vec = {f.name};", ind + 2)
            o("vec.clear();", ind + 2)
        o("vec.reserve(static_cast<size_t>(*n));", ind + 2)
        o("for (int32_t i = 0; i < *n; ++i) {", ind + 2)
        o("auto& e = vec.emplace_back();", ind + 3)
        decode_scalar(o, ind + 3, f, "e", r, compact, "false", False)
        o("}", ind + 2)
        o("}", ind + 1)
        o("}", ind)
    else:
        decode_scalar(o, ind, f, f.name, r, compact, nullable, optional_member)


def is_default_expr(f, msg):
    """C++ expression: true when tagged field f holds its default (and is then not sent)."""
    if f.is_array or nullable_anywhere(f, msg):
        if nullable_anywhere(f, msg):
            return f"!{f.name}.has_value()"
        return f"{f.name}.empty()"
    if f.elem in ("string", "bytes", "records"):
        d = default_cxx(f, msg)
        return f"{f.name}.empty()" if d is None else f"{f.name} == {d}"
    d = default_cxx(f, msg)
    if d is None:
        d = {"bool": "false", "uuid": "uuid{}"}.get(f.elem, "0")
    return f"{f.name} == {d}"


def emit_positional(o, s, valid, emit):
    """Calls emit(indent, field, compact) for each positional field that exists in some
    version of `valid`, wrapped in its version condition unless it holds in all of them."""
    for f in positional(s.fields):
        cond = f.versions.cond(*valid)
        if cond == "false":
            continue
        compact = compact_of(f, "flexible")
        if cond == "true":
            emit(1, f, compact)
        else:
            o(f"if ({cond}) {{", 1)
            emit(2, f, compact)
            o("}", 1)


def emit_struct_defs(o, s, msg, qual):
    name = f"{qual}{s.name}"
    for f in s.fields:
        if f.struct:
            emit_struct_defs(o, f.struct, msg, f"{name}::")
    valid = (msg.valid_lo, msg.valid_hi)
    flex = flexible_cond(msg)

    # min_size
    o(f"size_t {name}::min_size([[maybe_unused]] int16_t version) noexcept {{")
    o(f"[[maybe_unused]] const bool flexible = {flex};", 1)
    o("size_t n = 0;", 1)
    emit_positional(o, s, valid, lambda ind, f, compact: o(f"n += {wire_size_expr(f, compact)};", ind))
    if flex != "false":
        o("if (flexible) {", 1)
        o("n += 1;  // empty tag buffer", 2)
        o("}", 1)
    o("return n;", 1)
    o("}")
    o()

    # encode
    o(f"void {name}::encode([[maybe_unused]] writer& w, [[maybe_unused]] int16_t version) const {{")
    if qual == "" and msg.api:
        o("FJORD_ASSERT(version >= version_min && version <= version_max, "
          f'"{s.name} version {{}} outside {{}}-{{}}", version, version_min, version_max);', 1)
    o(f"[[maybe_unused]] const bool flexible = {flex};", 1)
    emit_positional(o, s, valid, lambda ind, f, compact: encode_field(o, ind, f, msg, "w", compact, valid))
    if flex != "false":
        o("if (flexible) {", 1)
        tfs = [f for f in tagged(s.fields) if f.versions.cond(*valid) != "false"]
        o("uint32_t tag_count = 0;", 2)
        for f in tfs:
            o(f"const bool send_{f.name} = ({f.versions.cond(*valid)}) && !({is_default_expr(f, msg)});", 2)
            o(f"tag_count += send_{f.name} ? 1 : 0;", 2)
        o("w.write_uvarint(tag_count);", 2)
        for f in tfs:
            o(f"if (send_{f.name}) {{", 2)
            o("writer tw;", 3)
            encode_field(o, 3, f, msg, "tw", "true", valid)
            o(f"w.write_uvarint({f.tag});", 3)
            o("w.write_uvarint(static_cast<uint32_t>(tw.size()));", 3)
            o("w.write_raw(tw.view());", 3)
            o("}", 2)
        o("}", 1)
    o("}")
    o()

    # decode_from
    o(f"result<void> {name}::decode_from([[maybe_unused]] reader& r, [[maybe_unused]] int16_t version) {{")
    o(f"[[maybe_unused]] const bool flexible = {flex};", 1)
    emit_positional(o, s, valid, lambda ind, f, compact: decode_field(o, ind, f, msg, "r", compact, valid))
    if flex != "false":
        o("if (flexible) {", 1)
        o("auto ntags = r.read_tag_count();", 2)
        o("if (!ntags) {", 2)
        o("return ntags.error();", 3)
        o("}", 2)
        o("int64_t previous_tag = -1;", 2)
        o("for (uint32_t i = 0; i < *ntags; ++i) {", 2)
        o("auto tag = r.read_uvarint();", 3)
        o("if (!tag) {", 3)
        o("return tag.error();", 4)
        o("}", 3)
        o("if (static_cast<int64_t>(*tag) <= previous_tag) {", 3)
        o("return errc::invalid_tagged_field;", 4)
        o("}", 3)
        o("previous_tag = *tag;", 3)
        o("auto size = r.read_uvarint();", 3)
        o("if (!size) {", 3)
        o("return size.error();", 4)
        o("}", 3)
        o("auto sub = r.read_sub(*size);", 3)
        o("if (!sub) {", 3)
        o("return sub.error();", 4)
        o("}", 3)
        tfs = [f for f in tagged(s.fields) if f.versions.cond(*valid) != "false"]
        if tfs:
            o("[[maybe_unused]] reader& tr = *sub;", 3)
            o("switch (*tag) {", 3)
            for f in tfs:
                o(f"case {f.tag}:", 4)
                o(f"if ({f.versions.cond(*valid)}) {{", 5)
                decode_field(o, 6, f, msg, "tr", "true", valid)
                o("if (tr.remaining() != 0) {", 6)
                o("return errc::invalid_tagged_field;", 7)
                o("}", 6)
                o("}", 5)
                o("break;", 5)
            o("default:", 4)
            o("break;  // unknown tag: skipped (its bytes are already consumed)", 5)
            o("}", 3)
        o("}", 2)
        o("}", 1)
    o("return ok();", 1)
    o("}")
    o()


def emit_message_header(msgs, guard_comment, includes=()):
    o = Out()
    o(f"// Generated by broker/kafka/protocol/gen/generate.py from {guard_comment}. Do not edit.")
    o("#pragma once")
    o()
    for inc in ["<cstddef>", "<cstdint>", "<limits>", "<optional>", "<string>", "<string_view>", "<vector>"]:
        o(f"#include {inc}")
    o()
    o('#include "base/bytes.h"')
    o('#include "base/result.h"')
    o('#include "kafka/protocol/reader.h"')
    o('#include "kafka/protocol/types.h"')
    o('#include "kafka/protocol/writer.h"')
    for inc in includes:
        o(f'#include "{inc}"')
    o()
    o("namespace fjord::kafka {")
    o()
    for m in msgs:
        emit_struct_decl(o, m.struct, m, 0, True)
        o()
    o("}  // namespace fjord::kafka")
    return o.text()


def emit_message_source(msgs, header_name, source):
    o = Out()
    o(f"// Generated by broker/kafka/protocol/gen/generate.py from {source}. Do not edit.")
    o(f'#include "kafka/protocol/{header_name}"')
    o()
    o('#include "base/assert.h"')
    o('#include "kafka/protocol/errc.h"')
    o()
    o("namespace fjord::kafka {")
    o()
    for m in msgs:
        emit_struct_defs(o, m.struct, m, "")
        if m.api:
            n = m.cxx_name
            o(f"result<{n}> {n}::decode(reader& r, int16_t version) {{")
            o("if (version < version_min || version > version_max) {", 1)
            o("return errc::unsupported_version;", 2)
            o("}", 1)
            o(f"{n} m;", 1)
            o("if (auto res = m.decode_from(r, version); !res) {", 1)
            o("return res.error();", 2)
            o("}", 1)
            o("return m;", 1)
            o("}")
            o()
    o("}  // namespace fjord::kafka")
    return o.text()


def emit_api_table(apis):
    o = Out()
    o("// Generated by broker/kafka/protocol/gen/generate.py from schema/*.schema. Do not edit.")
    o("// The APIs and version ranges this codec serves: the single source for ApiVersions.")
    o("#pragma once")
    o()
    o("#include <array>")
    o("#include <cstdint>")
    o("#include <string_view>")
    o()
    o("namespace fjord::kafka {")
    o()
    o("struct api_info {")
    o("int16_t key;", 1)
    o("std::string_view name;", 1)
    o("int16_t version_min;", 1)
    o("int16_t version_max;", 1)
    o("// Kafka's first flexible version of this API (may be above version_max, which matters", 1)
    o("// for parsing the header of a request newer than we serve); -1 if never flexible.", 1)
    o("int16_t flexible_version_min;", 1)
    o("};", 0)
    o()
    o("// Sorted by key.")
    o(f"inline constexpr std::array<api_info, {len(apis)}> api_table{{{{")
    for a in sorted(apis, key=lambda a: a.key):
        flex = -1 if a.flexible.empty() else a.flexible.lo
        o(f'{{{a.key}, "{a.name}", {a.valid_lo}, {a.valid_hi}, {flex}}},', 1)
    o("}};")
    o()
    o("// The entry for `key`, or nullptr if we do not serve that API.")
    o("constexpr const api_info* find_api(int16_t key) noexcept {")
    o("for (const auto& a : api_table) {", 1)
    o("if (a.key == key) {", 2)
    o("return &a;", 3)
    o("}", 2)
    o("}", 1)
    o("return nullptr;", 1)
    o("}")
    o()
    o("}  // namespace fjord::kafka")
    return o.text()


def emit_requests(apis):
    apis = sorted(apis, key=lambda a: a.key)
    h = Out()
    h("// Generated by broker/kafka/protocol/gen/generate.py from schema/*.schema. Do not edit.")
    h("// Every request and response type, as std::variants, and dispatch by API key.")
    h("#pragma once")
    h()
    h("#include <cstdint>")
    h("#include <variant>")
    h()
    h('#include "base/result.h"')
    for a in apis:
        h(f'#include "kafka/protocol/{a.name}.h"')
    h('#include "kafka/protocol/reader.h"')
    h('#include "kafka/protocol/writer.h"')
    h()
    h("namespace fjord::kafka {")
    h()
    h("using request = std::variant<")
    for i, a in enumerate(apis):
        h(f"{a.name}_request{',' if i + 1 < len(apis) else '>;'}", 1)
    h()
    h("using response = std::variant<")
    for i, a in enumerate(apis):
        h(f"{a.name}_response{',' if i + 1 < len(apis) else '>;'}", 1)
    h()
    h("// Decodes a request body of API `api_key` at `version`. Errors: unknown_api,")
    h("// unsupported_version, or whatever the body decoder reports.")
    h("result<request> decode_request(int16_t api_key, int16_t version, reader& r);")
    h("result<response> decode_response(int16_t api_key, int16_t version, reader& r);")
    h()
    h("// Encodes the body held by `body`; `version` must be within its API's range.")
    h("void encode(writer& w, const request& body, int16_t version);")
    h("void encode(writer& w, const response& body, int16_t version);")
    h()
    h("// The API key of the message held.")
    h("int16_t api_key_of(const request& body) noexcept;")
    h("int16_t api_key_of(const response& body) noexcept;")
    h()
    h("}  // namespace fjord::kafka")

    c = Out()
    c("// Generated by broker/kafka/protocol/gen/generate.py from schema/*.schema. Do not edit.")
    c('#include "kafka/protocol/requests.h"')
    c()
    c('#include "kafka/protocol/errc.h"')
    c()
    c("namespace fjord::kafka {")
    c()
    for kind in ("request", "response"):
        c(f"result<{kind}> decode_{kind}(int16_t api_key, int16_t version, reader& r) {{")
        c("switch (api_key) {", 1)
        for a in apis:
            t = f"{a.name}_{kind}"
            c(f"case {t}::key: {{", 2)
            c(f"auto m = {t}::decode(r, version);", 3)
            c("if (!m) {", 3)
            c("return m.error();", 4)
            c("}", 3)
            c(f"return {kind}{{std::move(*m)}};", 3)
            c("}", 2)
        c("default:", 2)
        c("return errc::unknown_api;", 3)
        c("}", 1)
        c("}")
        c()
        c(f"void encode(writer& w, const {kind}& body, int16_t version) {{")
        c("std::visit([&](const auto& m) { m.encode(w, version); }, body);", 1)
        c("}")
        c()
        c(f"int16_t api_key_of(const {kind}& body) noexcept {{")
        c("return std::visit([](const auto& m) { return std::decay_t<decltype(m)>::key; }, body);", 1)
        c("}")
        c()
    c("}  // namespace fjord::kafka")
    return h.text(), c.text()


# ----------------------------------------------------------------------------- test samples


def sample_value(f, idx, seed_expr):
    e = f.elem
    if e in INT_TYPES:
        return f"static_cast<{INT_TYPES[e][0]}>({seed_expr} * 7 + {idx + 3})"
    if e == "bool":
        d = f.default or "false"
        return "false" if d == "true" else "true"
    if e == "float64":
        return f"({seed_expr} + 0.5)"
    if e == "uuid":
        return f"sample_uuid({seed_expr} + {idx})"
    if e == "string":
        return f'std::string("{f.name}-") + std::to_string({seed_expr})'
    if e in ("bytes", "records"):
        return f"sample_bytes({seed_expr} + {idx})"
    raise AssertionError(e)


def emit_sample_fill(o, s, msg, qual):
    name = f"{qual}{s.name}"
    for f in s.fields:
        if f.struct:
            emit_sample_fill(o, f.struct, msg, f"{name}::")
    valid = (msg.valid_lo, msg.valid_hi)
    o(f"inline void fill_sample({name}& m, [[maybe_unused]] int16_t version, [[maybe_unused]] int seed) {{")
    for idx, f in enumerate(s.fields):
        cond = f.versions.cond(*valid)
        if cond == "false":
            continue
        o(f"if ({cond}) {{", 1)
        optional_member = nullable_anywhere(f, msg)
        nullable = f.nullable.cond(*valid)
        if optional_member and nullable != "false":
            o(f"if (({nullable}) && seed % 3 == 2) {{", 2)
            o(f"m.{f.name}.reset();", 3)
            o("} else {", 2)
            ind = 3
        else:
            ind = 2
        if f.is_array:
            target = f"m.{f.name}.emplace()" if optional_member else f"m.{f.name}"
            o(f"auto& vec = {target};", ind)
            o("vec.clear();", ind)
            o("for (int i = 0; i < 2; ++i) {", ind)
            if f.elem_is_struct():
                o("auto& e = vec.emplace_back();", ind + 1)
                o("fill_sample(e, version, seed + i + 1);", ind + 1)
            else:
                o(f"vec.push_back({sample_value(f, idx, 'seed + i')});", ind + 1)
            o("}", ind)
        else:
            o(f"m.{f.name} = {sample_value(f, idx, 'seed')};", ind)
        if optional_member and nullable != "false":
            o("}", 2)
        o("}", 1)
    o("}")
    o()


def emit_samples(apis, headers):
    o = Out()
    o("// Generated by broker/kafka/protocol/gen/generate.py from schema/*.schema. Do not edit.")
    o("// Test support: fill_sample(m, version, seed) sets every field present at `version` to a")
    o("// value other than its default (nullable fields are null when seed % 3 == 2), so round")
    o("// trips exercise every field. Not part of the codec library.")
    o("#pragma once")
    o()
    o("#include <string>")
    o("#include <tuple>")
    o()
    o('#include "kafka/protocol/headers.h"')
    o('#include "kafka/protocol/requests.h"')
    o()
    o("namespace fjord::kafka::testing {")
    o()
    o("inline bytes sample_bytes(int seed) {")
    o("bytes b;", 1)
    o("for (int i = 0; i < 3 + seed % 5; ++i) {", 1)
    o("b.push_back(static_cast<std::byte>(seed * 13 + i));", 2)
    o("}", 1)
    o("return b;", 1)
    o("}")
    o()
    o("inline uuid sample_uuid(int seed) {")
    o("uuid u;", 1)
    o("for (size_t i = 0; i < u.bytes.size(); ++i) {", 1)
    o("u.bytes[i] = static_cast<uint8_t>(seed + static_cast<int>(i) + 1);", 2)
    o("}", 1)
    o("return u;", 1)
    o("}")
    o()
    msgs = list(headers)
    for a in sorted(apis, key=lambda a: a.key):
        msgs += [a.request, a.response]
    for m in msgs:
        emit_sample_fill(o, m.struct, m, "")
    o("// Every API message type, requests and responses.")
    names = []
    for a in sorted(apis, key=lambda a: a.key):
        names += [f"{a.name}_request", f"{a.name}_response"]
    o("using all_messages = std::tuple<")
    for i, n in enumerate(names):
        o(f"{n}{',' if i + 1 < len(names) else '>;'}", 1)
    o()
    o("}  // namespace fjord::kafka::testing")
    return o.text()


# ----------------------------------------------------------------------------- main


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory (…/kafka/protocol)")
    ap.add_argument("--list-outputs", action="store_true", help="print output file names and exit")
    ap.add_argument("schemas", nargs="+")
    args = ap.parse_args()

    apis, headers = [], []
    try:
        for path in sorted(args.schemas):
            a, h = parse_schema(path)
            apis += a
            headers += h
        keys = set()
        for a in apis:
            if a.key in keys:
                raise SchemaError(f"api key {a.key} declared twice")
            keys.add(a.key)
            if a.schema_file != f"{a.name}.schema":
                raise SchemaError(f"api {a.name} must be declared in schema/{a.name}.schema "
                                  f"(CMake derives the output names from the file names)")
            if a.request is None or a.response is None:
                raise SchemaError(f"api {a.name}: needs both a request and a response block")
            build_structs(a.request)
            build_structs(a.response)
        for h in headers:
            build_structs(h)
        if sorted(h.cxx_name for h in headers) != ["request_header", "response_header"]:
            raise SchemaError("expected exactly request_header and response_header")

        outputs = {}
        for a in apis:
            outputs[f"{a.name}.h"] = emit_message_header([a.request, a.response], f"schema/{a.schema_file}")
            outputs[f"{a.name}.cc"] = emit_message_source([a.request, a.response], f"{a.name}.h",
                                                          f"schema/{a.schema_file}")
        headers = sorted(headers, key=lambda h: h.cxx_name)
        outputs["headers.h"] = emit_message_header(headers, "schema/headers.schema")
        outputs["headers.cc"] = emit_message_source(headers, "headers.h", "schema/headers.schema")
        outputs["api_table.h"] = emit_api_table(apis)
        outputs["requests.h"], outputs["requests.cc"] = emit_requests(apis)
        outputs["samples.h"] = emit_samples(apis, headers)
    except SchemaError as e:
        print(f"generate.py: {e}", file=sys.stderr)
        return 1

    if args.list_outputs:
        print("\n".join(sorted(outputs)))
        return 0
    os.makedirs(args.out, exist_ok=True)
    for name, text in outputs.items():
        write_file(os.path.join(args.out, name), text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
